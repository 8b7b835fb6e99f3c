package config

// The defaults, in one place. They are the production sizing baseline (the node sizes and counts
// of the deployment design); stack files set only what differs. Pulumi.yaml declares the same
// defaults for the CLI, and a test holds the two equal.

const (
	DefaultEnvironment = EnvStaging
	// DefaultDRRegion empty means the partition's other region (Region.DRPartner), so that a stack in
	// either China region gets the other one.
	DefaultDRRegion             = ""
	DefaultVPCCIDR              = "10.40.0.0/16"
	DefaultAvailabilityZones    = 3
	DefaultNATGateways          = NATPerAZ
	DefaultFlowLogRetentionDays = 180 // six months, the floor of logRetentionMinimumDays (retention.go)
	DefaultCacheEngineVersion   = "7.1"
	// DefaultAccountBaseline is true so that a new stack in an empty account works on its own;
	// every further stack in the account sets false.
	DefaultAccountBaseline = true
)

// SizingPlan is the sizing baseline: the node pools the deployment design states (gateway
// 2×4c8g, agents 4×8c16g, business 6×4c8g, database 3×8c32g, monitoring 2×4c8g). Reports compare
// against it. Database counts are per AZ (one node group per AZ).
func SizingPlan() map[Tier]NodePool {
	return map[Tier]NodePool{
		TierGateway:    {Min: 2, Desired: 2, Max: 4, VCPU: 4, MemoryGiB: 8, Arch: ArchX86},
		TierAgents:     {Min: 4, Desired: 4, Max: 8, VCPU: 8, MemoryGiB: 16, Arch: ArchX86},
		TierBusiness:   {Min: 6, Desired: 6, Max: 12, VCPU: 4, MemoryGiB: 8, Arch: ArchX86},
		TierDatabase:   {Min: 1, Desired: 1, Max: 2, VCPU: 8, MemoryGiB: 32, Arch: ArchX86},
		TierMonitoring: {Min: 2, Desired: 2, Max: 4, VCPU: 4, MemoryGiB: 8, Arch: ArchX86},
	}
}

// MonitoringPoolReason is why the default monitoring pool is larger than the sizing baseline's 4c8g. The
// capacity policy (EKS-009) computes the requests of everything this pool runs from the components'
// own footprints; at the baseline's size they exceed its 80% headroom line.
const MonitoringPoolReason = "the sizing baseline's 4c8g cannot hold the monitoring stack beside the platform add-ons this pool runs " +
	"(Prometheus, Alertmanager, collectors, Tempo, Grafana; cert-manager, LB controller, autoscaler, metrics-server, VPA, " +
	"CloudNativePG operator, Velero): about 11.4 GiB requested against 13.3 GiB allocatable on 2 x 4c8g, over the 80% " +
	"headroom line; 2 x 4c16g gives 28.5 GiB for less than a third node"

// DefaultNodePools is the sizing baseline with the one change it cannot hold: monitoring nodes get
// 16 GiB (MonitoringPoolReason), so that a stack file with only a region and an environment
// passes every policy.
func DefaultNodePools() map[Tier]NodePool {
	pools := SizingPlan()
	m := pools[TierMonitoring]
	m.MemoryGiB, m.Reason = 16, MonitoringPoolReason
	pools[TierMonitoring] = m
	return pools
}

// DefaultCache is Redis, one primary and two replicas (one per AZ), 4 vCPU / 16 GiB class.
func DefaultCache() Cache {
	return Cache{Nodes: 3, VCPU: 4, MemoryGiB: 16, Engine: EngineRedis, EngineVersion: DefaultCacheEngineVersion}
}

// DefaultServices are the nine workloads of the deployment automation.
func DefaultServices() []Service {
	return []Service{
		{Name: "api-gateway", Tier: TierGateway, SLO: SLOCore, Port: 8080, Cache: true},
		{Name: "xiaoai", Tier: TierAgents, SLO: SLOAgent, Port: 8001, Database: true, Cache: true},
		{Name: "xiaoke", Tier: TierAgents, SLO: SLOAgent, Port: 8002, Database: true, Cache: true},
		{Name: "laoke", Tier: TierAgents, SLO: SLOAgent, Port: 8003, Database: true, Cache: true},
		{Name: "soer", Tier: TierAgents, SLO: SLOAgent, Port: 8004, Database: true, Cache: true},
		{Name: "user-management", Tier: TierBusiness, SLO: SLOCore, Port: 8010, Database: true, Cache: true},
		{Name: "unified-health-data", Tier: TierBusiness, SLO: SLOCore, Port: 8020, Database: true, Cache: true},
		{Name: "unified-knowledge", Tier: TierBusiness, SLO: SLOSupport, Port: 8030, Database: true, Cache: true},
		{Name: "blockchain", Tier: TierBusiness, SLO: SLOSupport, Port: 8040, Database: true},
	}
}

// Default returns the platform with every default applied, for a region (the region picks types).
func Default() Platform {
	return Platform{
		Project:                 Namespace,
		Environment:             DefaultEnvironment,
		DRRegionName:            DefaultDRRegion,
		Protect:                 false,
		AccountBaseline:         DefaultAccountBaseline,
		VPCCIDR:                 DefaultVPCCIDR,
		AvailabilityZones:       DefaultAvailabilityZones,
		NATGateways:             DefaultNATGateways,
		FlowLogRetentionDays:    DefaultFlowLogRetentionDays,
		LogRetentionMinimumDays: DefaultLogRetentionMinimumDays,
		NodePools:               DefaultNodePools(),
		Cache:                   DefaultCache(),
		Services:                DefaultServices(),
		Monitoring:              DefaultMonitoring(),
		Data:                    DefaultDataTier(),
		Cluster:                 DefaultClusterConfig(),
		Cost:                    DefaultCostUsage(),
		Backup:                  DefaultBackup(),
	}
}
