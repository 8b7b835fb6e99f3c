package tenancy

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
)

func TestQuotaIsMaxCapacityLessOverheads(t *testing.T) {
	cat, _ := config.CatalogFor("cn-northwest-1")
	pool := config.NodePool{Desired: 2, Max: 4, InstanceType: "c6i.xlarge"}
	q := quotaFor(config.TierGateway, pool, cat, []footprint.Footprint{{Tier: config.TierGateway, Name: "ds", PerNode: true, CPUMilli: 100, MemoryMiB: 100}})
	assert.Equal(t, 12224, q.CPUMilli, "(4×3920 - 4×100) × 0.8")
	assert.Equal(t, 21404, q.MemoryMiB, "(4×6789 - 4×100) × 0.8, rounded down")
	assert.Equal(t, 4*58-4, q.Pods)
	assert.Equal(t, map[string]string{"requests.cpu": "12224m", "requests.memory": "21404Mi", "limits.memory": "42808Mi", "pods": "228"}, q.Hard())
}

// The network policies' flows are evaluated with Kubernetes' semantics over the recorded graph in
// netpol_eval_test.go (TestPlatformFlows, TestEgressPerDefaultService, TestDeclaredEgressIsExact).
