package traces

import (
	"maps"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/monitoring/pod"
	"github.com/suoke-life/suoke-platform/infra/pins"
	"github.com/suoke-life/suoke-platform/infra/release"
)

// Requests of the pipeline's workloads on the monitoring pool.
var (
	CollectorRequests = footprint.Resources{CPUMilli: 200, MemoryMiB: 512}
	TempoRequests     = footprint.Resources{CPUMilli: 200, MemoryMiB: 512}
)

// collectorUser is the collector image's own user (its Dockerfile's USER).
const collectorUser = 10001

// with is a with b's keys added.
func with(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// CollectorValues are the OpenTelemetry Collector's values: a Deployment on the monitoring pool.
func CollectorValues(in TracesInput, replicas int, sch pod.Scheduling, reg config.Registries) map[string]any {
	return sch.Place(pod.Restricted(map[string]any{
		"mode":            "deployment",
		"replicaCount":    replicas,
		"image":           release.Image(reg, pins.ImageCollector).Joined().Plain(),
		"alternateConfig": collectorConfig(in),
		"ports": map[string]any{
			"otlp":           map[string]any{"enabled": true, "containerPort": CollectorOTLPGRPCPort, "servicePort": CollectorOTLPGRPCPort, "protocol": "TCP"},
			"otlp-http":      map[string]any{"enabled": true, "containerPort": CollectorOTLPHTTPPort, "servicePort": CollectorOTLPHTTPPort, "protocol": "TCP"},
			"jaeger-compact": map[string]any{"enabled": false}, "jaeger-thrift": map[string]any{"enabled": false},
			"jaeger-grpc": map[string]any{"enabled": false}, "zipkin": map[string]any{"enabled": false},
			"metrics": map[string]any{"enabled": true},
		},
		"serviceMonitor": map[string]any{"enabled": true},
		"resources":      CollectorRequests.Values(),
	}, collectorUser))
}

// TempoValues are Tempo's values: single binary with a WAL volume, S3 storage, its IAM role.
func TempoValues(in TracesInput, roleARN, storageClass string, sch pod.Scheduling, reg config.Registries) map[string]any {
	return sch.Place(map[string]any{
		"fullnameOverride": tempoService,
		"tempo": with(release.Image(reg, pins.ImageTempo).Split().Plain(), map[string]any{
			"retention": tempoConfig(in)["retention"],
			"storage":   tempoConfig(in)["storage"],
			"receivers": tempoConfig(in)["receivers"],
			"resources": TempoRequests.Values(),
		}),
		"serviceAccount": map[string]any{"create": true, "name": "tempo", "annotations": map[string]any{pod.IRSAAnnotation: roleARN}},
		"persistence":    map[string]any{"enabled": true, "storageClassName": storageClass, "size": "20Gi"},
		"serviceMonitor": map[string]any{"enabled": true},
	})
}
