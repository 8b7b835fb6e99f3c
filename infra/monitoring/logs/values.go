package logs

import (
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/monitoring/pod"
	"github.com/suoke-life/suoke-platform/infra/pins"
	"github.com/suoke-life/suoke-platform/infra/release"
)

// FluentBitRequests are what Fluent Bit asks of every node.
var FluentBitRequests = footprint.Resources{CPUMilli: 50, MemoryMiB: 128}

// FluentBitValues are Fluent Bit's values: a DaemonSet on every node, its IAM role, the pipeline:
// OpenSearch (the hot, searchable copy) and the archive bucket (LogArchiveOutput, kept for
// logRetentionMinimumDays).
func FluentBitValues(region, roleARN string, reg config.Registries, archiveBucket string) map[string]any {
	pipeline := fluentBitConfig(region)
	pipeline["outputs"] = pipeline["outputs"].(string) + LogArchiveOutput(region, archiveBucket)
	return map[string]any{
		"kind":           "DaemonSet",
		"image":          release.Image(reg, pins.ImageFluentBit).Joined().Plain(),
		"serviceAccount": map[string]any{"create": true, "name": "fluent-bit", "annotations": map[string]any{pod.IRSAAnnotation: roleARN}},
		"tolerations":    pod.Everywhere(),
		"config":         pipeline,
		"serviceMonitor": map[string]any{"enabled": true},
		"resources":      FluentBitRequests.Values(),
		"testFramework":  map[string]any{"enabled": false},
		// Chunks buffered on disk survive a restart instead of being lost.
		"extraVolumes":      []any{map[string]any{"name": "state", "hostPath": map[string]any{"path": "/var/fluent-bit/state"}}},
		"extraVolumeMounts": []any{map[string]any{"name": "state", "mountPath": "/var/fluent-bit/state"}},
	}
}
