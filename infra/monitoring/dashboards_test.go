package monitoring

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// grafanaVars replaces Grafana's query variables with values PromQL accepts, as Grafana does before
// it sends a query.
var grafanaVars = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$__range", "6h")

func TestDashboardsBuildAndQueriesParse(t *testing.T) {
	p := testParams()
	dashboards := Dashboards(p, config.DefaultServices())
	require.GreaterOrEqual(t, len(dashboards), 10, "the plan claims 10+ dashboards")
	uids := map[string]bool{}
	for _, d := range dashboards {
		assert.False(t, uids[d.UID], "duplicate uid %s", d.UID)
		uids[d.UID] = true
		js, err := d.JSON()
		require.NoError(t, err, d.UID)
		var back map[string]any
		require.NoError(t, json.Unmarshal([]byte(js), &back), d.UID)
		panels, _ := back["panels"].([]any)
		assert.Len(t, panels, d.PanelCount(), d.UID)
		assert.Equal(t, d.UID, back["uid"])
		for _, expr := range d.Queries() {
			_, err := parser.NewParser(parser.Options{}).ParseExpr(grafanaVars.Replace(expr))
			assert.NoError(t, err, "%s: %s", d.UID, expr)
			assert.NotContains(t, grafanaVars.Replace(expr), "$", "%s: unknown variable in %s", d.UID, expr)
		}
	}
	for _, agent := range []string{"xiaoai", "xiaoke", "laoke", "soer"} {
		assert.True(t, uids["suoke-agent-"+agent], "no dashboard for agent %s", agent)
	}
	for _, uid := range []string{"suoke-overview", "suoke-business", "suoke-gateway", "suoke-postgresql", "suoke-redis", "suoke-slos", "suoke-capacity", "suoke-telemetry"} {
		assert.True(t, uids[uid], uid)
	}
}

var awsSeries = regexp.MustCompile(`\baws_[a-z0-9_]+`)

// TestCloudWatchSeriesAreExported: every aws_* series a rule or dashboard reads is one the
// CloudWatch exporter exports, as the exporter itself loads the rendered config and names its series
// (cloudwatch_test.go).
func TestCloudWatchSeriesAreExported(t *testing.T) {
	p := testParams()
	exported := yaceSeries(t, "cn-north-1", p.FindingRules)
	var exprs []string
	for _, o := range RuleObjects(p) {
		for _, g := range o.Groups {
			for _, r := range g.Rules {
				exprs = append(exprs, r.Expr.String())
			}
		}
	}
	for _, d := range Dashboards(p, config.DefaultServices()) {
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
