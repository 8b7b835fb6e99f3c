package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/monitoring/alerting"
	"github.com/suoke-life/suoke-platform/infra/monitoring/dashboards"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// MonitoringSummary is what the plan shows of the monitoring: alerts per severity, the SLOs and their
// budgets, the routes, the dashboards, and the log and trace pipelines. Alerts and dashboards are read
// from the recorded objects; SLO budgets and routes from the config the run used.
type MonitoringSummary struct {
	AlertsBySeverity map[string]int         `json:"alertsBySeverity"`
	Alerts           []metrics.AlertSummary `json:"alerts"`
	AlertRules       int                    `json:"alertRules"`
	RecordingRules   int                    `json:"recordingRules"`
	SLOs             []SLOLine              `json:"slos"`
	Routes           []RouteLine            `json:"routes"`
	Dashboards       []string               `json:"dashboards"`
	Logs             *LogPipeline           `json:"logs,omitempty"`
	Traces           *TracePipeline         `json:"traces,omitempty"`
}

// SLOLine is one objective with its monthly error budget.
type SLOLine struct {
	Service       string  `json:"service"`
	Class         string  `json:"class"`
	Kind          string  `json:"kind"`
	Objective     float64 `json:"objective"`
	BudgetMinutes float64 `json:"budgetMinutes"`
}

// RouteLine is one Alertmanager route: what matches, where it goes (counts only: targets are secrets).
type RouteLine struct {
	Matcher  string `json:"matcher"`
	Receiver string `json:"receiver"`
	Repeat   string `json:"repeat,omitempty"`
	Targets  string `json:"targets"`
}

// LogPipeline is the log store and its shipper.
type LogPipeline struct {
	Domain        string `json:"domain"`
	Engine        string `json:"engine"`
	DataNodes     string `json:"dataNodes"`
	Masters       string `json:"masters"`
	AZs           int    `json:"azs"`
	VolumeGiB     int    `json:"volumeGiB"`
	RetentionDays int    `json:"retentionDays"`
	Shipper       string `json:"shipper"`
}

// TracePipeline is the collector and the trace store.
type TracePipeline struct {
	Collector     string  `json:"collector"`
	Sampling      float64 `json:"sampling"`
	Backend       string  `json:"backend"`
	RetentionDays int     `json:"retentionDays"`
}

const (
	typePrometheusRule = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
	typeConfigMap      = "kubernetes:core/v1:ConfigMap"
	typeDomain         = "aws:opensearch/domain:Domain"
	typeRelease        = "kubernetes:helm.sh/v3:Release"
)

// MonitoringOf reads the monitoring summary of a graph; nil when the graph has no monitoring.
func MonitoringOf(g *plan.Graph) *MonitoringSummary {
	s := &MonitoringSummary{AlertsBySeverity: map[string]int{}}
	var objs []metrics.RuleObject
	found := false
	for i := range g.Resources {
		r := &g.Resources[i]
		switch r.Type {
		case typePrometheusRule:
			found = true
			raw, _ := json.Marshal(r.Inputs["spec"])
			var spec struct {
				Groups json.RawMessage `json:"groups"`
			}
			_ = json.Unmarshal(raw, &spec)
			o := metrics.RuleObject{Name: r.Name}
			_ = json.Unmarshal(spec.Groups, &o.Groups)
			objs = append(objs, o)
		case typeConfigMap:
			if dashboardLabelled(r) {
				s.Dashboards = append(s.Dashboards, dashboardTitle(r))
			}
		case typeDomain:
			s.Logs = logPipeline(r)
		}
	}
	if !found {
		return nil
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Name < objs[j].Name })
	s.Alerts, s.RecordingRules = metrics.Summarize(objs)
	for _, a := range s.Alerts {
		s.AlertsBySeverity[a.Severity]++
		s.AlertRules += a.Rules
	}
	sort.Strings(s.Dashboards)

	if cfg := g.Config; cfg != nil {
		m := cfg.Monitoring
		p := metrics.NewParams(cfg.Services, cfg.NodePools, cfg.AvailabilityZones, "", m, 0)
		for _, slo := range metrics.SLOs(p) {
			s.SLOs = append(s.SLOs, SLOLine{Service: slo.Service, Class: slo.Class, Kind: string(slo.Kind), Objective: slo.Objective,
				BudgetMinutes: slo.BudgetTime().Minutes()})
		}
		targets := map[alerting.ReceiverGroup]string{
			alerting.ReceiverOnCall: alerting.ReceiverSummary(m.Receivers.OnCall),
			alerting.ReceiverTeam:   alerting.ReceiverSummary(m.Receivers.Team),
			alerting.ReceiverTicket: alerting.ReceiverSummary(m.Receivers.Ticket),
		}
		for _, rt := range alerting.Routes() {
			l := RouteLine{Matcher: rt.Matcher, Receiver: string(rt.Receiver), Targets: targets[rt.Receiver]}
			if rt.Repeat > 0 {
				l.Repeat = alerting.PromDuration(rt.Repeat)
			}
			switch {
			case rt.Receiver == alerting.ReceiverDeadMansSwitch && m.DeadMansSwitchURL != "":
				l.Targets = "1 webhook outside the cluster"
			case rt.Receiver == alerting.ReceiverDeadMansSwitch:
				l.Targets = "none: nobody notices if the monitoring dies"
			case l.Targets == "":
				l.Targets = "dropped"
			}
			s.Routes = append(s.Routes, l)
		}
		if s.Logs != nil {
			s.Logs.RetentionDays = m.LogRetentionDays
		}
		s.Traces = &TracePipeline{Collector: "OpenTelemetry Collector (OTLP gRPC 4317, HTTP 4318)", Sampling: m.TraceSampling,
			Backend: "Grafana Tempo on S3", RetentionDays: m.TraceRetentionDays}
	}
	for i := range g.Resources {
		r := &g.Resources[i]
		if r.Type == typeRelease && policy.Str(r, "chart") != "" && strings.HasSuffix(policy.Str(r, "chart"), "fluent-bit") && s.Logs != nil {
			s.Logs.Shipper = "Fluent Bit DaemonSet " + policy.Str(r, "version") + " (IRSA, SigV4)"
		}
		if r.Type == "aws:s3/bucketV2:BucketV2" && policy.Str(r, "bucket") != "" && strings.Contains(policy.Str(r, "bucket"), "-traces-") && s.Traces != nil {
			s.Traces.Backend = "Grafana Tempo on S3 bucket " + policy.Str(r, "bucket")
		}
	}
	return s
}

func dashboardLabelled(r *plan.Resource) bool {
	md, _ := r.Inputs["metadata"].(map[string]any)
	labels, _ := md["labels"].(map[string]any)
	return labels[dashboards.Label] == "1"
}

func dashboardTitle(r *plan.Resource) string {
	data, _ := r.Inputs["data"].(map[string]any)
	for _, v := range data {
		var d struct {
			Title string `json:"title"`
		}
		if s, ok := v.(string); ok && json.Unmarshal([]byte(s), &d) == nil && d.Title != "" {
			return d.Title
		}
	}
	return r.Name
}

func logPipeline(r *plan.Resource) *LogPipeline {
	cc, _ := r.Inputs["clusterConfig"].(map[string]any)
	ebs, _ := r.Inputs["ebsOptions"].(map[string]any)
	num := func(m map[string]any, k string) int { f, _ := m[k].(float64); return int(f) }
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	l := &LogPipeline{Domain: policy.Str(r, "domainName"), Engine: policy.Str(r, "engineVersion"),
		DataNodes: fmt.Sprintf("%d × %s", num(cc, "instanceCount"), str(cc, "instanceType")), Masters: "none",
		VolumeGiB: num(ebs, "volumeSize"), Shipper: "none"}
	if zc, ok := cc["zoneAwarenessConfig"].(map[string]any); ok {
		l.AZs = num(zc, "availabilityZoneCount")
	}
	if cc["dedicatedMasterEnabled"] == true {
		l.Masters = fmt.Sprintf("%d × %s", num(cc, "dedicatedMasterCount"), str(cc, "dedicatedMasterType"))
	}
	return l
}

func writeMonitoringText(p *printer, _ io.Writer, d *Document) {
	m := d.Monitoring
	if m == nil {
		return
	}
	p.f("\nMonitoring: %d alerts (%d rules) and %d recording rules\n", len(m.Alerts), m.AlertRules, m.RecordingRules)
	for _, sev := range []string{"P0", "P1", "P2", "P3"} {
		var names []string
		for _, a := range m.Alerts {
			if a.Severity == sev {
				names = append(names, a.Name)
			}
		}
		p.f("  %s (%d): %s\n", sev, m.AlertsBySeverity[sev], strings.Join(names, ", "))
	}
	p.f("  routes:\n")
	for _, r := range m.Routes {
		p.f("    %s → %s%s: %s\n", r.Matcher, r.Receiver, repeatNote(r.Repeat), r.Targets)
	}
	p.f("  SLOs (monthly budget):\n")
	for _, s := range m.SLOs {
		p.f("    %s %s %.1f%% (%s): %.0f min\n", s.Service, s.Kind, 100*s.Objective, s.Class, s.BudgetMinutes)
	}
	p.f("  dashboards (%d): %s\n", len(m.Dashboards), strings.Join(m.Dashboards, "; "))
	if l := m.Logs; l != nil {
		p.f("  logs: %s → OpenSearch %s (%s), data %s, masters %s, %d AZs, %d GiB each, indices kept %d days\n",
			l.Shipper, l.Domain, l.Engine, l.DataNodes, l.Masters, l.AZs, l.VolumeGiB, l.RetentionDays)
	}
	if t := m.Traces; t != nil {
		p.f("  traces: %s, sampling %g → %s, kept %d days\n", t.Collector, t.Sampling, t.Backend, t.RetentionDays)
	}
}

func repeatNote(r string) string {
	if r == "" {
		return ""
	}
	return " (repeat " + r + ")"
}

func writeMonitoringMarkdown(p *printer, d *Document) {
	m := d.Monitoring
	if m == nil {
		return
	}
	p.f("\n### Monitoring\n\n%d alerts (%d rules), %d recording rules, %d dashboards.\n\n| severity | alerts |\n|---|---|\n", len(m.Alerts), m.AlertRules, m.RecordingRules, len(m.Dashboards))
	for _, sev := range []string{"P0", "P1", "P2", "P3"} {
		var names []string
		for _, a := range m.Alerts {
			if a.Severity == sev {
				names = append(names, "`"+a.Name+"`")
			}
		}
		p.f("| %s (%d) | %s |\n", sev, m.AlertsBySeverity[sev], strings.Join(names, ", "))
	}
	p.f("\n| route | receiver | repeat | targets |\n|---|---|---|---|\n")
	for _, r := range m.Routes {
		p.f("| `%s` | %s | %s | %s |\n", r.Matcher, r.Receiver, r.Repeat, r.Targets)
	}
	p.f("\n| service | SLO | objective | monthly budget |\n|---|---|---:|---:|\n")
	for _, s := range m.SLOs {
		p.f("| %s (%s) | %s | %.1f%% | %.0f min |\n", s.Service, s.Class, s.Kind, 100*s.Objective, s.BudgetMinutes)
	}
	p.f("\nDashboards: %s\n", strings.Join(m.Dashboards, "; "))
	if l := m.Logs; l != nil {
		p.f("\n**Logs**: %s → OpenSearch `%s` (%s): data %s, masters %s, %d AZs, %d GiB each; indices kept %d days.\n",
			l.Shipper, l.Domain, l.Engine, l.DataNodes, l.Masters, l.AZs, l.VolumeGiB, l.RetentionDays)
	}
	if t := m.Traces; t != nil {
		p.f("\n**Traces**: %s, sampling %g → %s; kept %d days.\n", t.Collector, t.Sampling, t.Backend, t.RetentionDays)
	}
}
