package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// res builds a recorded resource for hand-made graphs.
func res(typ, name, id string, inputs map[string]any) plan.Resource {
	return plan.Resource{URN: "urn:pulumi:test::p::" + typ + "::" + name, Type: typ, Name: name, Custom: true, ID: id, Inputs: inputs}
}

func tags(kv ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// goodNetwork is a minimal compliant network: one VPC with flow logs and a closed default group,
// a load balancer group open on 443, and data subnets in 3 AZs without internet routes.
func goodNetwork() []plan.Resource {
	rs := []plan.Resource{
		res(typeVpc, "vpc", "vpc-1", map[string]any{"cidrBlock": "10.0.0.0/16"}),
		res(typeFlowLog, "fl", "fl-1", map[string]any{"vpcId": "vpc-1", "trafficType": "ALL", "logDestination": "arn:aws-cn:logs:x"}),
		res(typeDefaultSG, "default", "sg-0", map[string]any{"vpcId": "vpc-1"}),
		res(typeSecurityGroup, "lb", "sg-lb", map[string]any{"tags": tags("suoke.life/sg-role", "lb")}),
		res(typeIngressRule, "lb-https", "sgr-1", map[string]any{"securityGroupId": "sg-lb", "cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0}),
		res(typeRouteTable, "data", "rtb-data", map[string]any{}),
		res(typeRouteTable, "public", "rtb-pub", map[string]any{}),
		res(typeRoute, "public-default", "r-1", map[string]any{"routeTableId": "rtb-pub", "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}),
	}
	for i, az := range []string{"a", "b", "c"} {
		for _, role := range []string{"public", "private", "data"} {
			id := "subnet-" + role + az
			rs = append(rs, res(typeSubnet, role+az, id, map[string]any{"availabilityZone": "cn-northwest-1" + az, "tags": tags("suoke.life/subnet-role", role)}))
			if role == "data" {
				rs = append(rs, res(typeRouteTableAssoc, "assoc-data"+az, "rtbassoc-"+string(rune('0'+i)), map[string]any{"subnetId": id, "routeTableId": "rtb-data"}))
			}
		}
	}
	return rs
}

func graph(env string, rs []plan.Resource) *plan.Graph {
	return &plan.Graph{Environment: env, Resources: rs}
}

func only(t *testing.T, id string) Rule {
	for _, r := range Rules() {
		if r.ID == id {
			return r
		}
	}
	require.Failf(t, "no rule", "rule %s not found", id)
	return Rule{}
}

func failedOf(t *testing.T, id string, g *plan.Graph) []Result {
	return Failed(EvaluateRules(g, []Rule{only(t, id)}))
}

func TestNetworkRulesPassOnACompliantGraph(t *testing.T) {
	for _, id := range []string{"NET-001", "NET-002", "NET-003", "NET-004", "NET-005"} {
		assert.Empty(t, failedOf(t, id, graph("prod", goodNetwork())), id)
	}
}

func TestNetworkRulesFail(t *testing.T) {
	cases := []struct {
		rule   string
		env    string
		mutate func([]plan.Resource) []plan.Resource
		want   string
	}{
		{"NET-001", "prod", func(rs []plan.Resource) []plan.Resource {
			return append(rs, res(typeSecurityGroup, "nodes", "sg-nodes", map[string]any{}),
				res(typeIngressRule, "ssh", "sgr-2", map[string]any{"securityGroupId": "sg-nodes", "cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 22.0, "toPort": 22.0}))
		}, "not the load balancer's"},
		{"NET-001", "prod", func(rs []plan.Resource) []plan.Resource {
			return append(rs, res(typeIngressRule, "lb-wide", "sgr-3", map[string]any{"securityGroupId": "sg-lb", "cidrIpv6": "::/0", "ipProtocol": "tcp", "fromPort": 0.0, "toPort": 65535.0}))
		}, "only tcp 80 and 443"},
		{"NET-001", "prod", func(rs []plan.Resource) []plan.Resource {
			return append(rs, res(typeSecurityGroup, "inline", "sg-inline", map[string]any{"ingress": []any{
				map[string]any{"cidrBlocks": []any{"0.0.0.0/0"}, "fromPort": 5432.0, "toPort": 5432.0, "protocol": "tcp"}}}))
		}, "not the load balancer's"},
		{"NET-002", "prod", func(rs []plan.Resource) []plan.Resource { return without(rs, typeFlowLog) }, "no flow log"},
		{"NET-002", "prod", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeFlowLog, "trafficType", "REJECT")
		}, "no flow log"},
		{"NET-003", "prod", func(rs []plan.Resource) []plan.Resource { return without(rs, typeDefaultSG) }, "not managed"},
		{"NET-003", "prod", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeDefaultSG, "ingress", []any{map[string]any{"self": true}})
		}, "has rules"},
		{"NET-004", "prod", func(rs []plan.Resource) []plan.Resource {
			return append(rs, res(typeRoute, "data-nat", "r-2", map[string]any{"routeTableId": "rtb-data", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"}))
		}, "routes to the internet via natGatewayId nat-1"},
		{"NET-004", "prod", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeRouteTable, "routes", []any{map[string]any{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}})
		}, "routes to the internet via gatewayId igw-1"},
		{"NET-004", "prod", func(rs []plan.Resource) []plan.Resource { return without(rs, typeRouteTableAssoc) }, "no route table of ours"},
		{"NET-005", "prod", func(rs []plan.Resource) []plan.Resource {
			var out []plan.Resource
			for _, r := range rs {
				if r.Type == typeSubnet && r.Inputs["availabilityZone"] == "cn-northwest-1c" {
					continue
				}
				out = append(out, r)
			}
			return out
		}, "span 2 AZ(s); prod needs 3"},
	}
	for _, c := range cases {
		t.Run(c.rule+" "+c.want, func(t *testing.T) {
			failed := failedOf(t, c.rule, graph(c.env, c.mutate(goodNetwork())))
			require.NotEmpty(t, failed)
			assert.Contains(t, failed[0].Message, c.want)
			assert.NotEmpty(t, failed[0].Resource, "a failure names its resource")
		})
	}
}

func TestThreeAZOnlyInProductionLike(t *testing.T) {
	var two []plan.Resource
	for _, r := range goodNetwork() {
		if r.Type == typeSubnet && r.Inputs["availabilityZone"] == "cn-northwest-1c" {
			continue
		}
		two = append(two, r)
	}
	assert.Empty(t, failedOf(t, "NET-005", graph("staging", two)))
	assert.NotEmpty(t, failedOf(t, "NET-005", graph("dr", two)))
}

func TestRuleIDsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.False(t, seen[r.ID], "duplicate rule id %s", r.ID)
		seen[r.ID] = true
		assert.NotEmpty(t, r.Description, r.ID)
		assert.NotNil(t, r.Check, r.ID)
	}
}

func without(rs []plan.Resource, typ string) []plan.Resource {
	var out []plan.Resource
	for _, r := range rs {
		if r.Type != typ {
			out = append(out, r)
		}
	}
	return out
}

func setInput(rs []plan.Resource, typ, key string, v any) []plan.Resource {
	out := make([]plan.Resource, len(rs))
	for i, r := range rs {
		if r.Type == typ {
			in := map[string]any{}
			for k, val := range r.Inputs {
				in[k] = val
			}
			in[key] = v
			r.Inputs = in
		}
		out[i] = r
	}
	return out
}
