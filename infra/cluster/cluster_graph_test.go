package cluster_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// These tests run the whole program under the mock engine (plan.RecordConfig, the offline plan's
// own recorder) for the staging stack file, and ask questions of the recorded graph.

const projectDir = "../.."

func record(t *testing.T, edit func(values map[string]string)) *plan.Graph {
	t.Helper()
	sc, err := plan.LoadStackConfig(projectDir, "staging")
	require.NoError(t, err)
	if edit != nil {
		edit(sc.Values)
	}
	g, err := plan.RecordConfig(sc)
	require.NoError(t, err)
	return g
}

func global(values map[string]string) {
	values[config.RegionKey] = "us-east-1"
	values[config.Namespace+":"+config.KeyDRRegion] = "us-west-2"
}

func byName(g *plan.Graph, typ, name string) *plan.Resource {
	for i := range g.Resources {
		if g.Resources[i].Type == typ && g.Resources[i].Name == name {
			return &g.Resources[i]
		}
	}
	return nil
}

func ofType(g *plan.Graph, typ string) []*plan.Resource {
	var out []*plan.Resource
	for i := range g.Resources {
		if g.Resources[i].Type == typ {
			out = append(out, &g.Resources[i])
		}
	}
	return out
}

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

// TestPrincipalsInBothPartitions: the node role trusts both EC2 forms in aws-cn and the global one
// elsewhere; the control plane trusts eks.amazonaws.com in both (eks.amazonaws.com.cn is rejected).
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

// TestThrowAwayStackFallsBackToTheCallersRole: with no deployer roles configured, the access entry
// names the role behind the caller's session (EKS refuses an assumed-role session ARN).
func TestThrowAwayStackFallsBackToTheCallersRole(t *testing.T) {
	g := record(t, func(v map[string]string) { v[config.Namespace+":"+config.KeyCluster] = `{"deployerRoles": []}` })
	assoc := byName(g, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-access-deployer-suoke-deployer")
	require.NotNil(t, assoc)
	assert.Equal(t, "arn:aws-cn:iam::123456789012:role/suoke-deployer", assoc.Inputs["principalArn"], "the role behind the session, not the session")
}

// TestIRSARolesTrustOneServiceAccount: each add-on role names its own service account and the
// region's OIDC issuer, with the sts.amazonaws.com audience in China too.
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

// TestOrderingARealUpNeeds encodes the order only a real `up` reveals.
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

// TestNodePools: one group per AZ for the database pool, the rest across all AZs; taints on every
// pool but business; launch templates with IMDSv2/hop 1 and encrypted gp3 with the cluster's key.
func TestNodePools(t *testing.T) {
	g := record(t, nil)
	key := byName(g, "aws:kms/key:Key", "cluster-key")
	for _, ng := range ofType(g, "aws:eks/nodeGroup:NodeGroup") {
		tier := ng.Inputs["labels"].(map[string]any)["suoke.life/tier"].(string)
		subnets := ng.Inputs["subnetIds"].([]any)
		taints, _ := ng.Inputs["taints"].([]any)
		if tier == "database" {
			assert.Len(t, subnets, 1, ng.Name)
		} else {
			assert.Len(t, subnets, 3, ng.Name)
		}
		assert.Equal(t, tier != "business", len(taints) == 1, "%s taint", ng.Name)
		assert.Equal(t, "AL2023_x86_64_STANDARD", ng.Inputs["amiType"])
	}
	for _, lt := range ofType(g, "aws:ec2/launchTemplate:LaunchTemplate") {
		if !strings.HasPrefix(lt.Name, "cluster-") {
			continue // the runner host's (infra/runner), not a node pool's
		}
		md := lt.Inputs["metadataOptions"].(map[string]any)
		assert.Equal(t, "required", md["httpTokens"])
		assert.Equal(t, 1.0, md["httpPutResponseHopLimit"])
		ebs := lt.Inputs["blockDeviceMappings"].([]any)[0].(map[string]any)["ebs"].(map[string]any)
		assert.Equal(t, "true", ebs["encrypted"])
		assert.Equal(t, "gp3", ebs["volumeType"])
		assert.Contains(t, ebs["kmsKeyId"], key.ID)
		tags := lt.Inputs["tagSpecifications"].([]any)
		assert.Len(t, tags, 3, "instances, volumes and ENIs carry the common tags")
	}
}

// TestProtectedStatefulResources: with protect on, the key and the Retain class survive a destroy.
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

// TestControlPlaneSettings: endpoint, encryption, logs and access mode.
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

// TestRegistriesPerPartition: China pulls every chart and image from the ECR mirror (the load
// balancer controller from AWS's China ECR); a global region pulls upstream.
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

// TestPlatformReleasesOnTheMonitoringPool: every platform release selects and tolerates the
// monitoring pool and is pinned.
func TestPlatformReleasesOnTheMonitoringPool(t *testing.T) {
	g := record(t, nil)
	n := 0
	for _, r := range ofType(g, "kubernetes:helm.sh/v3:Release") {
		if !strings.HasPrefix(r.Name, "cluster-") {
			continue
		}
		n++
		assert.NotEmpty(t, r.Inputs["version"], r.Name)
		if r.Name == "cluster-prometheus-operator-crds" {
			continue
		}
		js, _ := json.Marshal(r.Inputs["values"])
		assert.Contains(t, string(js), `"nodeSelector":{"suoke.life/tier":"monitoring"}`, r.Name)
		assert.Contains(t, string(js), `{"effect":"NoSchedule","key":"suoke.life/tier","operator":"Equal","value":"monitoring"}`, r.Name)
	}
	assert.Equal(t, 6, n)
	cm := byName(g, "kubernetes:helm.sh/v3:Release", "cluster-cert-manager").Inputs["values"].(map[string]any)
	assert.Equal(t, map[string]any{"enabled": true, "keep": true}, cm["crds"])
	vpa := byName(g, "kubernetes:helm.sh/v3:Release", "cluster-vpa").Inputs["values"].(map[string]any)
	assert.Equal(t, false, vpa["updater"].(map[string]any)["enabled"], "recommendation mode")
	assert.Equal(t, false, vpa["admissionController"].(map[string]any)["enabled"], "recommendation mode")
}

// TestWAF: the rate rules from config with WAF's scope-down for login paths, then the managed groups.
func TestWAF(t *testing.T) {
	g := record(t, nil)
	acl := byName(g, "aws:wafv2/webAcl:WebAcl", "cluster-waf")
	require.NotNil(t, acl)
	assert.Equal(t, "REGIONAL", acl.Inputs["scope"])
	rules := acl.Inputs["rules"].([]any)
	require.Len(t, rules, 6)
	perIP := rules[0].(map[string]any)["statement"].(map[string]any)["rateBasedStatement"].(map[string]any)
	assert.Equal(t, 200.0, perIP["limit"])
	assert.Equal(t, 60.0, perIP["evaluationWindowSec"])
	login := rules[1].(map[string]any)["statement"].(map[string]any)["rateBasedStatement"].(map[string]any)
	assert.Equal(t, 10.0, login["limit"])
	assert.Equal(t, 300.0, login["evaluationWindowSec"])
	assert.Equal(t, config.DefaultLoginPath, login["scopeDownStatement"].(map[string]any)["byteMatchStatement"].(map[string]any)["searchString"])
	params := byName(g, "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams", "cluster-ingress-params").Inputs["spec"].(map[string]any)
	assert.Equal(t, "internet-facing", params["scheme"])
	assert.Equal(t, config.DefaultSSLPolicy, params["sslPolicy"])
	assert.Equal(t, "443", params["sslRedirectPort"])
	assert.Contains(t, params["wafv2AclArn"], ":wafv2:cn-northwest-1:")
}

// TestCapacityCoversTheClustersReleases: the exported capacity sums the cluster's own requests on
// the monitoring pool from the same numbers its releases set.
func TestCapacityCoversTheClustersReleases(t *testing.T) {
	g := record(t, nil)
	b, _ := json.Marshal(g.Outputs["capacity"])
	var pools []struct {
		Tier  string `json:"tier"`
		Items []struct {
			Name      string `json:"name"`
			Replicas  int    `json:"replicas"`
			CPUMilli  int    `json:"cpuMilli"`
			MemoryMiB int    `json:"memoryMiB"`
		} `json:"items"`
	}
	require.NoError(t, json.Unmarshal(b, &pools))
	require.Len(t, pools, 5)
	var ca bool
	for _, p := range pools {
		if p.Tier != "monitoring" {
			continue
		}
		for _, it := range p.Items {
			if it.Name == "kube-system/cluster-autoscaler" {
				ca = true
				assert.Equal(t, 2, it.Replicas)
				vals := byName(g, "kubernetes:helm.sh/v3:Release", "cluster-cluster-autoscaler").Inputs["values"].(map[string]any)
				assert.Equal(t, float64(it.Replicas), vals["replicaCount"])
				assert.Equal(t, "100m", vals["resources"].(map[string]any)["requests"].(map[string]any)["cpu"])
			}
		}
	}
	assert.True(t, ca, "the autoscaler's footprint is in the monitoring pool's capacity")
}
