package roles

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/internal/recorded"
)

// The kit's own behaviour (documents, service and IRSA trust, the role with its attachments) is
// tested in infra/iam; these tests hold what the cluster adds: names, parent, description and tag.

// TestArgsNameTheClusterAndTheServiceAccount: a cluster role says in its description which account
// of which cluster it serves, and carries the service-account tag the policy rules check the trust
// against (infra/policy, "suoke.life/service-account").
func TestArgsNameTheClusterAndTheServiceAccount(t *testing.T) {
	i := IRSA{Prefix: "cluster", ClusterName: "suoke-platform-staging"}
	a := i.Args("kube-system", "aws-node", []string{"arn:aws-cn:iam::aws:policy/AmazonEKS_CNI_Policy"}, nil)
	assert.Equal(t, "IRSA role of kube-system/aws-node in cluster suoke-platform-staging", a.Description)
	assert.Equal(t, pulumi.StringMap{"suoke.life/service-account": pulumi.String("kube-system/aws-node")}, a.Tags)
	assert.Equal(t, "suoke.life/service-account", iam.ServiceAccountTag)
	assert.Equal(t, "kube-system", a.Namespace)
	assert.Equal(t, "aws-node", a.ServiceAccount)
	assert.Equal(t, []string{"arn:aws-cn:iam::aws:policy/AmazonEKS_CNI_Policy"}, a.ManagedPolicyARNs)
	assert.Nil(t, a.Policy)
	assert.Empty(t, a.Name, "the cluster's roles keep provider-given names: a name now would replace them")
}

// TestRoleIsAChildOfTheClusterNamedAfterIt: Role builds the role and its policies as children of the
// cluster component, named prefix-key, trusted by the one service account through the cluster's
// OIDC provider.
func TestRoleIsAChildOfTheClusterNamedAfterIt(t *testing.T) {
	const provider = "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-northwest-1.amazonaws.com.cn/id/X"
	const issuer = "https://oidc.eks.cn-northwest-1.amazonaws.com.cn/id/X"
	const parentURN = "urn:pulumi:staging::suoke-platform::suoke:cluster:Cluster::cluster"
	m := recorded.Run(t, func(ctx *pulumi.Context) error {
		parent := &struct{ pulumi.ResourceState }{}
		if err := ctx.RegisterComponentResource("suoke:cluster:Cluster", "cluster", parent); err != nil {
			return err
		}
		i := IRSA{Prefix: "cluster", ClusterName: "suoke-platform-staging", Parent: parent,
			OIDCProviderARN: pulumi.String(provider).ToStringOutput(), OIDCIssuerURL: pulumi.String(issuer).ToStringOutput()}
		_, err := i.Role(ctx, "autoscaler", "kube-system", "cluster-autoscaler", nil, pulumi.String(`{"Statement":[],"Version":"2012-10-17"}`))
		return err
	})
	role := m.Inputs["aws:iam/role:Role::cluster-autoscaler"]
	require.NotNil(t, role)
	want, err := iam.ServiceAccountTrust(provider, issuer, "kube-system", "cluster-autoscaler")
	require.NoError(t, err)
	assert.Equal(t, want, role["assumeRolePolicy"].StringValue())
	require.NotNil(t, m.Inputs["aws:iam/rolePolicy:RolePolicy::cluster-autoscaler"])
	assert.Equal(t, parentURN, m.Parents["aws:iam/role:Role::cluster-autoscaler"])
	assert.Equal(t, parentURN, m.Parents["aws:iam/rolePolicy:RolePolicy::cluster-autoscaler"])
}
