package nodegroups

import (
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
)

// TierLabel is the node label (and taint key) that names a node's pool.
const TierLabel = "suoke.life/tier"

// taintedTiers keep everything off their nodes that does not tolerate them; business stays
// untainted so that whatever selects no pool (cluster add-ons such as CoreDNS) lands there.
var taintedTiers = map[config.Tier]bool{
	config.TierGateway: true, config.TierAgents: true, config.TierDatabase: true, config.TierMonitoring: true,
}

// Toleration is a pod toleration, with the JSON names of the Kubernetes API (charts take it as is).
type Toleration struct {
	Key      string `json:"key"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
	Effect   string `json:"effect"`
}

// PoolScheduling is how a pod lands on a pool: select its label, tolerate its taint.
type PoolScheduling struct {
	Tier         config.Tier
	NodeSelector map[string]string
	// Tolerations is empty for an untainted pool.
	Tolerations []Toleration
	// Tainted says whether the pool's nodes carry suoke.life/tier=<tier>:NoSchedule.
	Tainted bool
}

// SchedulingFor returns a pool's scheduling.
func SchedulingFor(t config.Tier) PoolScheduling {
	s := PoolScheduling{Tier: t, NodeSelector: map[string]string{TierLabel: string(t)}, Tolerations: []Toleration{}, Tainted: taintedTiers[t]}
	if s.Tainted {
		s.Tolerations = []Toleration{{Key: TierLabel, Operator: "Equal", Value: string(t), Effect: "NoSchedule"}}
	}
	return s
}

// Headroom is the share of a pool's allocatable capacity left free at its desired size: room for a
// rolling update's surge pods and for the requests VPA will recommend upward.
const Headroom = 0.20

// Allocatable is a node's schedulable CPU and memory under the EKS AL2023 AMI's kubelet reservations
// (nodeadm's defaults, awslabs/amazon-eks-ami, read 2026-11-25):
//
//   - kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of the third and fourth, 0.25%
//     of every further core;
//   - kube-reserved memory: 255 MiB + 11 MiB per pod the node may run (maxPods, from the VPC CNI's
//     eni-max-pods table in the catalog);
//   - the hard eviction threshold: memory.available < 100 MiB;
//   - and, before those, what the kernel and firmware keep of the nominal memory: taken as 5% (an
//     estimate: MemTotal on Nitro instances reads 3-5% under the nominal size).
//
// Example, c6i.xlarge (4 vCPU, 8 GiB, 58 pods): CPU 4000 - (60+10+5+5) = 3920m; memory
// 8192×0.95 = 7782 MiB - (255 + 11×58 = 893) - 100 = 6789 MiB.
func Allocatable(it config.InstanceType) footprint.Resources {
	cores := it.VCPU
	reserved := 0.0
	for c := 1; c <= cores; c++ {
		switch {
		case c == 1:
			reserved += 60
		case c == 2:
			reserved += 10
		case c <= 4:
			reserved += 5
		default:
			reserved += 2.5
		}
	}
	memMiB := int(it.MemoryGiB*1024*0.95) - (255 + 11*it.MaxPods) - 100
	return footprint.Resources{CPUMilli: cores*1000 - int(reserved+0.5), MemoryMiB: memMiB}
}

// PoolCapacity is one pool's allocatable capacity at its desired size against what is scheduled.
type PoolCapacity struct {
	Tier         config.Tier `json:"tier"`
	InstanceType string      `json:"instanceType"`
	Nodes        int         `json:"nodes"`
	// PerNode is one node's allocatable capacity.
	PerNodeCPUMilli  int `json:"perNodeCpuMilli"`
	PerNodeMemoryMiB int `json:"perNodeMemoryMiB"`
	// Allocatable is the pool's total at its desired size.
	AllocatableCPUMilli  int `json:"allocatableCpuMilli"`
	AllocatableMemoryMiB int `json:"allocatableMemoryMiB"`
	// Requested sums the footprints (DaemonSets once per node).
	RequestedCPUMilli  int                   `json:"requestedCpuMilli"`
	RequestedMemoryMiB int                   `json:"requestedMemoryMiB"`
	Headroom           float64               `json:"headroom"`
	Items              []footprint.Footprint `json:"items"`
}

// Fits reports whether the requests leave the headroom free.
func (p PoolCapacity) Fits() bool {
	return float64(p.RequestedCPUMilli) <= (1-p.Headroom)*float64(p.AllocatableCPUMilli) &&
		float64(p.RequestedMemoryMiB) <= (1-p.Headroom)*float64(p.AllocatableMemoryMiB)
}

// poolNodes is a pool's desired node count across its groups (the database pool's counts are per AZ).
func poolNodes(t config.Tier, p config.NodePool, azs int) int {
	if t == config.TierDatabase {
		return p.Desired * azs
	}
	return p.Desired
}

// Capacity is every pool's allocatable capacity at its desired size against the footprints
// scheduled on it.
func Capacity(pools map[config.Tier]config.NodePool, azs int, cat config.Catalog, items []footprint.Footprint) []PoolCapacity {
	var out []PoolCapacity
	for _, t := range config.AllTiers() {
		p := pools[t]
		alloc := Allocatable(cat.EC2[p.InstanceType])
		n := poolNodes(t, p, azs)
		pc := PoolCapacity{Tier: t, InstanceType: p.InstanceType, Nodes: n, PerNodeCPUMilli: alloc.CPUMilli, PerNodeMemoryMiB: alloc.MemoryMiB,
			AllocatableCPUMilli: n * alloc.CPUMilli, AllocatableMemoryMiB: n * alloc.MemoryMiB, Headroom: Headroom, Items: []footprint.Footprint{}}
		for _, f := range items {
			if f.Tier != t {
				continue
			}
			pods := f.Pods(n)
			pc.RequestedCPUMilli += pods * f.CPUMilli
			pc.RequestedMemoryMiB += pods * f.MemoryMiB
			pc.Items = append(pc.Items, f)
		}
		out = append(out, pc)
	}
	return out
}
