package config

import (
	"fmt"
	"sort"
)

// InstanceType is one EC2 type the program may pick for a node pool.
type InstanceType struct {
	Name      string
	VCPU      int
	MemoryGiB float64
	Arch      Arch
	// MaxPods is what the VPC CNI allows without prefix delegation: ENIs × (IPv4 per ENI − 1) + 2.
	MaxPods int
	// Burstable types (t3, t4g) are never picked automatically: a steady production load exhausts
	// their CPU credits. They may still be set explicitly (e.g. staging).
	Burstable bool
}

// CacheNodeType is one ElastiCache node type.
type CacheNodeType struct {
	Name      string
	VCPU      int
	MemoryGiB float64
}

// ec2Types: vCPU, memory and architecture from the EC2 "Instance types" specifications
// (docs.aws.amazon.com/ec2/latest/instancetypes, read 2026-11-25); MaxPods from the VPC CNI's
// eni-max-pods.txt (github.com/aws/amazon-vpc-cni-k8s, read 2026-11-25).
var ec2Types = map[string]InstanceType{
	"t3.large":    {Name: "t3.large", VCPU: 2, MemoryGiB: 8, Arch: ArchX86, MaxPods: 35, Burstable: true},
	"t3.xlarge":   {Name: "t3.xlarge", VCPU: 4, MemoryGiB: 16, Arch: ArchX86, MaxPods: 58, Burstable: true},
	"c6i.large":   {Name: "c6i.large", VCPU: 2, MemoryGiB: 4, Arch: ArchX86, MaxPods: 29},
	"c6i.xlarge":  {Name: "c6i.xlarge", VCPU: 4, MemoryGiB: 8, Arch: ArchX86, MaxPods: 58},
	"c6i.2xlarge": {Name: "c6i.2xlarge", VCPU: 8, MemoryGiB: 16, Arch: ArchX86, MaxPods: 58},
	"c6i.4xlarge": {Name: "c6i.4xlarge", VCPU: 16, MemoryGiB: 32, Arch: ArchX86, MaxPods: 234},
	"m6i.large":   {Name: "m6i.large", VCPU: 2, MemoryGiB: 8, Arch: ArchX86, MaxPods: 29},
	"m6i.xlarge":  {Name: "m6i.xlarge", VCPU: 4, MemoryGiB: 16, Arch: ArchX86, MaxPods: 58},
	"m6i.2xlarge": {Name: "m6i.2xlarge", VCPU: 8, MemoryGiB: 32, Arch: ArchX86, MaxPods: 58},
	"m6i.4xlarge": {Name: "m6i.4xlarge", VCPU: 16, MemoryGiB: 64, Arch: ArchX86, MaxPods: 234},
	"r6i.large":   {Name: "r6i.large", VCPU: 2, MemoryGiB: 16, Arch: ArchX86, MaxPods: 29},
	"r6i.xlarge":  {Name: "r6i.xlarge", VCPU: 4, MemoryGiB: 32, Arch: ArchX86, MaxPods: 58},
	"r6i.2xlarge": {Name: "r6i.2xlarge", VCPU: 8, MemoryGiB: 64, Arch: ArchX86, MaxPods: 58},
	"c6g.large":   {Name: "c6g.large", VCPU: 2, MemoryGiB: 4, Arch: ArchARM, MaxPods: 29},
	"c6g.xlarge":  {Name: "c6g.xlarge", VCPU: 4, MemoryGiB: 8, Arch: ArchARM, MaxPods: 58},
	"c6g.2xlarge": {Name: "c6g.2xlarge", VCPU: 8, MemoryGiB: 16, Arch: ArchARM, MaxPods: 58},
	"m6g.large":   {Name: "m6g.large", VCPU: 2, MemoryGiB: 8, Arch: ArchARM, MaxPods: 29},
	"m6g.xlarge":  {Name: "m6g.xlarge", VCPU: 4, MemoryGiB: 16, Arch: ArchARM, MaxPods: 58},
	"m6g.2xlarge": {Name: "m6g.2xlarge", VCPU: 8, MemoryGiB: 32, Arch: ArchARM, MaxPods: 58},
	"r6g.xlarge":  {Name: "r6g.xlarge", VCPU: 4, MemoryGiB: 32, Arch: ArchARM, MaxPods: 58},
}

// cacheTypes: from the ElastiCache "Supported node types" page
// (docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html, read 2026-11-25).
var cacheTypes = map[string]CacheNodeType{
	"cache.t4g.medium":  {Name: "cache.t4g.medium", VCPU: 2, MemoryGiB: 3.09},
	"cache.m6g.large":   {Name: "cache.m6g.large", VCPU: 2, MemoryGiB: 6.38},
	"cache.m6g.xlarge":  {Name: "cache.m6g.xlarge", VCPU: 4, MemoryGiB: 12.93},
	"cache.m6g.2xlarge": {Name: "cache.m6g.2xlarge", VCPU: 8, MemoryGiB: 26.04},
	"cache.r6g.large":   {Name: "cache.r6g.large", VCPU: 2, MemoryGiB: 13.07},
	"cache.r6g.xlarge":  {Name: "cache.r6g.xlarge", VCPU: 4, MemoryGiB: 26.32},
	"cache.r6g.2xlarge": {Name: "cache.r6g.2xlarge", VCPU: 8, MemoryGiB: 52.82},
}

// regionTypes says which types each region offers. All four regions offer the 6th-generation
// Intel and Graviton2 families listed above (EC2 console "Instance types" filtered per region and the
// China "Feature availability" pages, read 2026-11-25); a type a region lacks is simply absent.
var regionTypes = map[string]struct{ ec2, cache []string }{
	"cn-northwest-1": {ec2: allEC2Names(), cache: allCacheNames()},
	"cn-north-1":     {ec2: allEC2Names(), cache: allCacheNames()},
	"us-east-1":      {ec2: allEC2Names(), cache: allCacheNames()},
	"us-west-2":      {ec2: allEC2Names(), cache: allCacheNames()},
}

func allEC2Names() []string {
	out := make([]string, 0, len(ec2Types))
	for n := range ec2Types {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func allCacheNames() []string {
	out := make([]string, 0, len(cacheTypes))
	for n := range cacheTypes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Catalog is the set of types one region offers, with their prices.
type Catalog struct {
	Region string
	EC2    map[string]InstanceType
	Cache  map[string]CacheNodeType
}

// CatalogFor returns the region's catalog; ok is false for a region the program does not support.
func CatalogFor(region string) (Catalog, bool) {
	rt, ok := regionTypes[region]
	if !ok {
		return Catalog{}, false
	}
	c := Catalog{Region: region, EC2: map[string]InstanceType{}, Cache: map[string]CacheNodeType{}}
	for _, n := range rt.ec2 {
		c.EC2[n] = ec2Types[n]
	}
	for _, n := range rt.cache {
		c.Cache[n] = cacheTypes[n]
	}
	return c, true
}

// EC2Names lists the region's EC2 types, sorted.
func (c Catalog) EC2Names() []string { return sortedKeys(c.EC2) }

// CacheNames lists the region's cache node types, sorted.
func (c Catalog) CacheNames() []string { return sortedKeys(c.Cache) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// PickEC2 returns the cheapest non-burstable type that meets vCPU, memory and architecture.
// Ties break by name so the pick is stable.
func (c Catalog) PickEC2(vcpu, memGiB int, arch Arch) (InstanceType, error) {
	var best *InstanceType
	var bestPrice float64
	for _, n := range c.EC2Names() {
		t := c.EC2[n]
		if t.Burstable || t.Arch != arch || t.VCPU < vcpu || t.MemoryGiB < float64(memGiB) {
			continue
		}
		p, ok := HourlyPrice(c.Region, n)
		if !ok {
			continue
		}
		if best == nil || p < bestPrice {
			tt := t
			best, bestPrice = &tt, p
		}
	}
	if best == nil {
		return InstanceType{}, fmt.Errorf("region %s offers no %s type with at least %d vCPU and %d GiB", c.Region, arch, vcpu, memGiB)
	}
	return *best, nil
}

// PickCache returns the cheapest cache node type that meets vCPU and memory.
func (c Catalog) PickCache(vcpu, memGiB int) (CacheNodeType, error) {
	var best *CacheNodeType
	var bestPrice float64
	for _, n := range c.CacheNames() {
		t := c.Cache[n]
		if t.VCPU < vcpu || t.MemoryGiB < float64(memGiB) {
			continue
		}
		p, ok := HourlyPrice(c.Region, n)
		if !ok {
			continue
		}
		if best == nil || p < bestPrice {
			tt := t
			best, bestPrice = &tt, p
		}
	}
	if best == nil {
		return CacheNodeType{}, fmt.Errorf("region %s offers no cache node type with at least %d vCPU and %d GiB", c.Region, vcpu, memGiB)
	}
	return *best, nil
}
