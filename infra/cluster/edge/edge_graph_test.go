package edge_test

import (
	"fmt"
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/cluster/internal/graphtest"
)

// These tests ask questions of the recorded graph of the staging stack (graphtest.Record).

var record, byName = graphtest.Record, graphtest.ByName

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
	// The login limit covers the path Pulumi.yaml's edge default names (rateRules "login",
	// pathPrefix), written out here.
	assert.Equal(t, "/api/v1/auth/", login["scopeDownStatement"].(map[string]any)["byteMatchStatement"].(map[string]any)["searchString"])
	params := byName(g, "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams", "cluster-ingress-params").Inputs["spec"].(map[string]any)
	assert.Equal(t, "internet-facing", params["scheme"])
	assert.Empty(t, sslPolicyProblems(params))
	assert.Equal(t, "443", params["sslRedirectPort"])
	assert.Contains(t, params["wafv2AclArn"], ":wafv2:cn-northwest-1:")
}

// albTLSPolicies are Application Load Balancer security policies with the oldest TLS version each
// negotiates, from AWS's "Security policies for your Application Load Balancer"
// (docs.amazonaws.cn/en_us/elasticloadbalancing/latest/application/describe-ssl-policies.html, the
// policies table). Not every policy AWS has: a name missing here fails the test and is added with
// its protocols from that page.
var albTLSPolicies = map[string]float64{
	"ELBSecurityPolicy-TLS13-1-3-2021-06":      1.3,
	"ELBSecurityPolicy-TLS13-1-2-2021-06":      1.2,
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06":  1.2,
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": 1.2,
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": 1.2,
	"ELBSecurityPolicy-TLS13-1-1-2021-06":      1.1,
	"ELBSecurityPolicy-TLS13-1-0-2021-06":      1.0,
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06":    1.2,
	"ELBSecurityPolicy-TLS-1-2-2017-01":        1.2,
	"ELBSecurityPolicy-FS-1-2-Res-2020-10":     1.2,
	"ELBSecurityPolicy-FS-1-2-Res-2019-08":     1.2,
	"ELBSecurityPolicy-FS-1-2-2019-08":         1.2,
	"ELBSecurityPolicy-TLS-1-1-2017-01":        1.1,
	"ELBSecurityPolicy-FS-1-1-2019-08":         1.1,
	"ELBSecurityPolicy-FS-2018-06":             1.0,
	"ELBSecurityPolicy-2016-08":                1.0,
	"ELBSecurityPolicy-2015-05":                1.0,
}

// sslPolicyProblems: the ingress class's ALB listener policy (IngressClassParams spec.sslPolicy, which
// the AWS Load Balancer Controller sets on the HTTPS listener) is one AWS has and negotiates nothing
// older than TLS 1.2. (Replaces a comparison with config.DefaultSSLPolicy, the constant that set it.)
func sslPolicyProblems(spec map[string]any) []string {
	p, _ := spec["sslPolicy"].(string)
	v, ok := albTLSPolicies[p]
	switch {
	case !ok:
		return []string{fmt.Sprintf("sslPolicy %q is not an ALB security policy this test knows", p)}
	case v < 1.2:
		return []string{fmt.Sprintf("sslPolicy %q negotiates TLS %.1f", p, v)}
	}
	return nil
}

// TestSSLPolicyProblemsAreCaught: copies of the recorded spec with a policy that still admits TLS 1.0
// and with none (the controller then leaves the listener on ELBSecurityPolicy-2016-08).
func TestSSLPolicyProblemsAreCaught(t *testing.T) {
	g := record(t, nil)
	spec := byName(g, "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams", "cluster-ingress-params").Inputs["spec"].(map[string]any)
	require.Empty(t, sslPolicyProblems(spec))
	for policy, want := range map[string]string{
		"ELBSecurityPolicy-TLS13-1-0-2021-06": "negotiates TLS 1.0",
		"ELBSecurityPolicy-2016-08":           "negotiates TLS 1.0",
		"TLS13":                               "not an ALB security policy",
	} {
		c := maps.Clone(spec)
		c["sslPolicy"] = policy
		assert.Contains(t, fmt.Sprint(sslPolicyProblems(c)), want, policy)
	}
	c := maps.Clone(spec)
	delete(c, "sslPolicy")
	assert.NotEmpty(t, sslPolicyProblems(c))
}
