// Package nodegroups builds the cluster's node pools: the node role, a launch template per pool and
// the managed node groups (the database pool one per AZ), and says how pods land on each pool and
// what a pool can hold (scheduling.go).
package nodegroups

import (
	"fmt"
	"maps"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

// Args configures the node groups. The cluster component fills it from its own Args and the control
// plane it has built.
type Args struct {
	// Prefix is the cluster component's name, which every resource's name starts with; Parent is
	// that component.
	Prefix string
	Parent pulumi.Resource
	// ClusterName is the EKS cluster's name; Cluster its name as the cluster's output (the groups
	// wait for the cluster through it).
	ClusterName string
	Cluster     pulumi.StringInput
	// KMSKeyARN encrypts the nodes' root volumes.
	KMSKeyARN pulumi.StringInput
	// NodePools are the resolved pools by tier; NodeVolumeGiB and MaxUnavailable the cluster config's.
	NodePools      map[config.Tier]config.NodePool
	NodeVolumeGiB  int
	MaxUnavailable int
	// AZs and PrivateSubnetIDs (one per AZ, in order), NodeSGID: from the network.
	AZs              []string
	PrivateSubnetIDs pulumi.StringArrayInput
	NodeSGID         pulumi.StringInput
	// PullThroughRules are the registries' ECR pull-through caches: the nodes may create their
	// repositories on the first pull.
	PullThroughRules []config.PullThroughRule
	Env              *identity.Env
	// Tags go on the instances, volumes and network interfaces (the provider's default tags do not
	// reach them).
	Tags map[string]string
	// DependsOn is what nodes need before they join: the pod-networking add-ons.
	DependsOn []pulumi.Resource
}

// NodeGroups are the built node role and groups.
type NodeGroups struct {
	RoleARN pulumi.StringOutput
	// Groups are the node groups: what needs running nodes depends on them.
	Groups []pulumi.Resource
}

// nodePolicies are the managed policies a node needs, and no more: joining the cluster and pulling
// images. The VPC CNI's permissions are on its own IRSA role, not here, and no add-on uses the
// node's role (IMDS hop limit 1 keeps pods from borrowing it).
var nodePolicies = []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"}

// amiTypes are the EKS-optimised AL2023 AMIs per architecture.
var amiTypes = map[config.Arch]string{config.ArchX86: "AL2023_x86_64_STANDARD", config.ArchARM: "AL2023_ARM_64_STANDARD"}

// rootDevice is AL2023's root volume device.
const rootDevice = "/dev/xvda"

// nodeGroup is one managed node group of a pool: the database pool has one per AZ (EBS volumes are
// zonal, so each PostgreSQL instance needs a node in its volume's AZ); the others span every AZ.
type nodeGroup struct {
	key     string
	tier    config.Tier
	subnets pulumi.StringArrayInput
}

func (a Args) groupsOf(t config.Tier) []nodeGroup {
	if t != config.TierDatabase {
		return []nodeGroup{{key: string(t), tier: t, subnets: a.PrivateSubnetIDs}}
	}
	var out []nodeGroup
	for i, az := range a.AZs {
		sn := a.PrivateSubnetIDs.ToStringArrayOutput().Index(pulumi.Int(i))
		out = append(out, nodeGroup{key: string(t) + "-" + az, tier: t, subnets: pulumi.StringArray{sn}})
	}
	return out
}

// New builds the node role, one launch template per pool and the node groups: one loop over the
// tiers of the sizing plan.
func New(ctx *pulumi.Context, a Args) (*NodeGroups, error) {
	env := a.Env
	parent := pulumi.Parent(a.Parent)
	principals, err := kitiam.TrustedServicePrincipals(ctx, env, "ec2")
	if err != nil {
		return nil, err
	}
	trust, err := kitiam.ServiceTrust(principals, "")
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, a.Prefix+"-nodes", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust),
		Description:      pulumi.String("EKS nodes of " + a.ClusterName),
	}, parent)
	if err != nil {
		return nil, err
	}
	out := &NodeGroups{RoleARN: role.Arn}
	var arns []string
	for _, p := range nodePolicies {
		arns = append(arns, kitiam.ManagedPolicyARN(env.Partition, p))
	}
	deps, err := kitiam.AttachManagedPolicies(ctx, a.Prefix+"-nodes", role, arns, parent)
	if err != nil {
		return nil, err
	}
	if rules := a.PullThroughRules; len(rules) > 0 {
		// A pull-through cache creates the repository on the first pull, as the puller.
		var repos []string
		for _, r := range rules {
			repos = append(repos, env.ARN("ecr", env.Region, env.AccountID, "repository/"+r.Prefix+"/*"))
		}
		doc, err := kitiam.Document(kitiam.Statement{Effect: "Allow", Action: []string{"ecr:CreateRepository", "ecr:BatchImportUpstreamImage"}, Resource: repos})
		if err != nil {
			return nil, err
		}
		pol, err := iam.NewRolePolicy(ctx, a.Prefix+"-nodes-pull-through", &iam.RolePolicyArgs{
			Role:   role.Name,
			Policy: pulumi.String(doc),
		}, parent)
		if err != nil {
			return nil, err
		}
		deps = append(deps, pol)
	}

	for _, t := range config.AllTiers() {
		pool := a.NodePools[t]
		lt, err := launchTemplate(ctx, a, t, pool.InstanceType)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		s := SchedulingFor(t)
		var taints eks.NodeGroupTaintArray
		for _, tol := range s.Tolerations {
			taints = append(taints, &eks.NodeGroupTaintArgs{Key: pulumi.String(tol.Key), Value: pulumi.String(tol.Value), Effect: pulumi.String("NO_SCHEDULE")})
		}
		for _, g := range a.groupsOf(t) {
			ng, err := eks.NewNodeGroup(ctx, a.Prefix+"-"+g.key, &eks.NodeGroupArgs{
				ClusterName:  a.Cluster,
				NodeRoleArn:  role.Arn,
				SubnetIds:    g.subnets,
				AmiType:      pulumi.String(amiTypes[pool.Arch]),
				CapacityType: pulumi.String("ON_DEMAND"),
				Labels:       pulumi.ToStringMap(s.NodeSelector),
				Taints:       taints,
				ScalingConfig: &eks.NodeGroupScalingConfigArgs{
					MinSize: pulumi.Int(pool.Min), DesiredSize: pulumi.Int(pool.Desired), MaxSize: pulumi.Int(pool.Max),
				},
				UpdateConfig: &eks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(a.MaxUnavailable)},
				LaunchTemplate: &eks.NodeGroupLaunchTemplateArgs{
					Id:      lt.ID(),
					Version: lt.LatestVersion.ApplyT(strconv.Itoa).(pulumi.StringOutput),
				},
				// The autoscaler finds the groups by these tags (auto-discovery).
				Tags: pulumi.StringMap{
					"k8s.io/cluster-autoscaler/enabled":                          pulumi.String("true"),
					"k8s.io/cluster-autoscaler/" + a.ClusterName:                 pulumi.String("owned"),
					"k8s.io/cluster-autoscaler/node-template/label/" + TierLabel: pulumi.String(string(t)),
				},
			}, parent,
				// The autoscaler owns the desired size once the group exists.
				pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}),
				// Nodes need pod networking to become Ready.
				pulumi.DependsOn(append(append([]pulumi.Resource{}, deps...), a.DependsOn...)))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", g.key, err)
			}
			out.Groups = append(out.Groups, ng)
		}
	}
	return out, nil
}

// launchTemplate is a pool's node settings: its instance type, IMDSv2 only with one hop (pods cannot
// reach the node's credentials), an encrypted gp3 root volume with the cluster's key, the nodes'
// security group, and the common tags on instances and volumes. The instance type is here and not
// on the node group: EKS cannot change a group's instanceTypes in place (UpdateNodegroupConfig does
// not take them; the provider replaces the group, which the engine test showed), while a new launch
// template version is rolled out by UpdateNodegroupVersion, maxUnavailable nodes at a time.
func launchTemplate(ctx *pulumi.Context, a Args, t config.Tier, instanceType string) (*ec2.LaunchTemplate, error) {
	all := map[string]string{}
	maps.Copy(all, a.Tags)
	maps.Copy(all, map[string]string{"Name": a.ClusterName + "-" + string(t), TierLabel: string(t)})
	tags := pulumi.ToStringMap(all)
	var specs ec2.LaunchTemplateTagSpecificationArray
	for _, rt := range []string{"instance", "volume", "network-interface"} {
		specs = append(specs, &ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String(rt), Tags: tags})
	}
	return ec2.NewLaunchTemplate(ctx, a.Prefix+"-"+string(t), &ec2.LaunchTemplateArgs{
		Description:          pulumi.String(fmt.Sprintf("EKS %s, %s pool", a.ClusterName, t)),
		InstanceType:         pulumi.String(instanceType),
		UpdateDefaultVersion: pulumi.Bool(true),
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String(rootDevice),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(a.NodeVolumeGiB),
				VolumeType:          pulumi.String("gp3"),
				Encrypted:           pulumi.String("true"),
				KmsKeyId:            a.KMSKeyARN,
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		VpcSecurityGroupIds: pulumi.StringArray{a.NodeSGID},
		TagSpecifications:   specs,
		Tags:                tags,
	}, pulumi.Parent(a.Parent))
}
