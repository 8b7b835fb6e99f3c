package tests

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	yaceconfig "github.com/prometheus-community/yet-another-cloudwatch-exporter/pkg/config"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// findingSources are the AWS services whose events are security findings: an EventBridge rule
// matching any of them is a path to the on-call.
var findingSources = map[string]bool{"aws.guardduty": true, "aws.securityhub": true, "aws.config": true}

// findingRules lists "region/rule name" for every EventBridge rule in the graph whose pattern matches
// a finding source, read from the rule's own event pattern and provider, not from the audit component.
func findingRules(t *testing.T, g *plan.Graph) []string {
	providers := map[string]string{}
	for _, r := range g.Resources {
		if r.Type == "pulumi:providers:aws" {
			reg, _ := r.Inputs["region"].(string)
			providers[r.URN] = reg
		}
	}
	var out []string
	for _, r := range g.Resources {
		if r.Type != "aws:cloudwatch/eventRule:EventRule" {
			continue
		}
		var pattern struct {
			Source []string `json:"source"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.Inputs["eventPattern"].(string)), &pattern), r.Name)
		for _, s := range pattern.Source {
			if findingSources[s] {
				out = append(out, regionOf(g, r, providers)+"/"+r.Inputs["name"].(string))
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// exporterJobs loads the CloudWatch exporter's config from its release's values with the exporter's
// own loader and lists its static AWS/Events jobs as "region/RuleName".
func exporterJobs(t *testing.T, g *plan.Graph) []string {
	var text string
	for _, r := range g.Resources {
		if r.Type == typeHelmRelease && regexp.MustCompile(`/prometheus-yet-another-cloudwatch-exporter$`).MatchString(r.Inputs["chart"].(string)) {
			values, _ := r.Inputs["values"].(map[string]any)
			s, ok := values["config"].(string)
			require.True(t, ok, "the chart runs config through tpl: it must be a string, got %T", values["config"])
			text = s
		}
	}
	require.NotEmpty(t, text, "no CloudWatch exporter release in %s", g.Stack)
	file := filepath.Join(t.TempDir(), "config.yml")
	require.NoError(t, os.WriteFile(file, []byte(text), 0o600))
	var sc yaceconfig.ScrapeConf
	jobs, err := sc.Load(file, slog.New(slog.DiscardHandler))
	require.NoError(t, err, "the exporter refuses the config of %s", g.Stack)
	var out []string
	for _, j := range jobs.StaticJobs {
		if j.Namespace != "AWS/Events" {
			continue
		}
		for _, d := range j.Dimensions {
			if d.Name == "RuleName" {
				for _, reg := range j.Regions {
					out = append(out, reg+"/"+d.Value)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// securityFindingMatchers are the label matchers of the SecurityFinding alert in the graph's
// PrometheusRules, parsed by PromQL's parser; nil when the alert is absent.
func securityFindingMatchers(t *testing.T, g *plan.Graph) []*labels.Matcher {
	for _, r := range g.Resources {
		if r.Type != "kubernetes:monitoring.coreos.com/v1:PrometheusRule" {
			continue
		}
		spec, _ := r.Inputs["spec"].(map[string]any)
		groups, _ := spec["groups"].([]any)
		for _, gr := range groups {
			rules, _ := gr.(map[string]any)["rules"].([]any)
			for _, rr := range rules {
				rule := rr.(map[string]any)
				if rule["alert"] != "SecurityFinding" {
					continue
				}
				assert.Equal(t, "P1", rule["labels"].(map[string]any)["severity"])
				expr, err := parser.NewParser(parser.Options{}).ParseExpr(rule["expr"].(string))
				require.NoError(t, err)
				var out []*labels.Matcher
				parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
					if vs, ok := n.(*parser.VectorSelector); ok && vs.Name == "aws_events_triggered_rules_sum" {
						out = append(out, vs.LabelMatchers...)
					}
					return nil
				})
				require.NotEmpty(t, out, "SecurityFinding reads aws_events_triggered_rules_sum")
				return out
			}
		}
	}
	return nil
}

// TestEverySecurityFindingRulePages: every EventBridge rule that matches GuardDuty, Security Hub or
// Config events, in every region the stack creates one, is scraped by the exporter in that region
// and selected by the P1 SecurityFinding alert; a stack that creates none scrapes none and has no
// such alert.
func TestEverySecurityFindingRulePages(t *testing.T) {
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			g, _ := record(t, s)
			rules := findingRules(t, g)
			assert.Equal(t, rules, exporterJobs(t, g))
			matchers := securityFindingMatchers(t, g)
			if len(rules) == 0 {
				assert.Nil(t, matchers, "no finding rules, no finding alert")
				return
			}
			require.NotNil(t, matchers)
			for _, rule := range rules {
				name := rule[len(filepath.Dir(rule))+1:]
				for _, m := range matchers {
					if m.Name == "dimension_RuleName" {
						assert.True(t, m.Matches(name), "SecurityFinding does not select %s", rule)
					}
				}
			}
		})
	}
}

// TestProdWatchesFindingsInBothRegions: prod owns the account's audit baseline in its region and the
// DR region, so it watches findings in both.
func TestProdWatchesFindingsInBothRegions(t *testing.T) {
	g, _ := record(t, "prod")
	regions := map[string]bool{}
	for _, r := range findingRules(t, g) {
		regions[filepath.Dir(r)] = true
	}
	assert.Len(t, regions, 2, "%v", regions)
}
