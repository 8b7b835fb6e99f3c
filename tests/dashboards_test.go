package tests

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	promds "github.com/grafana/grafana-foundation-sdk/go/prometheus"
	tempods "github.com/grafana/grafana-foundation-sdk/go/tempo"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// The dashboards are read here as Grafana reads them: the ConfigMaps Grafana's dashboard sidecar
// picks up (by the label, value and namespace the stack's values give the sidecar), each JSON file
// decoded strictly with the Grafana Foundation SDK's dashboard model (the upstream schema: an
// unknown or mistyped field fails), and each panel's queries run against the datasource Grafana would
// use. They replace a test that counted each dashboard's panels against the program's own list.

// grafanaVars replaces Grafana's built-in interval variables with values PromQL accepts, as Grafana
// does before it sends a query.
var grafanaVars = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$__range", "6h")

// datasource is one Grafana provisions.
type datasource struct{ uid, typ string }

// provisionedDatasources are the datasources the kube-prometheus-stack release gives Grafana, and
// the default one (what a panel without a datasource uses). Chart facts
// (prometheus-community/helm-charts charts/kube-prometheus-stack values.yaml and
// templates/grafana/configmaps-datasources.yaml): with grafana.sidecar.datasources.enabled, the chart
// writes a Prometheus datasource unless defaultDatasourceEnabled is false, uid
// sidecar.datasources.uid (default "prometheus"), the default datasource unless isDefaultDatasource
// is false; grafana.additionalDataSources are added as written.
func provisionedDatasources(g *plan.Graph) (map[string]datasource, string) {
	out := map[string]datasource{}
	def := ""
	v, ok := releaseValues(g, "kube-prometheus-stack")
	if !ok {
		return out, def
	}
	sc := asMap(dotted(v, "grafana.sidecar.datasources"))
	if sc["enabled"] == true && sc["defaultDatasourceEnabled"] != false {
		uid, _ := sc["uid"].(string)
		if uid == "" {
			uid = "prometheus"
		}
		out[uid] = datasource{uid, "prometheus"}
		if sc["isDefaultDatasource"] != false {
			def = uid
		}
	}
	for _, a := range asList(dotted(v, "grafana.additionalDataSources")) {
		m := asMap(a)
		uid, _ := m["uid"].(string)
		typ, _ := m["type"].(string)
		out[uid] = datasource{uid, typ}
		if m["isDefault"] == true {
			def = uid
		}
	}
	return out, def
}

// renderedDashboards are the dashboard files Grafana's sidecar loads: ConfigMaps with the sidecar's
// label and value (grafana chart values.yaml: sidecar.dashboards.label, labelValue) in its search
// namespace (searchNamespace; "ALL" for every namespace), file name → JSON.
func renderedDashboards(g *plan.Graph) map[string]string {
	out := map[string]string{}
	v, ok := releaseValues(g, "kube-prometheus-stack")
	if !ok {
		return out
	}
	sc := asMap(dotted(v, "grafana.sidecar.dashboards"))
	label, _ := sc["label"].(string)
	value, _ := sc["labelValue"].(string)
	ns, _ := sc["searchNamespace"].(string)
	for _, r := range g.Resources {
		md := asMap(r.Inputs["metadata"])
		if r.Type != "kubernetes:core/v1:ConfigMap" || (ns != "ALL" && md["namespace"] != ns) || asMap(md["labels"])[label] != value {
			continue
		}
		for file, js := range asMap(r.Inputs["data"]) {
			if strings.HasSuffix(file, ".json") {
				out[fmt.Sprint(md["namespace"], "/", file)] = fmt.Sprint(js)
			}
		}
	}
	return out
}

// recordedSeries are the series the graph's recording rules write.
func recordedSeries(g *plan.Graph) map[string]bool {
	out := map[string]bool{}
	for _, r := range g.Resources {
		if r.Type != "kubernetes:monitoring.coreos.com/v1:PrometheusRule" {
			continue
		}
		for _, gr := range asList(asMap(r.Inputs["spec"])["groups"]) {
			for _, rr := range asList(asMap(gr)["rules"]) {
				if rec, ok := asMap(rr)["record"].(string); ok {
					out[rec] = true
				}
			}
		}
	}
	return out
}

// metricProblem says why a metric a query reads has no series: nothing records it and no source in
// metricSources (metric_sources_test.go) that the graph deploys produces it.
func metricProblem(g *plan.Graph, recorded map[string]bool, m string) string {
	if recorded[m] {
		return ""
	}
	for _, s := range metricSources {
		if slices.ContainsFunc(s.prefixes, func(p string) bool { return strings.HasPrefix(m, p) }) {
			if !s.ok(g) {
				return m + ": " + s.what + " is not in the plan"
			}
			return ""
		}
	}
	return m + ": no known source"
}

// dashboardProblems checks every dashboard Grafana's sidecar loads from the graph.
func dashboardProblems(g *plan.Graph) []string {
	plugins.RegisterDefaultPlugins()
	sources, def := provisionedDatasources(g)
	recorded := recordedSeries(g)
	var out []string
	files := renderedDashboards(g)
	if len(files) == 0 {
		return []string{"Grafana's sidecar finds no dashboard"}
	}
	uids := map[string]string{}
	for _, file := range slices.Sorted(maps.Keys(files)) {
		var d dashboard.Dashboard
		if err := strictErr(d.UnmarshalJSONStrict([]byte(files[file]))); err != nil {
			out = append(out, fmt.Sprintf("%s: Grafana's dashboard schema refuses it: %v", file, err))
			continue
		}
		// The strict decoders validate but, through the same empty error, leave nested values unset
		// (PanelOrRowPanel.UnmarshalJSONStrict keeps no panel): read the accepted JSON with the
		// SDK's ordinary decoder.
		d = dashboard.Dashboard{}
		if err := json.Unmarshal([]byte(files[file]), &d); err != nil {
			out = append(out, fmt.Sprintf("%s: %v", file, err))
			continue
		}
		// Grafana identifies a dashboard by uid: a second file with the same uid replaces the first.
		if d.Uid == nil || *d.Uid == "" {
			out = append(out, file+": no uid")
		} else if other, ok := uids[*d.Uid]; ok {
			out = append(out, fmt.Sprintf("%s: uid %s is also %s's", file, *d.Uid, other))
		} else {
			uids[*d.Uid] = file
		}
		var raw struct {
			Panels []struct {
				Targets []json.RawMessage `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal([]byte(files[file]), &raw); err != nil || len(raw.Panels) != len(d.Panels) {
			out = append(out, fmt.Sprintf("%s: panels unreadable (%v)", file, err))
			continue
		}
		if len(d.Panels) == 0 {
			out = append(out, file+": no panels")
		}
		for i, pr := range d.Panels {
			if pr.Panel == nil {
				continue // a row holds no query
			}
			p := pr.Panel
			where := fmt.Sprintf("%s panel %q", file, deref(p.Title))
			if len(raw.Panels[i].Targets) == 0 {
				out = append(out, where+": no query")
			}
			// A panel without a datasource uses Grafana's default one.
			ds, problem := resolve(p.Datasource, sources, def)
			if problem != "" {
				out = append(out, where+": "+problem)
				continue
			}
			for _, t := range raw.Panels[i].Targets {
				var ref struct {
					Datasource *common.DataSourceRef `json:"datasource"`
				}
				_ = json.Unmarshal(t, &ref)
				tds := ds
				if ref.Datasource != nil {
					if tds, problem = resolve(ref.Datasource, sources, def); problem != "" {
						out = append(out, where+": "+problem)
						continue
					}
				}
				// The query in the schema of the datasource that runs it (strict).
				decode, ok := strictQuery[tds.typ]
				if !ok {
					out = append(out, fmt.Sprintf("%s: a query on datasource %s of type %s, which this test cannot read", where, tds.uid, tds.typ))
					continue
				}
				q, err := decode(t)
				if err != nil {
					out = append(out, fmt.Sprintf("%s: not a %s query: %v", where, tds.typ, err))
					continue
				}
				pq, ok := q.(*promds.Dataquery)
				if !ok {
					out = append(out, fmt.Sprintf("%s: a %T on datasource %s, where only PromQL is expected", where, q, tds.uid))
					continue
				}
				expr := grafanaVars.Replace(pq.Expr)
				if strings.Contains(expr, "$") {
					out = append(out, fmt.Sprintf("%s: a variable Grafana does not define in %s", where, pq.Expr))
					continue
				}
				e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
				if err != nil {
					out = append(out, fmt.Sprintf("%s: PromQL refuses %s: %v", where, pq.Expr, err))
					continue
				}
				parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
					if vs, ok := n.(*parser.VectorSelector); ok && vs.Name != "" {
						if m := metricProblem(g, recorded, vs.Name); m != "" {
							out = append(out, where+": "+m)
						}
					}
					return nil
				})
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// strictErr works around grafana-foundation-sdk go v0.0.22's strict decoders, which end in
// `return errs` with errs a nil cog.BuildErrors (e.g. dashboard/types_gen.go,
// Dashboard.UnmarshalJSONStrict): the error is non-nil and empty when the input is accepted. An
// empty BuildErrors is no error; anything else is.
func strictErr(err error) error {
	var be cog.BuildErrors
	if errors.As(err, &be) && len(be) == 0 {
		return nil
	}
	return err
}

// strictQuery decodes a target in the query model of a datasource type, strictly (the SDK's own
// cog.StrictUnmarshalDataquery cannot be used: it returns the decoders' empty error as a failure).
var strictQuery = map[string]func(raw []byte) (any, error){
	"prometheus": func(raw []byte) (any, error) {
		q := &promds.Dataquery{}
		return q, strictErr(q.UnmarshalJSONStrict(raw))
	},
	"tempo": func(raw []byte) (any, error) {
		q := &tempods.Dataquery{}
		return q, strictErr(q.UnmarshalJSONStrict(raw))
	},
}

// resolve is the datasource a reference names (nil: Grafana's default).
func resolve(ref *common.DataSourceRef, sources map[string]datasource, def string) (datasource, string) {
	if ref == nil || ref.Uid == nil {
		if ref != nil && ref.Type != nil {
			return datasource{}, "a datasource reference by type only"
		}
		ds, ok := sources[def]
		if !ok {
			return datasource{}, "no datasource given and Grafana has no default datasource"
		}
		return ds, ""
	}
	ds, ok := sources[*ref.Uid]
	if !ok {
		return datasource{}, fmt.Sprintf("datasource %s is not one Grafana is given", *ref.Uid)
	}
	if ref.Type != nil && *ref.Type != ds.typ {
		return datasource{}, fmt.Sprintf("datasource %s is a %s, not a %s", ds.uid, ds.typ, *ref.Type)
	}
	return ds, ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestEveryDashboardLoadsAndHasData: on every stack, every dashboard Grafana's sidecar loads is one
// Grafana's dashboard schema accepts, with a unique uid, whose every query runs on a datasource
// Grafana is given, parses as PromQL, and reads only series something in the stack produces.
func TestEveryDashboardLoadsAndHasData(t *testing.T) {
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			g, _ := record(t, s)
			require.GreaterOrEqual(t, len(renderedDashboards(g)), 10, "the plan promises 10+ dashboards")
			assert.Empty(t, dashboardProblems(g))
		})
	}
}

// TestDashboardProblemsAreCaught breaks prod's rendered dashboards and their datasources one way at
// a time, on copies of the recorded graph.
func TestDashboardProblemsAreCaught(t *testing.T) {
	g, _ := record(t, "prod")
	require.Empty(t, dashboardProblems(g))
	isDashboard := func(uid string) func(*plan.Resource) bool {
		return func(r *plan.Resource) bool {
			_, ok := asMap(r.Inputs["data"])[uid+".json"]
			return r.Type == "kubernetes:core/v1:ConfigMap" && ok
		}
	}
	// editJSON edits the dashboard JSON of a ConfigMap as a generic document.
	editJSON := func(uid string, edit func(d map[string]any)) func(map[string]any) {
		return func(in map[string]any) {
			var d map[string]any
			require.NoError(t, json.Unmarshal([]byte(asMap(in["data"])[uid+".json"].(string)), &d))
			edit(d)
			b, err := json.Marshal(d)
			require.NoError(t, err)
			in["data"] = map[string]any{uid + ".json": string(b)}
		}
	}
	firstPanel := func(d map[string]any) map[string]any { return d["panels"].([]any)[0].(map[string]any) }
	firstTarget := func(d map[string]any) map[string]any { return firstPanel(d)["targets"].([]any)[0].(map[string]any) }
	kps := func(r *plan.Resource) bool {
		return r.Type == typeHelmRelease && chartName(*r) == "kube-prometheus-stack"
	}
	grafanaValues := func(edit func(grafana map[string]any)) func(map[string]any) {
		return func(in map[string]any) {
			v := copyMap(asMap(in["values"]))
			gr := copyMap(asMap(v["grafana"]))
			edit(gr)
			v["grafana"] = gr
			in["values"] = v
		}
	}
	cases := []struct {
		name string
		g    *plan.Graph
		want string
	}{
		{"a panel on a datasource nobody provisions", mutated(g, "kubernetes:core/v1:ConfigMap", isDashboard("suoke-redis"), editJSON("suoke-redis", func(d map[string]any) {
			firstPanel(d)["datasource"] = map[string]any{"uid": "loki", "type": "loki"}
		})), "datasource loki is not one Grafana is given"},
		{"a Prometheus query on the Tempo datasource", mutated(g, "kubernetes:core/v1:ConfigMap", isDashboard("suoke-redis"), editJSON("suoke-redis", func(d map[string]any) {
			firstPanel(d)["datasource"] = map[string]any{"uid": "tempo", "type": "tempo"}
		})), "not a tempo query"},
		{"a metric nothing exports", mutated(g, "kubernetes:core/v1:ConfigMap", isDashboard("suoke-gateway"), editJSON("suoke-gateway", func(d map[string]any) {
			firstTarget(d)["expr"] = "sum(rate(nginx_ingress_controller_requests[5m]))"
		})), "nginx_ingress_controller_requests: no known source"},
		{"a query PromQL refuses", mutated(g, "kubernetes:core/v1:ConfigMap", isDashboard("suoke-gateway"), editJSON("suoke-gateway", func(d map[string]any) {
			firstTarget(d)["expr"] = "sum(rate(up[5m])"
		})), "PromQL refuses"},
		{"a variable the dashboard does not define", mutated(g, "kubernetes:core/v1:ConfigMap", isDashboard("suoke-gateway"), editJSON("suoke-gateway", func(d map[string]any) {
			firstTarget(d)["expr"] = `sum(up{namespace="$namespace"})`
		})), "a variable Grafana does not define"},
		{"a field Grafana's panel schema does not have", mutated(g, "kubernetes:core/v1:ConfigMap", isDashboard("suoke-slos"), editJSON("suoke-slos", func(d map[string]any) {
			firstPanel(d)["queries"] = []any{}
		})), "Grafana's dashboard schema refuses it"},
		{"a mistyped dashboard field", mutated(g, "kubernetes:core/v1:ConfigMap", isDashboard("suoke-slos"), editJSON("suoke-slos", func(d map[string]any) {
			d["refresh"] = 60
		})), "Grafana's dashboard schema refuses it"},
		{"two dashboards with one uid", mutated(g, "kubernetes:core/v1:ConfigMap", isDashboard("suoke-slos"), editJSON("suoke-slos", func(d map[string]any) {
			d["uid"] = "suoke-overview"
		})), "uid suoke-overview is also"},
		{"the chart's Prometheus datasource turned off", mutated(g, typeHelmRelease, kps, grafanaValues(func(gr map[string]any) {
			sc := copyMap(asMap(gr["sidecar"]))
			ds := copyMap(asMap(sc["datasources"]))
			ds["defaultDatasourceEnabled"] = false
			sc["datasources"] = ds
			gr["sidecar"] = sc
		})), "Grafana has no default datasource"},
		{"the sidecar watching another label", mutated(g, typeHelmRelease, kps, grafanaValues(func(gr map[string]any) {
			sc := copyMap(asMap(gr["sidecar"]))
			db := copyMap(asMap(sc["dashboards"]))
			db["label"] = "grafana_dashboard_v2"
			sc["dashboards"] = db
			gr["sidecar"] = sc
		})), "Grafana's sidecar finds no dashboard"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Contains(t, strings.Join(dashboardProblems(c.g), "\n"), c.want)
		})
	}
	// A source the graph lacks: no CloudWatch exporter, so the aws_* panels have no data.
	var kept []plan.Resource
	for _, r := range g.Resources {
		if !(r.Type == typeHelmRelease && chartName(r) == "prometheus-yet-another-cloudwatch-exporter") {
			kept = append(kept, r)
		}
	}
	noYACE := clone(g)
	noYACE.Resources = kept
	assert.Contains(t, strings.Join(dashboardProblems(noYACE), "\n"), "the CloudWatch exporter is not in the plan")
	// Recording rules only, no alerting rule: Prometheus writes no ALERTS series.
	noAlerts := mutated(g, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", func(*plan.Resource) bool { return true }, func(in map[string]any) {
		var groups []any
		for _, gr := range asList(asMap(in["spec"])["groups"]) {
			var rules []any
			for _, r := range asList(asMap(gr)["rules"]) {
				if _, ok := asMap(r)["record"]; ok {
					rules = append(rules, r)
				}
			}
			c := copyMap(asMap(gr))
			c["rules"] = rules
			groups = append(groups, c)
		}
		in["spec"] = map[string]any{"groups": groups}
	})
	assert.Contains(t, strings.Join(dashboardProblems(noAlerts), "\n"), "ALERTS: an alerting rule is not in the plan")
}
