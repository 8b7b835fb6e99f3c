// Package runner builds a stack's in-VPC runner host: one SSM-managed instance, kept at one by an
// Auto Scaling group, in the VPC's private subnets, with no inbound rule and no SSH key. It is the
// stack's CI runner once the bootstrap is done (pulumi preview and up reach the private EKS
// endpoint from it) and the operators' way in (Session Manager sessions and port forwarding). With
// it, the public API endpoint of the first `up` closes and stays closed
// (docs/runbooks/first-deploy.md).
package runner

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

// Args configures the runner host.
type Args struct {
	// Name prefixes every name (the cluster's name).
	Name         string
	InstanceType string
	VolumeGiB    int
	// SubnetIDs are the private subnets (the group places the instance in any of them).
	SubnetIDs pulumi.StringArrayInput
	// SecurityGroupID is the network's runner group: HTTPS out, no ingress; the nodes' group admits
	// it on 443 for the EKS API.
	SecurityGroupID pulumi.StringInput
	Env             *identity.Env
	// Tier is the cost tier tag value of the host.
	Tier string
}

// Validate checks the args on their own; config has validated the values it passes.
func (a Args) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if a.Env == nil {
		errs = append(errs, field.Required(path.Child("env"), "the AWS partition and region"))
	}
	if a.Name == "" {
		errs = append(errs, field.Required(path.Child("name"), "the name prefix"))
	}
	if a.VolumeGiB < 30 {
		errs = append(errs, field.Invalid(path.Child("volumeGiB"), a.VolumeGiB, "must be at least 30"))
	}
	return errs
}

// Runner is the component.
type Runner struct {
	pulumi.ResourceState

	AutoScalingGroupName pulumi.StringOutput
	RoleARN              pulumi.StringOutput
	SecurityGroupID      pulumi.StringInput
}

// SSMManagedPolicy is the AWS managed policy that lets Systems Manager manage an instance (Session
// Manager included) and nothing else (Systems Manager User Guide "Configure instance permissions
// required for Systems Manager", China edition, read 2026-12-02).
const SSMManagedPolicy = "AmazonSSMManagedInstanceCore"

// rootDevice is Amazon Linux 2023's root device name.
const rootDevice = "/dev/xvda"

// New builds the runner host.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Runner, error) {
	if errs := args.Validate(field.NewPath("runner")); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	r := &Runner{SecurityGroupID: args.SecurityGroupID}
	if err := ctx.RegisterComponentResource("suoke:platform:Runner", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)
	env := args.Env

	// EC2 assumes the role: the provider's principal plus, in aws-cn, what EC2 presents there.
	principals, err := kitiam.TrustedServicePrincipals(ctx, env, "ec2")
	if err != nil {
		return nil, err
	}
	trust, err := kitiam.ServiceTrust(principals, "")
	if err != nil {
		return nil, err
	}
	// The instance's own role only lets SSM manage it. CI jobs on it assume the deploy, preview and
	// drift roles through GitHub's OIDC token, never through this role.
	role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		Name:             pulumi.String(args.Name + "-runner"),
		AssumeRolePolicy: pulumi.String(trust),
		Description:      pulumi.String("Runner host of " + args.Name + ": SSM management only"),
	}, parent)
	if err != nil {
		return nil, err
	}
	r.RoleARN = role.Arn
	ssm, err := iam.NewRolePolicyAttachment(ctx, name+"-ssm", &iam.RolePolicyAttachmentArgs{
		Role: role.Name, PolicyArn: pulumi.String(kitiam.ManagedPolicyARN(env.Partition, SSMManagedPolicy)),
	}, parent)
	if err != nil {
		return nil, err
	}
	profile, err := iam.NewInstanceProfile(ctx, name+"-profile", &iam.InstanceProfileArgs{
		Name: pulumi.String(args.Name + "-runner"), Role: role.Name,
	}, parent)
	if err != nil {
		return nil, err
	}

	tags := pulumi.StringMap{"Name": pulumi.String(args.Name + "-runner"), "suoke.life/tier": pulumi.String(args.Tier)}
	var specs ec2.LaunchTemplateTagSpecificationArray
	for _, rt := range []string{"instance", "volume", "network-interface"} {
		specs = append(specs, &ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String(rt), Tags: tags})
	}
	lt, err := ec2.NewLaunchTemplate(ctx, name+"-lt", &ec2.LaunchTemplateArgs{
		Description: pulumi.String("Runner host of " + args.Name),
		// The AMI is resolved by EC2 at each launch from the public Amazon Linux 2023 parameter, so
		// a replaced instance starts patched and the stack holds no AMI ID that drifts.
		ImageId:              pulumi.String(awsfacts.RunnerAMIParameter(env.Partition)),
		InstanceType:         pulumi.String(args.InstanceType),
		UpdateDefaultVersion: pulumi.Bool(true),
		IamInstanceProfile:   &ec2.LaunchTemplateIamInstanceProfileArgs{Arn: profile.Arn},
		VpcSecurityGroupIds:  pulumi.StringArray{args.SecurityGroupID},
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"), HttpTokens: pulumi.String("required"), HttpPutResponseHopLimit: pulumi.Int(1),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String(rootDevice),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize: pulumi.Int(args.VolumeGiB), VolumeType: pulumi.String("gp3"),
				Encrypted: pulumi.String("true"), DeleteOnTermination: pulumi.String("true"),
			},
		}},
		TagSpecifications: specs,
	}, parent, pulumi.DependsOn([]pulumi.Resource{ssm}))
	if err != nil {
		return nil, err
	}
	group, err := autoscaling.NewGroup(ctx, name+"-asg", &autoscaling.GroupArgs{
		Name:               pulumi.String(args.Name + "-runner"),
		MinSize:            pulumi.Int(1),
		MaxSize:            pulumi.Int(1),
		DesiredCapacity:    pulumi.Int(1),
		VpcZoneIdentifiers: args.SubnetIDs,
		LaunchTemplate: &autoscaling.GroupLaunchTemplateArgs{
			Id: lt.ID(), Version: lt.LatestVersion.ApplyT(func(v int) string { return fmt.Sprint(v) }).(pulumi.StringOutput),
		},
		HealthCheckType: pulumi.String("EC2"),
		Tags: autoscaling.GroupTagArray{
			&autoscaling.GroupTagArgs{Key: pulumi.String("suoke.life/role"), Value: pulumi.String("runner"), PropagateAtLaunch: pulumi.Bool(true)},
		},
	}, parent)
	if err != nil {
		return nil, err
	}
	r.AutoScalingGroupName = group.Name
	return r, ctx.RegisterResourceOutputs(r, pulumi.Map{
		"autoScalingGroupName": group.Name, "roleArn": role.Arn, "securityGroupId": args.SecurityGroupID,
	})
}
