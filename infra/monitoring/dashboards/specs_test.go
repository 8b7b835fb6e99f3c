package dashboards

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
)

// grafanaVars replaces Grafana's query variables with values PromQL accepts, as Grafana does before
// it sends a query.
var grafanaVars = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$__range", "6h")

func TestDashboardsBuildAndQueriesParse(t *testing.T) {
	cfg := config.Default()
	p := metrics.NewParams(cfg.Services, cfg.NodePools, 3, "suoke.life/tier", cfg.Monitoring, 5*time.Minute)
	dashboards := Specs(p, config.DefaultServices())
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
