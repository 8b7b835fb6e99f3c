// Package roles holds the IAM pieces every part of the cluster uses: the policy document type, the
// trust policies of AWS service roles and of IRSA roles, managed-policy attachments, and the IRSA role
// builder. The roles it builds are children of the cluster component, named after it.
package roles

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

// Document is an IAM policy document, built as typed Go and rendered with encoding/json.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document.
type Statement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Action    any                       `json:"Action"`
	Resource  any                       `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// Doc is a policy document of the statements.
func Doc(stmts ...Statement) Document { return Document{Version: "2012-10-17", Statement: stmts} }

func (d Document) String() string {
	b, _ := json.Marshal(d) // only maps, slices and strings: Marshal cannot fail
	return string(b)
}

// TrustedPrincipals returns the principals a service role's trust policy names: the service's
// principal as the provider reports it (getServicePrincipal), then those the partition requires
// beyond that answer (awsfacts.RoleTrust). The provider answers ec2.amazonaws.com in aws-cn too, but
// EKS there rejects a node role that does not trust ec2.amazonaws.com.cn, so the node role trusts
// both in China and ec2.amazonaws.com alone elsewhere; EKS is eks.amazonaws.com in both.
func TrustedPrincipals(ctx *pulumi.Context, env *identity.Env, service string) ([]string, error) {
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

// ServiceTrust is a trust policy for AWS services, scoped to this account (confused-deputy guard).
func ServiceTrust(principals []string, account string, sourceAccount bool) string {
	var p any = principals
	if len(principals) == 1 {
		p = principals[0]
	}
	st := Statement{Effect: "Allow", Principal: map[string]any{"Service": p}, Action: "sts:AssumeRole"}
	if sourceAccount {
		st.Condition = map[string]map[string]any{"StringEquals": {"aws:SourceAccount": account}}
	}
	return Doc(st).String()
}

// ManagedPolicy is the ARN of an AWS managed policy in this partition.
func ManagedPolicy(env *identity.Env, name string) string {
	return env.ARN("iam", "", "aws", "policy/"+name)
}

// Attach attaches managed policies to a role, one child per policy, named after it.
func Attach(ctx *pulumi.Context, name string, role *iam.Role, arns []string, opts ...pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var out []pulumi.Resource
	for _, arn := range arns {
		short := arn[strings.LastIndex(arn, "/")+1:]
		a, err := iam.NewRolePolicyAttachment(ctx, name+"-"+strings.ToLower(short), &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.String(arn),
		}, opts...)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// IRSAAudience is the audience of IRSA tokens; it stays sts.amazonaws.com in the China partition.
const IRSAAudience = "sts.amazonaws.com"

// ServiceAccountTag names, on an IRSA role, the one service account ("namespace/name") it trusts, so
// that reviewers and the policy can check trust against intent.
const ServiceAccountTag = "suoke.life/service-account"

// IRSA builds the IRSA roles of one cluster: children of Parent named Prefix + "-" + key, trusted
// through the cluster's OIDC provider.
type IRSA struct {
	// Prefix is the cluster component's name; ClusterName the EKS cluster's (in descriptions).
	Prefix      string
	ClusterName string
	Parent      pulumi.Resource
	// OIDCProviderARN and OIDCIssuerURL are the cluster's IAM OIDC provider.
	OIDCProviderARN pulumi.StringOutput
	OIDCIssuerURL   pulumi.StringOutput
}

// TrustPolicyFor returns the trust policy of an IAM role that only the given service account can
// assume (IRSA): web identity from the cluster's OIDC provider, with the token's subject and
// audience pinned by StringEquals.
func (i IRSA) TrustPolicyFor(namespace, serviceAccount string) pulumi.StringOutput {
	return pulumi.All(i.OIDCProviderARN, i.OIDCIssuerURL).ApplyT(func(v []any) string {
		arn, issuer := v[0].(string), strings.TrimPrefix(v[1].(string), "https://")
		return Doc(Statement{
			Effect: "Allow", Principal: map[string]any{"Federated": arn}, Action: "sts:AssumeRoleWithWebIdentity",
			Condition: map[string]map[string]any{"StringEquals": {
				issuer + ":sub": "system:serviceaccount:" + namespace + ":" + serviceAccount,
				issuer + ":aud": IRSAAudience,
			}},
		}).String()
	}).(pulumi.StringOutput)
}

// Role creates an IAM role for one service account (IRSA), with managed policies and an optional
// inline policy. Its name is the prefix + "-" + key.
func (i IRSA) Role(ctx *pulumi.Context, key, namespace, serviceAccount string, managed []string, inline pulumi.StringInput, opts ...pulumi.ResourceOption) (*iam.Role, error) {
	name := i.Prefix + "-" + key
	opts = append([]pulumi.ResourceOption{pulumi.Parent(i.Parent)}, opts...)
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		AssumeRolePolicy: i.TrustPolicyFor(namespace, serviceAccount),
		Description:      pulumi.Sprintf("IRSA role of %s/%s in cluster %s", namespace, serviceAccount, i.ClusterName),
		Tags:             pulumi.StringMap{ServiceAccountTag: pulumi.String(namespace + "/" + serviceAccount)},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("role %s: %w", key, err)
	}
	if _, err := Attach(ctx, name, role, managed, opts...); err != nil {
		return nil, err
	}
	if inline != nil {
		if _, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{Role: role.Name, Policy: inline}, opts...); err != nil {
			return nil, err
		}
	}
	return role, nil
}
