package config

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The cost estimate's usage figures: what a resource's inputs cannot say (data through NAT and
// endpoints, logs ingested, backup bytes stored, load-balancer capacity units). The estimate prices them
// beside the resources they flow through; each is a monthly average, an assumption a stack states.
const KeyCost = "cost"

// Fields of the cost object.
const (
	FieldNATProcessedGB      = "natProcessedGB"
	FieldEndpointProcessedGB = "endpointProcessedGB"
	FieldLogsIngestedGB      = "logsIngestedGB"
	FieldBackupStorageGB     = "backupStorageGB"
	FieldSnapshotStorageGB   = "snapshotStorageGB"
	FieldLoadBalancerLCU     = "loadBalancerLCU"
)

// CostUsage is the monthly usage the estimate cannot read from resource inputs.
type CostUsage struct {
	// NATProcessedGB is data through all NAT gateways together, per month (egress the endpoints do not
	// carry: mirrors and registries outside ECR, OS updates, third-party APIs such as SMS providers).
	NATProcessedGB int
	// EndpointProcessedGB is data through the interface endpoints together, per month (ECR image pulls,
	// logs, KMS, STS, Secrets Manager).
	EndpointProcessedGB int
	// LogsIngestedGB is CloudWatch Logs ingestion per month (VPC flow logs, EKS control-plane logs).
	LogsIngestedGB int
	// BackupStorageGB is what the backup buckets hold (PostgreSQL base backups and WAL over the retention,
	// Velero), per copy: a replicated bucket holds it again.
	BackupStorageGB int
	// SnapshotStorageGB is the EBS snapshot storage AWS Backup keeps, per copy (cross-region copies again).
	SnapshotStorageGB int
	// LoadBalancerLCU is the average load-balancer capacity units per load balancer.
	LoadBalancerLCU int
}

// Defaults of the prod usage (assumptions, stated): egress and image pulls of nine services with daily
// deploys; flow logs of all traffic at 60 s aggregation plus the EKS audit log; PostgreSQL base backups
// of a 100 GiB database kept 30 days (compressed) and its WAL; incremental EBS snapshots of the node
// and database volumes; a load balancer at the gateway's steady request rate.
const (
	DefaultNATProcessedGB      = 500
	DefaultEndpointProcessedGB = 300
	DefaultLogsIngestedGB      = 150
	DefaultBackupStorageGB     = 1000
	DefaultSnapshotStorageGB   = 300
	DefaultLoadBalancerLCU     = 2
)

// DefaultCostUsage is the usage prod is estimated with.
func DefaultCostUsage() CostUsage {
	return CostUsage{
		NATProcessedGB: DefaultNATProcessedGB, EndpointProcessedGB: DefaultEndpointProcessedGB,
		LogsIngestedGB: DefaultLogsIngestedGB, BackupStorageGB: DefaultBackupStorageGB,
		SnapshotStorageGB: DefaultSnapshotStorageGB, LoadBalancerLCU: DefaultLoadBalancerLCU,
	}
}

// maxUsageGB bounds the GB figures: a petabyte a month is far beyond this platform and most likely a
// unit mistake (bytes or MB given as GB).
const (
	maxUsageGB = 1_000_000
	maxLCU     = 10_000
)

func costSection() section {
	return section{
		keys: []KeySpec{
			{KeyCost, "object", "Monthly usage the cost estimate cannot read from resources: {natProcessedGB, endpointProcessedGB, logsIngestedGB, backupStorageGB (held by each backup-tier bucket), snapshotStorageGB (per copy; cross-region copies count again), loadBalancerLCU (average per load balancer)}. Keys given merge over the default.", costUsageJSON(DefaultCostUsage())},
		},
		decode:   decodeCost,
		validate: []func(*Platform) field.ErrorList{validateCostUsage},
	}
}

var costUsageFields = []string{FieldNATProcessedGB, FieldEndpointProcessedGB, FieldLogsIngestedGB, FieldBackupStorageGB,
	FieldSnapshotStorageGB, FieldLoadBalancerLCU}

func costUsageJSON(u CostUsage) map[string]any {
	return map[string]any{
		FieldNATProcessedGB: u.NATProcessedGB, FieldEndpointProcessedGB: u.EndpointProcessedGB,
		FieldLogsIngestedGB: u.LogsIngestedGB, FieldBackupStorageGB: u.BackupStorageGB,
		FieldSnapshotStorageGB: u.SnapshotStorageGB, FieldLoadBalancerLCU: u.LoadBalancerLCU,
	}
}

// usageFields pairs each field with its value, for decoding and validation in one loop.
func (u *CostUsage) usageFields() []struct {
	name string
	dst  *int
	max  int
} {
	return []struct {
		name string
		dst  *int
		max  int
	}{
		{FieldNATProcessedGB, &u.NATProcessedGB, maxUsageGB},
		{FieldEndpointProcessedGB, &u.EndpointProcessedGB, maxUsageGB},
		{FieldLogsIngestedGB, &u.LogsIngestedGB, maxUsageGB},
		{FieldBackupStorageGB, &u.BackupStorageGB, maxUsageGB},
		{FieldSnapshotStorageGB, &u.SnapshotStorageGB, maxUsageGB},
		{FieldLoadBalancerLCU, &u.LoadBalancerLCU, maxLCU},
	}
}

func decodeCost(d *decoder, v map[string]string, p *Platform) {
	raw, ok := v[KeyCost]
	if !ok {
		return
	}
	path := field.NewPath(KeyCost)
	m, ok := d.object(path, []byte(raw), costUsageFields)
	if !ok {
		return
	}
	for _, f := range p.Cost.usageFields() {
		d.int(path, m, f.name, f.dst)
	}
}

func validateCostUsage(p *Platform) field.ErrorList {
	var errs field.ErrorList
	path := field.NewPath(KeyCost)
	for _, f := range p.Cost.usageFields() {
		if *f.dst < 0 || *f.dst > f.max {
			errs = append(errs, field.Invalid(path.Child(f.name), *f.dst, fmt.Sprintf("must be between 0 and %d", f.max)))
		}
	}
	return errs
}
