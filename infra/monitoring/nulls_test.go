package monitoring

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// TestNullValuesAreRefused: a null anywhere in a release's values, which Helm would read as "delete
// the chart's default" but the Pulumi Go SDK drops, is an error naming where it is.
func TestNullValuesAreRefused(t *testing.T) {
	_, err := toPulumiMap(map[string]any{"config": map[string]any{"receivers": map[string]any{"otlp": map[string]any{}, "jaeger": nil}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config.receivers.jaeger is null")

	_, err = toPulumiMap(map[string]any{"tolerations": []any{map[string]any{"key": nil}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tolerations[0].key is null")

	_, err = toPulumiMap(map[string]any{"a": map[string]any{"b": []any{1, "x", false}}, "c": ""})
	assert.NoError(t, err)
}

// TestCollectorConfigReplacesTheChartDefaults: the collector's configuration goes in alternateConfig
// (which the chart does not merge with its defaults) and not in config (which it does), and holds
// one pipeline, traces, from OTLP only.
func TestCollectorConfigReplacesTheChartDefaults(t *testing.T) {
	v := CollectorValues(TracesInput{Namespace: "monitoring", Sampling: 0.1}, 2, Scheduling{Key: "k", Pool: "p"}, config.Default().Cluster.Registries.Resolve(config.Region{Name: "cn-northwest-1"}, "123456789012"))
	assert.NotContains(t, v, "config")
	c := v["alternateConfig"].(map[string]any)
	pipelines := c["service"].(map[string]any)["pipelines"].(map[string]any)
	assert.Len(t, pipelines, 1)
	assert.Contains(t, pipelines, "traces")
	assert.Len(t, c["receivers"], 1)
	assert.Equal(t, []string{"health_check"}, c["service"].(map[string]any)["extensions"], "the chart's probes call it")
}
