package cluster

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	"github.com/suoke-life/suoke-platform/infra/config"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/protection"
)

// ControlPlaneLogTypes are every EKS control-plane log: the security policy wants audit and
// authenticator; api, controllerManager and scheduler are what an incident needs beside them.
var ControlPlaneLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// Access policies of EKS access entries (EKS User Guide "Access policy permissions", read
// 2026-11-25). The view policy reads everything but Secrets: health data stays out of read-only eyes.
// AmazonEKSAdminViewPolicy lists and reads every resource, Secrets included: what a preview and a
// refresh of a Helm release need (Helm keeps release state in Secrets), with no write. It is in the
// China edition's list (docs.amazonaws.cn/en_us/eks/latest/userguide/access-policy-permissions.md,
// read 2026-12-02).
const (
	AccessPolicyAdmin     = "AmazonEKSClusterAdminPolicy"
	AccessPolicyView      = "AmazonEKSViewPolicy"
	AccessPolicyAdminView = "AmazonEKSAdminViewPolicy"
)

type controlPlaneOut struct {
	cluster *eks.Cluster
	key     *kms.Key
	// deployerAccess are the deploying principals' admin policy associations: the Kubernetes
	// provider waits for them, or the first `up` gets Unauthorized.
	deployerAccess []pulumi.Resource
	// early are the add-ons that must run before any node joins (pod networking).
	early []pulumi.Resource
}

func controlPlane(ctx *pulumi.Context, c *Cluster) (*controlPlaneOut, error) {
	a, env := c.args, c.args.Env
	parent := pulumi.Parent(c)
	protect := []pulumi.ResourceOption{parent, pulumi.Protect(a.Protect), pulumi.RetainOnDelete(a.Protect)}

	if err := versionOffered(ctx, c); err != nil {
		return nil, err
	}
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

	principals, err := kitiam.TrustedServicePrincipals(ctx, env, "eks")
	if err != nil {
		return nil, err
	}
	trust, err := kitiam.ServiceTrust(principals, "")
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, c.name+"-control-plane", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust),
		Description:      pulumi.String("EKS control plane of " + a.Name),
	}, parent)
	if err != nil {
		return nil, err
	}
	deps, err := kitiam.AttachManagedPolicies(ctx, c.name+"-control-plane", role, []string{kitiam.ManagedPolicyARN(env.Partition, "AmazonEKSClusterPolicy")}, parent)
	if err != nil {
		return nil, err
	}
	kmsUse, err := iam.NewRolePolicy(ctx, c.name+"-control-plane-kms", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: key.Arn.ApplyT(func(arn string) (string, error) {
			return kitiam.Document(
				kitiam.Statement{Sid: "EnvelopeEncryption", Effect: "Allow", Action: []string{"kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ListGrants"}, Resource: arn},
				kitiam.Statement{Sid: "Grants", Effect: "Allow", Action: "kms:CreateGrant", Resource: arn,
					Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "true"}}},
			)
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
		ClientIdLists: pulumi.StringArray{pulumi.String(kitiam.IRSAAudience)},
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

// versionOffered asks EKS in the stack's region which Kubernetes versions it offers: a China region
// can lag the global calendar, and a version it does not offer fails CreateCluster only after the
// key, the roles and the log group exist. A version past standard support fails prod and dr (extended
// support is billed per cluster-hour on top, and upgrades are overdue) and is a warning elsewhere.
func versionOffered(ctx *pulumi.Context, c *Cluster) error {
	a := c.args
	got, err := eks.GetClusterVersions(ctx, &eks.GetClusterVersionsArgs{}, pulumi.Provider(a.Env.Provider))
	if err != nil {
		return fmt.Errorf("EKS versions offered in %s: %w", a.Env.Region, err)
	}
	var offered []string
	for _, v := range got.ClusterVersions {
		offered = append(offered, v.ClusterVersion)
		if v.ClusterVersion != a.Config.Version {
			continue
		}
		if v.VersionStatus == "STANDARD_SUPPORT" {
			return nil
		}
		msg := fmt.Sprintf("cluster.version %s is in %s in %s (standard support ended %s): upgrade (docs/runbooks/upgrade-kubernetes.md)",
			a.Config.Version, v.VersionStatus, a.Env.Region, v.EndOfStandardSupportDate)
		if a.Production {
			return fmt.Errorf("%s", msg)
		}
		return ctx.Log.Warn(msg, nil)
	}
	return fmt.Errorf("cluster.version: Unsupported value: %q: EKS in %s offers %s", a.Config.Version, a.Env.Region, strings.Join(offered, ", "))
}

// clusterKey is the KMS key of Secrets envelope encryption and of every node and PVC volume.
//
// Node groups launch through Auto Scaling, whose service-linked role must be able to use the key for
// the encrypted root volumes. Naming that role in the policy fails in a fresh account, where it does
// not exist until the first Auto Scaling group is created (KMS rejects a policy whose principal does
// not exist: MalformedPolicyDocumentException). So the policy grants EBS use the way the AWS
// managed aws/ebs key does: to any principal of this account, only through EC2 (kms:ViaService)
// and, for grants, only for AWS resources. kms:ViaService is set by KMS from the calling service's
// endpoint and cannot be forged by a caller (KMS Developer Guide "kms:ViaService", China edition
// docs.amazonaws.cn/en_us/kms/latest/developerguide/conditions-kms.html, read 2026-12-02).
func clusterKey(ctx *pulumi.Context, c *Cluster, opts []pulumi.ResourceOption) (*kms.Key, error) {
	env := c.args.Env
	root := env.ARN("iam", "", env.AccountID, "root")
	viaEC2 := map[string]any{"kms:ViaService": awsfacts.EC2ViaServices(env.Region, env.DNSSuffix), "kms:CallerAccount": env.AccountID}
	policy, err := kitiam.Document(
		kitiam.Statement{Sid: "AccountAdministers", Effect: "Allow", Principal: map[string]any{"AWS": root}, Action: "kms:*", Resource: "*"},
		kitiam.Statement{Sid: "EBSThroughEC2", Effect: "Allow", Principal: map[string]any{"AWS": "*"},
			Action: []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, Resource: "*",
			Condition: map[string]map[string]any{"StringEquals": viaEC2}},
		kitiam.Statement{Sid: "EBSGrantsThroughEC2", Effect: "Allow", Principal: map[string]any{"AWS": "*"},
			Action: "kms:CreateGrant", Resource: "*", Condition: map[string]map[string]any{
				"StringEquals": viaEC2, "Bool": {"kms:GrantIsForAWSResource": "true"}}},
	)
	if err != nil {
		return nil, err
	}
	return kms.NewKey(ctx, c.name+"-key", &kms.KeyArgs{
		Description:          pulumi.String("EKS " + c.args.Name + ": Secrets envelope encryption, node and volume encryption"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(protection.KeyDeletionWindowDays(c.args.Protect)),
		Policy:               pulumi.String(policy),
	}, opts...)
}

// accessEntry is one principal's access to the cluster.
type accessEntry struct {
	kind, key, arn, policy string
}

var unsafeKey = regexp.MustCompile(`[^a-z0-9-]+`)

// accessEntries gives the deployers, the preview roles, the admins and the read-only roles their
// access, and returns the deployers' policy associations (the Kubernetes provider waits for them).
// Who has access is config, not whoever runs the program: a preview by the preview role must show
// the same entries as an up by the deploy role, or every preview would show a replacement.
func accessEntries(ctx *pulumi.Context, c *Cluster, cl *eks.Cluster) ([]pulumi.Resource, error) {
	env := c.args.Env
	deployers := c.args.Config.DeployerRoles
	if len(deployers) == 0 {
		// A throw-away stack (validation requires named deployers in prod and dr): the caller's role.
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
		deployers = []string{session.IssuerArn}
	}
	var entries []accessEntry
	seen := map[string]bool{}
	for _, list := range []struct {
		kind, policy string
		refs         []string
	}{
		{"deployer", AccessPolicyAdmin, deployers},
		{"preview", AccessPolicyAdminView, c.args.Config.PreviewRoles},
		{"admin", AccessPolicyAdmin, c.args.Config.AdminRoleARNs},
		{"view", AccessPolicyView, c.args.Config.ReadOnlyRoleARNs},
	} {
		for _, ref := range list.refs {
			arn := config.RoleARN(ref, env.Partition, env.AccountID)
			if seen[arn] {
				continue
			}
			seen[arn] = true
			roleName := arn[strings.LastIndex(arn, "/")+1:]
			entries = append(entries, accessEntry{kind: list.kind, key: list.kind + "-" + unsafeKey.ReplaceAllString(strings.ToLower(roleName), "-"), arn: arn, policy: list.policy})
		}
	}
	var deployerAccess []pulumi.Resource
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
		if e.kind == "deployer" {
			deployerAccess = append(deployerAccess, assoc)
		}
	}
	return deployerAccess, nil
}
