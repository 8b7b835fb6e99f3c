package traces

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTracePipeline(t *testing.T) {
	in := TracesInput{Namespace: "monitoring", Sampling: 0.1, RetentionDays: 14, Bucket: "b", Region: "cn-northwest-1", S3Endpoint: "s3.cn-northwest-1.amazonaws.com.cn"}
	c := collectorConfig(in)
	sampler := c["processors"].(map[string]any)["probabilistic_sampler"].(map[string]any)
	assert.Equal(t, 10.0, sampler["sampling_percentage"])
	pipe := c["service"].(map[string]any)["pipelines"].(map[string]any)["traces"].(map[string]any)
	assert.Equal(t, []string{"memory_limiter", "probabilistic_sampler", "batch"}, pipe["processors"], "limit memory first, batch last")
	assert.Equal(t, "tempo.monitoring.svc.cluster.local:4317", c["exporters"].(map[string]any)["otlp/tempo"].(map[string]any)["endpoint"])
	tc := tempoConfig(in)
	assert.Equal(t, "336h", tc["retention"])
	assert.Equal(t, "s3.cn-northwest-1.amazonaws.com.cn", tc["storage"].(map[string]any)["trace"].(map[string]any)["s3"].(map[string]any)["endpoint"])
	assert.Equal(t, 0.5, SamplingPercent(0.005))
}
