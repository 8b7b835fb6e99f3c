package dashboards

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
)

// grafanaUID is what Grafana accepts as a dashboard uid: at most 40 characters of letters, digits,
// "-" and "_" (grafana/grafana pkg/util/shortid_generator.go, IsValidShortUID and
// MaxUIDLength = 40; the Foundation SDK's dashboard.Dashboard documents "string (8-40)").
var grafanaUID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,40}$`)

// TestDashboardsAreGrafanaDashboards: each rendered dashboard is read back with the Grafana
// Foundation SDK's strict decoder (the upstream dashboard schema: an unknown or mistyped field
// fails), its uid is one Grafana accepts and no other dashboard has, and the dashboards the
// monitoring plan lists (an overview, one per agent, business, gateway, PostgreSQL, Redis, SLOs,
// capacity, telemetry), written out here, are there by the uid Grafana reads from the JSON. What the panels query
// and on which datasource is checked over the recorded graph in tests/dashboards_test.go.
// (Replaces a test that compared each dashboard's panel count and uid with the spec that made it.)
func TestDashboardsAreGrafanaDashboards(t *testing.T) {
	cfg := config.Default()
	p := metrics.NewParams(cfg.Services, cfg.NodePools, 3, "suoke.life/tier", cfg.Monitoring, 5*time.Minute)
	uids := map[string]bool{}
	for _, d := range Specs(p, config.DefaultServices()) {
		js, err := d.JSON()
		require.NoError(t, err)
		var back dashboard.Dashboard
		require.NoError(t, strictErr(back.UnmarshalJSONStrict([]byte(js))), "Grafana's schema refuses %s", d.Title)
		// The strict decoder validates but keeps no panel (the same empty error): read the accepted
		// JSON with the SDK's ordinary decoder.
		back = dashboard.Dashboard{}
		require.NoError(t, json.Unmarshal([]byte(js), &back))
		require.NotNil(t, back.Uid, d.Title)
		uid := *back.Uid
		assert.Regexp(t, grafanaUID, uid)
		assert.False(t, uids[uid], "duplicate uid %s", uid)
		uids[uid] = true
		assert.NotEmpty(t, back.Panels, uid)
	}
	for _, agent := range []string{"xiaoai", "xiaoke", "laoke", "soer"} {
		assert.True(t, uids["suoke-agent-"+agent], "no dashboard for agent %s", agent)
	}
	for _, uid := range []string{"suoke-overview", "suoke-business", "suoke-gateway", "suoke-postgresql", "suoke-redis", "suoke-slos", "suoke-capacity", "suoke-telemetry"} {
		assert.True(t, uids[uid], uid)
	}
}

// strictErr works around grafana-foundation-sdk go v0.0.22's strict decoders, which end in
// `return errs` with errs a nil cog.BuildErrors (dashboard/types_gen.go,
// Dashboard.UnmarshalJSONStrict): non-nil and empty when the input is accepted.
func strictErr(err error) error {
	var be cog.BuildErrors
	if errors.As(err, &be) && len(be) == 0 {
		return nil
	}
	return err
}

// TestStrictDecodeRefuses: the strict decoder, through strictErr, still refuses a field the schema
// does not have and a mistyped one (a copy of a rendered dashboard).
func TestStrictDecodeRefuses(t *testing.T) {
	cfg := config.Default()
	p := metrics.NewParams(cfg.Services, cfg.NodePools, 3, "suoke.life/tier", cfg.Monitoring, 5*time.Minute)
	js, err := Specs(p, config.DefaultServices())[0].JSON()
	require.NoError(t, err)
	var d dashboard.Dashboard
	require.NoError(t, strictErr(d.UnmarshalJSONStrict([]byte(js))))
	assert.Error(t, strictErr(d.UnmarshalJSONStrict([]byte(strings.Replace(js, `"uid":`, `"dashboardUid": "x", "uid":`, 1)))))
	assert.Error(t, strictErr(d.UnmarshalJSONStrict([]byte(strings.Replace(js, `"refresh": "1m"`, `"refresh": 60`, 1)))))
}

// TestGrafanaUIDRule: the rule above refuses what Grafana refuses.
func TestGrafanaUIDRule(t *testing.T) {
	assert.Regexp(t, grafanaUID, "suoke-agent-xiaoai")
	assert.NotRegexp(t, grafanaUID, "suoke/agent")
	assert.NotRegexp(t, grafanaUID, "suoke-a-dashboard-uid-that-is-longer-than-forty")
}
