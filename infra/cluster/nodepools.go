package cluster

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
)

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

func (c *Cluster) groupsOf(t config.Tier) []nodeGroup {
	if t != config.TierDatabase {
		return []nodeGroup{{key: string(t), tier: t, subnets: c.args.PrivateSubnetIDs}}
	}
	var out []nodeGroup
	for i, az := range c.args.AZs {
		sn := c.args.PrivateSubnetIDs.ToStringArrayOutput().Index(pulumi.Int(i))
		out = append(out, nodeGroup{key: string(t) + "-" + az, tier: t, subnets: pulumi.StringArray{sn}})
	}
	return out
}

// nodePools builds the node role, one launch template per pool and the node groups: one loop over
// the tiers of the sizing plan.
func nodePools(ctx *pulumi.Context, c *Cluster, cp *controlPlaneOut) ([]pulumi.Resource, error) {
	a, env := c.args, c.args.Env
	parent := pulumi.Parent(c)
	principals, err := trustedPrincipals(ctx, env, "ec2")
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, c.name+"-nodes", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(serviceTrust(principals, env.AccountID, false)),
		Description:      pulumi.String("EKS nodes of " + a.Name),
	}, parent)
	if err != nil {
		return nil, err
	}
	c.NodeRoleARN = role.Arn
	var arns []string
	for _, p := range nodePolicies {
		arns = append(arns, managedPolicy(env, p))
	}
	deps, err := attach(ctx, c.name+"-nodes", role, arns, parent)
	if err != nil {
		return nil, err
	}
	if rules := a.Registries.PullThroughRules(); len(rules) > 0 {
		// A pull-through cache creates the repository on the first pull, as the puller.
		var repos []string
		for _, r := range rules {
			repos = append(repos, env.ARN("ecr", env.Region, env.AccountID, "repository/"+r.Prefix+"/*"))
		}
		pol, err := iam.NewRolePolicy(ctx, c.name+"-nodes-pull-through", &iam.RolePolicyArgs{
			Role:   role.Name,
			Policy: pulumi.String(doc(statement{Effect: "Allow", Action: []string{"ecr:CreateRepository", "ecr:BatchImportUpstreamImage"}, Resource: repos}).String()),
		}, parent)
		if err != nil {
			return nil, err
		}
		deps = append(deps, pol)
	}

	var groups []pulumi.Resource
	for _, t := range config.AllTiers() {
		pool := a.NodePools[t]
		lt, err := launchTemplate(ctx, c, t, pool.InstanceType, cp)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		s := c.Scheduling[t]
		var taints eks.NodeGroupTaintArray
		for _, tol := range s.Tolerations {
			taints = append(taints, &eks.NodeGroupTaintArgs{Key: pulumi.String(tol.Key), Value: pulumi.String(tol.Value), Effect: pulumi.String("NO_SCHEDULE")})
		}
		for _, g := range c.groupsOf(t) {
			ng, err := eks.NewNodeGroup(ctx, c.name+"-"+g.key, &eks.NodeGroupArgs{
				ClusterName:  cp.cluster.Name,
				NodeRoleArn:  role.Arn,
				SubnetIds:    g.subnets,
				AmiType:      pulumi.String(amiTypes[pool.Arch]),
				CapacityType: pulumi.String("ON_DEMAND"),
				Labels:       pulumi.ToStringMap(s.NodeSelector),
				Taints:       taints,
				ScalingConfig: &eks.NodeGroupScalingConfigArgs{
					MinSize: pulumi.Int(pool.Min), DesiredSize: pulumi.Int(pool.Desired), MaxSize: pulumi.Int(pool.Max),
				},
				UpdateConfig: &eks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(a.Config.MaxUnavailable)},
				LaunchTemplate: &eks.NodeGroupLaunchTemplateArgs{
					Id:      lt.ID(),
					Version: lt.LatestVersion.ApplyT(strconv.Itoa).(pulumi.StringOutput),
				},
				// The autoscaler finds the groups by these tags (auto-discovery).
				Tags: pulumi.StringMap{
					"k8s.io/cluster-autoscaler/enabled":                          pulumi.String("true"),
					"k8s.io/cluster-autoscaler/" + a.Name:                        pulumi.String("owned"),
					"k8s.io/cluster-autoscaler/node-template/label/" + TierLabel: pulumi.String(string(t)),
				},
			}, parent,
				// The autoscaler owns the desired size once the group exists.
				pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}),
				// Nodes need pod networking to become Ready.
				pulumi.DependsOn(append(append([]pulumi.Resource{}, deps...), cp.early...)))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", g.key, err)
			}
			groups = append(groups, ng)
		}
	}
	return groups, nil
}

// launchTemplate is a pool's node settings: its instance type, IMDSv2 only with one hop (pods cannot
// reach the node's credentials), an encrypted gp3 root volume with the cluster's key, the nodes'
// security group, and the common tags on instances and volumes. The instance type is here and not
// on the node group: EKS cannot change a group's instanceTypes in place (UpdateNodegroupConfig does
// not take them; the provider replaces the group, which the engine test showed), while a new launch
// template version is rolled out by UpdateNodegroupVersion, maxUnavailable nodes at a time.
func launchTemplate(ctx *pulumi.Context, c *Cluster, t config.Tier, instanceType string, cp *controlPlaneOut) (*ec2.LaunchTemplate, error) {
	a := c.args
	tags := c.tags(map[string]string{"Name": a.Name + "-" + string(t), TierLabel: string(t)})
	var specs ec2.LaunchTemplateTagSpecificationArray
	for _, rt := range []string{"instance", "volume", "network-interface"} {
		specs = append(specs, &ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String(rt), Tags: tags})
	}
	return ec2.NewLaunchTemplate(ctx, c.name+"-"+string(t), &ec2.LaunchTemplateArgs{
		Description:          pulumi.String(fmt.Sprintf("EKS %s, %s pool", a.Name, t)),
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
				VolumeSize:          pulumi.Int(a.Config.NodeVolumeGiB),
				VolumeType:          pulumi.String("gp3"),
				Encrypted:           pulumi.String("true"),
				KmsKeyId:            cp.key.Arn,
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		VpcSecurityGroupIds: pulumi.StringArray{a.NodeSGID},
		TagSpecifications:   specs,
		Tags:                tags,
	}, pulumi.Parent(c))
}

// lateAddons are the add-ons that need nodes to run (before them they hang and go DEGRADED):
// CoreDNS, the EBS CSI driver (with its own role, allowed to use the cluster's key) and the Pod
// Identity agent.
func lateAddons(ctx *pulumi.Context, c *Cluster, cp *controlPlaneOut, nodes []pulumi.Resource) ([]pulumi.Resource, error) {
	env := c.args.Env
	after := pulumi.DependsOn(nodes)
	ebsKMS := cp.key.Arn.ApplyT(func(arn string) string {
		return doc(
			statement{Sid: "EncryptVolumes", Effect: "Allow", Resource: arn,
				Action: []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}},
			statement{Sid: "AttachVolumes", Effect: "Allow", Resource: arn, Action: []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"},
				Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "true"}}},
		).String()
	}).(pulumi.StringOutput)
	ebsRole, err := c.ServiceAccountRole(ctx, "ebs-csi", NamespaceKubeSystem, "ebs-csi-controller-sa",
		[]string{env.ARN("iam", "", "aws", "policy/service-role/AmazonEBSCSIDriverPolicy")}, ebsKMS)
	if err != nil {
		return nil, err
	}
	coredns, err := addon(ctx, c, cp.cluster, config.AddonCoreDNS, nil, nil, after)
	if err != nil {
		return nil, err
	}
	ebs, err := addon(ctx, c, cp.cluster, config.AddonEBSCSI, ebsRole.Arn, nil, after)
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{coredns, ebs}, nil
}
