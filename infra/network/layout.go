package network

import (
	"fmt"
	"net/netip"
)

// Role is what a subnet is for.
type Role string

const (
	// RolePublic holds internet-facing load balancers and the NAT gateways.
	RolePublic Role = "public"
	// RolePrivate holds the EKS nodes and their pods (VPC CNI: one VPC IP per pod).
	RolePrivate Role = "private"
	// RoleData holds ElastiCache and OpenSearch; its route tables have no route to the internet.
	RoleData Role = "data"
)

// Roles lists the subnet roles in layout order.
func Roles() []Role { return []Role{RolePrivate, RolePublic, RoleData} }

// SubnetSpec is one planned subnet.
type SubnetSpec struct {
	Role Role
	AZ   string
	CIDR string
}

// Layout splits the VPC CIDR into, per AZ, one private subnet of 1/8 of the VPC and one public and one
// data subnet of 1/64 each. For the default /16 that is a /19 private (8,187 usable addresses) and
// /22 public and data subnets (1,019 usable) per AZ, leaving the top 5/8 of the VPC free for growth.
//
// Why /19 for nodes: the VPC CNI gives every pod a VPC address and keeps a warm ENI per node. The
// plan's largest nodes (xlarge/2xlarge) have 4 ENIs × 15 addresses = 60 addresses each; at every
// pool's max (4+8+12+6+4 = 34 nodes) that is 34 × 60 = 2,040 addresses, which fits in one AZ's
// /19 even if the scheduler put every node in one AZ. config validates the same sum for any sizing.
func Layout(vpcCIDR string, azs []string) ([]SubnetSpec, error) {
	vpc, err := netip.ParsePrefix(vpcCIDR)
	if err != nil || !vpc.Addr().Is4() {
		return nil, fmt.Errorf("network: vpc cidr %q is not an IPv4 prefix", vpcCIDR)
	}
	if len(azs) > 3 {
		return nil, fmt.Errorf("network: layout supports at most 3 AZs, got %d", len(azs))
	}
	base := vpc.Masked().Addr()
	privBits, smallBits := vpc.Bits()+3, vpc.Bits()+6
	privSize := uint32(1) << (32 - privBits)
	smallSize := uint32(1) << (32 - smallBits)

	var out []SubnetSpec
	for i, az := range azs {
		// Private subnets take the first three eighths of the VPC.
		out = append(out, SubnetSpec{Role: RolePrivate, AZ: az, CIDR: prefixAt(base, uint32(i)*privSize, privBits)})
	}
	// Public and data subnets follow, in the fourth eighth: 3 public then 3 data /22s (for a /16).
	small := uint32(3) * privSize
	for _, role := range []Role{RolePublic, RoleData} {
		for _, az := range azs {
			out = append(out, SubnetSpec{Role: role, AZ: az, CIDR: prefixAt(base, small, smallBits)})
			small += smallSize
		}
	}
	return out, nil
}

// UsableAddresses is what AWS leaves of a subnet after reserving five addresses.
func UsableAddresses(bits int) int { return (1 << (32 - bits)) - 5 }

func prefixAt(base netip.Addr, offset uint32, bits int) string {
	b := base.As4()
	n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n += offset
	addr := netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	return netip.PrefixFrom(addr, bits).String()
}
