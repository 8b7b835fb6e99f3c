package monitoring

import (
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/monitoring/logs"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
	"github.com/suoke-life/suoke-platform/infra/monitoring/traces"
)

// Footprints lists what this component schedules, from its Args alone (the composition sums them
// before the cluster is built): the stack and the pipelines on the monitoring pool, node-exporter and
// Fluent Bit on every node of every pool.
func (a Args) Footprints() []footprint.Footprint {
	m := a.Monitoring
	mon := config.TierMonitoring
	f := func(name string, tier config.Tier, replicas int, perNode bool, r footprint.Resources) footprint.Footprint {
		return footprint.Footprint{Tier: tier, Name: name, Replicas: replicas, PerNode: perNode, CPUMilli: r.CPUMilli, MemoryMiB: r.MemoryMiB, Source: "monitoring"}
	}
	out := []footprint.Footprint{
		f("prometheus", mon, m.PrometheusReplicas, false, metrics.PrometheusRequests),
		f("alertmanager", mon, m.AlertmanagerReplicas, false, metrics.AlertmanagerRequests),
		f("grafana", mon, 1, false, metrics.GrafanaRequests),
		f("prometheus-operator", mon, 1, false, metrics.OperatorRequests),
		f("kube-state-metrics", mon, 1, false, metrics.KSMRequests),
		f("cloudwatch-exporter", mon, 1, false, metrics.YACERequests),
		f("otel-collector", mon, a.collectorReplicas(), false, traces.CollectorRequests),
		f("tempo", mon, 1, false, traces.TempoRequests),
	}
	for _, t := range config.AllTiers() {
		out = append(out, f("node-exporter", t, 0, true, metrics.NodeExporterRequests), f("fluent-bit", t, 0, true, logs.FluentBitRequests))
	}
	return out
}

// collectorReplicas: two in production, so a collector restart drops no spans.
func (a Args) collectorReplicas() int {
	return traces.CollectorReplicas(a.Environment.ProductionLike())
}
