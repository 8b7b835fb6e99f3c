// Package iam is the one way the program writes IAM: policy documents from typed statements, the
// trust policy of a role AWS services assume and of a role one Kubernetes service account assumes
// (IRSA), that IRSA role with its managed and inline policies, and managed-policy attachments. Every
// component that needs a role or a policy document uses it, so the policy language's version, the
// IRSA audience, the service principals a partition requires and the condition keys are written once.
package iam

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	awsiam "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

// Version is the current version of the IAM policy language ("2012-10-17"; IAM User Guide, "IAM
// JSON policy elements: Version", read 2026-12-03). The earlier 2008-10-17 lacks policy variables.
const Version = "2012-10-17"

// IRSAAudience is the audience of the tokens EKS's pod identity webhook projects for IRSA. It is
// sts.amazonaws.com in the China partition too, not sts.amazonaws.com.cn (EKS User Guide, "Assign
// IAM roles to Kubernetes service accounts", the trust policy's <issuer>:aud condition, read
// 2026-12-03); GitHub's OIDC tokens, which the workflows use, are the ones whose audience differs.
const IRSAAudience = "sts.amazonaws.com"

// Statement is one statement of a policy document. The fields are declared in alphabetical order so
// the rendered JSON has its keys in the same order as a map of them would: documents keep the bytes
// they had when the components built them as maps, and a refactor leaves no diff on a deployed role.
type Statement struct {
	// Action is one action or a list of them.
	Action any `json:"Action,omitempty"`
	// Condition is operator → condition key → value(s).
	Condition map[string]map[string]any `json:"Condition,omitempty"`
	// Effect is Allow or Deny.
	Effect string `json:"Effect"`
	// Principal is set in resource and trust policies only: "*" or type → principal(s).
	Principal any `json:"Principal,omitempty"`
	// Resource is one ARN or a list; trust policies have none.
	Resource any    `json:"Resource,omitempty"`
	Sid      string `json:"Sid,omitempty"`
}

// Allow grants the actions on the resources; one resource is written as a string, several as a list.
func Allow(actions []string, resources ...string) Statement {
	var res any = resources
	if len(resources) == 1 {
		res = resources[0]
	}
	return Statement{Effect: "Allow", Action: actions, Resource: res}
}

type document struct {
	Statement []Statement `json:"Statement"`
	Version   string      `json:"Version"`
}

// Document renders a policy document. A statement without an effect of Allow or Deny, without an
// action, or with neither a resource nor a principal is refused: IAM would reject the policy at
// apply time, after half a stack was built.
func Document(statements ...Statement) (string, error) {
	if len(statements) == 0 {
		return "", fmt.Errorf("iam: a policy document needs at least one statement")
	}
	for i, s := range statements {
		if s.Effect != "Allow" && s.Effect != "Deny" {
			return "", fmt.Errorf("iam: statement[%d].Effect: Invalid value: %q: Allow or Deny", i, s.Effect)
		}
		if isEmpty(s.Action) {
			return "", fmt.Errorf("iam: statement[%d].Action: Required value", i)
		}
		if isEmpty(s.Resource) && isEmpty(s.Principal) {
			return "", fmt.Errorf("iam: statement[%d]: Required value: a Resource (identity policy) or a Principal (resource or trust policy)", i)
		}
	}
	b, err := json.Marshal(document{Statement: statements, Version: Version})
	return string(b), err
}

func isEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []string:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

// ServiceAccountTag names, on an IRSA role, the one service account ("namespace/name") it trusts, so
// that reviewers and the policy rules (infra/policy) can check trust against intent.
const ServiceAccountTag = "suoke.life/service-account"

// TrustedServicePrincipals returns the principals a service role's trust policy names: the service's
// principal as the provider reports it (getServicePrincipal), then those the partition requires
// beyond that answer (awsfacts.TrustedServicePrincipals). The provider answers ec2.amazonaws.com in
// aws-cn too, but EKS there rejects a node role that does not trust ec2.amazonaws.com.cn, so an EC2
// role trusts both in China and ec2.amazonaws.com alone elsewhere; EKS is eks.amazonaws.com in both.
func TrustedServicePrincipals(ctx *pulumi.Context, env *identity.Env, service string) ([]string, error) {
	sp, err := env.ServicePrincipal(ctx, service)
	if err != nil {
		return nil, err
	}
	out := []string{sp}
	for _, p := range awsfacts.TrustedServicePrincipals(env.Partition, service) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// ServiceTrust is the trust policy of a role AWS services assume: one principal is written as a
// string, several as a list (IAM accepts both). A non-empty sourceAccount adds the confused-deputy
// guard: only the service acting for that account may assume the role.
func ServiceTrust(principals []string, sourceAccount string) (string, error) {
	if len(principals) == 0 {
		return "", fmt.Errorf("iam: service trust: Principal: Required value")
	}
	var p any = principals
	if len(principals) == 1 {
		p = principals[0]
	}
	st := Statement{Effect: "Allow", Principal: map[string]any{"Service": p}, Action: "sts:AssumeRole"}
	if sourceAccount != "" {
		st.Condition = map[string]map[string]any{"StringEquals": {"aws:SourceAccount": sourceAccount}}
	}
	return Document(st)
}

// ManagedPolicyARN is the ARN of an AWS managed policy in the partition; name may carry a path
// ("service-role/AmazonEBSCSIDriverPolicy"). AWS owns them, so the account is "aws".
func ManagedPolicyARN(partition, name string) string {
	return "arn:" + partition + ":iam::aws:policy/" + name
}

// AttachManagedPolicies attaches managed policies to a role, one attachment per policy, named name
// + "-" + the policy's name in lower case.
func AttachManagedPolicies(ctx *pulumi.Context, name string, role *awsiam.Role, arns []string, opts ...pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var out []pulumi.Resource
	for _, arn := range arns {
		short := arn[strings.LastIndex(arn, "/")+1:]
		a, err := awsiam.NewRolePolicyAttachment(ctx, name+"-"+strings.ToLower(short), &awsiam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.String(arn),
		}, opts...)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// ServiceAccountSubject is the subject of a service account's projected token.
func ServiceAccountSubject(namespace, serviceAccount string) string {
	return "system:serviceaccount:" + namespace + ":" + serviceAccount
}

// ServiceAccountTrust is the trust policy of a role that only the given service account of the
// cluster may assume: web identity from the cluster's OIDC provider, with the token's subject and
// audience pinned by StringEquals. The issuer may carry its https:// scheme; the condition keys take
// it without.
func ServiceAccountTrust(providerARN, issuerURL, namespace, serviceAccount string) (string, error) {
	if !strings.HasPrefix(providerARN, "arn:") || !strings.Contains(providerARN, ":oidc-provider/") {
		return "", fmt.Errorf("iam: oidcProviderArn: Invalid value: %q: the ARN of an IAM OIDC provider", providerARN)
	}
	issuer := strings.TrimPrefix(issuerURL, "https://")
	if issuer == "" || strings.Contains(issuer, "://") {
		return "", fmt.Errorf("iam: oidcIssuer: Invalid value: %q: the cluster's OIDC issuer URL", issuerURL)
	}
	if namespace == "" || serviceAccount == "" {
		return "", fmt.Errorf("iam: serviceAccount: Required value: namespace %q and name %q", namespace, serviceAccount)
	}
	return Document(Statement{
		Effect: "Allow", Principal: map[string]any{"Federated": providerARN},
		Action: "sts:AssumeRoleWithWebIdentity",
		Condition: map[string]map[string]any{"StringEquals": {
			issuer + ":sub": ServiceAccountSubject(namespace, serviceAccount),
			issuer + ":aud": IRSAAudience,
		}},
	})
}

// ServiceAccountTrustOf is ServiceAccountTrust of the cluster's OIDC provider outputs.
func ServiceAccountTrustOf(providerARN, issuerURL pulumi.StringInput, namespace, serviceAccount string) pulumi.StringOutput {
	return pulumi.All(providerARN, issuerURL).ApplyT(func(v []any) (string, error) {
		return ServiceAccountTrust(v[0].(string), v[1].(string), namespace, serviceAccount)
	}).(pulumi.StringOutput)
}

// ServiceAccountRoleArgs are one IRSA role's.
type ServiceAccountRoleArgs struct {
	// Name is the role's IAM name: explicit, so that its ARN is known before it exists. Empty, the
	// provider names it after the resource (the cluster's own roles, whose ARNs are read as outputs).
	Name        string
	Description string
	// OIDCProviderARN and OIDCIssuer are the cluster's IAM OIDC provider.
	OIDCProviderARN pulumi.StringInput
	OIDCIssuer      pulumi.StringInput
	// Namespace and ServiceAccount are the one account that may assume the role.
	Namespace      string
	ServiceAccount string
	// ManagedPolicyARNs are attached to the role (AttachManagedPolicies, under the resource name name).
	ManagedPolicyARNs []string
	// Policy is the role's inline policy document. Nil, the role has none: its permissions are the
	// managed policies, or a policy its caller attaches where a release must depend on it, or none
	// at all (a service that needs no AWS access still gets its one role).
	Policy pulumi.StringInput
	Tags   pulumi.StringMap
}

// NewServiceAccountRole creates an IRSA role, its managed-policy attachments and its inline policy
// (nil without one), all under the resource name name.
func NewServiceAccountRole(ctx *pulumi.Context, name string, a ServiceAccountRoleArgs, opts ...pulumi.ResourceOption) (*awsiam.Role, *awsiam.RolePolicy, error) {
	if a.OIDCProviderARN == nil || a.OIDCIssuer == nil {
		return nil, nil, fmt.Errorf("iam: role %s: oidcProviderArn and oidcIssuer: Required value", name)
	}
	ra := &awsiam.RoleArgs{
		Description:      pulumi.String(a.Description),
		AssumeRolePolicy: ServiceAccountTrustOf(a.OIDCProviderARN, a.OIDCIssuer, a.Namespace, a.ServiceAccount),
		Tags:             a.Tags,
	}
	if a.Name != "" {
		ra.Name = pulumi.String(a.Name)
	}
	role, err := awsiam.NewRole(ctx, name, ra, opts...)
	if err != nil {
		return nil, nil, err
	}
	if _, err := AttachManagedPolicies(ctx, name, role, a.ManagedPolicyARNs, opts...); err != nil {
		return nil, nil, err
	}
	if a.Policy == nil {
		return role, nil, nil
	}
	policy, err := awsiam.NewRolePolicy(ctx, name, &awsiam.RolePolicyArgs{Role: role.Name, Policy: a.Policy}, opts...)
	if err != nil {
		return nil, nil, err
	}
	return role, policy, nil
}
