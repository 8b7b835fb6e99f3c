package monitoring_test

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// These checks replace comparisons of the rendered values with the package's own constants (the
// Secret names, the TLS policy): each reads a rendered value the way its consumer does and holds it
// against a fact from outside the program.

// openSearchTLSPolicies are the values AWS accepts for a domain's
// domainEndpointOptions.tlsSecurityPolicy, with the oldest TLS version each admits. pulumi-aws
// v6.83.4 documents the enum on the Elasticsearch domain, which is the same OpenSearch Service API
// type (DomainEndpointOptions): sdk/go/aws/elasticsearch/pulumiTypes.go, "Valid values:
// `Policy-Min-TLS-1-0-2019-07`, `Policy-Min-TLS-1-2-2019-07`, and `Policy-Min-TLS-1-2-PFS-2023-10`";
// its opensearch/pulumiTypes.go refers to the AWS API reference (API_DomainEndpointOptions,
// TLSSecurityPolicy) for the same list. The minimum version is in each policy's name.
var openSearchTLSPolicies = map[string]float64{
	"Policy-Min-TLS-1-0-2019-07":     1.0,
	"Policy-Min-TLS-1-2-2019-07":     1.2,
	"Policy-Min-TLS-1-2-PFS-2023-10": 1.2,
}

// tlsPolicyProblems: the domain's HTTPS endpoint is enforced, with a TLS policy AWS accepts that
// admits nothing older than TLS 1.2.
func tlsPolicyProblems(d plan.Resource) []string {
	var out []string
	if dig(d.Inputs, "domainEndpointOptions", "enforceHttps") != true {
		out = append(out, "enforceHttps is not true: the domain answers plain HTTP")
	}
	p, _ := dig(d.Inputs, "domainEndpointOptions", "tlsSecurityPolicy").(string)
	v, ok := openSearchTLSPolicies[p]
	switch {
	case !ok:
		out = append(out, fmt.Sprintf("tlsSecurityPolicy %q is not one AWS accepts", p))
	case v < 1.2:
		out = append(out, fmt.Sprintf("tlsSecurityPolicy %q admits TLS %.1f", p, v))
	}
	return out
}

// secretKeys are the keys of a Secret the resources create in a namespace (as buildWithKeys noted
// them), and whether there is one.
func secretKeys(rs []plan.Resource, keys map[string][]string, namespace, name string) (map[string]bool, bool) {
	for _, r := range rs {
		md, _ := r.Inputs["metadata"].(map[string]any)
		if r.Type != "kubernetes:core/v1:Secret" || md["namespace"] != namespace || md["name"] != name {
			continue
		}
		out := map[string]bool{}
		for _, k := range keys[namespace+"/"+name] {
			out[k] = true
		}
		return out, true
	}
	return nil, false
}

// stackSecretProblems: the Secrets kube-prometheus-stack's pods read by name exist in the release's
// namespace with the keys they read.
//   - Grafana: the grafana chart (grafana/helm-charts charts/grafana values.yaml, admin.existingSecret,
//     admin.userKey default "admin-user", admin.passwordKey default "admin-password") sets the
//     container's GF_SECURITY_ADMIN_USER/PASSWORD from those keys; a missing one keeps the pod in
//     CreateContainerConfigError.
//   - Alertmanager: prometheus-operator v0.93.1 pkg/apis/monitoring/v1/alertmanager_types.go,
//     AlertmanagerSpec.configSecret: "The Alertmanager configuration should be available under the
//     `alertmanager.yaml` key ... If either the secret or the `alertmanager.yaml` key is missing, the
//     operator provisions a minimal Alertmanager configuration with one empty receiver (effectively
//     dropping alert notifications)." kube-prometheus-stack passes configSecret through only with
//     alertmanagerSpec.useExistingSecret (otherwise it writes its own Secret from alertmanager.config).
func stackSecretProblems(rs []plan.Resource, keys map[string][]string) []string {
	var stack *plan.Resource
	for i, r := range rs {
		if r.Type == "kubernetes:helm.sh/v3:Release" && chartName(r) == "kube-prometheus-stack" {
			stack = &rs[i]
		}
	}
	if stack == nil {
		return []string{"no kube-prometheus-stack release"}
	}
	ns, _ := stack.Inputs["namespace"].(string)
	v, _ := stack.Inputs["values"].(map[string]any)
	var out []string
	need := func(who, name string, read ...string) {
		have, ok := secretKeys(rs, keys, ns, name)
		if name == "" || !ok {
			out = append(out, fmt.Sprintf("%s reads Secret %s/%q, which nothing creates", who, ns, name))
			return
		}
		for _, k := range read {
			if !have[k] {
				out = append(out, fmt.Sprintf("%s reads key %s of Secret %s/%s, which has %v", who, k, ns, name, sorted(have)))
			}
		}
	}
	orDefault := func(v any, def string) string {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
		return def
	}
	name, _ := dig(v, "grafana", "admin", "existingSecret").(string)
	need("Grafana", name, orDefault(dig(v, "grafana", "admin", "userKey"), "admin-user"), orDefault(dig(v, "grafana", "admin", "passwordKey"), "admin-password"))
	if dig(v, "alertmanager", "alertmanagerSpec", "useExistingSecret") != true {
		out = append(out, "alertmanagerSpec.useExistingSecret is not true: the chart writes its own Alertmanager config, without the receivers")
	} else {
		name, _ := dig(v, "alertmanager", "alertmanagerSpec", "configSecret").(string)
		need("Alertmanager", name, "alertmanager.yaml")
	}
	return out
}

func sorted(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mutatedRS is a copy of the recorded resources with the inputs of those match selects changed by
// change (on a deep-enough copy: the top-level inputs and the maps change writes through).
func mutatedRS(rs []plan.Resource, match func(plan.Resource) bool, change func(in map[string]any)) []plan.Resource {
	out := append([]plan.Resource(nil), rs...)
	for i, r := range out {
		if match(r) {
			in := map[string]any{}
			for k, v := range r.Inputs {
				if m, ok := v.(map[string]any); ok {
					c := map[string]any{}
					for kk, vv := range m {
						c[kk] = vv
					}
					v = c
				}
				in[k] = v
			}
			change(in)
			out[i].Inputs = in
		}
	}
	return out
}

func secretNamed(name string) func(plan.Resource) bool {
	return func(r plan.Resource) bool {
		md, _ := r.Inputs["metadata"].(map[string]any)
		return r.Type == "kubernetes:core/v1:Secret" && md["name"] == name
	}
}

// TestStackSecretsAreCaught breaks the real rendered graph one way at a time.
func TestStackSecretsAreCaught(t *testing.T) {
	rs, _, keys := buildWithKeys(t, "cn-northwest-1", config.EnvProd, prodMonitoring())
	require.Empty(t, stackSecretProblems(rs, keys))
	var stackValues map[string]any
	for _, r := range ofType(rs, "kubernetes:helm.sh/v3:Release") {
		if chartName(r) == "kube-prometheus-stack" {
			stackValues = r.Inputs["values"].(map[string]any)
		}
	}
	grafanaSecret := dig(stackValues, "grafana", "admin", "existingSecret").(string)
	amSecret := dig(stackValues, "alertmanager", "alertmanagerSpec", "configSecret").(string)
	without := func(secret, key string) map[string][]string {
		out := maps.Clone(keys)
		out["monitoring/"+secret] = slices.DeleteFunc(slices.Clone(out["monitoring/"+secret]), func(k string) bool { return k == key })
		return out
	}
	cases := []struct {
		name string
		rs   []plan.Resource
		keys map[string][]string
		want string
	}{
		{"Grafana's Secret renamed", mutatedRS(rs, secretNamed(grafanaSecret), func(in map[string]any) {
			in["metadata"].(map[string]any)["name"] = "grafana-admin-2"
		}), keys, "Grafana reads Secret monitoring/\"" + grafanaSecret + "\", which nothing creates"},
		{"Grafana's password key missing", rs, without(grafanaSecret, "admin-password"), "Grafana reads key admin-password"},
		{"Alertmanager's config under another key", rs, without(amSecret, "alertmanager.yaml"), "Alertmanager reads key alertmanager.yaml"},
		{"Alertmanager's Secret in another namespace", mutatedRS(rs, secretNamed(amSecret), func(in map[string]any) {
			in["metadata"].(map[string]any)["namespace"] = "default"
		}), keys, "Alertmanager reads Secret monitoring/\"" + amSecret + "\""},
		{"the chart's own Alertmanager Secret", mutatedRS(rs, func(r plan.Resource) bool {
			return r.Type == "kubernetes:helm.sh/v3:Release" && chartName(r) == "kube-prometheus-stack"
		}, func(in map[string]any) {
			v := maps.Clone(in["values"].(map[string]any))
			am := maps.Clone(v["alertmanager"].(map[string]any))
			spec := maps.Clone(am["alertmanagerSpec"].(map[string]any))
			delete(spec, "useExistingSecret")
			am["alertmanagerSpec"] = spec
			v["alertmanager"] = am
			in["values"] = v
		}), keys, "useExistingSecret is not true"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Contains(t, strings.Join(stackSecretProblems(c.rs, c.keys), "\n"), c.want)
		})
	}
}

// TestTLSPolicyProblemsAreCaught: a policy AWS accepts that still admits TLS 1.0, one AWS does not
// know, and HTTPS not enforced, each on a copy of the rendered domain.
func TestTLSPolicyProblemsAreCaught(t *testing.T) {
	rs, _ := build(t, "cn-northwest-1", config.EnvProd, prodMonitoring())
	d := one(t, rs, "aws:opensearch/domain:Domain")
	require.Empty(t, tlsPolicyProblems(d))
	isDomain := func(r plan.Resource) bool { return r.Type == "aws:opensearch/domain:Domain" }
	for policy, want := range map[string]string{
		"Policy-Min-TLS-1-0-2019-07": "admits TLS 1.0",
		"Policy-Min-TLS-1-3-2024-01": "is not one AWS accepts",
		"":                           "is not one AWS accepts",
	} {
		m := mutatedRS(rs, isDomain, func(in map[string]any) {
			in["domainEndpointOptions"].(map[string]any)["tlsSecurityPolicy"] = policy
		})
		assert.Contains(t, strings.Join(tlsPolicyProblems(one(t, m, "aws:opensearch/domain:Domain")), "\n"), want, policy)
	}
	m := mutatedRS(rs, isDomain, func(in map[string]any) { in["domainEndpointOptions"].(map[string]any)["enforceHttps"] = false })
	assert.Contains(t, strings.Join(tlsPolicyProblems(one(t, m, "aws:opensearch/domain:Domain")), "\n"), "enforceHttps")
	// The copy did not change the recorded domain.
	assert.Empty(t, tlsPolicyProblems(d))
}
