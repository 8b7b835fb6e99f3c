package postgres

import (
	"fmt"
	"strconv"
)

// What a database node keeps besides PostgreSQL. The DaemonSet budget covers the cluster's node
// add-ons (VPC CNI, kube-proxy, EBS CSI node, Pod Identity agent: 205m / 280 MiB requested, per the
// cluster component) and the monitoring tier's log and metric agents, with room to spare; the
// Barman Cloud sidecar runs in every PostgreSQL pod (ObjectStore instanceSidecarConfiguration).
const (
	DaemonBudgetCPUMilli  = 500
	DaemonBudgetMemoryMiB = 768
	SidecarCPUMilli       = 100
	SidecarMemoryMiB      = 256
)

// Sizing is what one PostgreSQL instance gets on a database-pool node, and the memory parameters
// derived from it.
//
// The container takes the node's allocatable capacity (kubelet and system reservations already
// subtracted), less the headroom the capacity policy keeps free, less the DaemonSet budget and the
// backup sidecar, rounded down to 100m and 256 MiB; requests equal limits (Guaranteed QoS: the
// kubelet neither evicts nor throttles it first). The memory parameters follow the container:
//
//	shared_buffers       = 1/4 of the container     (PostgreSQL docs "Resource Consumption": 25%)
//	effective_cache_size = 3/4 of the container     (shared buffers + page cache; a planner hint)
//	maintenance_work_mem = 1/16, at most 2 GiB      (vacuum and index builds)
//	work_mem             = (container − shared_buffers) / (max_connections × 3), at least 4 MB
//	                       (each connection may run about three sorts or hashes at once)
//
// For the sizing plan's 8 vCPU / 32 GiB node (m6i.2xlarge: allocatable 7910m / 30136 MiB, 20%
// headroom): CPU 7910 × 0.8 − 500 − 100 = 5728 → 5700m; memory 30136 × 0.8 − 768 − 256 = 23084 →
// 23040 MiB (22.5 GiB); shared_buffers 5760MB, effective_cache_size 17280MB, maintenance_work_mem
// 1440MB, work_mem (23040 − 5760) / (200 × 3) = 28MB. Staging's m6i.large (1930m / 7108 MiB) gives
// 900m and 4608 MiB: 1152MB, 3456MB, 288MB and 5MB.
type Sizing struct {
	CPUMilli  int
	MemoryMiB int

	SharedBuffersMB      int
	EffectiveCacheSizeMB int
	MaintenanceWorkMemMB int
	WorkMemMB            int
	MaxConnections       int
}

// SizeFor derives an instance's resources and memory parameters from one node's allocatable
// capacity, the headroom share kept free, and max_connections.
func SizeFor(allocatableCPUMilli, allocatableMemoryMiB int, headroom float64, maxConnections int) Sizing {
	cpu := int(float64(allocatableCPUMilli)*(1-headroom)) - DaemonBudgetCPUMilli - SidecarCPUMilli
	mem := int(float64(allocatableMemoryMiB)*(1-headroom)) - DaemonBudgetMemoryMiB - SidecarMemoryMiB
	s := Sizing{CPUMilli: max(cpu, 0) / 100 * 100, MemoryMiB: max(mem, 0) / 256 * 256, MaxConnections: maxConnections}
	s.SharedBuffersMB = s.MemoryMiB / 4
	s.EffectiveCacheSizeMB = s.MemoryMiB * 3 / 4
	s.MaintenanceWorkMemMB = min(s.MemoryMiB/16, 2048)
	if maxConnections > 0 {
		s.WorkMemMB = max((s.MemoryMiB-s.SharedBuffersMB)/(maxConnections*3), 4)
	}
	return s
}

// Minimum instance size: below it PostgreSQL with these parameters is not worth running.
const (
	MinInstanceCPUMilli  = 500
	MinInstanceMemoryMiB = 1024
)

// Parameters are the postgresql.conf settings the sizing decides. PostgreSQL's "MB" is MiB.
func (s Sizing) Parameters() map[string]string {
	return map[string]string{
		"max_connections":      strconv.Itoa(s.MaxConnections),
		"shared_buffers":       fmt.Sprintf("%dMB", s.SharedBuffersMB),
		"effective_cache_size": fmt.Sprintf("%dMB", s.EffectiveCacheSizeMB),
		"maintenance_work_mem": fmt.Sprintf("%dMB", s.MaintenanceWorkMemMB),
		"work_mem":             fmt.Sprintf("%dMB", s.WorkMemMB),
	}
}

// CPU is the container's request and limit as a Kubernetes quantity.
func (s Sizing) CPU() string { return fmt.Sprintf("%dm", s.CPUMilli) }

// Memory is the container's request and limit as a Kubernetes quantity.
func (s Sizing) Memory() string { return fmt.Sprintf("%dMi", s.MemoryMiB) }
