package network

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// Network is the VPC component; its outputs are what the cluster and data tiers take.
type Network struct {
	pulumi.ResourceState

	VpcID            pulumi.IDOutput
	VpcCIDR          string
	AZs              []string
	PublicSubnetIDs  pulumi.StringArrayOutput
	PrivateSubnetIDs pulumi.StringArrayOutput
	DataSubnetIDs    pulumi.StringArrayOutput
	LoadBalancerSGID pulumi.IDOutput
	NodeSGID         pulumi.IDOutput
	DataSGID         pulumi.IDOutput
	EndpointSGID     pulumi.IDOutput
	// RunnerSGID is the group of the CI runner and operator hosts inside the VPC: HTTPS out, nothing
	// in, and admitted to the EKS API.
	RunnerSGID        pulumi.IDOutput
	FlowLogGroupName  pulumi.StringOutput
	NATGatewayCount   int
	InterfaceServices []string
}

// Security-group roles, used as names and as the tag suoke.life/sg-role that policies read.
const (
	SGLoadBalancer = "lb"
	SGNodes        = "nodes"
	SGData         = "data"
	SGEndpoints    = "endpoints"
	SGRunner       = "runner"
)

// sgRoles are the security groups of the VPC, in creation order.
var sgRoles = []string{SGLoadBalancer, SGNodes, SGData, SGEndpoints, SGRunner}

// Ports of the data-subnet services.
const (
	PortRedis      = 6379
	PortOpenSearch = 443
)

// sgRule is one row of the security-group rule table; exactly one of cidr and peer is set.
type sgRule struct {
	key      string
	group    string
	ingress  bool
	protocol string
	from, to int
	cidr     string
	peer     string
	why      string
}

// rules is every security-group rule of the VPC, as data: one loop creates them.
func (a Args) rules() []sgRule {
	r := []sgRule{
		{key: "lb-https", group: SGLoadBalancer, ingress: true, protocol: "tcp", from: 443, to: 443, cidr: "0.0.0.0/0", why: "HTTPS from the internet"},
		{key: "lb-http", group: SGLoadBalancer, ingress: true, protocol: "tcp", from: 80, to: 80, cidr: "0.0.0.0/0", why: "HTTP from the internet, only to redirect to HTTPS"},
		{key: "nodes-self", group: SGNodes, ingress: true, protocol: "-1", peer: SGNodes, why: "node to node and pod to pod"},
		{key: "nodes-egress", group: SGNodes, protocol: "-1", cidr: "0.0.0.0/0", why: "images, AWS APIs and updates through NAT and endpoints"},
		{key: "data-redis", group: SGData, ingress: true, protocol: "tcp", from: PortRedis, to: PortRedis, peer: SGNodes, why: "Redis from the node groups only"},
		{key: "data-opensearch", group: SGData, ingress: true, protocol: "tcp", from: PortOpenSearch, to: PortOpenSearch, peer: SGNodes, why: "OpenSearch from the node groups only"},
		// The whole VPC, not only the nodes: the CI runner and operator hosts in the VPC call AWS APIs
		// through the same endpoints (private DNS points every caller in the VPC at them).
		{key: "endpoints-https", group: SGEndpoints, ingress: true, protocol: "tcp", from: 443, to: 443, cidr: a.CIDR, why: "AWS APIs from anything in the VPC (nodes, CI runner, operator hosts)"},
		// The runner needs HTTPS only: AWS APIs (endpoints), the EKS API, the state backend and GitHub
		// (through NAT). DNS needs no rule: security groups cannot block requests to the Route 53
		// Resolver at VPC+2 (VPC User Guide "Security group rules", Limitation, read 2026-12-02).
		{key: "runner-https", group: SGRunner, protocol: "tcp", from: 443, to: 443, cidr: "0.0.0.0/0", why: "HTTPS to AWS APIs, the EKS API, the state backend and GitHub"},
		// The cluster's security group is the node group's (cluster.controlPlane passes NodeSGID as
		// the cluster's SecurityGroupIds), so this rule is what lets the runner reach the EKS API.
		{key: "nodes-from-runner-https", group: SGNodes, ingress: true, protocol: "tcp", from: 443, to: 443, peer: SGRunner, why: "EKS API from the CI runner (pulumi preview/up, kubectl)"},
	}
	ports := append([]int(nil), a.GatewayPorts...)
	sort.Ints(ports)
	for _, p := range ports {
		r = append(r,
			sgRule{key: fmt.Sprintf("nodes-from-lb-%d", p), group: SGNodes, ingress: true, protocol: "tcp", from: p, to: p, peer: SGLoadBalancer, why: "load balancer to gateway pods"},
			sgRule{key: fmt.Sprintf("lb-to-nodes-%d", p), group: SGLoadBalancer, protocol: "tcp", from: p, to: p, peer: SGNodes, why: "load balancer to gateway pods"},
		)
	}
	return r
}

// New builds the network.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Network, error) {
	if errs := args.Validate(field.NewPath("network")); len(errs) > 0 {
		return nil, fmt.Errorf("network: %w", errs.ToAggregate())
	}
	n := &Network{VpcCIDR: args.CIDR, AZs: args.AZs, InterfaceServices: InterfaceEndpoints}
	if err := ctx.RegisterComponentResource("suoke:network:Network", name, n, opts...); err != nil {
		return nil, err
	}
	if err := build(ctx, name, args, n); err != nil {
		return nil, fmt.Errorf("network %s: %w", name, err)
	}
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":            n.VpcID,
		"publicSubnetIds":  n.PublicSubnetIDs,
		"privateSubnetIds": n.PrivateSubnetIDs,
		"dataSubnetIds":    n.DataSubnetIDs,
		"runnerSgId":       n.RunnerSGID,
	})
}

func build(ctx *pulumi.Context, name string, args Args, n *Network) error {
	parent := pulumi.Parent(n)
	layout, err := Layout(args.CIDR, args.AZs)
	if err != nil {
		return err
	}

	v, err := ec2.NewVpc(ctx, name+"-vpc", &ec2.VpcArgs{
		CidrBlock:          pulumi.String(args.CIDR),
		EnableDnsHostnames: pulumi.Bool(true), // required for private endpoint DNS and EKS
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               tags.Of(args.Tags, map[string]string{"Name": name}),
	}, parent)
	if err != nil {
		return err
	}
	n.VpcID = v.ID()

	// The default security group is taken over with no rules, so nothing can use it by accident.
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default-sg", &ec2.DefaultSecurityGroupArgs{
		VpcId: v.ID(),
		Tags:  tags.Of(args.Tags, map[string]string{"Name": name + "-default-closed"}),
	}, parent); err != nil {
		return err
	}

	igw, err := ec2.NewInternetGateway(ctx, name+"-igw", &ec2.InternetGatewayArgs{
		VpcId: v.ID(),
		Tags:  tags.Of(args.Tags, map[string]string{"Name": name}),
	}, parent)
	if err != nil {
		return err
	}

	subnets := map[Role][]*ec2.Subnet{}
	for _, s := range layout {
		t := map[string]string{"Name": fmt.Sprintf("%s-%s-%s", name, s.Role, s.AZ), "suoke.life/subnet-role": string(s.Role)}
		switch s.Role {
		case RolePublic:
			t["kubernetes.io/role/elb"] = "1" // the Load Balancer Controller's discovery tag
		case RolePrivate:
			t["kubernetes.io/role/internal-elb"] = "1"
		}
		sn, err := ec2.NewSubnet(ctx, fmt.Sprintf("%s-%s-%s", name, s.Role, s.AZ), &ec2.SubnetArgs{
			VpcId:            v.ID(),
			CidrBlock:        pulumi.String(s.CIDR),
			AvailabilityZone: pulumi.String(s.AZ),
			// Public subnets hold only load balancers and NAT: no instance gets a public IP by default.
			MapPublicIpOnLaunch: pulumi.Bool(false),
			Tags:                tags.Of(args.Tags, t),
		}, parent)
		if err != nil {
			return err
		}
		subnets[s.Role] = append(subnets[s.Role], sn)
	}
	n.PublicSubnetIDs = subnetIDs(subnets[RolePublic])
	n.PrivateSubnetIDs = subnetIDs(subnets[RolePrivate])
	n.DataSubnetIDs = subnetIDs(subnets[RoleData])

	// Public: one route table, default route to the internet gateway.
	publicRT, err := ec2.NewRouteTable(ctx, name+"-public", &ec2.RouteTableArgs{
		VpcId: v.ID(), Tags: tags.Of(args.Tags, map[string]string{"Name": name + "-public", "suoke.life/subnet-role": string(RolePublic)}),
	}, parent)
	if err != nil {
		return err
	}
	if _, err := ec2.NewRoute(ctx, name+"-public-default", &ec2.RouteArgs{
		RouteTableId: publicRT.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID(),
	}, parent); err != nil {
		return err
	}
	for i, sn := range subnets[RolePublic] {
		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-public-%s", name, args.AZs[i]), &ec2.RouteTableAssociationArgs{
			RouteTableId: publicRT.ID(), SubnetId: sn.ID(),
		}, parent); err != nil {
			return err
		}
	}

	// NAT gateways: one per AZ, or one in the first AZ shared by all (staging).
	natCount := 1
	if args.NATPerAZ {
		natCount = len(args.AZs)
	}
	n.NATGatewayCount = natCount
	nats := make([]*ec2.NatGateway, natCount)
	for i := 0; i < natCount; i++ {
		az := args.AZs[i]
		eip, err := ec2.NewEip(ctx, fmt.Sprintf("%s-nat-%s", name, az), &ec2.EipArgs{
			Domain: pulumi.String("vpc"), Tags: tags.Of(args.Tags, map[string]string{"Name": fmt.Sprintf("%s-nat-%s", name, az)}),
		}, parent)
		if err != nil {
			return err
		}
		nats[i], err = ec2.NewNatGateway(ctx, fmt.Sprintf("%s-nat-%s", name, az), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(), SubnetId: subnets[RolePublic][i].ID(),
			Tags: tags.Of(args.Tags, map[string]string{"Name": fmt.Sprintf("%s-nat-%s", name, az)}),
		}, pulumi.Parent(n), pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return err
		}
	}

	// Private: a route table per AZ, default route to that AZ's NAT (or the shared one).
	var privateRTs pulumi.StringArray
	for i, az := range args.AZs {
		rt, err := ec2.NewRouteTable(ctx, fmt.Sprintf("%s-private-%s", name, az), &ec2.RouteTableArgs{
			VpcId: v.ID(), Tags: tags.Of(args.Tags, map[string]string{"Name": fmt.Sprintf("%s-private-%s", name, az), "suoke.life/subnet-role": string(RolePrivate)}),
		}, parent)
		if err != nil {
			return err
		}
		privateRTs = append(privateRTs, rt.ID())
		if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-private-%s-default", name, az), &ec2.RouteArgs{
			RouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: nats[i%natCount].ID(),
		}, parent); err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-private-%s", name, az), &ec2.RouteTableAssociationArgs{
			RouteTableId: rt.ID(), SubnetId: subnets[RolePrivate][i].ID(),
		}, parent); err != nil {
			return err
		}
	}

	// Data: one route table with the local route only; nothing in it reaches the internet.
	dataRT, err := ec2.NewRouteTable(ctx, name+"-data", &ec2.RouteTableArgs{
		VpcId: v.ID(), Tags: tags.Of(args.Tags, map[string]string{"Name": name + "-data", "suoke.life/subnet-role": string(RoleData)}),
	}, parent)
	if err != nil {
		return err
	}
	for i, sn := range subnets[RoleData] {
		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-data-%s", name, args.AZs[i]), &ec2.RouteTableAssociationArgs{
			RouteTableId: dataRT.ID(), SubnetId: sn.ID(),
		}, parent); err != nil {
			return err
		}
	}

	groups, err := securityGroups(ctx, name, args, v, parent)
	if err != nil {
		return err
	}
	n.LoadBalancerSGID, n.NodeSGID, n.DataSGID, n.EndpointSGID = groups[SGLoadBalancer].ID(), groups[SGNodes].ID(), groups[SGData].ID(), groups[SGEndpoints].ID()
	n.RunnerSGID = groups[SGRunner].ID()

	// Endpoints: S3 as a gateway on the private route tables; the rest as interface endpoints. Each
	// name is asked of AWS (one getVpcEndpointService per endpoint, ten at program start): China
	// names some services cn.com.amazonaws and others com.amazonaws (identity.Env.EndpointService).
	s3Name, err := args.Env.EndpointService(ctx, "s3", awsfacts.EndpointGateway)
	if err != nil {
		return err
	}
	if _, err := ec2.NewVpcEndpoint(ctx, name+"-s3", &ec2.VpcEndpointArgs{
		VpcId: v.ID(), ServiceName: pulumi.String(s3Name),
		VpcEndpointType: pulumi.String("Gateway"), RouteTableIds: privateRTs,
		Tags: tags.Of(args.Tags, map[string]string{"Name": name + "-s3"}),
	}, parent); err != nil {
		return err
	}
	for _, svc := range InterfaceEndpoints {
		serviceName, err := args.Env.EndpointService(ctx, svc, awsfacts.EndpointInterface)
		if err != nil {
			return err
		}
		if _, err := ec2.NewVpcEndpoint(ctx, name+"-"+svc, &ec2.VpcEndpointArgs{
			VpcId: v.ID(), ServiceName: pulumi.String(serviceName),
			VpcEndpointType: pulumi.String("Interface"), PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds: n.PrivateSubnetIDs, SecurityGroupIds: pulumi.StringArray{groups[SGEndpoints].ID()},
			Tags: tags.Of(args.Tags, map[string]string{"Name": name + "-" + svc}),
		}, parent); err != nil {
			return err
		}
	}

	logGroup, err := flowLogs(ctx, name, args, v, parent)
	if err != nil {
		return err
	}
	n.FlowLogGroupName = logGroup
	return nil
}

func subnetIDs(subnets []*ec2.Subnet) pulumi.StringArrayOutput {
	var ids pulumi.StringArray
	for _, s := range subnets {
		ids = append(ids, s.ID())
	}
	return ids.ToStringArrayOutput()
}

func securityGroups(ctx *pulumi.Context, name string, args Args, v *ec2.Vpc, parent pulumi.ResourceOption) (map[string]*ec2.SecurityGroup, error) {
	descriptions := map[string]string{
		SGLoadBalancer: "Internet-facing load balancers: 443, and 80 to redirect",
		SGNodes:        "EKS worker nodes",
		SGData:         "Data-subnet services (ElastiCache, OpenSearch): from the node groups only",
		SGEndpoints:    "VPC interface endpoints: HTTPS from the VPC",
		SGRunner:       "CI runner and operator hosts: HTTPS out, no ingress",
	}
	groups := map[string]*ec2.SecurityGroup{}
	for _, role := range sgRoles {
		sg, err := ec2.NewSecurityGroup(ctx, name+"-"+role, &ec2.SecurityGroupArgs{
			VpcId:       v.ID(),
			Name:        pulumi.String(name + "-" + role),
			Description: pulumi.String(descriptions[role]),
			Tags:        tags.Of(args.Tags, map[string]string{"Name": name + "-" + role, "suoke.life/sg-role": role}),
		}, parent)
		if err != nil {
			return nil, err
		}
		groups[role] = sg
	}
	for _, r := range args.rules() {
		var from, to pulumi.IntPtrInput
		if r.protocol != "-1" {
			from, to = pulumi.IntPtr(r.from), pulumi.IntPtr(r.to)
		}
		var cidr, peer pulumi.StringPtrInput
		if r.cidr != "" {
			cidr = pulumi.StringPtr(r.cidr)
		} else {
			peer = groups[r.peer].ID().ToStringOutput().ToStringPtrOutput()
		}
		var err error
		if r.ingress {
			_, err = vpc.NewSecurityGroupIngressRule(ctx, name+"-"+r.key, &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: groups[r.group].ID(), IpProtocol: pulumi.String(r.protocol), FromPort: from, ToPort: to,
				CidrIpv4: cidr, ReferencedSecurityGroupId: peer, Description: pulumi.String(r.why),
			}, parent)
		} else {
			_, err = vpc.NewSecurityGroupEgressRule(ctx, name+"-"+r.key, &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId: groups[r.group].ID(), IpProtocol: pulumi.String(r.protocol), FromPort: from, ToPort: to,
				CidrIpv4: cidr, ReferencedSecurityGroupId: peer, Description: pulumi.String(r.why),
			}, parent)
		}
		if err != nil {
			return nil, err
		}
	}
	return groups, nil
}

func flowLogs(ctx *pulumi.Context, name string, args Args, v *ec2.Vpc, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	group, err := cloudwatch.NewLogGroup(ctx, name+"-flow-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/suoke/" + ctx.Stack() + "/vpc-flow-logs"),
		RetentionInDays: pulumi.Int(args.FlowLogRetentionDays),
		Tags:            tags.Of(args.Tags, nil),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	principal, err := args.Env.ServicePrincipal(ctx, "vpc-flow-logs")
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	trust, err := kitiam.Document(kitiam.Statement{
		Effect: "Allow", Action: "sts:AssumeRole", Principal: map[string]any{"Service": principal},
		// Confused-deputy guard: only flow logs of this account may assume the role.
		Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": args.Env.AccountID}},
	})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	role, err := iam.NewRole(ctx, name+"-flow-logs", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust), Tags: tags.Of(args.Tags, nil),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	policy := group.Arn.ApplyT(func(arn string) (string, error) {
		return kitiam.Document(kitiam.Statement{
			Effect:   "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resource: []string{arn, arn + ":*"},
		})
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name+"-flow-logs", &iam.RolePolicyArgs{Role: role.Name, Policy: policy}, parent); err != nil {
		return pulumi.StringOutput{}, err
	}
	if _, err := ec2.NewFlowLog(ctx, name+"-flow-logs", &ec2.FlowLogArgs{
		VpcId: v.ID(), TrafficType: pulumi.String("ALL"), LogDestinationType: pulumi.String("cloud-watch-logs"),
		LogDestination: group.Arn, IamRoleArn: role.Arn, MaxAggregationInterval: pulumi.Int(60),
		Tags: tags.Of(args.Tags, map[string]string{"Name": name}),
	}, parent); err != nil {
		return pulumi.StringOutput{}, err
	}
	return group.Name, nil
}
