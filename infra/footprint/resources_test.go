package footprint

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/resource"
)

// TestRequestsAreKubernetesQuantities: what a chart's resources value gets parses with Kubernetes'
// own quantity parser, and the memory limit is twice the request as the parser counts bytes.
func TestRequestsAreKubernetesQuantities(t *testing.T) {
	v := Resources{CPUMilli: 250, MemoryMiB: 512}.Values()
	req := v["requests"].(map[string]any)
	cpu, err := resource.ParseQuantity(req["cpu"].(string))
	require.NoError(t, err)
	assert.Equal(t, int64(250), cpu.MilliValue())
	mem, err := resource.ParseQuantity(req["memory"].(string))
	require.NoError(t, err)
	assert.Equal(t, int64(512*1024*1024), mem.Value())
	limit, err := resource.ParseQuantity(v["limits"].(map[string]any)["memory"].(string))
	require.NoError(t, err)
	assert.Equal(t, 2*mem.Value(), limit.Value())
	assert.NotContains(t, v["limits"], "cpu", "CPU is not limited: throttling a scraper loses data")
}
