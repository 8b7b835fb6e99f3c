package cluster

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// ControlPlaneLogTypes are every EKS control-plane log: the security policy wants audit and
// authenticator; api, controllerManager and scheduler are what an incident needs beside them.
var ControlPlaneLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// Access policies of EKS access entries (EKS User Guide "Access policy permissions", read
// 2026-11-25). The view policy reads everything but Secrets: health data stays out of read-only eyes.
const (
	AccessPolicyAdmin = "AmazonEKSClusterAdminPolicy"
	AccessPolicyView  = "AmazonEKSViewPolicy"
)

type controlPlaneOut struct {
	cluster *eks.Cluster
	key     *kms.Key
	// deployerAccess is the deploying principal's admin policy association: the Kubernetes provider
	// waits for it, or the first `up` gets Unauthorized.
	deployerAccess pulumi.Resource
	// early are the add-ons that must run before any node joins (pod networking).
	early []pulumi.Resource
}

func controlPlane(ctx *pulumi.Context, c *Cluster) (*controlPlaneOut, error) {
	a, env := c.args, c.args.Env
	parent := pulumi.Parent(c)
	protect := []pulumi.ResourceOption{parent, pulumi.Protect(a.Protect), pulumi.RetainOnDelete(a.Protect)}

	key, err := clusterKey(ctx, c, protect)
	if err != nil {
		return nil, err
	}
	c.KMSKeyARN = key.Arn

	// The log group exists before the cluster, so its retention is ours and not EKS's default
	// (never expire); that is why the cluster has an explicit name.
	logGroup, err := cloudwatch.NewLogGroup(ctx, c.name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/eks/" + a.Name + "/cluster"),
		RetentionInDays: pulumi.Int(a.Config.LogRetentionDays),
	}, parent, pulumi.RetainOnDelete(a.Protect))
	if err != nil {
		return nil, err
	}

	principals, err := trustedPrincipals(ctx, env, "eks")
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, c.name+"-control-plane", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(serviceTrust(principals, env.AccountID, false)),
		Description:      pulumi.String("EKS control plane of " + a.Name),
	}, parent)
	if err != nil {
		return nil, err
	}
	deps, err := attach(ctx, c.name+"-control-plane", role, []string{managedPolicy(env, "AmazonEKSClusterPolicy")}, parent)
	if err != nil {
		return nil, err
	}
	kmsUse, err := iam.NewRolePolicy(ctx, c.name+"-control-plane-kms", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: key.Arn.ApplyT(func(arn string) string {
			return doc(
				statement{Sid: "EnvelopeEncryption", Effect: "Allow", Action: []string{"kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ListGrants"}, Resource: arn},
				statement{Sid: "Grants", Effect: "Allow", Action: "kms:CreateGrant", Resource: arn,
					Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "true"}}},
			).String()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}

	public := len(a.Config.PublicEndpointCIDRs) > 0
	vpc := &eks.ClusterVpcConfigArgs{
		SubnetIds:             a.PrivateSubnetIDs,
		SecurityGroupIds:      pulumi.StringArray{a.NodeSGID},
		EndpointPrivateAccess: pulumi.Bool(true),
		EndpointPublicAccess:  pulumi.Bool(public),
	}
	if public {
		vpc.PublicAccessCidrs = pulumi.ToStringArray(a.Config.PublicEndpointCIDRs)
	}
	cl, err := eks.NewCluster(ctx, c.name+"-eks", &eks.ClusterArgs{
		Name:    pulumi.String(a.Name),
		Version: pulumi.String(a.Config.Version),
		RoleArn: role.Arn,
		// The nodes' security group is the control plane's too: its self rule carries
		// control-plane ↔ kubelet and webhook traffic without a second group.
		VpcConfig: vpc,
		EncryptionConfig: &eks.ClusterEncryptionConfigArgs{
			Provider:  &eks.ClusterEncryptionConfigProviderArgs{KeyArn: key.Arn},
			Resources: pulumi.StringArray{pulumi.String("secrets")},
		},
		EnabledClusterLogTypes: pulumi.ToStringArray(ControlPlaneLogTypes),
		AccessConfig: &eks.ClusterAccessConfigArgs{
			AuthenticationMode: pulumi.String("API"),
			// The deployer gets an explicit access entry below, like every other principal.
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(false),
		},
		// No self-managed vpc-cni/kube-proxy/coredns: the managed add-ons below own them.
		BootstrapSelfManagedAddons: pulumi.Bool(false),
	}, parent, pulumi.DependsOn(append(deps, logGroup, kmsUse)))
	if err != nil {
		return nil, err
	}
	c.ClusterName = cl.Name
	c.ClusterARN = cl.Arn
	c.Endpoint = cl.Endpoint
	c.CertificateAuthority = cl.CertificateAuthority.Data().Elem()
	c.OIDCIssuerURL = cl.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem()

	oidc, err := iam.NewOpenIdConnectProvider(ctx, c.name+"-oidc", &iam.OpenIdConnectProviderArgs{
		Url:           c.OIDCIssuerURL,
		ClientIdLists: pulumi.StringArray{pulumi.String(IRSAAudience)},
	}, parent)
	if err != nil {
		return nil, err
	}
	c.OIDCProviderARN = oidc.Arn

	deployer, err := accessEntries(ctx, c, cl)
	if err != nil {
		return nil, err
	}
	early, err := earlyAddons(ctx, c, cl)
	if err != nil {
		return nil, err
	}
	return &controlPlaneOut{cluster: cl, key: key, deployerAccess: deployer, early: early}, nil
}

// clusterKey is the KMS key of Secrets envelope encryption and of every node and PVC volume.
func clusterKey(ctx *pulumi.Context, c *Cluster, opts []pulumi.ResourceOption) (*kms.Key, error) {
	env := c.args.Env
	asg, err := env.ServicePrincipal(ctx, "autoscaling")
	if err != nil {
		return nil, err
	}
	// Managed node groups launch through Auto Scaling, whose service-linked role must be able to
	// use the key, or instances with encrypted root volumes fail to start.
	slrARN := env.ARN("iam", "", env.AccountID, "role/aws-service-role/"+asg+"/AWSServiceRoleForAutoScaling")
	var deps []pulumi.Resource
	if c.args.Config.CreateAutoscalingServiceLinkedRole {
		slr, err := iam.NewServiceLinkedRole(ctx, c.name+"-autoscaling-slr", &iam.ServiceLinkedRoleArgs{
			AwsServiceName: pulumi.String(asg),
		}, pulumi.Parent(c), pulumi.RetainOnDelete(true))
		if err != nil {
			return nil, err
		}
		deps = append(deps, slr)
	}
	root := env.ARN("iam", "", env.AccountID, "root")
	policy := doc(
		statement{Sid: "AccountAdministers", Effect: "Allow", Principal: map[string]any{"AWS": root}, Action: "kms:*", Resource: "*"},
		statement{Sid: "AutoScalingUsesKey", Effect: "Allow", Principal: map[string]any{"AWS": slrARN},
			Action: []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, Resource: "*"},
		statement{Sid: "AutoScalingAttachesVolumes", Effect: "Allow", Principal: map[string]any{"AWS": slrARN},
			Action: "kms:CreateGrant", Resource: "*", Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "true"}}},
	)
	return kms.NewKey(ctx, c.name+"-key", &kms.KeyArgs{
		Description:          pulumi.String("EKS " + c.args.Name + ": Secrets envelope encryption, node and volume encryption"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(policy.String()),
	}, append(opts, pulumi.DependsOn(deps))...)
}

// accessEntry is one principal's access to the cluster.
type accessEntry struct {
	key, arn, policy string
}

var unsafeKey = regexp.MustCompile(`[^a-z0-9-]+`)

// accessEntries gives the deployer, the admins and the read-only roles their access, and returns the
// deployer's policy association.
func accessEntries(ctx *pulumi.Context, c *Cluster, cl *eks.Cluster) (pulumi.Resource, error) {
	env := c.args.Env
	opt := pulumi.Provider(env.Provider)
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, opt)
	if err != nil {
		return nil, fmt.Errorf("caller identity: %w", err)
	}
	// An assumed-role session's ARN is not a principal EKS accepts; the role that issued it is.
	session, err := iam.GetSessionContext(ctx, &iam.GetSessionContextArgs{Arn: caller.Arn}, opt)
	if err != nil {
		return nil, fmt.Errorf("session context: %w", err)
	}
	entries := []accessEntry{{key: "deployer", arn: session.IssuerArn, policy: AccessPolicyAdmin}}
	seen := map[string]bool{session.IssuerArn: true}
	for _, list := range []struct {
		kind, policy string
		arns         []string
	}{{"admin", AccessPolicyAdmin, c.args.Config.AdminRoleARNs}, {"view", AccessPolicyView, c.args.Config.ReadOnlyRoleARNs}} {
		for _, arn := range list.arns {
			if seen[arn] {
				continue
			}
			seen[arn] = true
			roleName := arn[strings.LastIndex(arn, "/")+1:]
			entries = append(entries, accessEntry{key: list.kind + "-" + unsafeKey.ReplaceAllString(strings.ToLower(roleName), "-"), arn: arn, policy: list.policy})
		}
	}
	var deployer pulumi.Resource
	for _, e := range entries {
		entry, err := eks.NewAccessEntry(ctx, c.name+"-access-"+e.key, &eks.AccessEntryArgs{
			ClusterName: cl.Name, PrincipalArn: pulumi.String(e.arn), Type: pulumi.String("STANDARD"),
		}, pulumi.Parent(c))
		if err != nil {
			return nil, err
		}
		assoc, err := eks.NewAccessPolicyAssociation(ctx, c.name+"-access-"+e.key, &eks.AccessPolicyAssociationArgs{
			ClusterName:  cl.Name,
			PrincipalArn: entry.PrincipalArn,
			PolicyArn:    pulumi.String(env.ARN("eks", "", "aws", "cluster-access-policy/"+e.policy)),
			AccessScope:  &eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")},
		}, pulumi.Parent(c))
		if err != nil {
			return nil, err
		}
		if e.key == "deployer" {
			deployer = assoc
		}
	}
	return deployer, nil
}

// addonVersion returns the pinned version of an add-on for the cluster's Kubernetes version.
func addonVersion(c *Cluster, name string) string {
	rel, _ := c.args.Config.Release()
	for _, a := range rel.Addons {
		if a.Name == name {
			return a.Version
		}
	}
	return ""
}

// addon installs one EKS managed add-on at its pinned version; conflicts with what runs are
// resolved in favour of the add-on's configuration (this program owns it).
func addon(ctx *pulumi.Context, c *Cluster, cl *eks.Cluster, name string, role pulumi.StringInput, configuration any, opts ...pulumi.ResourceOption) (*eks.Addon, error) {
	args := &eks.AddonArgs{
		ClusterName:              cl.Name,
		AddonName:                pulumi.String(name),
		AddonVersion:             pulumi.String(addonVersion(c, name)),
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
	}
	if role != nil {
		args.ServiceAccountRoleArn = role
	}
	if configuration != nil {
		b, _ := json.Marshal(configuration) // typed structs of strings: Marshal cannot fail
		args.ConfigurationValues = pulumi.String(string(b))
	}
	c.Addons = append(c.Addons, config.AddonVersion{Name: name, Version: addonVersion(c, name)})
	return eks.NewAddon(ctx, c.name+"-"+name, args, append([]pulumi.ResourceOption{pulumi.Parent(c)}, opts...)...)
}

// vpcCNIConfig is the vpc-cni add-on's configuration: without enableNetworkPolicy the cluster
// accepts NetworkPolicies but enforces none of them.
type vpcCNIConfig struct {
	EnableNetworkPolicy string `json:"enableNetworkPolicy"`
}

// earlyAddons are the add-ons pod networking needs before any node joins: vpc-cni (with its own IRSA
// role: the node role has no CNI permissions) and kube-proxy.
func earlyAddons(ctx *pulumi.Context, c *Cluster, cl *eks.Cluster) ([]pulumi.Resource, error) {
	cniRole, err := c.ServiceAccountRole(ctx, "vpc-cni", NamespaceKubeSystem, "aws-node",
		[]string{managedPolicy(c.args.Env, "AmazonEKS_CNI_Policy")}, nil)
	if err != nil {
		return nil, err
	}
	cni, err := addon(ctx, c, cl, config.AddonVPCCNI, cniRole.Arn, vpcCNIConfig{EnableNetworkPolicy: "true"})
	if err != nil {
		return nil, err
	}
	proxy, err := addon(ctx, c, cl, config.AddonKubeProxy, nil, nil)
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{cni, proxy}, nil
}
