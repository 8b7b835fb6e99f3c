// Package config turns stack configuration into a typed, defaulted and validated Platform.
//
// Data flows one way: Pulumi config (strings, JSON for objects) → Parse → Platform. Defaults are
// applied once (defaults.go), then every validation runs and all violations come back together,
// each addressed by its field path (validate.go). No component reads Pulumi config itself.
package config

// Namespace is the Pulumi config namespace of every key this program owns.
const Namespace = "suoke-platform"

// Environment is what a stack is for; it decides the guard rails (protection, AZ count, NAT).
type Environment string

const (
	EnvProd    Environment = "prod"
	EnvStaging Environment = "staging"
	// EnvDR is the disaster-recovery copy of prod, built in drRegion from prod's backups.
	EnvDR Environment = "dr"
)

// AllEnvironments lists the supported environments, for error messages.
func AllEnvironments() []string { return []string{string(EnvProd), string(EnvStaging), string(EnvDR)} }

// ProductionLike reports whether the environment carries real users or their data (prod and dr).
func (e Environment) ProductionLike() bool { return e == EnvProd || e == EnvDR }

// NATMode is how many NAT gateways the VPC gets.
type NATMode string

const (
	// NATPerAZ keeps egress alive through an AZ outage: one NAT gateway per AZ.
	NATPerAZ NATMode = "perAz"
	// NATSingle saves cost where an AZ outage may take egress down (staging).
	NATSingle NATMode = "single"
)

// AllNATModes lists the supported NAT modes.
func AllNATModes() []string { return []string{string(NATPerAZ), string(NATSingle)} }

// Arch is a CPU architecture as EC2 names it.
type Arch string

const (
	ArchX86 Arch = "x86_64"
	ArchARM Arch = "arm64"
)

// AllArchs lists the supported CPU architectures.
func AllArchs() []string { return []string{string(ArchX86), string(ArchARM)} }

// Tier is a node pool of the sizing baseline.
type Tier string

const (
	TierGateway    Tier = "gateway"
	TierAgents     Tier = "agents"
	TierBusiness   Tier = "business"
	TierDatabase   Tier = "database"
	TierMonitoring Tier = "monitoring"
)

// AllTiers lists the node pools in the order the plan prints them.
func AllTiers() []Tier {
	return []Tier{TierGateway, TierAgents, TierBusiness, TierDatabase, TierMonitoring}
}

func tierNames() []string {
	out := make([]string, 0, len(AllTiers()))
	for _, t := range AllTiers() {
		out = append(out, string(t))
	}
	return out
}

// WorkloadTiers are the pools that run our services (the others run platform software).
func WorkloadTiers() []Tier { return []Tier{TierGateway, TierAgents, TierBusiness} }

// SLOClass is a service's availability class.
type SLOClass string

const (
	SLOCore    SLOClass = "core"
	SLOAgent   SLOClass = "agent"
	SLOSupport SLOClass = "support"
)

// AllSLOClasses lists the SLO classes.
func AllSLOClasses() []string { return []string{string(SLOCore), string(SLOAgent), string(SLOSupport)} }

// Objective is the monthly availability target of the class, as a fraction
// (source: the operations plan's SLOs, DESIGN.md "Monitoring content").
func (c SLOClass) Objective() float64 {
	switch c {
	case SLOCore:
		return 0.999
	case SLOAgent:
		return 0.995
	default:
		return 0.990
	}
}

// CacheEngine is the ElastiCache engine.
type CacheEngine string

const (
	EngineRedis  CacheEngine = "redis"
	EngineValkey CacheEngine = "valkey"
)

// AllCacheEngines lists the supported cache engines.
func AllCacheEngines() []string { return []string{string(EngineRedis), string(EngineValkey)} }

// NodePool is one tier's managed node group(s).
type NodePool struct {
	// Min, Desired, Max are node counts. For the database pool they are per AZ (one group per AZ,
	// since EBS volumes are zonal); for the others they span all AZs.
	Min     int
	Desired int
	Max     int
	// VCPU and MemoryGiB are the plan's per-node size; the instance type must meet them.
	VCPU      int
	MemoryGiB int
	Arch      Arch
	// InstanceType is set explicitly or resolved from the catalog (cheapest type that fits).
	InstanceType string
	// InstanceTypeExplicit records whether config set the type (true) or the catalog picked it.
	InstanceTypeExplicit bool
	// Reason explains a size above the sizing baseline; required where desired exceeds it in prod.
	Reason string
}

// Cache is the ElastiCache replication group.
type Cache struct {
	// Nodes is the total node count: one primary, the rest replicas, spread over the AZs.
	Nodes         int
	VCPU          int
	MemoryGiB     int
	NodeType      string
	NodeTypeSet   bool
	Engine        CacheEngine
	EngineVersion string
}

// Service is one workload of the platform.
type Service struct {
	Name string
	Tier Tier
	SLO  SLOClass
	Port int
	// Database: the service gets its own PostgreSQL database and owner role.
	Database bool
	// Cache: the service uses Redis.
	Cache bool
	// AWSAccess are the IAM statements its role grants beyond Redis (access.go): each names its
	// actions and the resources they act on. Every service gets a role, with or without them.
	AWSAccess []AWSGrant
	// Egress is what the service may reach outside the VPC (access.go); the network policies allow
	// it nothing else there.
	Egress []EgressRule
}

// Platform is the whole typed stack configuration.
type Platform struct {
	Project string
	Stack   string

	Environment Environment
	Region      Region
	DRRegion    Region
	// DRRegionName is drRegion as configured; DRRegion is resolved from it.
	DRRegionName string
	Protect      bool
	// AccountBaseline: this stack owns the account-wide prerequisites (IAM service-linked roles are
	// one per account, shared by every stack in it). Non-owners look them up, so a second stack in
	// an account never tries to create them and a destroy of staging never deletes what prod needs.
	AccountBaseline bool
	// PairStack is the prod/DR pair's other stack (pairStack): its last recorded primary is read
	// before anything is registered (infra/promotion). Empty: not read.
	PairStack string

	VPCCIDR              string
	AvailabilityZones    int
	NATGateways          NATMode
	FlowLogRetentionDays int
	// LogRetentionMinimumDays is the floor of every log sink's retention (retention.go).
	LogRetentionMinimumDays int

	NodePools map[Tier]NodePool
	Cache     Cache
	Services  []Service

	// Monitoring is the monitoring section: Prometheus, receivers, logs and traces.
	Monitoring Monitoring
	// Data is the data tier's PostgreSQL and Redis config (database.go).
	Data DataTier
	// Cluster is the EKS cluster's, the registries' and the ingress's config (cluster.go).
	Cluster ClusterConfig
	// Backup is the backup and disaster-recovery config (backup.go).
	Backup Backup
	// Cost is the usage the cost estimate cannot read from resources (cost.go).
	Cost CostUsage
}

// AZNames returns the AZs the platform uses: the first AvailabilityZones of the region's.
func (p *Platform) AZNames() []string {
	return append([]string(nil), p.Region.AZs[:p.AvailabilityZones]...)
}

// ServicesOn returns the services scheduled on a tier, in config order.
func (p *Platform) ServicesOn(t Tier) []Service {
	var out []Service
	for _, s := range p.Services {
		if s.Tier == t {
			out = append(out, s)
		}
	}
	return out
}
