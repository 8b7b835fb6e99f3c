package network_test

import (
	"fmt"
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

// TestEndpointNamesAndPrincipalsPerPartition checks the service name of every VPC endpoint the plan
// records against names transcribed from outside the program: the AWS CDK's list of the services
// that take cn.com.amazonaws in each China region (github.com/aws/aws-cdk
// packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts @000a9eb6dd93, getDefaultEndpointPrefix, read
// 2026-12-02: autoscaling, ec2, ecr.api, ecr.dkr, sts are in it for both regions; kms, logs,
// secretsmanager, elasticloadbalancing are not, so they are com.amazonaws there) and the S3 gateway's
// com.amazonaws name (the CDK's GatewayVpcEndpointAwsService; eksctl's recorded cn-north-1 answer,
// pkg/cfn/builder/testdata/service_details_china.json). The flow-log role trusts
// vpc-flow-logs.amazonaws.com in China too (docs.amazonaws.cn/en_us/vpc/latest/userguide/flow-logs-iam-role.html,
// read 2026-12-02).
func TestEndpointNamesAndPrincipalsPerPartition(t *testing.T) {
	names := func(region string, cn ...string) map[string]string {
		out := map[string]string{"network-s3": "com.amazonaws." + region + ".s3"}
		for _, svc := range []string{"autoscaling", "ec2", "ecr.api", "ecr.dkr", "elasticloadbalancing", "kms", "logs", "secretsmanager", "sts"} {
			out["network-"+svc] = "com.amazonaws." + region + "." + svc
		}
		for _, svc := range cn {
			out["network-"+svc] = "cn.com.amazonaws." + region + "." + svc
		}
		return out
	}
	cnPrefixed := []string{"autoscaling", "ec2", "ecr.api", "ecr.dkr", "sts"}
	cases := []struct {
		region, dr    string
		want          map[string]string
		flowPrincipal string
	}{
		{"cn-northwest-1", "cn-north-1", names("cn-northwest-1", cnPrefixed...), "vpc-flow-logs.amazonaws.com"},
		{"cn-north-1", "cn-northwest-1", names("cn-north-1", cnPrefixed...), "vpc-flow-logs.amazonaws.com"},
		{"us-east-1", "us-west-2", names("us-east-1"), "vpc-flow-logs.amazonaws.com"},
	}
	// Spot checks of the transcription itself, so a slip in names() cannot hide a wrong plan.
	require.Equal(t, "com.amazonaws.cn-northwest-1.kms", cases[0].want["network-kms"])
	require.Equal(t, "cn.com.amazonaws.cn-north-1.ecr.dkr", cases[1].want["network-ecr.dkr"])
	for _, c := range cases {
		g := recordRegion(t, c.region, c.dr)
		got := map[string]string{}
		types := map[string]string{}
		for i := range g.Resources {
			r := &g.Resources[i]
			switch r.Type {
			case "aws:ec2/vpcEndpoint:VpcEndpoint":
				got[r.Name] = policy.Str(r, "serviceName")
				types[r.Name] = policy.Str(r, "vpcEndpointType")
			case "aws:iam/role:Role":
				if r.Name == "network-flow-logs" {
					assert.Contains(t, policy.Str(r, "assumeRolePolicy"), `"Service":"`+c.flowPrincipal+`"`)
				}
			}
		}
		assert.Equal(t, c.want, got, c.region)
		assert.Equal(t, "Gateway", types["network-s3"], c.region)
		assert.Equal(t, "Interface", types["network-kms"], c.region)
	}
}

// TestEndpointAndRunnerSecurityGroups: the endpoints admit HTTPS from the whole VPC (a CI runner or an
// operator host is not a node); the runner group admits nothing, sends only HTTPS, and is admitted to
// the EKS API, whose security group is the nodes' (cluster.controlPlane).
func TestEndpointAndRunnerSecurityGroups(t *testing.T) {
	g, err := plan.Record("../..", "prod")
	require.NoError(t, err)
	role := map[string]string{} // security group ID → role tag
	vpcCIDR := ""
	for i := range g.Resources {
		r := &g.Resources[i]
		switch r.Type {
		case "aws:ec2/securityGroup:SecurityGroup":
			role[r.ID] = policy.Tag(r, "suoke.life/sg-role")
		case "aws:ec2/vpc:Vpc":
			vpcCIDR = policy.Str(r, "cidrBlock")
		}
	}
	require.NotEmpty(t, vpcCIDR)
	type rule struct{ kind, group, proto, cidr, peer string }
	var rules []rule
	var endpointsFrom []string
	for i := range g.Resources {
		r := &g.Resources[i]
		kind := map[string]string{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "in", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "out"}[r.Type]
		if kind == "" {
			continue
		}
		from, _ := policy.Num(r, "fromPort")
		ru := rule{kind, role[policy.Str(r, "securityGroupId")], fmt.Sprintf("%s/%v", policy.Str(r, "ipProtocol"), from),
			policy.Str(r, "cidrIpv4"), role[policy.Str(r, "referencedSecurityGroupId")]}
		rules = append(rules, ru)
		if ru.group == network.SGEndpoints && kind == "in" {
			endpointsFrom = append(endpointsFrom, ru.cidr+ru.peer)
		}
	}
	assert.Equal(t, []string{vpcCIDR}, endpointsFrom, "the endpoints admit the VPC, not only the nodes")
	var runner []rule
	for _, ru := range rules {
		if ru.group == network.SGRunner {
			runner = append(runner, ru)
		}
	}
	assert.Equal(t, []rule{{"out", network.SGRunner, "tcp/443", "0.0.0.0/0", ""}}, runner, "runner: HTTPS out, nothing in")
	assert.Contains(t, rules, rule{"in", network.SGNodes, "tcp/443", "", network.SGRunner}, "the runner reaches the EKS API")
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
