package metrics

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/suoke-life/suoke-platform/infra/monitoring/alerting"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// rule and group are the generator's own small form; toV1 turns them into prometheus-operator's
// types, the one shape everything downstream (objects, rule files, tests) is rendered from.
type rule struct {
	alert, record string
	expr          string
	forDur        time.Duration
	labels        map[string]string
	annotations   map[string]string
}

type group struct {
	name     string
	interval time.Duration
	rules    []rule
}

// RuleObject is one PrometheusRule and what it holds.
type RuleObject struct {
	Name   string
	Groups []monitoringv1.RuleGroup
}

// RulesLabel marks our PrometheusRules (and monitors); Prometheus selects every rule object anyway,
// the label is for people and policies.
const RulesLabel = "suoke.life/monitoring"

// RunbookURL is the runbook of an alert: the base URL and the alert's name in kebab case.
func RunbookURL(base, alert string) string {
	return strings.TrimRight(base, "/") + "/" + kebab(alert)
}

var camelBoundary = regexp.MustCompile(`([a-z0-9])([A-Z])|([A-Z]+)([A-Z][a-z])`)

func kebab(s string) string {
	return strings.ToLower(camelBoundary.ReplaceAllString(s, "${1}${3}-${2}${4}"))
}

// alertRules turns the alert table into rule groups, one per severity.
func alertRules(p Params) []group {
	bySeverity := map[alerting.Severity][]rule{}
	for _, a := range Alerts() {
		for _, e := range a.Exprs(p) {
			labels := map[string]string{"severity": string(a.Severity)}
			if a.Service != "" {
				labels[ServiceLabel] = a.Service
			}
			for k, v := range e.Labels {
				labels[k] = v
			}
			bySeverity[a.Severity] = append(bySeverity[a.Severity], rule{
				alert: a.Name, expr: e.Expr, forDur: a.For, labels: labels,
				annotations: map[string]string{"summary": a.Summary, "description": a.Description},
			})
		}
	}
	var out []group
	for _, s := range alerting.AllSeverities() {
		if len(bySeverity[s]) > 0 {
			out = append(out, group{name: "suoke-alerts-" + strings.ToLower(string(s)), rules: bySeverity[s]})
		}
	}
	return out
}

// RuleObjects are the PrometheusRules of the platform: our alerts, and the SLOs.
func RuleObjects(p Params) []RuleObject {
	return []RuleObject{
		{Name: "suoke-alerts", Groups: toV1(p, alertRules(p))},
		{Name: "suoke-slos", Groups: toV1(p, sloRules(p))},
	}
}

func toV1(p Params, groups []group) []monitoringv1.RuleGroup {
	out := make([]monitoringv1.RuleGroup, 0, len(groups))
	for _, g := range groups {
		rg := monitoringv1.RuleGroup{Name: g.name}
		if g.interval > 0 {
			d := monitoringv1.Duration(alerting.PromDuration(g.interval))
			rg.Interval = &d
		}
		for _, r := range g.rules {
			v := monitoringv1.Rule{Alert: r.alert, Record: r.record, Expr: intstr.FromString(r.expr), Labels: r.labels}
			if r.forDur > 0 {
				d := monitoringv1.Duration(alerting.PromDuration(r.forDur))
				v.For = &d
			}
			if r.alert != "" {
				v.Annotations = map[string]string{"runbook_url": RunbookURL(p.RunbookBaseURL, r.alert)}
				for k, a := range r.annotations {
					v.Annotations[k] = a
				}
			}
			rg.Rules = append(rg.Rules, v)
		}
		out = append(out, rg)
	}
	return out
}

// PrometheusRule renders a rule object as the typed CRD object, in a namespace.
func (o RuleObject) PrometheusRule(namespace string) monitoringv1.PrometheusRule {
	return monitoringv1.PrometheusRule{
		TypeMeta:   metav1.TypeMeta{APIVersion: monitoringv1.SchemeGroupVersion.String(), Kind: monitoringv1.PrometheusRuleKind},
		ObjectMeta: metav1.ObjectMeta{Name: o.Name, Namespace: namespace, Labels: map[string]string{RulesLabel: "true"}},
		Spec:       monitoringv1.PrometheusRuleSpec{Groups: o.Groups},
	}
}

// RuleFile renders rule groups as a Prometheus rule file (what promtool and rulefmt read). The
// operator writes the same groups into Prometheus's rule files.
func RuleFile(groups []monitoringv1.RuleGroup) ([]byte, error) {
	b, err := yaml.Marshal(map[string]any{"groups": groups})
	if err != nil {
		return nil, fmt.Errorf("monitoring: render rule file: %w", err)
	}
	return b, nil
}

// AlertSummary is one alert name with its severity and rule count, for reports.
type AlertSummary struct {
	Name     string `json:"name"`
	Severity string `json:"severity"`
	Rules    int    `json:"rules"`
	For      string `json:"for,omitempty"`
}

// Summarize lists every alert of the rule objects (ours and the SLO burn alerts), sorted by severity
// then name, and counts recording rules.
func Summarize(objs []RuleObject) (alerts []AlertSummary, recording int) {
	idx := map[string]int{}
	for _, o := range objs {
		for _, g := range o.Groups {
			for _, r := range g.Rules {
				if r.Record != "" {
					recording++
					continue
				}
				key := r.Alert + "/" + r.Labels["severity"]
				if i, ok := idx[key]; ok {
					alerts[i].Rules++
					continue
				}
				s := AlertSummary{Name: r.Alert, Severity: r.Labels["severity"], Rules: 1}
				if r.For != nil {
					s.For = string(*r.For)
				}
				idx[key] = len(alerts)
				alerts = append(alerts, s)
			}
		}
	}
	sort.Slice(alerts, func(i, j int) bool {
		if alerts[i].Severity != alerts[j].Severity {
			return alerts[i].Severity < alerts[j].Severity
		}
		return alerts[i].Name < alerts[j].Name
	})
	return alerts, recording
}
