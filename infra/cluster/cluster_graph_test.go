package cluster_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/cluster/internal/graphtest"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// These tests ask questions of the recorded graph of the staging stack (graphtest.Record).

var record, global, byName, ofType = graphtest.Record, graphtest.Global, graphtest.ByName, graphtest.OfType

func trustedServices(t *testing.T, r *plan.Resource) []string {
	t.Helper()
	var d struct {
		Statement []struct {
			Principal struct {
				Service any `json:"Service"`
			} `json:"Principal"`
		} `json:"Statement"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Inputs["assumeRolePolicy"].(string)), &d))
	var out []string
	for _, s := range d.Statement {
		switch v := s.Principal.Service.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				out = append(out, e.(string))
			}
		}
	}
	return out
}

func TestPrincipalsInBothPartitions(t *testing.T) {
	cn := record(t, nil)
	us := record(t, global)
	assert.ElementsMatch(t, []string{"ec2.amazonaws.com.cn", "ec2.amazonaws.com"}, trustedServices(t, byName(cn, "aws:iam/role:Role", "cluster-nodes")))
	assert.Equal(t, []string{"ec2.amazonaws.com"}, trustedServices(t, byName(us, "aws:iam/role:Role", "cluster-nodes")))
	for _, g := range []*plan.Graph{cn, us} {
		assert.Equal(t, []string{"eks.amazonaws.com"}, trustedServices(t, byName(g, "aws:iam/role:Role", "cluster-control-plane")), g.Partition)
	}
	// Managed policies and access policies take the partition.
	att := byName(cn, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "cluster-nodes-amazoneksworkernodepolicy")
	require.NotNil(t, att)
	assert.Equal(t, "arn:aws-cn:iam::aws:policy/AmazonEKSWorkerNodePolicy", att.Inputs["policyArn"])
	assoc := byName(us, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-access-deployer-suoke-deploy-staging")
	require.NotNil(t, assoc)
	assert.Equal(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", assoc.Inputs["policyArn"])
	assert.Equal(t, "arn:aws:iam::123456789012:role/suoke-deploy-staging", assoc.Inputs["principalArn"], "a configured role name resolves in the stack's partition and account")
	view := byName(cn, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-access-preview-suoke-preview-pr")
	require.NotNil(t, view)
	assert.Equal(t, "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy", view.Inputs["policyArn"], "preview roles read Secrets (Helm release state), nothing more")
}

func TestThrowAwayStackFallsBackToTheCallersRole(t *testing.T) {
	g := record(t, func(v map[string]string) { v[config.Namespace+":"+config.KeyCluster] = `{"deployerRoles": []}` })
	assoc := byName(g, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-access-deployer-suoke-deployer")
	require.NotNil(t, assoc)
	assert.Equal(t, "arn:aws-cn:iam::123456789012:role/suoke-deployer", assoc.Inputs["principalArn"], "the role behind the session, not the session")
}

func TestIRSARolesTrustOneServiceAccount(t *testing.T) {
	g := record(t, nil)
	want := map[string]string{
		"cluster-vpc-cni": "system:serviceaccount:kube-system:aws-node", "cluster-ebs-csi": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
		"cluster-lb-controller": "system:serviceaccount:kube-system:aws-load-balancer-controller", "cluster-autoscaler": "system:serviceaccount:kube-system:cluster-autoscaler",
	}
	for name, sub := range want {
		r := byName(g, "aws:iam/role:Role", name)
		require.NotNil(t, r, name)
		trust := r.Inputs["assumeRolePolicy"].(string)
		assert.Contains(t, trust, `oidc.eks.cn-northwest-1.amazonaws.com.cn/id/`, name)
		assert.Contains(t, trust, `:sub":"`+sub+`"`, name)
		assert.Contains(t, trust, `:aud":"sts.amazonaws.com"`, name)
		assert.NotContains(t, trust, "StringLike", name)
	}
}

func dependsOn(r *plan.Resource, other *plan.Resource) bool {
	for _, d := range r.Dependencies {
		if d == other.URN {
			return true
		}
	}
	return false
}

func TestOrderingARealUpNeeds(t *testing.T) {
	g := record(t, nil)
	eks := byName(g, "aws:eks/cluster:Cluster", "cluster-eks")
	logs := byName(g, "aws:cloudwatch/logGroup:LogGroup", "cluster-logs")
	require.NotNil(t, eks)
	assert.True(t, dependsOn(eks, logs), "the log group exists before the cluster")
	assert.Equal(t, "/aws/eks/suoke-platform-staging/cluster", logs.Inputs["name"])

	cni := byName(g, "aws:eks/addon:Addon", "cluster-vpc-cni")
	proxy := byName(g, "aws:eks/addon:Addon", "cluster-kube-proxy")
	groups := ofType(g, "aws:eks/nodeGroup:NodeGroup")
	require.Len(t, groups, 7, "four pools spanning the AZs, the database pool one group per AZ")
	for _, ng := range groups {
		assert.True(t, dependsOn(ng, cni) && dependsOn(ng, proxy), "%s waits for pod networking", ng.Name)
		assert.Equal(t, []string{"scalingConfig.desiredSize"}, ng.IgnoreChanges, ng.Name)
	}
	for _, name := range []string{"cluster-coredns", "cluster-aws-ebs-csi-driver"} {
		a := byName(g, "aws:eks/addon:Addon", name)
		require.NotNil(t, a, name)
		for _, ng := range groups {
			assert.True(t, dependsOn(a, ng), "%s waits for %s", name, ng.Name)
		}
	}
	prov := byName(g, "pulumi:providers:kubernetes", "cluster-k8s")
	require.NotNil(t, prov)
	assert.True(t, dependsOn(prov, byName(g, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-access-deployer-suoke-deploy-staging")),
		"the provider waits for the deployer's access, or the first up is Unauthorized")
	for _, ng := range groups {
		assert.True(t, dependsOn(prov, ng), "nothing in-cluster before %s", ng.Name)
	}
	lbc := byName(g, "kubernetes:helm.sh/v3:Release", "cluster-aws-load-balancer-controller")
	assert.True(t, dependsOn(byName(g, "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams", "cluster-ingress-params"), lbc))
	// Every in-cluster object uses the cluster's provider.
	for _, r := range g.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") && strings.HasPrefix(r.Name, "cluster-") {
			assert.Contains(t, r.Provider, "cluster-k8s", r.Name)
		}
	}
	kc, _ := prov.Inputs["kubeconfig"].(string)
	assert.Contains(t, kc, `"args":["eks","get-token","--cluster-name","suoke-platform-staging","--region","cn-northwest-1"]`)
	assert.Contains(t, kc, ".eks.amazonaws.com.cn")
}

func TestProtectedStatefulResources(t *testing.T) {
	off := record(t, nil)
	assert.False(t, byName(off, "aws:kms/key:Key", "cluster-key").Protect)
	on := record(t, func(v map[string]string) { v[config.Namespace+":"+config.KeyProtect] = "true" })
	key := byName(on, "aws:kms/key:Key", "cluster-key")
	assert.True(t, key.Protect && key.RetainOnDelete)
	assert.Equal(t, true, key.Inputs["enableKeyRotation"])
	retain := byName(on, "kubernetes:storage.k8s.io/v1:StorageClass", "cluster-sc-gp3-retain")
	assert.True(t, retain.Protect && retain.RetainOnDelete)
	assert.Equal(t, "Retain", retain.Inputs["reclaimPolicy"])
	def := byName(on, "kubernetes:storage.k8s.io/v1:StorageClass", "cluster-sc-gp3")
	assert.Equal(t, "WaitForFirstConsumer", def.Inputs["volumeBindingMode"])
	assert.Equal(t, "true", def.Inputs["metadata"].(map[string]any)["annotations"].(map[string]any)["storageclass.kubernetes.io/is-default-class"])
}

func TestControlPlaneSettings(t *testing.T) {
	g := record(t, nil)
	eks := byName(g, "aws:eks/cluster:Cluster", "cluster-eks")
	vpc := eks.Inputs["vpcConfig"].(map[string]any)
	assert.Equal(t, false, vpc["endpointPublicAccess"])
	assert.Equal(t, true, vpc["endpointPrivateAccess"])
	assert.Equal(t, "API", eks.Inputs["accessConfig"].(map[string]any)["authenticationMode"])
	assert.ElementsMatch(t, []any{"api", "audit", "authenticator", "controllerManager", "scheduler"}, eks.Inputs["enabledClusterLogTypes"])
	assert.Equal(t, "1.35", eks.Inputs["version"])

	open := record(t, func(v map[string]string) {
		v[config.Namespace+":"+config.KeyCluster] = `{"publicEndpointCidrs": ["203.0.113.0/24"], "adminRoleArns": ["arn:aws-cn:iam::123456789012:role/platform-admin"]}`
	})
	vpc = byName(open, "aws:eks/cluster:Cluster", "cluster-eks").Inputs["vpcConfig"].(map[string]any)
	assert.Equal(t, true, vpc["endpointPublicAccess"])
	assert.Equal(t, []any{"203.0.113.0/24"}, vpc["publicAccessCidrs"])
	assert.NotNil(t, byName(open, "aws:eks/accessEntry:AccessEntry", "cluster-access-admin-platform-admin"))
}

func TestRegistriesPerPartition(t *testing.T) {
	cn := record(t, nil)
	lbc := byName(cn, "kubernetes:helm.sh/v3:Release", "cluster-aws-load-balancer-controller")
	assert.Equal(t, "oci://123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror/charts/aws-load-balancer-controller", lbc.Inputs["chart"])
	vals := lbc.Inputs["values"].(map[string]any)
	assert.Equal(t, "961992271922.dkr.ecr.cn-northwest-1.amazonaws.com.cn/amazon/aws-load-balancer-controller", vals["image"].(map[string]any)["repository"])
	assert.Equal(t, false, vals["enableShield"])
	assert.Equal(t, false, vals["enableWaf"])
	assert.Equal(t, true, vals["enableWafv2"])
	assert.Equal(t, "cn-northwest-1", vals["region"])
	assert.NotEmpty(t, vals["vpcId"])

	us := record(t, global)
	lbc = byName(us, "kubernetes:helm.sh/v3:Release", "cluster-aws-load-balancer-controller")
	assert.Equal(t, "aws-load-balancer-controller", lbc.Inputs["chart"])
	assert.Equal(t, "https://aws.github.io/eks-charts", lbc.Inputs["repositoryOpts"].(map[string]any)["repo"])
	assert.Equal(t, "public.ecr.aws/eks/aws-load-balancer-controller", lbc.Inputs["values"].(map[string]any)["image"].(map[string]any)["repository"])
	ca := byName(us, "kubernetes:helm.sh/v3:Release", "cluster-cluster-autoscaler").Inputs["values"].(map[string]any)
	assert.Equal(t, "registry.k8s.io/autoscaling/cluster-autoscaler", ca["image"].(map[string]any)["repository"])
	assert.Equal(t, "v1.35.2", ca["image"].(map[string]any)["tag"], "the autoscaler's minor matches the cluster's")
	extra := ca["extraArgs"].(map[string]any)
	assert.Equal(t, true, extra["balance-similar-node-groups"])
	assert.Equal(t, "least-waste", extra["expander"])
}
