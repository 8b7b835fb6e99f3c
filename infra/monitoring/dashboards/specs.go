package dashboards

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
)

// panelKind is how a panel draws its queries.
type panelKind int

const (
	timeSeries panelKind = iota
	statPanel
)

// query is one PromQL target of a panel.
type query struct{ expr, legend string }

// panelSpec is a panel of a dashboard, as data.
type panelSpec struct {
	title   string
	kind    panelKind
	unit    string
	queries []query
}

// DashboardSpec is one dashboard, as data; Build renders it with the Grafana Foundation SDK.
type DashboardSpec struct {
	UID    string
	Title  string
	Tags   []string
	panels []panelSpec
}

// Units Grafana knows.
const (
	unitPercent01 = "percentunit"
	unitSeconds   = "s"
	unitReqPerSec = "reqps"
	unitBytes     = "bytes"
	unitShort     = "short"
	unitPercent   = "percent"
)

func ts(title, unit string, qs ...query) panelSpec {
	return panelSpec{title: title, kind: timeSeries, unit: unit, queries: qs}
}

func st(title, unit string, qs ...query) panelSpec {
	return panelSpec{title: title, kind: statPanel, unit: unit, queries: qs}
}

func q(expr, legend string) query { return query{expr: expr, legend: legend} }

// servicePanels are the golden signals of the services matching a selector: traffic, errors,
// latency, saturation, and the SLOs' budget.
func servicePanels(sel string) []panelSpec {
	d := metrics.MetricHTTPDuration
	return []panelSpec{
		ts("Requests per second", unitReqPerSec, q(fmt.Sprintf(`sum by (service) (rate(%s_count{%s}[$__rate_interval]))`, d, sel), "{{service}}")),
		ts("5xx ratio", unitPercent01, q(fmt.Sprintf(`sum by (service) (rate(%s_count{%s, %s=~"5.."}[$__rate_interval])) / sum by (service) (rate(%s_count{%s}[$__rate_interval]))`, d, sel, metrics.LabelHTTPStatus, d, sel), "{{service}}")),
		ts("Latency p95 and p99", unitSeconds,
			q(fmt.Sprintf(`histogram_quantile(0.95, sum by (service, le) (rate(%s_bucket{%s}[$__rate_interval])))`, d, sel), "p95 {{service}}"),
			q(fmt.Sprintf(`histogram_quantile(0.99, sum by (service, le) (rate(%s_bucket{%s}[$__rate_interval])))`, d, sel), "p99 {{service}}")),
		ts("Requests by status", unitReqPerSec, q(fmt.Sprintf(`sum by (service, %s) (rate(%s_count{%s}[$__rate_interval]))`, metrics.LabelHTTPStatus, d, sel), "{{service}} {{"+metrics.LabelHTTPStatus+"}}")),
		ts("CPU used / requested", unitPercent01, q(fmt.Sprintf(`sum by (container) (rate(container_cpu_usage_seconds_total{container=~%q, image!=""}[$__rate_interval])) / sum by (container) (kube_pod_container_resource_requests{resource="cpu", container=~%q})`, containerRegex(sel), containerRegex(sel)), "{{container}}")),
		ts("Memory used / limit", unitPercent01, q(fmt.Sprintf(`sum by (container) (container_memory_working_set_bytes{container=~%q, image!=""}) / sum by (container) (kube_pod_container_resource_limits{resource="memory", container=~%q})`, containerRegex(sel), containerRegex(sel)), "{{container}}")),
		st("Availability budget left (30d)", unitPercent01, q(fmt.Sprintf(`%s{%s, slo="availability"}`, metrics.RecordBudgetRemaining, sel), "{{service}}")),
		st("Latency budget left (30d)", unitPercent01, q(fmt.Sprintf(`%s{%s, slo="latency"}`, metrics.RecordBudgetRemaining, sel), "{{service}}")),
		st("Instances up", unitShort, q(fmt.Sprintf(`sum by (service) (up{%s})`, sel), "{{service}}")),
	}
}

// containerRegex turns a service selector into the container-name regex (containers are named after
// their service).
func containerRegex(sel string) string {
	v := sel[strings.Index(sel, `"`)+1 : strings.LastIndex(sel, `"`)]
	return v
}

func serviceSelector(names []string) string {
	return fmt.Sprintf(`service=~%q`, strings.Join(names, "|"))
}

func namesOn(services []config.Service, tier config.Tier) []string {
	var out []string
	for _, s := range services {
		if s.Tier == tier {
			out = append(out, s.Name)
		}
	}
	return out
}

// Specs are the platform's dashboards: the system overview, one per agent, the business
// services, the gateway, the data tier, the SLOs, the node pools, the log and trace pipeline. They
// are generated from the service list and the metric names the rules use.
func Specs(p metrics.Params, services []config.Service) []DashboardSpec {
	all := make([]string, 0, len(services))
	for _, s := range services {
		all = append(all, s.Name)
	}
	allSel := serviceSelector(all)
	var out []DashboardSpec

	out = append(out, DashboardSpec{UID: "suoke-overview", Title: "Suoke · System overview", Tags: []string{"suoke", "overview"},
		panels: []panelSpec{
			st("Firing alerts by severity", unitShort, q(`sum by (severity) (ALERTS{alertstate="firing", alertname!="Watchdog"})`, "{{severity}}")),
			st("Services down", unitShort, q(fmt.Sprintf(`count(sum by (service) (up{%s}) == 0) or vector(0)`, allSel), "down")),
			ts("Requests per second", unitReqPerSec, q(fmt.Sprintf(`sum by (service) (rate(%s_count{%s}[$__rate_interval]))`, metrics.MetricHTTPDuration, allSel), "{{service}}")),
			ts("5xx ratio", unitPercent01, q(fmt.Sprintf(`sum by (service) (rate(%s_count{%s, %s=~"5.."}[$__rate_interval])) / sum by (service) (rate(%s_count{%s}[$__rate_interval]))`, metrics.MetricHTTPDuration, allSel, metrics.LabelHTTPStatus, metrics.MetricHTTPDuration, allSel), "{{service}}")),
			ts("Latency p95", unitSeconds, q(fmt.Sprintf(`histogram_quantile(0.95, sum by (service, le) (rate(%s_bucket{%s}[$__rate_interval])))`, metrics.MetricHTTPDuration, allSel), "{{service}}")),
			ts("Nodes per pool", unitShort, q(fmt.Sprintf(`count by (%s) (kube_node_labels)`, metrics.KSMLabel(p.TierLabel)), "{{"+metrics.KSMLabel(p.TierLabel)+"}}")),
			st("Availability budget left (30d)", unitPercent01, q(fmt.Sprintf(`%s{slo="availability"}`, metrics.RecordBudgetRemaining), "{{service}}")),
			ts("PostgreSQL connections used", unitPercent01, q(`sum by (pod) (cnpg_backends_total) / on (pod) max by (pod) (cnpg_pg_settings_setting{name="max_connections"})`, "{{pod}}")),
		}})

	for _, name := range namesOn(services, config.TierAgents) {
		out = append(out, DashboardSpec{UID: "suoke-agent-" + name, Title: "Suoke · Agent " + agentTitle(name), Tags: []string{"suoke", "agents"},
			panels: servicePanels(fmt.Sprintf(`service=%q`, name))})
	}
	if business := namesOn(services, config.TierBusiness); len(business) > 0 {
		out = append(out, DashboardSpec{UID: "suoke-business", Title: "Suoke · Business services", Tags: []string{"suoke", "business"},
			panels: servicePanels(serviceSelector(business))})
	}
	if gateway := namesOn(services, config.TierGateway); len(gateway) > 0 {
		sel := serviceSelector(gateway)
		panels := servicePanels(sel)
		panels = append(panels,
			ts("Requests by route", unitReqPerSec, q(fmt.Sprintf(`topk(15, sum by (http_route) (rate(%s_count{%s}[$__rate_interval])))`, metrics.MetricHTTPDuration, sel), "{{http_route}}")),
			ts("Rejected (429) per second", unitReqPerSec, q(fmt.Sprintf(`sum by (service) (rate(%s_count{%s, %s="429"}[$__rate_interval]))`, metrics.MetricHTTPDuration, sel, metrics.LabelHTTPStatus), "{{service}}")),
			ts("Unauthorised (401/403) per second", unitReqPerSec, q(fmt.Sprintf(`sum by (service) (rate(%s_count{%s, %s=~"401|403"}[$__rate_interval]))`, metrics.MetricHTTPDuration, sel, metrics.LabelHTTPStatus), "{{service}}")),
		)
		out = append(out, DashboardSpec{UID: "suoke-gateway", Title: "Suoke · API gateway and ingress", Tags: []string{"suoke", "gateway"}, panels: panels})
	}

	out = append(out, DashboardSpec{UID: "suoke-postgresql", Title: "Suoke · PostgreSQL", Tags: []string{"suoke", "data"},
		panels: []panelSpec{
			st("Instances up", unitShort, q(`sum(cnpg_collector_up)`, "up")),
			st("Streaming replicas", unitShort, q(`max by (cluster) (cnpg_pg_replication_streaming_replicas)`, "{{cluster}}")),
			ts("Connections used / max", unitPercent01, q(`sum by (pod) (cnpg_backends_total) / on (pod) max by (pod) (cnpg_pg_settings_setting{name="max_connections"})`, "{{pod}}")),
			ts("Replication lag", unitSeconds, q(`max by (pod) (cnpg_pg_replication_lag)`, "{{pod}}")),
			ts("Seconds since last WAL archived", unitSeconds, q(`max by (cluster) (cnpg_pg_stat_archiver_seconds_since_last_archival)`, "{{cluster}}")),
			ts("WAL archive failures", unitShort, q(`sum by (cluster) (increase(cnpg_pg_stat_archiver_failed_count[$__rate_interval]))`, "{{cluster}}")),
			st("Newest base backup age", unitSeconds, q(`time() - max by (cluster) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp)`, "{{cluster}}")),
			ts("Longest active transaction", unitSeconds, q(`max by (pod) (cnpg_backends_max_tx_duration_seconds{state="active"})`, "{{pod}}")),
			ts("Commits per second", unitShort, q(`sum by (datname) (rate(cnpg_pg_stat_database_xact_commit[$__rate_interval]))`, "{{datname}}")),
			ts("Database size", unitBytes, q(`max by (datname) (cnpg_pg_database_size_bytes)`, "{{datname}}")),
		}})

	out = append(out, DashboardSpec{UID: "suoke-redis", Title: "Suoke · Redis (ElastiCache)", Tags: []string{"suoke", "data"},
		panels: []panelSpec{
			ts("Memory used", unitPercent, q(`max by (dimension_CacheClusterId) (aws_elasticache_database_memory_usage_percentage_average)`, "{{dimension_CacheClusterId}}")),
			ts("Engine CPU", unitPercent, q(`max by (dimension_CacheClusterId) (aws_elasticache_engine_cpuutilization_average)`, "{{dimension_CacheClusterId}}")),
			ts("Connections", unitShort, q(`sum by (dimension_CacheClusterId) (aws_elasticache_curr_connections_average)`, "{{dimension_CacheClusterId}}")),
			ts("Evictions", unitShort, q(`sum by (dimension_CacheClusterId) (aws_elasticache_evictions_sum)`, "{{dimension_CacheClusterId}}")),
			ts("Replication lag", unitSeconds, q(`max by (dimension_CacheClusterId) (aws_elasticache_replication_lag_average)`, "{{dimension_CacheClusterId}}")),
			ts("Hit rate", unitPercent, q(`avg by (dimension_CacheClusterId) (aws_elasticache_cache_hit_rate_average)`, "{{dimension_CacheClusterId}}")),
			st("Primary", unitShort, q(`max by (dimension_CacheClusterId) (aws_elasticache_is_master_average)`, "{{dimension_CacheClusterId}}")),
		}})

	budgetBurn := func(w string) query {
		return q(fmt.Sprintf(`slo:sli_error:ratio_rate%s / on (service, slo) (1 - %s)`, w, metrics.RecordObjective), "{{service}} {{slo}}")
	}
	out = append(out, DashboardSpec{UID: "suoke-slos", Title: "Suoke · SLOs and error budgets", Tags: []string{"suoke", "slo"},
		panels: []panelSpec{
			st("Availability budget left (30d)", unitPercent01, q(fmt.Sprintf(`%s{slo="availability"}`, metrics.RecordBudgetRemaining), "{{service}}")),
			st("Latency budget left (30d)", unitPercent01, q(fmt.Sprintf(`%s{slo="latency"}`, metrics.RecordBudgetRemaining), "{{service}}")),
			st("Objectives", unitPercent01, q(metrics.RecordObjective, "{{service}} {{slo}}")),
			ts("Burn rate over 1h (page at 14.4)", unitShort, budgetBurn("1h")),
			ts("Burn rate over 6h (page at 6)", unitShort, budgetBurn("6h")),
			ts("Burn rate over 1d (ticket at 3)", unitShort, budgetBurn("1d")),
			ts("Burn rate over 3d (ticket at 1)", unitShort, budgetBurn("3d")),
			st("Burn-rate alerts firing", unitShort, q(`count by (alertname, severity) (ALERTS{alertstate="firing", alertname=~"SLO.*"}) or vector(0)`, "{{alertname}} {{severity}}")),
		}})

	tier := metrics.KSMLabel(p.TierLabel)
	out = append(out, DashboardSpec{UID: "suoke-capacity", Title: "Suoke · Node pools and capacity", Tags: []string{"suoke", "capacity"},
		panels: []panelSpec{
			ts("Nodes per pool", unitShort, q(fmt.Sprintf(`count by (%s) (kube_node_labels)`, tier), "{{"+tier+"}}")),
			ts("CPU requested / allocatable", unitPercent01, q(fmt.Sprintf(`sum by (%s) (kube_pod_container_resource_requests{resource="cpu"} * on (node) group_left (%s) kube_node_labels) / sum by (%s) (kube_node_status_allocatable{resource="cpu"} * on (node) group_left (%s) kube_node_labels)`, tier, tier, tier, tier), "{{"+tier+"}}")),
			ts("Memory requested / allocatable", unitPercent01, q(fmt.Sprintf(`sum by (%s) (kube_pod_container_resource_requests{resource="memory"} * on (node) group_left (%s) kube_node_labels) / sum by (%s) (kube_node_status_allocatable{resource="memory"} * on (node) group_left (%s) kube_node_labels)`, tier, tier, tier, tier), "{{"+tier+"}}")),
			ts("Pending pods", unitShort, q(`sum by (namespace) (kube_pod_status_phase{phase="Pending"})`, "{{namespace}}")),
			ts("Node CPU busy", unitPercent01, q(`1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))`, "{{instance}}")),
			ts("Volumes used", unitPercent01, q(`max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes)`, "{{namespace}}/{{persistentvolumeclaim}}")),
		}})

	out = append(out, DashboardSpec{UID: "suoke-telemetry", Title: "Suoke · Logs and traces pipeline", Tags: []string{"suoke", "telemetry"},
		panels: []panelSpec{
			ts("Fluent Bit records out per second", unitShort, q(`sum by (name) (rate(fluentbit_output_proc_records_total[$__rate_interval]))`, "{{name}}")),
			ts("Fluent Bit retries failed (records lost)", unitShort, q(`sum by (pod) (rate(fluentbit_output_retries_failed_total[$__rate_interval]))`, "{{pod}}")),
			st("Log store status red", unitShort, q(`max(aws_es_cluster_status_red_maximum)`, "red")),
			st("Log store status yellow", unitShort, q(`max(aws_es_cluster_status_yellow_maximum)`, "yellow")),
			ts("Log store free storage (MB)", unitShort, q(`min by (dimension_NodeId) (aws_es_free_storage_space_minimum)`, "{{dimension_NodeId}}")),
			ts("Log store JVM memory pressure", unitPercent, q(`max(aws_es_jvmmemory_pressure_maximum)`, "jvm")),
			ts("Spans accepted per second", unitShort, q(`sum by (receiver) (rate(otelcol_receiver_accepted_spans_total[$__rate_interval]))`, "{{receiver}}")),
			ts("Spans sent / failed per second", unitShort,
				q(`sum by (exporter) (rate(otelcol_exporter_sent_spans_total[$__rate_interval]))`, "sent {{exporter}}"),
				q(`sum by (exporter) (rate(otelcol_exporter_send_failed_spans_total[$__rate_interval]))`, "failed {{exporter}}")),
		}})
	return out
}

var agentNames = map[string]string{"xiaoai": "Xiaoai (小艾)", "xiaoke": "Xiaoke (小克)", "laoke": "Laoke (老克)", "soer": "Soer (索儿)"}

func agentTitle(name string) string {
	if t, ok := agentNames[name]; ok {
		return t
	}
	return name
}

// Build renders the dashboard with the Grafana Foundation SDK.
func (d DashboardSpec) Build() (dashboard.Dashboard, error) {
	b := dashboard.NewDashboardBuilder(d.Title).Uid(d.UID).Tags(d.Tags).Refresh("1m").Time("now-6h", "now").
		Timezone(common.TimeZoneBrowser).Readonly()
	for _, p := range d.panels {
		var targets []cog.Builder[variants.Dataquery]
		for _, qr := range p.queries {
			targets = append(targets, prometheus.NewDataqueryBuilder().Expr(qr.expr).LegendFormat(qr.legend))
		}
		switch p.kind {
		case statPanel:
			b = b.WithPanel(stat.NewPanelBuilder().Title(p.title).Unit(p.unit).Targets(targets).Height(5).Span(6))
		default:
			b = b.WithPanel(timeseries.NewPanelBuilder().Title(p.title).Unit(p.unit).Targets(targets).Height(8).Span(12))
		}
	}
	dash, err := b.Build()
	if err != nil {
		return dashboard.Dashboard{}, fmt.Errorf("monitoring: dashboard %s: %w", d.UID, err)
	}
	return dash, nil
}

// JSON renders the dashboard as the JSON Grafana's sidecar loads.
func (d DashboardSpec) JSON() (string, error) {
	dash, err := d.Build()
	if err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(dash, "", "  ")
	if err != nil {
		return "", fmt.Errorf("monitoring: dashboard %s: %w", d.UID, err)
	}
	return string(b), nil
}

// Queries lists every PromQL expression of the dashboard, for tests and reports.
func (d DashboardSpec) Queries() []string {
	var out []string
	for _, p := range d.panels {
		for _, qr := range p.queries {
			out = append(out, qr.expr)
		}
	}
	return out
}

// PanelCount is the number of panels.
func (d DashboardSpec) PanelCount() int { return len(d.panels) }
