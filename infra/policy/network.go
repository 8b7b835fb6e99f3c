package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Resource types the network rules read.
const (
	typeVpc             = "aws:ec2/vpc:Vpc"
	typeSubnet          = "aws:ec2/subnet:Subnet"
	typeFlowLog         = "aws:ec2/flowLog:FlowLog"
	typeDefaultSG       = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	typeSecurityGroup   = "aws:ec2/securityGroup:SecurityGroup"
	typeIngressRule     = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeLegacyRule      = "aws:ec2/securityGroupRule:SecurityGroupRule"
	typeRouteTable      = "aws:ec2/routeTable:RouteTable"
	typeRoute           = "aws:ec2/route:Route"
	typeRouteTableAssoc = "aws:ec2/routeTableAssociation:RouteTableAssociation"
)

var networkRules = []Rule{
	{ID: "NET-001", Severity: Critical, Description: "no ingress from the internet except 80/443 on the load balancer group", Check: checkOpenIngress},
	{ID: "NET-002", Severity: High, Description: "every VPC has flow logs of all traffic", Check: checkFlowLogs},
	{ID: "NET-003", Severity: High, Description: "every VPC's default security group has no rules", Check: checkDefaultSG},
	{ID: "NET-004", Severity: Critical, Description: "data subnets have no route to the internet", Check: checkDataIsolated},
	{ID: "NET-005", Severity: High, Description: "in prod and dr, every subnet role spans 3 AZs", Check: checkThreeAZ},
}

func isWorld(cidr string) bool { return cidr == "0.0.0.0/0" || cidr == "::/0" }

// openRule is an ingress rule from anywhere, wherever it is declared.
type openRule struct {
	res      *plan.Resource
	group    string // security group ID
	from, to int
	protocol string
}

func checkOpenIngress(x *Index) []Finding {
	var open []openRule
	for _, r := range x.OfType(typeIngressRule) {
		if isWorld(Str(r, "cidrIpv4")) || isWorld(Str(r, "cidrIpv6")) {
			from, _ := Num(r, "fromPort")
			to, _ := Num(r, "toPort")
			open = append(open, openRule{res: r, group: Str(r, "securityGroupId"), from: from, to: to, protocol: Str(r, "ipProtocol")})
		}
	}
	for _, r := range x.OfType(typeLegacyRule) {
		if Str(r, "type") != "ingress" {
			continue
		}
		for _, c := range append(List(r, "cidrBlocks"), List(r, "ipv6CidrBlocks")...) {
			if s, _ := c.(string); isWorld(s) {
				from, _ := Num(r, "fromPort")
				to, _ := Num(r, "toPort")
				open = append(open, openRule{res: r, group: Str(r, "securityGroupId"), from: from, to: to, protocol: Str(r, "protocol")})
			}
		}
	}
	for _, sg := range x.OfType(typeSecurityGroup) {
		for _, in := range List(sg, "ingress") {
			m, _ := in.(map[string]any)
			for _, c := range append(anyList(m["cidrBlocks"]), anyList(m["ipv6CidrBlocks"])...) {
				if s, _ := c.(string); isWorld(s) {
					from, _ := m["fromPort"].(float64)
					to, _ := m["toPort"].(float64)
					p, _ := m["protocol"].(string)
					open = append(open, openRule{res: sg, group: sg.ID, from: int(from), to: int(to), protocol: p})
				}
			}
		}
	}
	var out []Finding
	for _, o := range open {
		sg := x.ByID(o.group)
		lb := sg != nil && Tag(sg, "suoke.life/sg-role") == "lb"
		web := o.protocol == "tcp" && o.from == o.to && (o.from == 80 || o.from == 443)
		switch {
		case lb && web:
			out = append(out, pass(o.res.URN, "port %d open to the internet on the load balancer group", o.from))
		case !lb:
			out = append(out, fail(o.res.URN, "ingress from the internet (%s %d-%d) on a group that is not the load balancer's", o.protocol, o.from, o.to))
		default:
			out = append(out, fail(o.res.URN, "load balancer group open to the internet on %s %d-%d; only tcp 80 and 443 may be", o.protocol, o.from, o.to))
		}
	}
	return out
}

func anyList(v any) []any {
	l, _ := v.([]any)
	return l
}

func checkFlowLogs(x *Index) []Finding {
	logged := map[string]bool{}
	for _, fl := range x.OfType(typeFlowLog) {
		if Str(fl, "trafficType") == "ALL" && Str(fl, "logDestination") != "" {
			logged[Str(fl, "vpcId")] = true
		}
	}
	var out []Finding
	for _, v := range x.OfType(typeVpc) {
		if logged[v.ID] {
			out = append(out, pass(v.URN, "flow logs of all traffic"))
		} else {
			out = append(out, fail(v.URN, "no flow log of ALL traffic with a destination for this VPC"))
		}
	}
	return out
}

func checkDefaultSG(x *Index) []Finding {
	closed := map[string]*plan.Resource{}
	for _, d := range x.OfType(typeDefaultSG) {
		closed[Str(d, "vpcId")] = d
	}
	var out []Finding
	for _, v := range x.OfType(typeVpc) {
		d, ok := closed[v.ID]
		switch {
		case !ok:
			out = append(out, fail(v.URN, "default security group not managed: AWS leaves it open to its own members and to all egress"))
		case len(List(d, "ingress")) > 0 || len(List(d, "egress")) > 0:
			out = append(out, fail(d.URN, "default security group has rules; it must have none"))
		default:
			out = append(out, pass(d.URN, "default security group has no rules"))
		}
	}
	return out
}

func checkDataIsolated(x *Index) []Finding {
	// route table ID → destinations that leave the VPC
	internet := map[string][]string{}
	for _, r := range x.OfType(typeRoute) {
		if isWorld(Str(r, "destinationCidrBlock")) || isWorld(Str(r, "destinationIpv6CidrBlock")) {
			internet[Str(r, "routeTableId")] = append(internet[Str(r, "routeTableId")], routeTarget(r.Inputs))
		}
	}
	for _, rt := range x.OfType(typeRouteTable) {
		for _, route := range List(rt, "routes") {
			m, _ := route.(map[string]any)
			c1, _ := m["cidrBlock"].(string)
			c2, _ := m["ipv6CidrBlock"].(string)
			if isWorld(c1) || isWorld(c2) {
				internet[rt.ID] = append(internet[rt.ID], routeTarget(m))
			}
		}
	}
	tables := map[string][]string{} // subnet ID → route table IDs
	for _, a := range x.OfType(typeRouteTableAssoc) {
		tables[Str(a, "subnetId")] = append(tables[Str(a, "subnetId")], Str(a, "routeTableId"))
	}
	var out []Finding
	for _, s := range x.OfType(typeSubnet) {
		if Tag(s, "suoke.life/subnet-role") != "data" {
			continue
		}
		rts := tables[s.ID]
		if len(rts) == 0 {
			out = append(out, fail(s.URN, "data subnet has no route table of ours: the VPC's main table decides its routes"))
			continue
		}
		var bad []string
		for _, rt := range rts {
			bad = append(bad, internet[rt]...)
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			out = append(out, fail(s.URN, "data subnet routes to the internet via %s", strings.Join(bad, ", ")))
		} else {
			out = append(out, pass(s.URN, "no route to the internet"))
		}
	}
	return out
}

func routeTarget(m map[string]any) string {
	for _, k := range []string{"gatewayId", "natGatewayId", "egressOnlyGatewayId", "transitGatewayId", "networkInterfaceId"} {
		if s, _ := m[k].(string); s != "" {
			return fmt.Sprintf("%s %s", k, s)
		}
	}
	return "an unknown target"
}

func checkThreeAZ(x *Index) []Finding {
	if !x.ProductionLike() {
		return []Finding{pass("", "not a prod or dr stack: %s", x.Graph.Environment)}
	}
	azs := map[string]map[string]bool{}
	for _, s := range x.OfType(typeSubnet) {
		role := Tag(s, "suoke.life/subnet-role")
		if azs[role] == nil {
			azs[role] = map[string]bool{}
		}
		azs[role][Str(s, "availabilityZone")] = true
	}
	var out []Finding
	for _, role := range []string{"public", "private", "data"} {
		n := len(azs[role])
		if n >= 3 {
			out = append(out, pass("subnets/"+role, "%s subnets span %d AZs", role, n))
		} else {
			out = append(out, fail("subnets/"+role, "%s subnets span %d AZ(s); prod needs 3", role, n))
		}
	}
	return out
}
