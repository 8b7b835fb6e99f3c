package network_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/network"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

func TestLayoutIsDisjointAndInsideTheVPC(t *testing.T) {
	for _, cidr := range []string{"10.40.0.0/16", "172.20.0.0/18", "192.168.16.0/20"} {
		specs, err := network.Layout(cidr, []string{"a", "b", "c"})
		require.NoError(t, err)
		require.Len(t, specs, 9)
		vpc := netip.MustParsePrefix(cidr)
		var seen []netip.Prefix
		for _, s := range specs {
			p := netip.MustParsePrefix(s.CIDR)
			assert.True(t, vpc.Contains(p.Addr()) && p.Bits() > vpc.Bits(), "%s outside %s", s.CIDR, cidr)
			for _, o := range seen {
				assert.False(t, o.Overlaps(p), "%s overlaps %s", s.CIDR, o)
			}
			seen = append(seen, p)
		}
	}
	specs, _ := network.Layout("10.40.0.0/16", []string{"a", "b", "c"})
	assert.Equal(t, network.SubnetSpec{Role: network.RolePrivate, AZ: "a", CIDR: "10.40.0.0/19"}, specs[0])
	assert.Equal(t, 8187, network.UsableAddresses(19))
}

func TestLayoutRejectsBadInput(t *testing.T) {
	_, err := network.Layout("10.40.0.0", []string{"a"})
	assert.ErrorContains(t, err, `"10.40.0.0" is not an IPv4 prefix`)
	_, err = network.Layout("10.40.0.0/16", []string{"a", "b", "c", "d"})
	assert.ErrorContains(t, err, "at most 3 AZs")
}

func TestArgsValidate(t *testing.T) {
	errs := network.Args{CIDR: "bad", AZs: []string{"a"}, GatewayPorts: []int{0}}.Validate(nil)
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	assert.ElementsMatch(t, []string{"cidr", "azs", "flowLogRetentionDays", "env", "gatewayPorts[0]"}, fields)
}

// recordRegion plans prod in a region and returns the network's resources.
func recordRegion(t *testing.T, region, dr string) *plan.Graph {
	sc, err := plan.LoadStackConfig("../..", "prod")
	require.NoError(t, err)
	sc.Values[config.RegionKey] = region
	sc.Values[config.Namespace+":"+config.KeyDRRegion] = dr
	g, err := plan.RecordConfig(sc)
	require.NoError(t, err)
	return g
}

func TestEndpointNamesAndPrincipalsPerPartition(t *testing.T) {
	cases := []struct {
		region, dr, iface, s3, flowPrincipal string
	}{
		{"cn-northwest-1", "cn-north-1", "cn.com.amazonaws.cn-northwest-1.ecr.dkr", "com.amazonaws.cn-northwest-1.s3", "vpc-flow-logs.amazonaws.com"},
		{"us-east-1", "us-west-2", "com.amazonaws.us-east-1.ecr.dkr", "com.amazonaws.us-east-1.s3", "vpc-flow-logs.amazonaws.com"},
	}
	for _, c := range cases {
		g := recordRegion(t, c.region, c.dr)
		var names []string
		for i := range g.Resources {
			r := &g.Resources[i]
			switch r.Type {
			case "aws:ec2/vpcEndpoint:VpcEndpoint":
				names = append(names, policy.Str(r, "serviceName"))
			case "aws:iam/role:Role":
				if r.Name == "network-flow-logs" {
					assert.Contains(t, policy.Str(r, "assumeRolePolicy"), `"Service":"`+c.flowPrincipal+`"`)
				}
			}
		}
		assert.Contains(t, names, c.iface, c.region)
		assert.Contains(t, names, c.s3, c.region)
		assert.Len(t, names, len(network.InterfaceEndpoints)+1)
	}
}

func TestNATPerAZOrSingle(t *testing.T) {
	count := func(g *plan.Graph) (nats int, privateDefaults map[string]string) {
		privateDefaults = map[string]string{}
		for i := range g.Resources {
			r := &g.Resources[i]
			if r.Type == "aws:ec2/natGateway:NatGateway" {
				nats++
			}
			if r.Type == "aws:ec2/route:Route" && policy.Str(r, "natGatewayId") != "" {
				privateDefaults[policy.Str(r, "routeTableId")] = policy.Str(r, "natGatewayId")
			}
		}
		return nats, privateDefaults
	}
	prod, err := plan.Record("../..", "prod")
	require.NoError(t, err)
	n, routes := count(prod)
	assert.Equal(t, 3, n)
	distinct := map[string]bool{}
	for _, nat := range routes {
		distinct[nat] = true
	}
	assert.Len(t, distinct, 3, "each AZ's private route table uses its own NAT")

	staging, err := plan.Record("../..", "staging")
	require.NoError(t, err)
	n, routes = count(staging)
	assert.Equal(t, 1, n)
	assert.Len(t, routes, 3, "every private route table still has a default route")
}
