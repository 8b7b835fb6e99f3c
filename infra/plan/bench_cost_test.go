package plan_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/cost"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
	"github.com/suoke-life/suoke-platform/infra/report"
)

// BenchmarkPlanStack is the mock run of each stack besides prod (BenchmarkPlanProd): config, mock run
// and recording.
func BenchmarkPlanStack(b *testing.B) {
	for _, stack := range []string{"staging", "prod-dr"} {
		b.Run(stack, func(b *testing.B) {
			sc, err := plan.LoadStackConfig("../..", stack)
			if err != nil {
				b.Fatal(err)
			}
			benchRecord(b, sc)
		})
	}
}

// scaledServices returns prod's config with the default service list repeated n times (names and
// ports made unique), for the growth benchmarks.
func scaledServices(b *testing.B, n int) *plan.StackConfig {
	sc, err := plan.LoadStackConfig("../..", "prod")
	if err != nil {
		b.Fatal(err)
	}
	var svcs []map[string]any
	for i := 0; i < n; i++ {
		for _, s := range config.DefaultServices() {
			name := s.Name
			if i > 0 {
				name = fmt.Sprintf("%s-%d", s.Name, i)
			}
			svcs = append(svcs, map[string]any{config.FieldName: name, config.FieldTier: string(s.Tier), config.FieldSLO: string(s.SLO),
				config.FieldPort: s.Port + 100*i, config.FieldDatabase: s.Database, config.FieldCacheUse: s.Cache})
		}
	}
	raw, err := json.Marshal(svcs)
	if err != nil {
		b.Fatal(err)
	}
	values := map[string]string{}
	for k, v := range sc.Values {
		values[k] = v
	}
	values[config.Namespace+":"+config.KeyServices] = string(raw)
	scaled := *sc
	scaled.Values = values
	return &scaled
}

var growth = []int{1, 4, 16}

// BenchmarkPlanServices is the whole offline plan (mock run, policies, report with cost and deploy
// estimate) as the service list grows to 4× and 16× the nine default services: the time per resource
// should stay flat (linear growth).
func BenchmarkPlanServices(b *testing.B) {
	for _, n := range growth {
		b.Run(fmt.Sprintf("x%d", n), func(b *testing.B) {
			sc := scaledServices(b, n)
			b.ReportAllocs()
			resources := 0
			for b.Loop() {
				g, err := plan.RecordConfig(sc)
				if err != nil {
					b.Fatal(err)
				}
				doc := report.Build(g, policy.Evaluate(g))
				resources = len(doc.Resources)
			}
			b.ReportMetric(float64(resources), "resources")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(resources, 1)), "ns/resource")
		})
	}
}

// BenchmarkCostServices is the cost and deploy estimates alone over the recorded graphs of the same
// growing service lists: what infra/cost adds to a plan, and to a real run's outputs.
func BenchmarkCostServices(b *testing.B) {
	for _, n := range growth {
		b.Run(fmt.Sprintf("x%d", n), func(b *testing.B) {
			g, err := plan.RecordConfig(scaledServices(b, n))
			if err != nil {
				b.Fatal(err)
			}
			descs := report.Descriptions(g.Resources)
			params, err := cost.ParamsFor(g.Region, g.Config.Cost)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				cost.Estimate(descs, params)
				cost.EstimateDeploy(descs)
			}
			b.ReportMetric(float64(len(descs)), "resources")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(descs)), "ns/resource")
		})
	}
}

func benchRecord(b *testing.B, sc *plan.StackConfig) {
	b.ReportAllocs()
	resources := 0
	for b.Loop() {
		g, err := plan.RecordConfig(sc)
		if err != nil {
			b.Fatal(err)
		}
		resources = len(g.Resources)
	}
	b.ReportMetric(float64(resources), "resources")
}
