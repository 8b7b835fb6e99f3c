package monitoring

import (
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/monitoring/logs"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
	"github.com/suoke-life/suoke-platform/infra/monitoring/pod"
	"github.com/suoke-life/suoke-platform/infra/monitoring/traces"
)

// Footprint is one workload's requests on a pool, for the cluster's capacity check: Replicas pods,
// or one pod on every node of the pool (PerNode, a DaemonSet).
type Footprint struct {
	Name     string
	Tier     config.Tier
	Replicas int
	PerNode  bool
	Requests pod.Requests
}

// Footprints lists what this component schedules: the stack and the pipelines on the monitoring pool,
// node-exporter and Fluent Bit on every node of every pool.
func (a Args) Footprints() []Footprint {
	m := a.Monitoring
	mon := config.TierMonitoring
	out := []Footprint{
		{Name: "prometheus", Tier: mon, Replicas: m.PrometheusReplicas, Requests: metrics.PrometheusRequests},
		{Name: "alertmanager", Tier: mon, Replicas: m.AlertmanagerReplicas, Requests: metrics.AlertmanagerRequests},
		{Name: "grafana", Tier: mon, Replicas: 1, Requests: metrics.GrafanaRequests},
		{Name: "prometheus-operator", Tier: mon, Replicas: 1, Requests: metrics.OperatorRequests},
		{Name: "kube-state-metrics", Tier: mon, Replicas: 1, Requests: metrics.KSMRequests},
		{Name: "cloudwatch-exporter", Tier: mon, Replicas: 1, Requests: metrics.YACERequests},
		{Name: "otel-collector", Tier: mon, Replicas: a.collectorReplicas(), Requests: traces.CollectorRequests},
		{Name: "tempo", Tier: mon, Replicas: 1, Requests: traces.TempoRequests},
	}
	for _, t := range config.AllTiers() {
		out = append(out,
			Footprint{Name: "node-exporter", Tier: t, PerNode: true, Requests: metrics.NodeExporterRequests},
			Footprint{Name: "fluent-bit", Tier: t, PerNode: true, Requests: logs.FluentBitRequests})
	}
	return out
}

// collectorReplicas: two in production, so a collector restart drops no spans.
func (a Args) collectorReplicas() int {
	return traces.CollectorReplicas(a.Environment.ProductionLike())
}
