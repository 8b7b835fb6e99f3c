package config

import (
	"fmt"
	"net/netip"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Validate runs every check on a defaulted, type-resolved Platform and returns all violations.
// Each check is a small function over one part of the config, in the CloudNativePG style.
func Validate(p *Platform) field.ErrorList {
	var errs field.ErrorList
	for _, sec := range sections() {
		for _, check := range sec.validate {
			errs = append(errs, check(p)...)
		}
	}
	return errs
}

func validateEnvironment(p *Platform) field.ErrorList {
	var errs field.ErrorList
	if !contains(AllEnvironments(), string(p.Environment)) {
		errs = append(errs, field.NotSupported(field.NewPath(KeyEnvironment), string(p.Environment), AllEnvironments()))
	}
	if p.Environment.ProductionLike() && !p.Protect {
		errs = append(errs, field.Invalid(field.NewPath(KeyProtect), p.Protect,
			fmt.Sprintf("must be true when environment is %s: stateful resources must survive a stray destroy", p.Environment)))
	}
	return errs
}

func validateRegions(p *Platform) field.ErrorList {
	var errs field.ErrorList
	path := field.NewPath(KeyDRRegion)
	if p.DRRegion.Name == p.Region.Name {
		errs = append(errs, field.Invalid(path, p.DRRegion.Name, "must differ from aws:region: backups copied within one region survive no regional disaster"))
	}
	if p.DRRegion.Partition != p.Region.Partition {
		errs = append(errs, field.Invalid(path, p.DRRegion.Name,
			fmt.Sprintf("must be in the same partition as aws:region %s (%s): data may not leave it, and cross-partition replication does not exist", p.Region.Name, p.Region.Partition)))
	}
	return errs
}

// flowLogRetentions are the values CloudWatch Logs accepts for retentionInDays
// (CloudWatch Logs API PutRetentionPolicy, read 2026-11-25).
var flowLogRetentions = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

func validateNetwork(p *Platform) field.ErrorList {
	var errs field.ErrorList
	cidrPath := field.NewPath(KeyVPCCIDR)
	if pfx, err := netip.ParsePrefix(p.VPCCIDR); err != nil || !pfx.Addr().Is4() {
		errs = append(errs, field.Invalid(cidrPath, p.VPCCIDR, "must be an IPv4 CIDR such as 10.40.0.0/16"))
	} else {
		switch {
		case pfx.Bits() < 16 || pfx.Bits() > 20:
			errs = append(errs, field.Invalid(cidrPath, p.VPCCIDR, "prefix must be /16 to /20 (AWS allows /16 at most; below /20 the private subnets cannot hold the pods)"))
		case pfx.Masked() != pfx:
			errs = append(errs, field.Invalid(cidrPath, p.VPCCIDR, fmt.Sprintf("has host bits set; did you mean %s?", pfx.Masked())))
		case !inAny(pfx, privateRanges):
			errs = append(errs, field.Invalid(cidrPath, p.VPCCIDR, "must be inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10"))
		}
	}

	azPath := field.NewPath(KeyAvailabilityZones)
	switch {
	case p.AvailabilityZones < 2 || p.AvailabilityZones > len(p.Region.AZs):
		errs = append(errs, field.Invalid(azPath, p.AvailabilityZones, fmt.Sprintf("must be between 2 and %d (the AZs of %s)", len(p.Region.AZs), p.Region.Name)))
	case p.Environment.ProductionLike() && p.AvailabilityZones != 3:
		errs = append(errs, field.Invalid(azPath, p.AvailabilityZones, fmt.Sprintf("must be 3 when environment is %s: the database keeps one instance per AZ", p.Environment)))
	}

	natPath := field.NewPath(KeyNATGateways)
	if !contains(AllNATModes(), string(p.NATGateways)) {
		errs = append(errs, field.NotSupported(natPath, string(p.NATGateways), AllNATModes()))
	} else if p.Environment.ProductionLike() && p.NATGateways != NATPerAZ {
		errs = append(errs, field.Invalid(natPath, string(p.NATGateways), fmt.Sprintf("must be perAz when environment is %s: with one NAT gateway an AZ outage cuts every node's egress", p.Environment)))
	}

	errs = append(errs, validateAddressSpace(p)...)

	if !containsInt(flowLogRetentions, p.FlowLogRetentionDays) {
		errs = append(errs, field.NotSupported(field.NewPath(KeyFlowLogRetentionDays), p.FlowLogRetentionDays, intStrings(flowLogRetentions)))
	}
	return errs
}

// validateAddressSpace checks that the private subnets can hold every pod at every pool's max size.
// The VPC CNI gives each pod a VPC address and keeps a warm ENI per node, so a node can hold up to
// maxPods+1 addresses (pods plus its primary). Private subnets are 1/8 of the VPC each (network.Layout).
// Nodes may pile into one AZ (the autoscaler balances, but an AZ outage moves them), so the demand
// must fit in the AZs that remain after losing one.
func validateAddressSpace(p *Platform) field.ErrorList {
	pfx, err := netip.ParsePrefix(p.VPCCIDR)
	if err != nil || pfx.Bits() < 16 || pfx.Bits() > 20 || p.AvailabilityZones < 2 {
		return nil // reported by the CIDR and AZ checks
	}
	cat, _ := CatalogFor(p.Region.Name)
	demand := 0
	for _, t := range AllTiers() {
		pool := p.NodePools[t]
		nodes := pool.Max
		if t == TierDatabase {
			nodes *= p.AvailabilityZones
		}
		demand += nodes * (cat.EC2[pool.InstanceType].MaxPods + 1)
	}
	perSubnet := (1 << (32 - (pfx.Bits() + 3))) - 5
	capacity := perSubnet * (p.AvailabilityZones - 1)
	if demand > capacity {
		return field.ErrorList{field.Invalid(field.NewPath(KeyVPCCIDR), p.VPCCIDR, fmt.Sprintf(
			"private subnets of %d addresses each hold %d pod addresses with one AZ lost, but the pools at max size need %d: use a larger VPC or smaller max counts",
			perSubnet, capacity, demand))}
	}
	return nil
}

// maxNodesPerGroup keeps counts sane; EKS allows 450 nodes per managed node group (EKS service quotas).
const maxNodesPerGroup = 100

func validateNodePools(p *Platform) field.ErrorList {
	var errs field.ErrorList
	cat, _ := CatalogFor(p.Region.Name)
	plan := SizingPlan()
	for _, t := range AllTiers() {
		pool := p.NodePools[t]
		path := field.NewPath(KeyNodePools).Child(string(t))
		minCount := 0
		if t == TierDatabase {
			minCount = 1 // a database AZ without a node cannot host its instance
		}
		if pool.Min < minCount {
			errs = append(errs, field.Invalid(path.Child(FieldMin), pool.Min, fmt.Sprintf("must be at least %d", minCount)))
		}
		if pool.Max < 1 || pool.Max > maxNodesPerGroup {
			errs = append(errs, field.Invalid(path.Child(FieldMax), pool.Max, fmt.Sprintf("must be between 1 and %d", maxNodesPerGroup)))
		}
		if pool.Min > pool.Max {
			errs = append(errs, field.Invalid(path.Child(FieldMin), pool.Min, fmt.Sprintf("must not exceed max (%d)", pool.Max)))
		}
		if pool.Desired < pool.Min || pool.Desired > pool.Max {
			errs = append(errs, field.Invalid(path.Child(FieldDesired), pool.Desired, fmt.Sprintf("must be between min (%d) and max (%d)", pool.Min, pool.Max)))
		}
		if p.Environment == EnvProd {
			want := plan[t].Desired
			if pool.Desired < want {
				errs = append(errs, field.Invalid(path.Child(FieldDesired), pool.Desired, fmt.Sprintf("must be at least the sizing baseline's %d in prod", want)))
			}
			if pool.Desired > want && strings.TrimSpace(pool.Reason) == "" {
				errs = append(errs, field.Required(path.Child(FieldReason), fmt.Sprintf("desired %d exceeds the sizing baseline's %d in prod: say why", pool.Desired, want)))
			}
		}
		if pool.VCPU < 1 || pool.VCPU > 192 {
			errs = append(errs, field.Invalid(path.Child(FieldVCPU), pool.VCPU, "must be between 1 and 192"))
		}
		if pool.MemoryGiB < 1 || pool.MemoryGiB > 1536 {
			errs = append(errs, field.Invalid(path.Child(FieldMemoryGiB), pool.MemoryGiB, "must be between 1 and 1536"))
		}
		if !contains(AllArchs(), string(pool.Arch)) {
			errs = append(errs, field.NotSupported(path.Child(FieldArch), string(pool.Arch), AllArchs()))
			continue
		}
		if pool.InstanceTypeExplicit {
			errs = append(errs, validateInstanceType(path.Child(FieldInstanceType), cat, pool)...)
		}
	}
	return errs
}

func validateInstanceType(path *field.Path, cat Catalog, pool NodePool) field.ErrorList {
	it, ok := cat.EC2[pool.InstanceType]
	if !ok {
		return field.ErrorList{field.NotSupported(path, pool.InstanceType, cat.EC2Names())}
	}
	var errs field.ErrorList
	if it.Arch != pool.Arch {
		errs = append(errs, field.Invalid(path, pool.InstanceType, fmt.Sprintf("is %s but the pool's arch is %s", it.Arch, pool.Arch)))
	}
	if it.VCPU < pool.VCPU || it.MemoryGiB < float64(pool.MemoryGiB) {
		errs = append(errs, field.Invalid(path, pool.InstanceType,
			fmt.Sprintf("has %d vCPU / %g GiB, smaller than the pool's %d vCPU / %d GiB", it.VCPU, it.MemoryGiB, pool.VCPU, pool.MemoryGiB)))
	}
	return errs
}

// cacheEngines are the engine versions offered per partition (ElastiCache "Supported engines and
// versions", read 2026-11-25). Valkey is listed for the global partition only: its availability in
// the China regions could not be confirmed on that date, and a wrong guess fails only at `pulumi up`.
var cacheEngines = map[string]map[CacheEngine][]string{
	PartitionGlobal: {EngineRedis: {"6.2", "7.0", "7.1"}, EngineValkey: {"7.2", "8.0"}},
	PartitionChina:  {EngineRedis: {"6.2", "7.0", "7.1"}},
}

func validateCache(p *Platform) field.ErrorList {
	var errs field.ErrorList
	c := p.Cache
	path := field.NewPath(KeyCache)
	switch {
	case c.Nodes < 1 || c.Nodes > 6:
		errs = append(errs, field.Invalid(path.Child(FieldNodes), c.Nodes, "must be between 1 and 6 (one primary and up to five replicas)"))
	case p.Environment.ProductionLike() && c.Nodes < p.AvailabilityZones:
		errs = append(errs, field.Invalid(path.Child(FieldNodes), c.Nodes, fmt.Sprintf("must be at least %d (one per AZ) when environment is %s, for automatic failover", p.AvailabilityZones, p.Environment)))
	}
	if c.VCPU < 1 {
		errs = append(errs, field.Invalid(path.Child(FieldVCPU), c.VCPU, "must be at least 1"))
	}
	if c.MemoryGiB < 1 {
		errs = append(errs, field.Invalid(path.Child(FieldMemoryGiB), c.MemoryGiB, "must be at least 1"))
	}
	engines := cacheEngines[p.Region.Partition]
	versions, ok := engines[c.Engine]
	if !ok {
		var names []string
		for _, e := range AllCacheEngines() {
			if _, offered := engines[CacheEngine(e)]; offered {
				names = append(names, e)
			}
		}
		errs = append(errs, field.NotSupported(path.Child(FieldEngine), string(c.Engine), names))
	} else if !contains(versions, c.EngineVersion) {
		errs = append(errs, field.NotSupported(path.Child(FieldEngineVersion), c.EngineVersion, versions))
	}
	if c.NodeTypeSet {
		cat, _ := CatalogFor(p.Region.Name)
		np := path.Child(FieldNodeType)
		if ct, ok := cat.Cache[c.NodeType]; !ok {
			errs = append(errs, field.NotSupported(np, c.NodeType, cat.CacheNames()))
		} else if ct.VCPU < c.VCPU || ct.MemoryGiB < float64(c.MemoryGiB) {
			errs = append(errs, field.Invalid(np, c.NodeType, fmt.Sprintf("has %d vCPU / %g GiB, smaller than the cache's %d vCPU / %d GiB", ct.VCPU, ct.MemoryGiB, c.VCPU, c.MemoryGiB)))
		}
	}
	return errs
}

func validateServices(p *Platform) field.ErrorList {
	var errs field.ErrorList
	path := field.NewPath(KeyServices)
	if len(p.Services) == 0 {
		return field.ErrorList{field.Required(path, "at least one service")}
	}
	names := map[string]bool{}
	ports := map[int]string{}
	workload := []string{}
	for _, t := range WorkloadTiers() {
		workload = append(workload, string(t))
	}
	for i, s := range p.Services {
		sp := path.Index(i)
		if msgs := validation.IsDNS1123Label(s.Name); len(msgs) > 0 || len(s.Name) > 40 {
			errs = append(errs, field.Invalid(sp.Child(FieldName), s.Name, "must be a lower-case DNS label of at most 40 characters (it names a namespace object, a database role and an IAM role)"))
		} else if names[s.Name] {
			errs = append(errs, field.Duplicate(sp.Child(FieldName), s.Name))
		}
		names[s.Name] = true
		if !contains(workload, string(s.Tier)) {
			errs = append(errs, field.NotSupported(sp.Child(FieldTier), string(s.Tier), workload))
		}
		if !contains(AllSLOClasses(), string(s.SLO)) {
			errs = append(errs, field.NotSupported(sp.Child(FieldSLO), string(s.SLO), AllSLOClasses()))
		}
		if s.Port < 1024 || s.Port > 65535 {
			errs = append(errs, field.Invalid(sp.Child(FieldPort), s.Port, "must be between 1024 and 65535 (pods run as non-root)"))
		} else if other, dup := ports[s.Port]; dup {
			errs = append(errs, field.Invalid(sp.Child(FieldPort), s.Port, fmt.Sprintf("already used by service %q", other)))
		}
		ports[s.Port] = s.Name
		errs = append(errs, validateServiceAccess(p, sp, s)...)
	}
	return errs
}

func inAny(p netip.Prefix, ranges []netip.Prefix) bool {
	for _, r := range ranges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func containsInt(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

func intStrings(list []int) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = fmt.Sprint(v)
	}
	return out
}
