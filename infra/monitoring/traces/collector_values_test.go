package traces

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/monitoring/pod"
)

// TestCollectorConfigReplacesTheChartDefaults: the collector's configuration goes in alternateConfig
// (which the chart does not merge with its defaults) and not in config (which it does), and holds
// one pipeline, traces, from OTLP only.
func TestCollectorConfigReplacesTheChartDefaults(t *testing.T) {
	v := CollectorValues(TracesInput{Namespace: "monitoring", Sampling: 0.1}, 2, pod.Scheduling{Key: "k", Pool: "p"}, config.Default().Cluster.Registries.Resolve(config.Region{Name: "cn-northwest-1"}, "123456789012"))
	assert.NotContains(t, v, "config")
	c := v["alternateConfig"].(map[string]any)
	pipelines := c["service"].(map[string]any)["pipelines"].(map[string]any)
	assert.Len(t, pipelines, 1)
	assert.Contains(t, pipelines, "traces")
	assert.Len(t, c["receivers"], 1)
	assert.Equal(t, []string{"health_check"}, c["service"].(map[string]any)["extensions"], "the chart's probes call it")
}
