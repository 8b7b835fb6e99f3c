package policy

import (
	"strings"
)

// Resource types the audit rules read.
const (
	typeTrail      = "aws:cloudtrail/trail:Trail"
	typeObjectLock = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	typeLifecycle  = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeDetector   = "aws:guardduty/detector:Detector"
)

// auditMinDays is how long network and security logs must be kept: six months (Cybersecurity Law of
// the PRC, Art. 21(3)), counted as 180 days.
const auditMinDays = 180

var auditRules = []Rule{
	{ID: "AUD-001", Severity: Critical, Description: "the owner of the account baseline has a multi-region trail with log file validation and KMS, into a bucket locked and kept at least 180 days and a log group kept at least 180 days", Check: checkAuditTrail},
	{ID: "AUD-002", Severity: High, Description: "the owner of the account baseline has GuardDuty detectors, enabled, publishing findings every 15 minutes", Check: checkDetectors},
}

func owner(x *Index) bool { return x.Graph.Config != nil && x.Graph.Config.AccountBaseline }

func checkAuditTrail(x *Index) []Finding {
	if !owner(x) {
		return []Finding{pass("", "not the owner of the account baseline: its trail is the owner's")}
	}
	var out []Finding
	good := 0
	for _, t := range x.OfType(typeTrail) {
		var missing []string
		if !Bool(t, "isMultiRegionTrail") {
			missing = append(missing, "multi-region")
		}
		if !Bool(t, "includeGlobalServiceEvents") {
			missing = append(missing, "global service events")
		}
		if !Bool(t, "enableLogFileValidation") {
			missing = append(missing, "log file validation")
		}
		if Str(t, "kmsKeyId") == "" {
			missing = append(missing, "KMS encryption (kmsKeyId)")
		}
		if v, set := t.Inputs["enableLogging"].(bool); set && !v {
			missing = append(missing, "logging on")
		}
		missing = append(missing, trailBucketProblems(x, Str(t, "s3BucketName"))...)
		missing = append(missing, trailLogGroupProblems(x, Str(t, "cloudWatchLogsGroupArn"))...)
		if len(missing) > 0 {
			out = append(out, fail(t.URN, "trail %s lacks: %s", t.Name, strings.Join(missing, "; ")))
			continue
		}
		good++
		out = append(out, pass(t.URN, "multi-region, validated, KMS-encrypted, locked %d+ days", auditMinDays))
	}
	if good == 0 {
		out = append(out, fail("", "the owner of the account baseline has no multi-region trail with log file validation and KMS into a bucket kept %d days: "+
			"the account's API activity is not kept as the Cybersecurity Law requires", auditMinDays))
	}
	return out
}

// trailBucketProblems checks the trail's bucket: object lock on, a default retention of at least
// auditMinDays, and no lifecycle rule that expires objects before that.
func trailBucketProblems(x *Index, bucket string) []string {
	b := x.ByID(bucket)
	if bucket == "" || b == nil || b.Type != typeBucket {
		return []string{"a bucket of this stack (s3BucketName " + bucket + ")"}
	}
	var out []string
	if !Bool(b, "objectLockEnabled") {
		out = append(out, "object lock on bucket "+bucket)
	}
	days := 0
	if l := bucketSettings(x, typeObjectLock)[bucket]; l != nil {
		days = retentionDays(At(l, "rule", "defaultRetention"))
	}
	if days < auditMinDays {
		out = append(out, "a default object-lock retention of at least 180 days on bucket "+bucket)
	}
	if lc := bucketSettings(x, typeLifecycle)[bucket]; lc != nil {
		for _, r := range List(lc, "rules") {
			m, _ := r.(map[string]any)
			if m["status"] != "Enabled" {
				continue
			}
			exp, _ := m["expiration"].(map[string]any)
			if d, ok := exp["days"].(float64); ok && int(d) < auditMinDays {
				out = append(out, "no lifecycle expiry before 180 days on bucket "+bucket)
			}
		}
	}
	return out
}

// retentionDays reads an object-lock default retention in days (years count 365).
func retentionDays(v any) int {
	m, _ := v.(map[string]any)
	if d, ok := m["days"].(float64); ok {
		return int(d)
	}
	if y, ok := m["years"].(float64); ok {
		return int(y) * 365
	}
	return 0
}

// trailLogGroupProblems checks the CloudWatch Logs copy: a log group of this stack, kept at least
// auditMinDays (0, never expire, is fine).
func trailLogGroupProblems(x *Index, arn string) []string {
	i := strings.Index(arn, ":log-group:")
	if i < 0 {
		return []string{"delivery to CloudWatch Logs"}
	}
	name := strings.TrimSuffix(arn[i+len(":log-group:"):], ":*")
	for _, g := range x.OfType(typeLogGroup) {
		if Str(g, "name") != name {
			continue
		}
		if d, ok := Num(g, "retentionInDays"); ok && d != 0 && d < auditMinDays {
			return []string{"log group " + name + " retention of at least 180 days"}
		}
		return nil
	}
	return []string{"a log group of this stack named " + name}
}

func checkDetectors(x *Index) []Finding {
	if !owner(x) {
		return []Finding{pass("", "not the owner of the account baseline")}
	}
	ds := x.OfType(typeDetector)
	if len(ds) == 0 {
		return []Finding{fail("", "the owner of the account baseline has no GuardDuty detector")}
	}
	var out []Finding
	for _, d := range ds {
		switch {
		case !Bool(d, "enable"):
			out = append(out, fail(d.URN, "detector %s is not enabled", d.Name))
		case Str(d, "findingPublishingFrequency") != "FIFTEEN_MINUTES":
			out = append(out, fail(d.URN, "detector %s publishes findings every %q, not FIFTEEN_MINUTES: a high-severity finding waits up to hours to page", d.Name, Str(d, "findingPublishingFrequency")))
		default:
			out = append(out, pass(d.URN, "enabled, findings every 15 minutes"))
		}
	}
	return out
}
