package metrics_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/monitoring/dashboards"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
)

var awsSeries = regexp.MustCompile(`\baws_[a-z0-9_]+`)

// TestCloudWatchSeriesAreExported: every aws_* series a rule or dashboard reads is one the
// CloudWatch exporter exports, as the exporter itself loads the rendered config and names its series
// (cloudwatch_test.go); it reads the dashboards too, so it sits outside package metrics.
func TestCloudWatchSeriesAreExported(t *testing.T) {
	p := metrics.TestParams()
	exported := metrics.YACESeries(t, "cn-north-1", p.FindingRules)
	var exprs []string
	for _, o := range metrics.RuleObjects(p) {
		for _, g := range o.Groups {
			for _, r := range g.Rules {
				exprs = append(exprs, r.Expr.String())
			}
		}
	}
	for _, d := range dashboards.Specs(p, config.DefaultServices()) {
		exprs = append(exprs, d.Queries()...)
	}
	used := map[string]bool{}
	for _, e := range exprs {
		for _, name := range awsSeries.FindAllString(e, -1) {
			used[name] = true
			assert.True(t, exported[name], "%s is read but not exported by the CloudWatch exporter", name)
		}
	}
	assert.True(t, used["aws_events_triggered_rules_sum"], "the finding alert reads the exporter's series")
	assert.Greater(t, len(used), 5)
}
