package postgres

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The figures of the sizing comment, derived from the same rules.
func TestSizeForThePlansNodes(t *testing.T) {
	prod := SizeFor(7910, 30136, 0.20, 200) // m6i.2xlarge
	assert.Equal(t, 5700, prod.CPUMilli)
	assert.Equal(t, 23040, prod.MemoryMiB)
	assert.Equal(t, map[string]string{"max_connections": "200", "shared_buffers": "5760MB", "effective_cache_size": "17280MB",
		"maintenance_work_mem": "1440MB", "work_mem": "28MB"}, prod.Parameters())

	staging := SizeFor(1930, 7108, 0.20, 200) // m6i.large
	assert.Equal(t, 900, staging.CPUMilli)
	assert.Equal(t, 4608, staging.MemoryMiB)
	assert.Equal(t, "5MB", staging.Parameters()["work_mem"])

	// Never below PostgreSQL's own default work_mem; maintenance_work_mem capped at 2 GiB.
	big := SizeFor(64000, 500000, 0.20, 5000)
	assert.Equal(t, 2048, big.MaintenanceWorkMemMB)
	assert.GreaterOrEqual(t, SizeFor(1930, 7108, 0.2, 5000).WorkMemMB, 4)
	// A node too small leaves nothing rather than a negative size.
	assert.Equal(t, 0, SizeFor(500, 1000, 0.2, 200).CPUMilli)
}

func TestContainerPlusOverheadFitsTheHeadroom(t *testing.T) {
	for _, n := range []struct{ cpu, mem int }{{7910, 30136}, {1930, 7108}, {3920, 6789}} {
		s := SizeFor(n.cpu, n.mem, 0.20, 200)
		assert.LessOrEqual(t, s.CPUMilli+SidecarCPUMilli+DaemonBudgetCPUMilli, n.cpu*8/10)
		assert.LessOrEqual(t, s.MemoryMiB+SidecarMemoryMiB+DaemonBudgetMemoryMiB, n.mem*8/10)
	}
}
