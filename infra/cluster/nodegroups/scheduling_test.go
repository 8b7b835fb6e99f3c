package nodegroups

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
)

func TestAllocatable(t *testing.T) {
	cat, _ := config.CatalogFor("cn-northwest-1")
	cases := map[string]footprint.Resources{
		// 4000 - (60+10+5+5); 8192×0.95 - (255+11×58) - 100
		"c6i.xlarge": {CPUMilli: 3920, MemoryMiB: 6789},
		// 8000 - (60+10+5+5+4×2.5); 16384×0.95 - (255+11×58) - 100
		"c6i.2xlarge": {CPUMilli: 7910, MemoryMiB: 14571},
		// 32768×0.95 - 893 - 100
		"m6i.2xlarge": {CPUMilli: 7910, MemoryMiB: 30136},
		// 2000 - 70; 8192×0.95 - (255+11×29) - 100
		"m6i.large": {CPUMilli: 1930, MemoryMiB: 7108},
	}
	for typ, want := range cases {
		assert.Equal(t, want, Allocatable(cat.EC2[typ]), typ)
	}
}

func TestCapacitySumsDaemonSetsPerNode(t *testing.T) {
	cat, _ := config.CatalogFor("cn-northwest-1")
	pools := map[config.Tier]config.NodePool{}
	for _, tier := range config.AllTiers() {
		pools[tier] = config.NodePool{Desired: 2, Max: 4, InstanceType: "c6i.xlarge"}
	}
	items := []footprint.Footprint{
		{Tier: config.TierMonitoring, Name: "a", Replicas: 2, CPUMilli: 100, MemoryMiB: 200},
		{Tier: config.TierMonitoring, Name: "ds", PerNode: true, CPUMilli: 10, MemoryMiB: 20},
		{Tier: config.TierDatabase, Name: "ds", PerNode: true, CPUMilli: 10, MemoryMiB: 20},
	}
	got := Capacity(pools, 3, cat, items)
	require.Len(t, got, 5)
	mon := got[4]
	assert.Equal(t, config.TierMonitoring, mon.Tier)
	assert.Equal(t, 2*100+2*10, mon.RequestedCPUMilli)
	assert.Equal(t, 2*200+2*20, mon.RequestedMemoryMiB)
	assert.Equal(t, 2*3920, mon.AllocatableCPUMilli)
	assert.True(t, mon.Fits())
	db := got[3]
	assert.Equal(t, 6, db.Nodes, "database counts are per AZ")
	assert.Equal(t, 60, db.RequestedCPUMilli)

	heavy := Capacity(pools, 3, cat, []footprint.Footprint{{Tier: config.TierGateway, Name: "big", Replicas: 2, CPUMilli: 3500, MemoryMiB: 100}})
	assert.False(t, heavy[0].Fits(), "7000m of 7840m leaves less than the 20% headroom")
}

func TestSchedulingTaintsAllButBusiness(t *testing.T) {
	for _, tier := range config.AllTiers() {
		s := SchedulingFor(tier)
		assert.Equal(t, map[string]string{TierLabel: string(tier)}, s.NodeSelector)
		if tier == config.TierBusiness {
			assert.Empty(t, s.Tolerations)
		} else {
			assert.Equal(t, []Toleration{{Key: TierLabel, Operator: "Equal", Value: string(tier), Effect: "NoSchedule"}}, s.Tolerations)
		}
	}
}
