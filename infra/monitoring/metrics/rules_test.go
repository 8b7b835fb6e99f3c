package metrics

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/suoke-life/suoke-platform/infra/monitoring/alerting"
)

// parseRules runs Prometheus's own rule-file parser (which also parses every expression and checks
// every template) over a rendered rule object.
func parseRules(t *testing.T, o RuleObject) *rulefmt.RuleGroups {
	t.Helper()
	b, err := RuleFile(o.Groups)
	require.NoError(t, err)
	groups, errs := rulefmt.Parse(b, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.Empty(t, errs, "rulefmt rejects %s:\n%s", o.Name, b)
	return groups
}

func TestEveryRuleParses(t *testing.T) {
	p := testParams()
	n := 0
	for _, o := range RuleObjects(p) {
		groups := parseRules(t, o)
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				_, err := parser.NewParser(parser.Options{}).ParseExpr(r.Expr)
				assert.NoError(t, err, "%s%s: %s", r.Alert, r.Record, r.Expr)
				n++
			}
		}
	}
	assert.Greater(t, n, 50)
}

// notAboutAService are alerts about nodes, volumes and certificates, which belong to no service.
var notAboutAService = map[string]bool{"DiskSpaceLow": true, "CertificateExpiryImminent": true, "CertificateExpiringSoon": true,
	"CertificateNotReady": true, "NodePoolAtMaxSize": true}

func TestEveryAlertIsComplete(t *testing.T) {
	p := testParams()
	for _, o := range RuleObjects(p) {
		for _, g := range o.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				assert.Contains(t, []string{"P0", "P1", "P2", "P3"}, r.Labels["severity"], r.Alert)
				for _, a := range []string{"summary", "description", "runbook_url"} {
					assert.NotEmpty(t, r.Annotations[a], "%s has no %s", r.Alert, a)
				}
				assert.True(t, strings.HasPrefix(r.Annotations["runbook_url"], p.RunbookBaseURL+"/"), r.Alert)
				expr := r.Expr.String()
				carries := r.Labels[ServiceLabel] != "" || strings.Contains(expr, "(service") || strings.Contains(expr, `"service"`) ||
					strings.Contains(expr, "absent(up{service=")
				if !notAboutAService[r.Alert] {
					assert.True(t, carries, "%s is about a service but carries no service label: %s", r.Alert, expr)
				}
			}
		}
	}
}

// TestAlertPlanCoverage: the alerting plan's nine alerts at their levels, the data-tier alerts the
// issue lists, more than 20 of ours in all, and the four burn tiers for both SLO kinds.
func TestAlertPlanCoverage(t *testing.T) {
	alerts, recording := Summarize(RuleObjects(testParams()))
	sev := map[string]string{}
	perSeverity := map[string]int{}
	for _, a := range alerts {
		if strings.HasPrefix(a.Name, "SLO") {
			continue
		}
		sev[a.Name] = a.Severity
		perSeverity[a.Severity]++
	}
	plan := map[string]string{
		"ServiceDown": "P0", "DatabaseConnectionFailure": "P0", "HighErrorRate": "P0",
		"HighResponseTime": "P1", "HighMemoryUsage": "P1", "HighCPUUsage": "P1",
		"DiskSpaceLow": "P2", "TooManyConnections": "P2", "SlowQueryIncrease": "P3",
	}
	for name, want := range plan {
		assert.Equal(t, want, sev[name], name)
	}
	for _, name := range []string{"PostgresReplicationLag", "PostgresReplicasMissing", "PostgresWALArchivingFailing",
		"PostgresWALArchiveStale", "PostgresBackupTooOld", "RedisMemoryHigh", "RedisFailover", "CertificateExpiringSoon", "NodePoolAtMaxSize"} {
		assert.Contains(t, sev, name)
	}
	assert.Greater(t, len(sev), 20)
	for _, s := range alerting.AllSeverities() {
		assert.Positive(t, perSeverity[string(s)], "no alert of %s", s)
	}
	burn := 0
	for _, a := range alerts {
		if strings.HasPrefix(a.Name, "SLO") {
			burn += a.Rules
		}
	}
	// Counted by hand, not from the program's tables: the workbook's four burn tiers (below) for
	// both SLO kinds, availability and latency.
	assert.Equal(t, 4*2, burn)
	// Objectives per service and kind (the nine default services of Pulumi.yaml × 2), error ratios
	// per kind and window (the tiers' windows 5m, 30m, 1h, 2h, 6h, 1d, 3d: 7 × 2), the budget.
	assert.Equal(t, 9*2+7*2+1, recording)
}

func TestRunbookURL(t *testing.T) {
	assert.Equal(t, "https://x/alerts/postgres-wal-archive-stale", RunbookURL("https://x/alerts/", "PostgresWALArchiveStale"))
	assert.Equal(t, "https://x/service-down", RunbookURL("https://x", "ServiceDown"))
	assert.Equal(t, "https://x/slo-latency-budget-burn", RunbookURL("https://x", "SLOLatencyBudgetBurn"))
}

func TestKSMLabel(t *testing.T) {
	assert.Equal(t, "label_suoke_life_tier", KSMLabel("suoke.life/tier"))
}

// TestBurnTiersMatchTheWorkbook: the tiers are the Google SRE Workbook's recommended multiwindow,
// multi-burn-rate alerts (chapter "Alerting on SLOs", table "Recommended parameters for a 99.9% SLO
// alerting configuration"): 14.4× over 1h with a 5m short window and 6× over 6h/30m page, 3× over
// 1d/2h and 1× over 3d/6h make tickets; 2%, 5%, 10% and 10% of a 30-day budget. Written out here, so
// a changed tier fails (the test used to loop over the program's own tiers).
func TestBurnTiersMatchTheWorkbook(t *testing.T) {
	type tier struct {
		factor      float64
		long, short time.Duration
		spent       float64
	}
	want := []tier{
		{14.4, time.Hour, 5 * time.Minute, 0.02},
		{6, 6 * time.Hour, 30 * time.Minute, 0.05},
		{3, 24 * time.Hour, 2 * time.Hour, 0.10},
		{1, 72 * time.Hour, 6 * time.Hour, 0.10},
	}
	require.Len(t, BurnTiers, len(want))
	for i, w := range want {
		got := BurnTiers[i]
		assert.Equal(t, w.factor, got.Factor, i)
		assert.Equal(t, w.long, got.Long, i)
		assert.Equal(t, w.short, got.Short, i)
		// The budget spent, from the workbook's formula: factor × long window / 30 days.
		assert.InDelta(t, w.spent, w.factor*w.long.Hours()/(30*24), 1e-9, i)
		assert.InDelta(t, w.spent, got.BudgetSpent(), 1e-9, i)
	}
	assert.Equal(t, 30*24*time.Hour, SLOPeriod)
}
