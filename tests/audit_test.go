package tests

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// auditScopes are the audit baseline's types that AWS holds once per account and region (a GuardDuty
// detector, a configuration recorder and delivery channel, a Security Hub account, a registry scanning
// configuration per region) or once per account here (the one multi-region trail, whose home is the
// owner's region). Values are "region" or "account".
var auditScopes = map[string]string{
	"aws:guardduty/detector:Detector":                                     "region",
	"aws:cfg/recorder:Recorder":                                           "region",
	"aws:cfg/deliveryChannel:DeliveryChannel":                             "region",
	"aws:cfg/recorderStatus:RecorderStatus":                               "region",
	"aws:securityhub/account:Account":                                     "region",
	"aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": "region",
	"aws:cloudtrail/trail:Trail":                                          "account",
}

// chinaRegions are the regions of the account the three stacks share (prod and staging in Ningxia,
// prod-dr in Beijing): every region-scoped type must be there once in each.
var chinaRegions = []string{"cn-north-1", "cn-northwest-1"}

// auditInstances lists where each audit type is created across the graphs: "type|scope" → "stack:name".
func auditInstances(graphs ...*plan.Graph) map[string][]string {
	out := map[string][]string{}
	for _, g := range graphs {
		providers := map[string]string{}
		for _, r := range g.Resources {
			if r.Type == "pulumi:providers:aws" {
				reg, _ := r.Inputs["region"].(string)
				providers[r.URN] = reg
			}
		}
		for _, r := range g.Resources {
			scope, ok := auditScopes[r.Type]
			if !ok {
				continue
			}
			if scope == "region" {
				scope = regionOf(g, r, providers)
			}
			k := r.Type + "|" + scope
			out[k] = append(out[k], g.Stack+":"+r.Name)
		}
	}
	return out
}

// auditProblems says what is not exactly once per account and region.
func auditProblems(all map[string][]string) []string {
	var out []string
	for typ, scope := range auditScopes {
		scopes := chinaRegions
		if scope == "account" {
			scopes = []string{"account"}
		}
		for _, s := range scopes {
			if where := all[typ+"|"+s]; len(where) != 1 {
				out = append(out, fmt.Sprintf("%s in %s: %d (%s)", typ, s, len(where), strings.Join(where, ", ")))
			}
		}
	}
	sort.Strings(out)
	return out
}

func recordAll(t *testing.T) (prod, staging, dr *plan.Graph) {
	prod, _ = record(t, "prod")
	staging, _ = record(t, "staging")
	dr, _ = record(t, "prod-dr")
	return prod, staging, dr
}

// TestAuditBaselineOncePerAccountAndRegion: planned as the stack files are, prod (the owner of the
// account baseline) creates the trail once and the detector, recorder, Security Hub account and
// scanning configuration once in each China region, protected and kept on destroy; staging and
// prod-dr create none of them.
func TestAuditBaselineOncePerAccountAndRegion(t *testing.T) {
	prod, staging, dr := recordAll(t)
	all := auditInstances(prod, staging, dr)
	assert.Empty(t, auditProblems(all))
	for k, where := range all {
		for _, w := range where {
			assert.True(t, strings.HasPrefix(w, "prod:"), "%s is created by %s; only prod owns the account baseline", k, w)
		}
	}
	for _, r := range prod.Resources {
		if _, ok := auditScopes[r.Type]; ok {
			assert.True(t, r.Protect && r.RetainOnDelete, "%s %s must be protected and retained", r.Type, r.Name)
		}
	}
	// The trail's home is prod's region (CloudFront events arrive only in cn-northwest-1).
	assert.Equal(t, []string{"prod:audit-cn-northwest-1-trail"}, all["aws:cloudtrail/trail:Trail|account"])
	// Global IAM resources are recorded in one region only.
	global := 0
	for _, r := range prod.Resources {
		if r.Type == "aws:cfg/recorder:Recorder" {
			if g, _ := r.Inputs["recordingGroup"].(map[string]any); g["includeGlobalResourceTypes"] == true {
				global++
			}
		}
	}
	assert.Equal(t, 1, global, "global resource types recorded in exactly one region")
}

// TestSecondAuditOwnerIsCaught: the check above fails when a second stack of the account also claims
// the account baseline: staging would build a second detector, recorder, Security Hub account and
// trail in Ningxia.
func TestSecondAuditOwnerIsCaught(t *testing.T) {
	prod, _ := record(t, "prod")
	sc, err := plan.LoadStackConfig(projectDir, "staging")
	require.NoError(t, err)
	sc.Values["suoke-platform:accountBaseline"] = "true"
	staging, err := plan.RecordConfig(sc)
	require.NoError(t, err)
	problems := auditProblems(auditInstances(prod, staging))
	require.NotEmpty(t, problems)
	assert.Contains(t, strings.Join(problems, "\n"), "aws:guardduty/detector:Detector in cn-northwest-1: 2 (prod:audit-cn-northwest-1-guardduty, staging:audit-cn-northwest-1-guardduty)")
}

// TestAuditBaselineUsesWhatChinaOffers: the values here are transcribed from the China documentation
// (read 2026-12-02), not from infra/awsfacts, so a wrong facts row fails this test.
func TestAuditBaselineUsesWhatChinaOffers(t *testing.T) {
	prod, _ := record(t, "prod")
	features := map[string]int{}
	rules := map[string]bool{}
	var standards, policies []string
	channels := 0
	for _, r := range prod.Resources {
		switch r.Type {
		case "aws:guardduty/detector:Detector":
			// GuardDuty API UpdateDetector: FIFTEEN_MINUTES is the shortest publishing frequency.
			assert.Equal(t, "FIFTEEN_MINUTES", r.Inputs["findingPublishingFrequency"])
		case "aws:guardduty/detectorFeature:DetectorFeature":
			features[r.Inputs["name"].(string)]++
			assert.Equal(t, "ENABLED", r.Inputs["status"])
		case "aws:cfg/rule:Rule":
			rules[r.Inputs["name"].(string)] = true
		case "aws:securityhub/standardsSubscription:StandardsSubscription":
			standards = append(standards, r.Inputs["standardsArn"].(string))
		case "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration":
			// Basic scanning, scan on push, every repository (ECR User Guide, China edition, "Image scanning").
			assert.Equal(t, "BASIC", r.Inputs["scanType"])
			b, _ := json.Marshal(r.Inputs["rules"])
			assert.Contains(t, string(b), `"scanFrequency":"SCAN_ON_PUSH"`)
		case "aws:s3/bucketPolicy:BucketPolicy":
			if r.Name == "audit-cn-northwest-1-bucket" {
				policies = append(policies, r.Inputs["policy"].(string))
			}
		case "aws:cfg/deliveryChannel:DeliveryChannel":
			// AWS Config delivers in China (Beijing) only to a bucket in Beijing, and never to a bucket
			// with object lock (Config API Reference, China edition, PutDeliveryChannel; CloudFormation
			// AWS::Config::DeliveryChannel): each region's channel names a bucket of its own region
			// that is not the trail's locked bucket.
			bucket := r.Inputs["s3BucketName"].(string)
			region := strings.TrimPrefix(r.Name, "audit-")
			region = strings.TrimSuffix(region, "-config")
			assert.True(t, strings.HasSuffix(bucket, "-"+region), "%s delivers to %s, outside %s", r.Name, bucket, region)
			for _, b := range prod.Resources {
				if b.Type == "aws:s3/bucketV2:BucketV2" && b.Inputs["bucket"] == bucket {
					assert.NotEqual(t, true, b.Inputs["objectLockEnabled"], "Config cannot deliver to %s: object lock", bucket)
				}
			}
			channels++
		}
	}
	// S3 protection and EKS audit-log monitoring in both regions; Runtime Monitoring (EKS Runtime
	// Monitoring included) is not supported in China (docs.amazonaws.cn/en_us/aws/latest/userguide/guardduty.html).
	assert.Equal(t, map[string]int{"S3_DATA_EVENTS": 2, "EKS_AUDIT_LOGS": 2}, features)
	// Rules whose pages exclude the China regions are not created there.
	for _, missing := range []string{"ecr-private-image-scanning-enabled", "eks-cluster-secrets-encrypted", "encrypted-volumes"} {
		assert.False(t, rules[missing], "%s is not offered in the China regions", missing)
	}
	for _, present := range []string{"multi-region-cloudtrail-enabled", "eks-endpoint-no-public-access", "cmk-backing-key-rotation-enabled"} {
		assert.True(t, rules[present], present)
	}
	assert.Equal(t, 2, channels)
	sort.Strings(standards)
	assert.Equal(t, []string{
		"arn:aws-cn:securityhub:cn-north-1::standards/aws-foundational-security-best-practices/v/1.0.0",
		"arn:aws-cn:securityhub:cn-northwest-1::standards/aws-foundational-security-best-practices/v/1.0.0",
	}, standards)
	// The audit bucket lets CloudTrail write as the China documentation's bucket policy example names
	// it, only for this account's trail.
	require.Len(t, policies, 1)
	assert.Contains(t, policies[0], `"Service":"cloudtrail.amazonaws.com"`)
	assert.Contains(t, policies[0], `"aws:SourceArn":"arn:aws-cn:cloudtrail:cn-northwest-1:`+plan.MockAccountID+`:trail/suoke-platform-audit"`)
	assert.Contains(t, policies[0], `"aws:SecureTransport":"false"`)
}
