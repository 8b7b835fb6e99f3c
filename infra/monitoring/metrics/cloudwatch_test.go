package metrics

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaceconfig "github.com/prometheus-community/yet-another-cloudwatch-exporter/pkg/config"
	"github.com/prometheus-community/yet-another-cloudwatch-exporter/pkg/promutil"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// yaceSeries loads the rendered config with the exporter's own loader (ScrapeConf.Load, what yace
// runs at start, at the app version the chart pins: v0.62.1) and names every series it will export
// with the exporter's own naming (promutil.BuildMetricName). A config the exporter refuses fails here.
func yaceSeries(t *testing.T, region string, findings []FindingRule) map[string]bool {
	t.Helper()
	text, err := yaceConfig(region, findings)
	require.NoError(t, err)
	// The chart runs the value through tpl: template actions in it would be executed.
	require.NotContains(t, text, "{{")
	file := filepath.Join(t.TempDir(), "config.yml")
	require.NoError(t, os.WriteFile(file, []byte(text), 0o600))
	var sc yaceconfig.ScrapeConf
	jobs, err := sc.Load(file, slog.New(slog.DiscardHandler))
	require.NoError(t, err, "the exporter refuses its config:\n%s", text)
	out := map[string]bool{}
	for _, j := range jobs.DiscoveryJobs {
		assert.Equal(t, []string{region}, j.Regions, j.Type)
		for _, m := range j.Metrics {
			for _, st := range m.Statistics {
				out[promutil.BuildMetricName(j.Type, m.Name, st)] = true
			}
		}
	}
	for _, j := range jobs.StaticJobs {
		for _, m := range j.Metrics {
			for _, st := range m.Statistics {
				out[promutil.BuildMetricName(j.Namespace, m.Name, st)] = true
			}
		}
	}
	return out
}

// TestFindingRulesBecomeStaticJobs: every finding rule in every region is a static job on its own
// RuleName dimension in that region, as the exporter reads the file.
func TestFindingRulesBecomeStaticJobs(t *testing.T) {
	findings := []FindingRule{
		{Region: "cn-north-1", Name: "suoke-guardduty-high"}, {Region: "cn-north-1", Name: "suoke-config-noncompliant"},
		{Region: "cn-northwest-1", Name: "suoke-guardduty-high"},
	}
	text, err := yaceConfig("cn-north-1", findings)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "config.yml")
	require.NoError(t, os.WriteFile(file, []byte(text), 0o600))
	var sc yaceconfig.ScrapeConf
	jobs, err := sc.Load(file, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	var got []string
	for _, j := range jobs.StaticJobs {
		require.Len(t, j.Dimensions, 1)
		assert.Equal(t, "RuleName", j.Dimensions[0].Name)
		assert.Equal(t, "AWS/Events", j.Namespace)
		got = append(got, strings.Join(j.Regions, ",")+"/"+j.Dimensions[0].Value)
		assert.Len(t, j.Roles, 1, "the pod's own role (IRSA)")
	}
	assert.ElementsMatch(t, []string{"cn-north-1/suoke-guardduty-high", "cn-north-1/suoke-config-noncompliant", "cn-northwest-1/suoke-guardduty-high"}, got)

	none, err := yaceConfig("cn-north-1", nil)
	require.NoError(t, err)
	assert.NotContains(t, none, "static", "a stack without the audit baseline scrapes no finding rules")
}

// TestSecurityFindingAlertOnlyWithRules: the P1 alert exists exactly when there are rules to watch,
// and matches each rule's name literally.
func TestSecurityFindingAlertOnlyWithRules(t *testing.T) {
	p := testParams()
	p.FindingRules = nil
	assert.Empty(t, alertsNamed(p, "SecurityFinding"))
	p.FindingRules = []FindingRule{{Region: "cn-north-1", Name: "a.b-high"}, {Region: "cn-northwest-1", Name: "a.b-high"}}
	rules := alertsNamed(p, "SecurityFinding")
	require.Len(t, rules, 1)
	assert.Equal(t, "P1", rules[0].Labels["severity"])
	assert.Contains(t, rules[0].Expr.String(), "`a\\.b-high`", "one alternative per name, dots escaped")
}

func alertsNamed(p Params, name string) []monitoringv1.Rule {
	var out []monitoringv1.Rule
	for _, o := range RuleObjects(p) {
		for _, g := range o.Groups {
			for _, r := range g.Rules {
				if r.Alert == name {
					out = append(out, r)
				}
			}
		}
	}
	return out
}
