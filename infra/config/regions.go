package config

import "sort"

// Region is what the program needs to know about an AWS region without asking AWS: its partition,
// DNS suffix, AZ names and currency. The offline plan's mocks answer invokes from the same table, so a
// plan of a China stack carries China ARNs and suffixes.
//
// Sources (read 2026-11-25): AWS General Reference "Regions and Zones" and "Endpoints and ARNs for
// Amazon Web Services in China" (docs.amazonaws.cn/en_us/general/latest/gr/rande.html). cn-north-1's
// zones are a, b and d (there is no cn-north-1c).
type Region struct {
	Name       string
	Partition  string
	DNSSuffix  string
	ReverseDNS string
	AZs        []string
	// Currency is what AWS bills in for the region: CNY in the China partition, USD elsewhere.
	Currency string
	// DRPartner is the default drRegion: the partition's other region (China has two).
	DRPartner string
}

// China reports whether the region is in the aws-cn partition.
func (r Region) China() bool { return r.Partition == PartitionChina }

const (
	PartitionGlobal = "aws"
	PartitionChina  = "aws-cn"
)

var regions = map[string]Region{
	"cn-northwest-1": {Name: "cn-northwest-1", Partition: PartitionChina, DNSSuffix: "amazonaws.com.cn", ReverseDNS: "cn.com.amazonaws",
		AZs: []string{"cn-northwest-1a", "cn-northwest-1b", "cn-northwest-1c"}, Currency: "CNY", DRPartner: "cn-north-1"},
	"cn-north-1": {Name: "cn-north-1", Partition: PartitionChina, DNSSuffix: "amazonaws.com.cn", ReverseDNS: "cn.com.amazonaws",
		AZs: []string{"cn-north-1a", "cn-north-1b", "cn-north-1d"}, Currency: "CNY", DRPartner: "cn-northwest-1"},
	"us-east-1": {Name: "us-east-1", Partition: PartitionGlobal, DNSSuffix: "amazonaws.com", ReverseDNS: "com.amazonaws",
		AZs: []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"}, Currency: "USD", DRPartner: "us-west-2"},
	"us-west-2": {Name: "us-west-2", Partition: PartitionGlobal, DNSSuffix: "amazonaws.com", ReverseDNS: "com.amazonaws",
		AZs: []string{"us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"}, Currency: "USD", DRPartner: "us-east-1"},
}

// LookupRegion returns a supported region by name.
func LookupRegion(name string) (Region, bool) {
	r, ok := regions[name]
	return r, ok
}

// SupportedRegions lists the regions the catalogs cover, sorted.
func SupportedRegions() []string {
	out := make([]string, 0, len(regions))
	for n := range regions {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
