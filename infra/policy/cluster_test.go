package policy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// eksGood is a small hand-built graph of a compliant prod cluster: every cluster rule passes on it,
// and each failing test breaks one thing.
func eksGood() *plan.Graph {
	r := func(typ, name, id string, inputs map[string]any) plan.Resource {
		return plan.Resource{URN: "urn:" + typ + "::" + name, Type: typ, Name: name, ID: id, Custom: true, Inputs: inputs}
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws-cn:iam::1:oidc-provider/oidc.eks.x/id/A"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.x/id/A:sub":"system:serviceaccount:kube-system:ctrl","oidc.eks.x/id/A:aud":"sts.amazonaws.com"}}}]}`
	res := []plan.Resource{
		r(typeEKSCluster, "eks", "c", map[string]any{
			"name":                   "c",
			"vpcConfig":              map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": false},
			"encryptionConfig":       map[string]any{"provider": map[string]any{"keyArn": "arn:aws-cn:kms:cn-northwest-1:1:key/k"}, "resources": []any{"secrets"}},
			"enabledClusterLogTypes": []any{"api", "audit", "authenticator"},
		}),
		r(typeLogGroup, "logs", "lg", map[string]any{"name": "/aws/eks/c/cluster", "retentionInDays": 365.0}),
		r(typeLaunchTemplate, "lt", "lt-1", map[string]any{
			"metadataOptions":     map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": 1.0},
			"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": "true", "kmsKeyId": "k"}}},
		}),
		r(typeEKSAddon, "vpc-cni", "a1", map[string]any{"clusterName": "c", "addonName": "vpc-cni", "configurationValues": `{"enableNetworkPolicy":"true"}`}),
		r(typeNamespace, "ns-gateway", "", map[string]any{"metadata": map[string]any{"name": "gateway",
			"labels": map[string]any{"suoke.life/tier": "gateway", "pod-security.kubernetes.io/enforce": "restricted"}}}),
		r(typeNetworkPolicy, "deny", "", map[string]any{"metadata": map[string]any{"name": "default-deny", "namespace": "gateway"},
			"spec": map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress", "Egress"}}}),
		r(typeIAMRole, "irsa", "role", map[string]any{"assumeRolePolicy": trust, "tags": map[string]any{"suoke.life/service-account": "kube-system/ctrl"}}),
		r(typeHelmRelease, "rel", "", map[string]any{"chart": "oci://mirror.example/mirror/charts/ctrl", "version": "1.2.3",
			"values": map[string]any{"image": map[string]any{"repository": "mirror.example/mirror/registry.k8s.io/ctrl", "tag": "v1"}}}),
	}
	for _, p := range []struct {
		tier, typ string
		groups    int
		desired   float64
	}{{"gateway", "c6i.xlarge", 1, 2}, {"agents", "c6i.2xlarge", 1, 4}, {"business", "c6i.xlarge", 1, 6}, {"database", "m6i.2xlarge", 3, 1}, {"monitoring", "m6i.xlarge", 1, 2}} {
		for i := 0; i < p.groups; i++ {
			res = append(res, r(typeNodeGroup, p.tier+string(rune('a'+i)), "", map[string]any{
				"labels": map[string]any{"suoke.life/tier": p.tier}, "instanceTypes": []any{p.typ},
				"scalingConfig": map[string]any{"desiredSize": p.desired}, "launchTemplate": map[string]any{"id": "lt-1", "version": "1"},
			}))
		}
	}
	capacity := []any{map[string]any{"tier": "monitoring", "nodes": 2.0, "perNodeCpuMilli": 3920.0, "perNodeMemoryMiB": 14571.0,
		"allocatableCpuMilli": 7840.0, "allocatableMemoryMiB": 29142.0, "requestedCpuMilli": 4000.0, "requestedMemoryMiB": 11404.0, "headroom": 0.2,
		"items": []any{map[string]any{"name": "monitoring/prometheus", "cpuMilli": 500.0, "memoryMiB": 2048.0}}}}
	return &plan.Graph{Project: "p", Stack: "prod", Region: "cn-northwest-1", Partition: "aws-cn", Environment: "prod", Resources: res,
		Outputs: map[string]any{
			"registries": map[string]any{"mode": "mirror", "allowed": []any{"mirror.example/mirror/", "oci://mirror.example/mirror/charts/"}},
			"capacity":   capacity,
		}}
}

func eksRule(id string) Rule {
	for _, r := range clusterRules {
		if r.ID == id {
			return r
		}
	}
	panic("no rule " + id)
}

func eksFind(g *plan.Graph, name string) *plan.Resource {
	for i := range g.Resources {
		if g.Resources[i].Name == name {
			return &g.Resources[i]
		}
	}
	return nil
}

func TestClusterRulesPassOnACompliantGraph(t *testing.T) {
	g := eksGood()
	for _, rule := range clusterRules {
		results := EvaluateRules(g, []Rule{rule})
		require.NotEmpty(t, results, rule.ID)
		for _, r := range results {
			assert.True(t, r.Passed, "%s on %s: %s", r.ID, r.Resource, r.Message)
		}
	}
}

// TestClusterRulesFail breaks the compliant graph once per case and expects that rule to fail.
func TestClusterRulesFail(t *testing.T) {
	cases := []struct {
		id, name string
		breakIt  func(g *plan.Graph)
		message  string
	}{
		{"EKS-001", "public endpoint open to the world", func(g *plan.Graph) {
			eksFind(g, "eks").Inputs["vpcConfig"] = map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": true}
		}, "0.0.0.0/0"},
		{"EKS-001", "public CIDR is 0.0.0.0/0", func(g *plan.Graph) {
			eksFind(g, "eks").Inputs["vpcConfig"] = map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": true, "publicAccessCidrs": []any{"0.0.0.0/0"}}
		}, "0.0.0.0/0"},
		{"EKS-001", "private endpoint off", func(g *plan.Graph) {
			eksFind(g, "eks").Inputs["vpcConfig"] = map[string]any{"endpointPrivateAccess": false, "endpointPublicAccess": false}
		}, "private endpoint off"},
		{"EKS-002", "no secrets encryption", func(g *plan.Graph) { delete(eksFind(g, "eks").Inputs, "encryptionConfig") }, "not envelope-encrypted"},
		{"EKS-003", "audit log off", func(g *plan.Graph) { eksFind(g, "eks").Inputs["enabledClusterLogTypes"] = []any{"api"} }, "audit log off"},
		{"EKS-003", "audit log kept 90 days", func(g *plan.Graph) { eksFind(g, "logs").Inputs["retentionInDays"] = 90.0 }, "keeps 90 days"},
		{"EKS-004", "IMDSv1 allowed", func(g *plan.Graph) {
			eksFind(g, "lt").Inputs["metadataOptions"] = map[string]any{"httpTokens": "optional", "httpPutResponseHopLimit": 1.0}
		}, `httpTokens="optional"`},
		{"EKS-004", "hop limit 2", func(g *plan.Graph) {
			eksFind(g, "lt").Inputs["metadataOptions"] = map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": 2.0}
		}, "hop limit 2"},
		{"EKS-004", "node group without launch template", func(g *plan.Graph) { delete(eksFind(g, "gatewaya").Inputs, "launchTemplate") }, "no launch template"},
		{"EKS-005", "unencrypted root volume", func(g *plan.Graph) {
			eksFind(g, "lt").Inputs["blockDeviceMappings"] = []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": "false"}}}
		}, "not encrypted"},
		{"EKS-006", "network policies not enforced", func(g *plan.Graph) { eksFind(g, "vpc-cni").Inputs["configurationValues"] = `{}` }, "not enforced"},
		{"EKS-006", "no vpc-cni add-on", func(g *plan.Graph) { eksFind(g, "vpc-cni").Inputs["addonName"] = "kube-proxy" }, "no managed vpc-cni"},
		{"EKS-007", "baseline workload namespace", func(g *plan.Graph) {
			eksFind(g, "ns-gateway").Inputs["metadata"].(map[string]any)["labels"].(map[string]any)["pod-security.kubernetes.io/enforce"] = "baseline"
		}, `"baseline", not restricted`},
		{"EKS-007", "no default deny", func(g *plan.Graph) {
			eksFind(g, "deny").Inputs["spec"] = map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress"}}
		}, "no default-deny"},
		{"EKS-008", "wildcard subject", func(g *plan.Graph) {
			eksFind(g, "irsa").Inputs["assumeRolePolicy"] = `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"x:sub":"system:serviceaccount:*:*"}}}]}`
		}, "StringLike"},
		{"EKS-008", "no audience", func(g *plan.Graph) {
			eksFind(g, "irsa").Inputs["assumeRolePolicy"] = `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"x:sub":"system:serviceaccount:kube-system:ctrl"}}}]}`
		}, "audience"},
		{"EKS-008", "trust differs from the tag", func(g *plan.Graph) {
			eksFind(g, "irsa").Inputs["tags"] = map[string]any{"suoke.life/service-account": "kube-system/other"}
		}, "tagged for kube-system/other"},
		{"EKS-009", "unpinned release", func(g *plan.Graph) { eksFind(g, "rel").Inputs["version"] = "^1.2" }, "not pinned"},
		{"EKS-009", "no version", func(g *plan.Graph) { delete(eksFind(g, "rel").Inputs, "version") }, "not pinned"},
		{"EKS-010", "chart from upstream", func(g *plan.Graph) {
			rel := eksFind(g, "rel")
			rel.Inputs["chart"] = "cert-manager"
			rel.Inputs["repositoryOpts"] = map[string]any{"repo": "https://charts.jetstack.io"}
		}, "https://charts.jetstack.io/cert-manager is not from a configured registry"},
		{"EKS-010", "image from docker hub", func(g *plan.Graph) {
			eksFind(g, "rel").Inputs["values"] = map[string]any{"sidecar": map[string]any{"image": "docker.io/library/busybox:1"}}
		}, "docker.io/library/busybox:1"},
		{"EKS-010", "image in another region's ECR", func(g *plan.Graph) {
			eksFind(g, "rel").Inputs["values"] = map[string]any{"image": map[string]any{"repository": "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/x"}}
		}, "us-west-2"},
		{"EKS-011", "agents below the plan", func(g *plan.Graph) {
			eksFind(g, "agentsa").Inputs["scalingConfig"] = map[string]any{"desiredSize": 3.0}
		}, "tier agents has 3 nodes"},
		{"EKS-011", "database type below the plan", func(g *plan.Graph) {
			eksFind(g, "databasea").Inputs["instanceTypes"] = []any{"m6i.xlarge"}
		}, "tier database"},
		{"EKS-011", "database type below the plan, in the launch template", func(g *plan.Graph) {
			ng := eksFind(g, "databasea")
			delete(ng.Inputs, "instanceTypes") // the program's groups take their type from the launch template
			ng.Inputs["launchTemplate"] = map[string]any{"id": "lt-db", "version": "1"}
			g.Resources = append(g.Resources, plan.Resource{Type: "aws:ec2/launchTemplate:LaunchTemplate", Name: "database", ID: "lt-db",
				URN: "urn:pulumi:prod::p::aws:ec2/launchTemplate:LaunchTemplate::database", Custom: true, Inputs: map[string]any{"instanceType": "m6i.xlarge"}})
		}, "tier database"},
		{"EKS-012", "pool overcommitted", func(g *plan.Graph) {
			g.Outputs["capacity"].([]any)[0].(map[string]any)["requestedMemoryMiB"] = 25000.0
		}, "raise the pool in config"},
		{"EKS-012", "pod larger than a node", func(g *plan.Graph) {
			g.Outputs["capacity"].([]any)[0].(map[string]any)["items"] = []any{map[string]any{"name": "monitoring/huge", "cpuMilli": 5000.0, "memoryMiB": 1.0}}
		}, "monitoring/huge"},
		{"EKS-012", "no capacity output", func(g *plan.Graph) { delete(g.Outputs, "capacity") }, "no capacity output"},
	}
	for _, c := range cases {
		t.Run(c.id+" "+c.name, func(t *testing.T) {
			g := eksGood()
			c.breakIt(g)
			failed := Failed(EvaluateRules(g, []Rule{eksRule(c.id)}))
			require.NotEmpty(t, failed, "%s passed on a broken graph", c.id)
			var msgs []string
			for _, f := range failed {
				msgs = append(msgs, f.Message)
			}
			assert.Contains(t, strings.Join(msgs, "\n"), c.message)
		})
	}
}

func TestPlanCapacityOnlyInProd(t *testing.T) {
	g := eksGood()
	g.Environment = "staging"
	eksFind(g, "agentsa").Inputs["scalingConfig"] = map[string]any{"desiredSize": 1.0}
	assert.Empty(t, Failed(EvaluateRules(g, []Rule{eksRule("EKS-011")})), "staging is allowed smaller than the sizing baseline")
}
