// Package pod is how the monitoring's workloads are placed and secured in chart values: the
// monitoring pool's node selector and toleration, the Pod Security "restricted" contexts, and the
// service-account annotation that binds an IRSA role. Every monitoring chart's values take these
// shapes from here; their requests are footprint.Resources, the type the capacity check sums.
package pod

// Scheduling pins pods to a node pool: a node selector on the pool's label and a toleration of its
// taint (the cluster taints every pool with the same key, so only the intended pods land on it).
type Scheduling struct {
	Key  string
	Pool string
}

// NodeSelector is the pool's label as a node selector.
func (s Scheduling) NodeSelector() map[string]any { return map[string]any{s.Key: s.Pool} }

// Tolerations tolerate the pool's taint.
func (s Scheduling) Tolerations() []any {
	return []any{map[string]any{"key": s.Key, "operator": "Equal", "value": s.Pool, "effect": "NoSchedule"}}
}

// Place adds the node selector and the toleration to a chart's values (or a part of them).
func (s Scheduling) Place(m map[string]any) map[string]any {
	m["nodeSelector"] = s.NodeSelector()
	m["tolerations"] = s.Tolerations()
	return m
}

// Everywhere tolerates every taint: node-level agents (node-exporter, Fluent Bit) run on all pools.
func Everywhere() []any { return []any{map[string]any{"operator": "Exists"}} }

// Restricted is what a chart's pod and container take to pass Pod Security "restricted": a fixed
// non-root user (numeric, so the kubelet can check runAsNonRoot whatever the image names), the
// runtime's seccomp profile, no privilege escalation, no capabilities, a read-only root. Both charts
// that take it pass their podSecurityContext and securityContext through unchanged (values.yaml of
// prometheus-yet-another-cloudwatch-exporter 0.39.5 and opentelemetry-collector 0.140.1). Checked
// with k8s.io/pod-security-admission on the charts rendered with these values, read 2026-12-03.
func Restricted(values map[string]any, uid int) map[string]any {
	values["podSecurityContext"] = map[string]any{
		"runAsNonRoot": true, "runAsUser": uid, "runAsGroup": uid,
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}
	values["securityContext"] = map[string]any{
		"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
		"capabilities": map[string]any{"drop": []string{"ALL"}},
	}
	return values
}

// IRSAAnnotation binds a service account to an IAM role (IAM roles for service accounts).
const IRSAAnnotation = "eks.amazonaws.com/role-arn"
