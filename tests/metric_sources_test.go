package tests

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// metricSource is what must be in a graph for series of a metric-name prefix to exist in Prometheus.
type metricSource struct {
	prefixes []string
	what     string
	ok       func(g *plan.Graph) bool
}

func releaseValues(g *plan.Graph, chart string) (map[string]any, bool) {
	for _, r := range g.Resources {
		if r.Type == typeHelmRelease && chartName(r) == chart {
			v, _ := r.Inputs["values"].(map[string]any)
			return v, true
		}
	}
	return nil, false
}

// valueIs reads a dotted path of a release's values; missing keys give def (the chart's default).
func valueIs(g *plan.Graph, chart, path string, want, def any) bool {
	v, ok := releaseValues(g, chart)
	if !ok {
		return false
	}
	var cur any = v
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return def == want
		}
		if cur, ok = m[k]; !ok {
			return def == want
		}
	}
	return cur == want
}

// metricSources: who produces each family the rules read, and what the graph must hold for
// Prometheus to scrape it. Chart defaults, where a value is left unset, are the charts' own at the
// pinned versions (kube-prometheus-stack: kubeStateMetrics, nodeExporter and kubelet on; cert-manager
// v1.21.1: prometheus.servicemonitor off).
var metricSources = []metricSource{
	{[]string{"aws_"}, "the CloudWatch exporter", func(g *plan.Graph) bool {
		_, ok := releaseValues(g, "prometheus-yet-another-cloudwatch-exporter")
		return ok
	}},
	{[]string{"certmanager_"}, "cert-manager's ServiceMonitor", func(g *plan.Graph) bool {
		return valueIs(g, "cert-manager", "prometheus.servicemonitor.enabled", true, false)
	}},
	// The Barman Cloud plugin's metrics come from its sidecar in the PostgreSQL pods.
	{[]string{"cnpg_", "barman_cloud_"}, "CloudNativePG's PodMonitor", func(g *plan.Graph) bool {
		return hasType(g, "kubernetes:monitoring.coreos.com/v1:PodMonitor")
	}},
	{[]string{"kube_"}, "kube-state-metrics", func(g *plan.Graph) bool {
		return valueIs(g, "kube-prometheus-stack", "kubeStateMetrics.enabled", true, true)
	}},
	{[]string{"node_"}, "node-exporter", func(g *plan.Graph) bool {
		return valueIs(g, "kube-prometheus-stack", "nodeExporter.enabled", true, true)
	}},
	// cAdvisor's series come through the kubelet's ServiceMonitor.
	{[]string{"container_", "kubelet_"}, "the kubelet", func(g *plan.Graph) bool {
		return valueIs(g, "kube-prometheus-stack", "kubelet.enabled", true, true)
	}},
	{[]string{"fluentbit_"}, "Fluent Bit's ServiceMonitor", func(g *plan.Graph) bool {
		return valueIs(g, "fluent-bit", "serviceMonitor.enabled", true, false)
	}},
	{[]string{"otelcol_"}, "the collector's ServiceMonitor", func(g *plan.Graph) bool {
		return valueIs(g, "opentelemetry-collector", "serviceMonitor.enabled", true, false)
	}},
	{[]string{"http_server_"}, "the services' ServiceMonitors", func(g *plan.Graph) bool {
		return hasType(g, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor")
	}},
	{[]string{"up"}, "Prometheus itself", func(*plan.Graph) bool { return true }},
	// Prometheus writes ALERTS{alertname, alertstate} for every pending or firing alert of its
	// alerting rules (prometheus docs, configuration/alerting_rules.md, "Inspecting alerts during
	// runtime"): the series exist when the graph has an alerting rule. The dashboards read it.
	{[]string{"ALERTS"}, "an alerting rule", func(g *plan.Graph) bool {
		for _, r := range g.Resources {
			if r.Type != "kubernetes:monitoring.coreos.com/v1:PrometheusRule" {
				continue
			}
			for _, gr := range asList(asMap(r.Inputs["spec"])["groups"]) {
				for _, rr := range asList(asMap(gr)["rules"]) {
					if _, ok := asMap(rr)["alert"]; ok {
						return true
					}
				}
			}
		}
		return false
	}},
}

// ruleMetrics lists the metric names the graph's rules read, recording rules' own outputs aside.
func ruleMetrics(t *testing.T, g *plan.Graph) []string {
	recorded := map[string]bool{}
	var exprs []string
	for _, r := range g.Resources {
		if r.Type != "kubernetes:monitoring.coreos.com/v1:PrometheusRule" {
			continue
		}
		for _, gr := range r.Inputs["spec"].(map[string]any)["groups"].([]any) {
			for _, rr := range gr.(map[string]any)["rules"].([]any) {
				rule := rr.(map[string]any)
				if rec, ok := rule["record"].(string); ok {
					recorded[rec] = true
				}
				exprs = append(exprs, rule["expr"].(string))
			}
		}
	}
	seen := map[string]bool{}
	for _, e := range exprs {
		expr, err := parser.NewParser(parser.Options{}).ParseExpr(e)
		require.NoError(t, err, e)
		parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
			if vs, ok := n.(*parser.VectorSelector); ok && vs.Name != "" && !recorded[vs.Name] {
				seen[vs.Name] = true
			}
			return nil
		})
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func unsourced(t *testing.T, g *plan.Graph) []string {
	var out []string
	for _, m := range ruleMetrics(t, g) {
		found := false
		for _, s := range metricSources {
			if slices.ContainsFunc(s.prefixes, func(p string) bool { return strings.HasPrefix(m, p) }) {
				found = true
				if !s.ok(g) {
					out = append(out, m+": "+s.what+" is not in the plan")
				}
				break
			}
		}
		if !found {
			out = append(out, m+": no known source")
		}
	}
	return out
}

// TestEveryRuleMetricHasASource: every metric an alert or recording rule reads is produced by
// something the stack deploys and Prometheus scrapes, so no alert is silent by construction.
func TestEveryRuleMetricHasASource(t *testing.T) {
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			g, _ := record(t, s)
			assert.Greater(t, len(ruleMetrics(t, g)), 15)
			assert.Empty(t, unsourced(t, g))
		})
	}
}

// TestAMetricWithoutASourceIsCaught: cert-manager without its ServiceMonitor (the chart's default)
// leaves the certificate alerts without data.
func TestAMetricWithoutASourceIsCaught(t *testing.T) {
	g, _ := record(t, "prod")
	for i, r := range g.Resources {
		if r.Type == typeHelmRelease && chartName(r) == "cert-manager" {
			g.Resources[i].Inputs = withValues(r, func(v map[string]any) { delete(v, "prometheus") })
		}
	}
	assert.Contains(t, strings.Join(unsourced(t, g), "\n"), "certmanager_certificate_ready_status: cert-manager's ServiceMonitor is not in the plan")
}
