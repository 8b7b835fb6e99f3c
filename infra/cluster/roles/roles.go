// Package roles builds the cluster's IRSA roles: the cluster's own naming and ownership on top of the
// shared kit (infra/iam), which writes the trust policy, the role and its policies. A role of the
// cluster is a child of the cluster component, named after it, described with the cluster's name and
// tagged with the one service account it trusts.
package roles

import (
	"fmt"

	awsiam "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/iam"
)

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

// Args are the kit's arguments of one IRSA role of the cluster: described with the cluster's name and
// tagged with the service account it trusts; no IAM name (IAM names it after the resource).
func (i IRSA) Args(namespace, serviceAccount string, managed []string, inline pulumi.StringInput) iam.ServiceAccountRoleArgs {
	return iam.ServiceAccountRoleArgs{
		Description:     fmt.Sprintf("IRSA role of %s/%s in cluster %s", namespace, serviceAccount, i.ClusterName),
		OIDCProviderARN: i.OIDCProviderARN, OIDCIssuer: i.OIDCIssuerURL,
		Namespace: namespace, ServiceAccount: serviceAccount,
		ManagedPolicyARNs: managed, Policy: inline,
		Tags: pulumi.StringMap{iam.ServiceAccountTag: pulumi.String(namespace + "/" + serviceAccount)},
	}
}

// Role creates an IAM role for one service account (IRSA), with managed policies and an optional
// inline policy (nil: none), through iam.NewServiceAccountRole. Its resource name is the prefix +
// "-" + key; IAM names it after that (the cluster reads its roles' ARNs as outputs).
func (i IRSA) Role(ctx *pulumi.Context, key, namespace, serviceAccount string, managed []string, inline pulumi.StringInput, opts ...pulumi.ResourceOption) (*awsiam.Role, error) {
	opts = append([]pulumi.ResourceOption{pulumi.Parent(i.Parent)}, opts...)
	role, _, err := iam.NewServiceAccountRole(ctx, i.Prefix+"-"+key, i.Args(namespace, serviceAccount, managed, inline), opts...)
	if err != nil {
		return nil, fmt.Errorf("role %s: %w", key, err)
	}
	return role, nil
}
