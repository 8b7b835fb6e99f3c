package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

func launchTemplate(instanceType string) plan.Resource {
	return plan.Resource{URN: "urn:pulumi:s::p::suoke:cluster:Cluster$aws:ec2/launchTemplate:LaunchTemplate::cluster-agents",
		Type: "aws:ec2/launchTemplate:LaunchTemplate", Name: "cluster-agents", Custom: true, Parent: cluster.URN,
		Inputs: map[string]any{"instanceType": instanceType, "description": "EKS, agents pool",
			"metadataOptions": map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": 1}}}
}

func rolePolicy(actions string) plan.Resource {
	return plan.Resource{URN: "urn:pulumi:s::p::suoke:cluster:Cluster$aws:iam/rolePolicy:RolePolicy::cluster-sa-laoke",
		Type: "aws:iam/rolePolicy:RolePolicy", Name: "cluster-sa-laoke", Custom: true, Parent: cluster.URN,
		Inputs: map[string]any{"role": "cluster-sa-laoke", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` +
			actions + `,"Resource":"arn:aws-cn:s3:::reports/*"},{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*",` +
			`"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`}}
}

var cluster = plan.Resource{URN: "urn:pulumi:s::p::suoke:cluster:Cluster::cluster", Type: "suoke:cluster:Cluster", Name: "cluster"}

func TestSummaryShowsTheInputsAReviewerReads(t *testing.T) {
	lt := launchTemplate("c6i.2xlarge")
	lt.Protect, lt.RetainOnDelete = true, true
	out := Summary(doc([]plan.Resource{comp, vpc, cluster, lt, rolePolicy(`["s3:GetObject","s3:PutObject","kms:Decrypt"]`)},
		map[string]any{"vpcCidr": "10.0.0.0/16"}, []policy.Result{{ID: "NET-001", Resource: vpc.URN, Passed: true}}))

	for _, want := range []string{
		"type suoke:cluster:Cluster\n+ cluster #",
		"  type aws:ec2:LaunchTemplate\n  + cluster-agents [protect retain] #",
		"\n    instanceType: \"c6i.2xlarge\"\n",
		"\n    metadataOptions.httpTokens: \"required\"  metadataOptions.httpPutResponseHopLimit: 1\n",
		"\n    policy: Allow s3:{GetObject,PutObject},kms:Decrypt on arn:aws-cn:s3:::reports/*\n",
		"\n    policy: Deny all but s3:GetObject on * if {\"Bool\":{\"aws:SecureTransport\":\"false\"}}\n",
		"\n  + network-vpc #",
		"\n    cidrBlock: \"10.0.0.0/16\"\n",
		"\n  vpcCidr: \"10.0.0.0/16\"\n",
		"\npolicies: 1 checks, 0 failed\n",
	} {
		assert.Contains(t, out, want)
	}
	// The launch template's description is not a row of the table: no line shows it.
	assert.NotContains(t, out, "EKS, agents pool")
	assert.NotContains(t, out, "description")
}

func TestSummaryDiffShowsAChangedInstanceTypeAndAction(t *testing.T) {
	before := Summary(doc([]plan.Resource{cluster, launchTemplate("c6i.2xlarge"), rolePolicy(`"s3:GetObject"`)}, nil, nil))
	after := Summary(doc([]plan.Resource{cluster, launchTemplate("c6i.4xlarge"), rolePolicy(`["s3:GetObject","s3:DeleteObject"]`)}, nil, nil))
	d := SummaryDiff(before, after, "old", "new")

	assert.Contains(t, d, "--- old\n+++ new\n")
	for _, line := range []string{
		`-    instanceType: "c6i.2xlarge"`, `+    instanceType: "c6i.4xlarge"`,
		`-    policy: Allow s3:GetObject on arn:aws-cn:s3:::reports/*`,
		`+    policy: Allow s3:{GetObject,DeleteObject} on arn:aws-cn:s3:::reports/*`,
		// The digest on the resource line moves with any input.
		`-  + cluster-agents #` + hash(launchTemplate("c6i.2xlarge").Inputs), `+  + cluster-agents #` + hash(launchTemplate("c6i.4xlarge").Inputs),
	} {
		assert.Contains(t, d, "\n"+line+"\n")
	}
	// The lines of the table no input changed stay context.
	assert.Contains(t, d, "\n     metadataOptions.httpTokens: \"required\"  metadataOptions.httpPutResponseHopLimit: 1\n")
	assert.Empty(t, SummaryDiff(before, before, "old", "new"))
}

func TestSummaryDiffNamesTheResourceOfEachHunk(t *testing.T) {
	var rs []plan.Resource
	for _, it := range []string{"a", "b", "c", "d", "e", "f"} {
		r := launchTemplate("m6i." + it)
		r.Name, r.URN = "pool-"+it, r.URN+"-"+it
		rs = append(rs, r)
	}
	before := Summary(doc(append([]plan.Resource{cluster}, rs...), nil, nil))
	rs[4].Inputs = map[string]any{"instanceType": "m7i.e", "metadataOptions": rs[4].Inputs["metadataOptions"]}
	after := Summary(doc(append([]plan.Resource{cluster}, rs...), nil, nil))
	d := SummaryDiff(before, after, "old", "new")
	assert.Regexp(t, `(?m)^@@ -\d+,\d+ \+\d+,\d+ @@ type aws:ec2:LaunchTemplate \(6\) \+ pool-[de] #[0-9a-f]{8}$`, d)
}

func TestSummaryLeavesOutInputsTheTableDoesNotName(t *testing.T) {
	plainLT := launchTemplate("c6i.2xlarge")
	tagged := launchTemplate("c6i.2xlarge")
	tags := map[string]any{}
	for _, k := range []string{"Environment", "Owner", "CostCenter", "DataClassification", "ManagedBy"} {
		tags[k] = strings.Repeat(k, 20)
	}
	tagged.Inputs["tags"] = tags
	tagged.Inputs["tagSpecifications"] = []any{map[string]any{"resourceType": "instance", "tags": tags}}
	a := Summary(doc([]plan.Resource{cluster, plainLT}, nil, nil))
	b := Summary(doc([]plan.Resource{cluster, tagged}, nil, nil))
	assert.Equal(t, strings.Count(a, "\n"), strings.Count(b, "\n"), "tags added no line")
	assert.InDelta(t, len(a), len(b), 0, "tags added no byte: only the digest changed")
	assert.NotEqual(t, a, b, "the digest shows that an input changed")
	assert.NotContains(t, b, "CostCenter")
}

func TestSummaryIsInAStableOrder(t *testing.T) {
	rs := []plan.Resource{comp, vpc, cluster, launchTemplate("c6i.2xlarge"), rolePolicy(`"s3:GetObject"`)}
	reversed := make([]plan.Resource, len(rs))
	for i, r := range rs {
		reversed[len(rs)-1-i] = r
	}
	outputs := map[string]any{"b": 1, "a": []any{"x"}, "c": map[string]any{"k": "v"}}
	assert.Equal(t, Summary(doc(rs, outputs, nil)), Summary(doc(reversed, outputs, nil)))
}

func TestSummaryOfANetworkPolicy(t *testing.T) {
	np := plan.Resource{URN: "urn:np", Type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", Name: "laoke-egress", Custom: true,
		Inputs: map[string]any{"metadata": map[string]any{"name": "laoke-egress", "namespace": "agents"},
			"spec": map[string]any{
				"podSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "laoke"}},
				"policyTypes": []any{"Egress"},
				"egress": []any{
					map[string]any{"to": []any{map[string]any{"namespaceSelector": map[string]any{
						"matchLabels": map[string]any{"kubernetes.io/metadata.name": "data"}}}},
						"ports": []any{map[string]any{"port": 5432, "protocol": "TCP"}}},
					map[string]any{"to": []any{map[string]any{"ipBlock": map[string]any{"cidr": "203.0.113.0/24"}}},
						"ports": []any{map[string]any{"port": 443, "protocol": "TCP", "endPort": 444}}},
				}}}}
	out := Summary(doc([]plan.Resource{np}, nil, nil))
	assert.Contains(t, out, "\n  namespace agents, pods app.kubernetes.io/name=laoke, Egress\n"+
		"  egress: to ns=data ports TCP/5432\n"+
		"  egress: to 203.0.113.0/24 ports TCP/443-444\n")
}

func TestSummaryOfLongDocuments(t *testing.T) {
	release := plan.Resource{URN: "urn:rel", Type: "kubernetes:helm.sh/v3:Release", Name: "velero", Custom: true,
		Inputs: map[string]any{"namespace": "velero", "version": "12.1.0", "chart": "oci://r/velero",
			"values": map[string]any{"schedules": map[string]any{"daily": strings.Repeat("x", 5000)}, "image": "velero:1"}}}
	badPolicy := rolePolicy(`"s3:GetObject"`)
	badPolicy.Inputs["policy"] = "{not json"
	out := Summary(doc([]plan.Resource{release, cluster, badPolicy},
		map[string]any{"services": []any{strings.Repeat("s", 200)}}, nil))
	assert.Regexp(t, `\n  values: #[0-9a-f]{8} \(50\d\d bytes\) \{image, schedules\}\n`, out)
	assert.NotContains(t, out, "xxxxxxxx")
	assert.Regexp(t, `\n    policy: #[0-9a-f]{8} \(11 bytes\)\n`, out, "a policy that does not parse shows as its digest")
	assert.Regexp(t, `\n  services: #[0-9a-f]{8} \(204 bytes\)\n`, out)
}

func TestSummaryListsFailedPolicies(t *testing.T) {
	out := Summary(doc([]plan.Resource{vpc}, nil, []policy.Result{
		{ID: "NET-001", Resource: vpc.URN, Passed: true},
		{ID: "NET-002", Resource: vpc.URN, Passed: false, Message: "flow logs off"}}))
	assert.Contains(t, out, "\npolicies: 2 checks, 1 failed\n  FAILED NET-002 "+vpc.URN+": flow logs off\n")
}

func TestSummaryAbbreviatesAccountAndIssuer(t *testing.T) {
	role := plan.Resource{URN: "urn:role", Type: "aws:iam/role:Role", Name: "sa", Custom: true, Inputs: map[string]any{
		"assumeRolePolicy": `{"Statement":{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Principal":{"Federated":"arn:aws-cn:iam::111122223333:oidc-provider/oidc.example/id/AB"},` +
			`"Condition":{"StringEquals":{"oidc.example/id/AB:sub":"system:serviceaccount:agents:laoke"}}}}`}}
	out := Summary(doc([]plan.Resource{role}, map[string]any{"oidcProviderArn": "arn:aws-cn:iam::111122223333:oidc-provider/oidc.example/id/AB"}, nil))
	require.Contains(t, out, "# $OIDC is oidc.example/id/AB\n# $ACCOUNT is 111122223333\n")
	assert.Contains(t, out, `assumeRolePolicy: Allow sts:AssumeRoleWithWebIdentity by {"Federated":"$OIDC_PROVIDER"} if {"StringEquals":{"$OIDC:sub":"system:serviceaccount:agents:laoke"}}`)
}
