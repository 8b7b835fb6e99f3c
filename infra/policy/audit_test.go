package policy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// goodAudit is a compliant owner's audit baseline, written from the CloudTrail and S3 APIs' own
// fields: a multi-region validated KMS trail into a bucket locked 180 days that expires after a year,
// delivered to a log group kept 180 days, and a detector publishing every 15 minutes.
func goodAudit() []plan.Resource {
	return []plan.Resource{
		res(typeTrail, "trail", "trail", map[string]any{
			"isMultiRegionTrail": true, "includeGlobalServiceEvents": true, "enableLogFileValidation": true,
			"kmsKeyId": "arn:aws-cn:kms:cn-northwest-1:111122223333:key/k", "enableLogging": true, "s3BucketName": "audit-bkt",
			"cloudWatchLogsGroupArn": "arn:aws-cn:logs:cn-northwest-1:111122223333:log-group:/p/audit/cloudtrail:*",
		}),
		res(typeBucket, "bucket", "audit-bkt", map[string]any{"bucket": "audit-bkt", "objectLockEnabled": true}),
		res(typeObjectLock, "lock", "l", map[string]any{"bucket": "audit-bkt",
			"rule": map[string]any{"defaultRetention": map[string]any{"mode": "COMPLIANCE", "days": float64(180)}}}),
		res(typeLifecycle, "lc", "lc", map[string]any{"bucket": "audit-bkt",
			"rules": []any{map[string]any{"status": "Enabled", "expiration": map[string]any{"days": float64(365)}}}}),
		res(typeLogGroup, "logs", "logs", map[string]any{"name": "/p/audit/cloudtrail", "retentionInDays": float64(180)}),
		res(typeDetector, "gd", "gd", map[string]any{"enable": true, "findingPublishingFrequency": "FIFTEEN_MINUTES"}),
	}
}

func TestAuditRulesPassForTheOwner(t *testing.T) {
	for _, id := range []string{"AUD-001", "AUD-002"} {
		assert.Empty(t, failedOf(t, id, withConfig(graph("prod", goodAudit()), true, true)), id)
	}
	// A stack that does not own the baseline is not held to it: the owner's trail covers the account.
	for _, id := range []string{"AUD-001", "AUD-002"} {
		assert.Empty(t, failedOf(t, id, withConfig(graph("staging", nil), false, false)), id)
	}
}

func TestAuditRulesFail(t *testing.T) {
	cases := []struct {
		rule   string
		mutate func([]plan.Resource) []plan.Resource
		want   string
	}{
		{"AUD-001", func(rs []plan.Resource) []plan.Resource { return without(rs, typeTrail) }, "has no multi-region trail"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource { return setInput(rs, typeTrail, "isMultiRegionTrail", false) }, "lacks: multi-region"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeTrail, "enableLogFileValidation", false)
		}, "log file validation"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource { return setInput(rs, typeTrail, "kmsKeyId", "") }, "KMS encryption"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeTrail, "includeGlobalServiceEvents", false)
		}, "global service events"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource { return setInput(rs, typeTrail, "s3BucketName", "elsewhere") }, "a bucket of this stack"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource { return setInput(rs, typeBucket, "objectLockEnabled", false) }, "object lock on bucket"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource { return without(rs, typeObjectLock) }, "retention of at least 180 days"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeObjectLock, "rule", map[string]any{"defaultRetention": map[string]any{"mode": "COMPLIANCE", "days": float64(90)}})
		}, "retention of at least 180 days"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeLifecycle, "rules", []any{map[string]any{"status": "Enabled", "expiration": map[string]any{"days": float64(30)}}})
		}, "no lifecycle expiry before 180 days"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeLogGroup, "retentionInDays", float64(90))
		}, "retention of at least 180 days"},
		{"AUD-001", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeTrail, "cloudWatchLogsGroupArn", nil)
		}, "delivery to CloudWatch Logs"},
		{"AUD-002", func(rs []plan.Resource) []plan.Resource { return without(rs, typeDetector) }, "no GuardDuty detector"},
		{"AUD-002", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeDetector, "findingPublishingFrequency", "SIX_HOURS")
		}, "not FIFTEEN_MINUTES"},
		{"AUD-002", func(rs []plan.Resource) []plan.Resource { return setInput(rs, typeDetector, "enable", false) }, "not enabled"},
	}
	for _, c := range cases {
		f := failedOf(t, c.rule, withConfig(graph("prod", c.mutate(goodAudit())), true, true))
		if assert.NotEmpty(t, f, "%s should fail (%s)", c.rule, c.want) {
			found := false
			for _, r := range f {
				found = found || strings.Contains(r.Message, c.want)
			}
			assert.True(t, found, "%s: want a failure mentioning %q, got %v", c.rule, c.want, f)
		}
	}
}
