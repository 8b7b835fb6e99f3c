package policy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// ismPolicy is the bootstrap's ISM policy shape (OpenSearch ISM API: states, transitions,
// conditions.min_index_age), deleting indices after the given age.
func ismPolicy(age string) string {
	b, _ := json.Marshal(map[string]any{"policy": map[string]any{"default_state": "hot", "states": []any{
		map[string]any{"name": "hot", "transitions": []any{map[string]any{"state_name": "delete", "conditions": map[string]any{"min_index_age": age}}}},
		map[string]any{"name": "delete", "actions": []any{map[string]any{"delete": map[string]any{}}}},
	}}})
	return string(b)
}

func lifecycle(name, bucket string, days float64) plan.Resource {
	return res(typeLifecycle, name, name, map[string]any{"bucket": bucket,
		"rules": []any{map[string]any{"id": "expire", "status": "Enabled", "expiration": map[string]any{"days": days}}}})
}

// The ELB account of cn-northwest-1 as the China documentation lists it (China (Ningxia) 037604701340,
// https://docs.amazonaws.cn/en_us/aws/latest/userguide/elb.html, read 2026-12-02), transcribed here
// rather than read from infra/awsfacts, so that a wrong row there fails this test.
const ningxiaELBAccount = "037604701340"

// goodRetention is a compliant graph of every kind of log sink, written from the APIs' own fields:
// log groups (CloudWatch Logs retentionInDays), log buckets with lifecycle expiry (S3
// LifecycleConfiguration), Fluent Bit's outputs (its classic config) and the ISM policy, the ALB's
// IngressClass and IngressClassParams (the controller's CRD) with the bucket policy ELB writes under.
func goodRetention() []plan.Resource {
	fluent := "[OUTPUT]\n    Name opensearch\n    Match kube.*\n\n[OUTPUT]\n    Name s3\n    Match kube.*\n    bucket app-logs\n    region cn-northwest-1\n"
	elbPolicy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws-cn:iam::" + ningxiaELBAccount + ":root"},
		"Action": "s3:PutObject", "Resource": "arn:aws-cn:s3:::alb-logs/alb/AWSLogs/123456789012/*"}}})
	return []plan.Resource{
		res(typeLogGroup, "flow", "flow", map[string]any{"name": "/p/vpc-flow-logs", "retentionInDays": 180.0}),
		res(typeLogGroup, "eks", "eks", map[string]any{"name": "/aws/eks/p/cluster", "retentionInDays": 365.0}),
		res(typeLogGroup, "forever", "forever", map[string]any{"name": "/p/forever"}),
		res(typeBucket, "app-logs", "app-logs", map[string]any{"bucket": "app-logs", "tags": tags(bucketRoleTag, "log-archive")}),
		lifecycle("app-logs-lc", "app-logs", 180),
		res(typeBucket, "alb-logs", "alb-logs", map[string]any{"bucket": "alb-logs", "tags": tags(bucketRoleTag, "access-logs")}),
		lifecycle("alb-logs-lc", "alb-logs", 365),
		res(typeBucketPolicy, "alb-logs-policy", "alb-logs-policy", map[string]any{"bucket": "alb-logs", "policy": string(elbPolicy)}),
		res(typeBucket, "traces", "traces", map[string]any{"bucket": "traces", "tags": tags(bucketRoleTag, "traces")}),
		lifecycle("traces-lc", "traces", 14),
		res(typeConfigMap, "logs-bootstrap-files", "cm", map[string]any{"data": map[string]any{ismPolicyFile: ismPolicy("30d")}}),
		res(typeRelease, "fluentbit", "fb", map[string]any{"values": map[string]any{"config": map[string]any{"outputs": fluent}}}),
		res(typeIngressClass, "class", "class", map[string]any{"metadata": map[string]any{"name": "alb-public"},
			"spec": map[string]any{"controller": albController, "parameters": map[string]any{"kind": "IngressClassParams", "name": "alb-public"}}}),
		res(typeIngressClassParams, "params", "params", map[string]any{"metadata": map[string]any{"name": "alb-public"},
			"spec": map[string]any{"loadBalancerAttributes": []any{
				map[string]any{"key": "access_logs.s3.enabled", "value": "true"},
				map[string]any{"key": "access_logs.s3.bucket", "value": "alb-logs"},
				map[string]any{"key": "access_logs.s3.prefix", "value": "alb"},
			}}}),
	}
}

func retentionGraph(rs []plan.Resource, minimum int) *plan.Graph {
	g := graph("staging", rs)
	g.Region = "cn-northwest-1"
	g.Config = &config.Platform{LogRetentionMinimumDays: minimum}
	return g
}

// edited copies the good graph and changes the resource of a name.
func edited(name string, change func(r *plan.Resource)) []plan.Resource {
	rs := goodRetention()
	for i := range rs {
		if rs[i].Name == name {
			rs[i].Inputs = copyInputs(rs[i].Inputs)
			change(&rs[i])
		}
	}
	return rs
}

func copyInputs(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func attrs(kv ...string) []any {
	var out []any
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, map[string]any{"key": kv[i], "value": kv[i+1]})
	}
	return out
}

func TestRetentionRulesPassOnACompliantGraph(t *testing.T) {
	for _, id := range []string{"RET-001", "RET-002", "RET-003", "RET-004"} {
		assert.Empty(t, failedOf(t, id, retentionGraph(goodRetention(), 180)), id)
	}
	// Without config the law's floor applies.
	g := retentionGraph(goodRetention(), 180)
	g.Config = nil
	assert.Empty(t, Failed(EvaluateRules(g, retentionRules)))
}

func TestRetentionRulesFail(t *testing.T) {
	cases := []struct {
		rule    string
		rs      []plan.Resource
		minimum int
		want    string
	}{
		// A log group below the floor: the flow logs at the old default.
		{"RET-001", edited("flow", func(r *plan.Resource) { r.Inputs["retentionInDays"] = 90.0 }), 180, "log group /p/vpc-flow-logs keeps logs 90 days, less than logRetentionMinimumDays 180"},
		// The floor raised: the 180-day group no longer meets it.
		{"RET-001", goodRetention(), 365, "log group /p/vpc-flow-logs keeps logs 180 days, less than logRetentionMinimumDays 365"},
		// A log bucket expiring early, and one expiring on a date.
		{"RET-002", edited("alb-logs-lc", func(r *plan.Resource) {
			r.Inputs["rules"] = []any{map[string]any{"id": "short", "status": "Enabled", "expiration": map[string]any{"days": 30.0}}}
		}), 180, "access-logs bucket alb-logs keeps objects 30 days (rule \"short\")"},
		{"RET-002", edited("app-logs-lc", func(r *plan.Resource) {
			r.Inputs["rules"] = []any{map[string]any{"id": "cutoff", "status": "Enabled", "expiration": map[string]any{"date": "2027-01-01T00:00:00Z"}}}
		}), 180, "log-archive bucket app-logs keeps objects 0 days (rule \"cutoff\" expires every object on 2027-01-01"},
		// Application logs: the archive expires early, or is gone, with a 30-day hot period.
		{"RET-003", edited("app-logs-lc", func(r *plan.Resource) {
			r.Inputs["rules"] = []any{map[string]any{"id": "expire", "status": "Enabled", "expiration": map[string]any{"days": 90.0}}}
		}), 180, "kept 90 days, less than logRetentionMinimumDays 180: OpenSearch 30 days"},
		{"RET-003", edited("fluentbit", func(r *plan.Resource) {
			r.Inputs["values"] = map[string]any{"config": map[string]any{"outputs": "[OUTPUT]\n    Name opensearch\n    Match kube.*\n"}}
		}), 180, "kept 30 days, less than logRetentionMinimumDays 180"},
		{"RET-003", edited("fluentbit", func(r *plan.Resource) {
			r.Inputs["values"] = map[string]any{"config": map[string]any{"outputs": "[OUTPUT]\n    Name opensearch\n\n[OUTPUT]\n    Name s3\n    bucket traces\n"}}
		}), 180, `S3 bucket "traces" is not a log bucket of this stack`},
		// ALB: access logs off, to a bucket that is not ours, kept too short, or not writable by the
		// region's ELB account, or a class without parameters.
		{"RET-004", edited("params", func(r *plan.Resource) {
			r.Inputs["spec"] = map[string]any{"loadBalancerAttributes": attrs("access_logs.s3.enabled", "false")}
		}), 180, `access_logs.s3.enabled is "false"`},
		{"RET-004", edited("params", func(r *plan.Resource) {
			r.Inputs["spec"] = map[string]any{"loadBalancerAttributes": attrs("access_logs.s3.enabled", "true", "access_logs.s3.bucket", "elsewhere")}
		}), 180, `writes access logs to "elsewhere", not a log bucket of this stack`},
		{"RET-004", edited("alb-logs-lc", func(r *plan.Resource) {
			r.Inputs["rules"] = []any{map[string]any{"id": "short", "status": "Enabled", "expiration": map[string]any{"days": 60.0}}}
		}), 180, "bucket alb-logs keeps them 60 days"},
		{"RET-004", edited("alb-logs-policy", func(r *plan.Resource) {
			r.Inputs["policy"] = strings.ReplaceAll(r.Inputs["policy"].(string), ningxiaELBAccount, "638102146993") // Beijing's account
		}), 180, "does not let ELB account " + ningxiaELBAccount + " (region cn-northwest-1) put objects under alb/AWSLogs/*"},
		{"RET-004", without(goodRetention(), typeIngressClassParams), 180, "ALB IngressClass alb-public has no IngressClassParams"},
	}
	for _, c := range cases {
		f := failedOf(t, c.rule, retentionGraph(c.rs, c.minimum))
		if assert.NotEmpty(t, f, "%s should fail (%s)", c.rule, c.want) {
			found := false
			for _, r := range f {
				found = found || strings.Contains(r.Message, c.want)
			}
			assert.True(t, found, "%s: want a failure mentioning %q, got %v", c.rule, c.want, f)
		}
	}
}
