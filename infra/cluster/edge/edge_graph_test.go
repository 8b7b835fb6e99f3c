package edge_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/cluster/internal/graphtest"
	"github.com/suoke-life/suoke-platform/infra/config"
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
	assert.Equal(t, config.DefaultLoginPath, login["scopeDownStatement"].(map[string]any)["byteMatchStatement"].(map[string]any)["searchString"])
	params := byName(g, "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams", "cluster-ingress-params").Inputs["spec"].(map[string]any)
	assert.Equal(t, "internet-facing", params["scheme"])
	assert.Equal(t, config.DefaultSSLPolicy, params["sslPolicy"])
	assert.Equal(t, "443", params["sslRedirectPort"])
	assert.Contains(t, params["wafv2AclArn"], ":wafv2:cn-northwest-1:")
}
