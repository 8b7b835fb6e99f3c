package policy

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
	tagkit "github.com/suoke-life/suoke-platform/infra/tags"
)

// The retention rules hold every log sink of the recorded graph to the configured floor,
// logRetentionMinimumDays (infra/config/retention.go: the Cybersecurity Law's six months, Art. 21):
// CloudWatch log groups, S3 buckets that hold logs, the application logs (OpenSearch's hot period and
// the S3 archive Fluent Bit writes beside it) and the ALB's access logs.

// Resource types and markers the retention rules read.
const (
	typeRelease            = "kubernetes:helm.sh/v3:Release"
	typeConfigMap          = "kubernetes:core/v1:ConfigMap"
	typeIngressClass       = "kubernetes:networking.k8s.io/v1:IngressClass"
	typeIngressClassParams = "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams"
	albController          = "ingress.k8s.aws/alb"
	// ismPolicyFile is the bootstrap ConfigMap's ISM policy (infra/monitoring/logs.go): the hot period.
	ismPolicyFile = "ism-policy.json"
)

// logBucketRoles are the bucket-role tags of buckets that hold logs: S3 server and ALB access logs,
// the audit trail, the application-log archive.
var logBucketRoles = map[string]bool{tagkit.BucketRoleAccessLogs: true, tagkit.BucketRoleAudit: true, tagkit.BucketRoleLogArchive: true}

// forever is a retention that never expires (a log group without retention, a bucket without expiry).
const forever = math.MaxInt32

var retentionRules = []Rule{
	{ID: "RET-001", Severity: High, Description: "every CloudWatch log group keeps its logs at least logRetentionMinimumDays (never expiring passes)", Check: checkLogGroupRetention},
	{ID: "RET-002", Severity: High, Description: "every S3 bucket tagged as a log bucket keeps objects at least logRetentionMinimumDays (no lifecycle expiry before it)", Check: checkLogBucketRetention},
	{ID: "RET-003", Severity: High, Description: "application logs are kept at least logRetentionMinimumDays: OpenSearch's hot period, or Fluent Bit's S3 archive beside it", Check: checkAppLogRetention},
	{ID: "RET-004", Severity: High, Description: "every ALB the controller makes writes access logs to a log bucket of this stack that the region's ELB account may write and that keeps them at least logRetentionMinimumDays", Check: checkALBAccessLogs},
}

// minimumDays is the configured floor; a graph without config (hand-made) gets the default.
func minimumDays(x *Index) int {
	if x.Graph.Config != nil && x.Graph.Config.LogRetentionMinimumDays > 0 {
		return x.Graph.Config.LogRetentionMinimumDays
	}
	return config.DefaultLogRetentionMinimumDays
}

func daysText(d int) string {
	if d == forever {
		return "never expires"
	}
	return fmt.Sprintf("%d days", d)
}

func checkLogGroupRetention(x *Index) []Finding {
	min := minimumDays(x)
	var out []Finding
	for _, g := range x.OfType(typeLogGroup) {
		name := Str(g, "name")
		if name == "" {
			name = g.Name
		}
		d, set := Num(g, "retentionInDays")
		switch {
		case !set || d == 0:
			out = append(out, pass(g.URN, "log group %s never expires", name))
		case d < min:
			out = append(out, fail(g.URN, "log group %s keeps logs %d days, less than logRetentionMinimumDays %d", name, d, min))
		default:
			out = append(out, pass(g.URN, "log group %s keeps logs %d days (at least %d)", name, d, min))
		}
	}
	return out
}

// bucketRetention is how long a bucket keeps an object: the shortest expiry of its enabled lifecycle
// rules (a date-based expiry counts as 0: it deletes everything on that day), forever without one.
// why names the rule that decides.
func bucketRetention(x *Index, bucket string) (days int, why string) {
	days = forever
	lc := bucketSettings(x, typeLifecycle)[bucket]
	if lc == nil {
		return days, "no lifecycle configuration"
	}
	why = "no expiry rule"
	for _, r := range List(lc, "rules") {
		m, _ := r.(map[string]any)
		if m["status"] != "Enabled" {
			continue
		}
		id, _ := m["id"].(string)
		exp, _ := m["expiration"].(map[string]any)
		if d, ok := exp["days"].(float64); ok && int(d) > 0 && int(d) < days {
			days, why = int(d), fmt.Sprintf("rule %q", id)
		}
		if s, _ := exp["date"].(string); s != "" && days > 0 {
			days, why = 0, fmt.Sprintf("rule %q expires every object on %s", id, s)
		}
	}
	return days, why
}

func checkLogBucketRetention(x *Index) []Finding {
	min := minimumDays(x)
	var out []Finding
	for _, b := range x.OfType(typeBucket) {
		role := Tag(b, bucketRoleTag)
		if !logBucketRoles[role] {
			continue
		}
		d, why := bucketRetention(x, b.ID)
		if d < min {
			out = append(out, fail(b.URN, "%s bucket %s keeps objects %s (%s), less than logRetentionMinimumDays %d", role, b.ID, daysText(d), why, min))
		} else {
			out = append(out, pass(b.URN, "%s bucket %s keeps objects %s (%s)", role, b.ID, daysText(d), why))
		}
	}
	return out
}

// fluentOutputs parses the [OUTPUT] sections of a Fluent Bit classic config into their keys
// (lower-cased) and values.
func fluentOutputs(conf string) []map[string]string {
	var out []map[string]string
	var cur map[string]string
	for _, line := range strings.Split(conf, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "[OUTPUT]":
			cur = map[string]string{}
			out = append(out, cur)
		case strings.HasPrefix(t, "["):
			cur = nil
		case cur != nil && t != "" && !strings.HasPrefix(t, "#"):
			k, v, _ := strings.Cut(t, " ")
			cur[strings.ToLower(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

var ismAge = regexp.MustCompile(`^([0-9]+)d$`)

// hotDays reads the ISM policy's delete transition from the log bootstrap's ConfigMap: the index age
// at which OpenSearch deletes logs; forever when no transition deletes, 0 when there is no policy.
func hotDays(x *Index) (int, string) {
	for _, cm := range x.OfType(typeConfigMap) {
		doc, _ := At(cm, "data", ismPolicyFile).(string)
		if doc == "" {
			continue
		}
		var p struct {
			Policy struct {
				States []struct {
					Name        string `json:"name"`
					Transitions []struct {
						State      string `json:"state_name"`
						Conditions struct {
							MinIndexAge string `json:"min_index_age"`
						} `json:"conditions"`
					} `json:"transitions"`
				} `json:"states"`
			} `json:"policy"`
		}
		if json.Unmarshal([]byte(doc), &p) != nil {
			return 0, "an ISM policy that does not parse in " + cm.Name
		}
		for _, s := range p.Policy.States {
			for _, t := range s.Transitions {
				if t.State != "delete" {
					continue
				}
				m := ismAge.FindStringSubmatch(t.Conditions.MinIndexAge)
				if m == nil {
					return 0, fmt.Sprintf("ISM delete after %q (not whole days)", t.Conditions.MinIndexAge)
				}
				n, _ := strconv.Atoi(m[1])
				return n, "ISM policy in " + cm.Name
			}
		}
		return forever, "ISM policy without a delete state in " + cm.Name
	}
	return 0, "no ISM policy in the graph"
}

// checkAppLogRetention: Fluent Bit writes the same records to every output that matches them, so the
// logs are kept for the longest of its outputs' retentions: OpenSearch's hot period (ISM), an S3
// archive's lifecycle expiry (the bucket must be a log bucket of this stack).
func checkAppLogRetention(x *Index) []Finding {
	min := minimumDays(x)
	var out []Finding
	for _, r := range x.OfType(typeRelease) {
		conf, _ := At(r, "values", "config", "outputs").(string)
		outputs := fluentOutputs(conf)
		if len(outputs) == 0 {
			continue
		}
		best, parts := 0, []string{}
		for _, o := range outputs {
			switch strings.ToLower(o["name"]) {
			case "opensearch", "es":
				d, why := hotDays(x)
				parts = append(parts, fmt.Sprintf("OpenSearch %s (%s)", daysText(d), why))
				best = max(best, d)
			case "s3":
				bucket := o["bucket"]
				b := x.ByID(bucket)
				if b == nil || b.Type != typeBucket || !logBucketRoles[Tag(b, bucketRoleTag)] {
					parts = append(parts, fmt.Sprintf("S3 bucket %q is not a log bucket of this stack", bucket))
					continue
				}
				d, why := bucketRetention(x, bucket)
				parts = append(parts, fmt.Sprintf("S3 archive %s %s (%s)", bucket, daysText(d), why))
				best = max(best, d)
			}
		}
		if best < min {
			out = append(out, fail(r.URN, "application logs of release %s are kept %s, less than logRetentionMinimumDays %d: %s",
				r.Name, daysText(best), min, strings.Join(parts, "; ")))
		} else {
			out = append(out, pass(r.URN, "application logs of release %s are kept %s: %s", r.Name, daysText(best), strings.Join(parts, "; ")))
		}
	}
	return out
}

// checkALBAccessLogs follows every ALB IngressClass to its IngressClassParams (whose attributes win
// over an Ingress's annotation) and checks the access-log attributes, the bucket and its policy.
func checkALBAccessLogs(x *Index) []Finding {
	min := minimumDays(x)
	params := map[string]*plan.Resource{}
	for _, p := range x.OfType(typeIngressClassParams) {
		if n, _ := At(p, "metadata", "name").(string); n != "" {
			params[n] = p
		}
	}
	var out []Finding
	for _, c := range x.OfType(typeIngressClass) {
		if At(c, "spec", "controller") != albController {
			continue
		}
		class, _ := At(c, "metadata", "name").(string)
		pname, _ := At(c, "spec", "parameters", "name").(string)
		p := params[pname]
		if p == nil {
			out = append(out, fail(c.URN, "ALB IngressClass %s has no IngressClassParams in this stack: its load balancers' access logs are whatever each Ingress says", class))
			continue
		}
		attrs := map[string]string{}
		list, _ := At(p, "spec", "loadBalancerAttributes").([]any)
		for _, a := range list {
			m, _ := a.(map[string]any)
			k, _ := m["key"].(string)
			v, _ := m["value"].(string)
			attrs[k] = v
		}
		if attrs["access_logs.s3.enabled"] != "true" {
			out = append(out, fail(p.URN, "ALB IngressClass %s: access_logs.s3.enabled is %q, not \"true\": the load balancer keeps no access logs", class, attrs["access_logs.s3.enabled"]))
			continue
		}
		bucket, prefix := attrs["access_logs.s3.bucket"], attrs["access_logs.s3.prefix"]
		b := x.ByID(bucket)
		if bucket == "" || b == nil || b.Type != typeBucket || !logBucketRoles[Tag(b, bucketRoleTag)] {
			out = append(out, fail(p.URN, "ALB IngressClass %s writes access logs to %q, not a log bucket of this stack", class, bucket))
			continue
		}
		var bad []string
		d, why := bucketRetention(x, bucket)
		if d < min {
			bad = append(bad, fmt.Sprintf("bucket %s keeps them %s (%s), less than logRetentionMinimumDays %d", bucket, daysText(d), why, min))
		}
		if problem := elbMayWrite(x, bucket, prefix); problem != "" {
			bad = append(bad, problem)
		}
		if len(bad) > 0 {
			out = append(out, fail(p.URN, "ALB IngressClass %s access logs: %s", class, strings.Join(bad, "; ")))
		} else {
			out = append(out, pass(p.URN, "ALB IngressClass %s writes access logs to %s/%s, kept %s", class, bucket, prefix, daysText(d)))
		}
	}
	return out
}

// elbMayWrite says what keeps the region's ELB account (infra/awsfacts/elb.go, the China
// documentation's accounts) from writing under the prefix, or "".
func elbMayWrite(x *Index, bucket, prefix string) string {
	account, ok := awsfacts.ELBLogDeliveryAccount(x.Graph.Region)
	if !ok {
		return fmt.Sprintf("no ELB log-delivery account is known for region %q (infra/awsfacts/elb.go)", x.Graph.Region)
	}
	pol := bucketSettings(x, typeBucketPolicy)[bucket]
	if pol == nil {
		return fmt.Sprintf("bucket %s has no policy letting ELB account %s write", bucket, account)
	}
	want := "/AWSLogs/"
	if prefix != "" {
		want = "/" + prefix + want
	}
	for _, st := range statements(Str(pol, "policy")) {
		if st["Effect"] != "Allow" || !mentionsAction(st["Action"], "s3:PutObject") {
			continue
		}
		pr, _ := st["Principal"].(map[string]any)
		if !strings.HasSuffix(fmt.Sprint(pr["AWS"]), ":iam::"+account+":root") && fmt.Sprint(pr["AWS"]) != account {
			continue
		}
		for _, res := range asList(st["Resource"]) {
			if strings.Contains(res, ":::"+bucket+want) || strings.HasSuffix(res, ":::"+bucket+"/*") {
				return ""
			}
		}
	}
	return fmt.Sprintf("bucket %s's policy does not let ELB account %s (region %s) put objects under %s", bucket, account, x.Graph.Region, strings.TrimPrefix(want, "/")+"*")
}

func asList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func mentionsAction(v any, action string) bool {
	for _, a := range asList(v) {
		if a == action || a == "s3:*" || a == "*" {
			return true
		}
	}
	return false
}
