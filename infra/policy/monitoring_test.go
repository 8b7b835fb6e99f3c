package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// goodMonitoring is a compliant log store in the good network's data subnets, and a rule object with
// one complete alert and one recording rule.
func goodMonitoring() []plan.Resource {
	domain := res(typeOpenSearchDomain, "logs", "suoke-prod-logs", map[string]any{
		"encryptAtRest":           map[string]any{"enabled": true, "kmsKeyId": "arn:aws-cn:kms:cn-northwest-1:123456789012:key/k"},
		"nodeToNodeEncryption":    map[string]any{"enabled": true},
		"domainEndpointOptions":   map[string]any{"enforceHttps": true, "tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"},
		"vpcOptions":              map[string]any{"subnetIds": []any{"subnet-dataa", "subnet-datab", "subnet-datac"}},
		"advancedSecurityOptions": map[string]any{"enabled": true, "internalUserDatabaseEnabled": false},
		"clusterConfig": map[string]any{"zoneAwarenessEnabled": true, "dedicatedMasterEnabled": true,
			"zoneAwarenessConfig": map[string]any{"availabilityZoneCount": 3.0}},
	})
	domain.Protect = true
	rules := res(typePrometheusRule, "rules", "monitoring/suoke-alerts", map[string]any{"spec": map[string]any{"groups": []any{
		map[string]any{"name": "g", "rules": []any{
			map[string]any{"alert": "ServiceDown", "expr": "up == 0", "labels": map[string]any{"severity": "P0", "service": "x"},
				"annotations": map[string]any{"summary": "down", "description": "it is down", "runbook_url": "https://runbooks/service-down"}},
			map[string]any{"record": "slo:objective:ratio", "expr": "vector(0.999)"},
		}},
	}}})
	return append(goodNetwork(), domain, rules)
}

// edit returns a copy of the graph's resources with one resource of a type changed.
func edit(typ string, change func(r *plan.Resource)) []plan.Resource {
	rs := goodMonitoring()
	for i := range rs {
		if rs[i].Type == typ {
			change(&rs[i])
		}
	}
	return rs
}

func set(r *plan.Resource, v any, keys ...string) {
	cur := r.Inputs
	for _, k := range keys[:len(keys)-1] {
		cur = cur[k].(map[string]any)
	}
	cur[keys[len(keys)-1]] = v
}

func TestMonitoringRulesPassOnACompliantGraph(t *testing.T) {
	for _, id := range []string{"MON-001", "MON-002", "MON-003", "MON-004", "MON-005"} {
		assert.Empty(t, failedOf(t, id, graph("prod", goodMonitoring())), id)
	}
}

func TestMonitoringRulesFail(t *testing.T) {
	cases := []struct {
		id, env string
		rs      []plan.Resource
		msg     string
	}{
		{"MON-001", "prod", edit(typeOpenSearchDomain, func(r *plan.Resource) { set(r, false, "encryptAtRest", "enabled") }), "encryption at rest is off"},
		{"MON-001", "prod", edit(typeOpenSearchDomain, func(r *plan.Resource) { set(r, "", "encryptAtRest", "kmsKeyId") }), "no key of ours"},
		{"MON-001", "prod", edit(typeOpenSearchDomain, func(r *plan.Resource) { set(r, false, "nodeToNodeEncryption", "enabled") }), "node-to-node"},
		{"MON-001", "prod", edit(typeOpenSearchDomain, func(r *plan.Resource) {
			set(r, "Policy-Min-TLS-1-0-2019-07", "domainEndpointOptions", "tlsSecurityPolicy")
		}), "less than TLS 1.2"},
		{"MON-002", "prod", edit(typeOpenSearchDomain, func(r *plan.Resource) { delete(r.Inputs, "vpcOptions") }), "public endpoint"},
		{"MON-002", "prod", edit(typeOpenSearchDomain, func(r *plan.Resource) { set(r, []any{"subnet-publica"}, "vpcOptions", "subnetIds") }), "subnet-publica"},
		{"MON-003", "prod", edit(typeOpenSearchDomain, func(r *plan.Resource) { set(r, false, "advancedSecurityOptions", "enabled") }), "fine-grained access control is off"},
		{"MON-003", "prod", edit(typeOpenSearchDomain, func(r *plan.Resource) { set(r, true, "advancedSecurityOptions", "internalUserDatabaseEnabled") }), "internal user database"},
		{"MON-004", "prod", edit(typeOpenSearchDomain, func(r *plan.Resource) { set(r, false, "clusterConfig", "dedicatedMasterEnabled") }), "no dedicated masters"},
		{"MON-004", "dr", edit(typeOpenSearchDomain, func(r *plan.Resource) { set(r, 2.0, "clusterConfig", "zoneAwarenessConfig", "availabilityZoneCount") }), "spans 2 AZs"},
		{"MON-004", "prod", edit(typeOpenSearchDomain, func(r *plan.Resource) { r.Protect = false }), "not protected"},
		{"MON-005", "prod", edit(typePrometheusRule, func(r *plan.Resource) {
			rule := r.Inputs["spec"].(map[string]any)["groups"].([]any)[0].(map[string]any)["rules"].([]any)[0].(map[string]any)
			rule["labels"].(map[string]any)["severity"] = "critical"
		}), `severity "critical"`},
		{"MON-005", "prod", edit(typePrometheusRule, func(r *plan.Resource) {
			rule := r.Inputs["spec"].(map[string]any)["groups"].([]any)[0].(map[string]any)["rules"].([]any)[0].(map[string]any)
			delete(rule["annotations"].(map[string]any), "runbook_url")
		}), "ServiceDown has no runbook_url"},
	}
	for _, c := range cases {
		failed := failedOf(t, c.id, graph(c.env, c.rs))
		require.NotEmpty(t, failed, "%s should fail: %s", c.id, c.msg)
		assert.Contains(t, failed[0].Message, c.msg, c.id)
	}
}

// TestLogStoreResilienceOnlyInProd: staging may run a smaller domain.
func TestLogStoreResilienceOnlyInProd(t *testing.T) {
	rs := edit(typeOpenSearchDomain, func(r *plan.Resource) { set(r, false, "clusterConfig", "dedicatedMasterEnabled"); r.Protect = false })
	assert.Empty(t, failedOf(t, "MON-004", graph("staging", rs)))
}
