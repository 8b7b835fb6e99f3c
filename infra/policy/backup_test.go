package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

const tlsPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

// goodBackups is a compliant prod backup setup: one KMS-encrypted, versioned, locked-down bucket that
// replicates, a locked vault and a plan whose rules copy across regions.
func goodBackups() []plan.Resource {
	return []plan.Resource{
		res(typeBucket, "b", "bkt", map[string]any{"bucket": "bkt", "tags": tags(bucketRoleTag, bucketRoleBackups)}),
		res(typeVersioning, "b", "v", map[string]any{"bucket": "bkt", "versioningConfiguration": map[string]any{"status": "Enabled"}}),
		res(typeSSE, "b", "e", map[string]any{"bucket": "bkt", "rules": []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms"}}}}),
		res(typePAB, "b", "p", map[string]any{"bucket": "bkt", "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}),
		res(typeBucketPolicy, "b", "bp", map[string]any{"bucket": "bkt", "policy": tlsPolicy}),
		res(typeReplication, "b", "r", map[string]any{"bucket": "bkt", "rules": []any{map[string]any{"id": "to-dr", "status": "Enabled",
			"filter": map[string]any{"prefix": ""}, "destination": map[string]any{"bucket": "arn:aws-cn:s3:::bkt-dr"},
			"deleteMarkerReplication": map[string]any{"status": "Enabled"}}}}),
		res(typeLifecycle, "b", "lc", map[string]any{"bucket": "bkt", "rules": []any{lcRule("", 0, 90)}}),
		res(typeLifecycle, "dr", "lc-dr", map[string]any{"bucket": "bkt-dr", "rules": []any{lcRule("", 0, 90)}}),
		res(typeSelection, "sel", "sel", map[string]any{"name": "suoke-prod-x-ebs", "conditions": []any{map[string]any{
			"stringEquals": []any{map[string]any{"key": "aws:ResourceTag/suoke.life/backup", "value": "prod"}}}}}),
		res(typeVault, "v", "vault", map[string]any{"name": "suoke-prod-x"}),
		res(typeVaultLock, "v", "lock", map[string]any{"backupVaultName": "suoke-prod-x"}),
		res(typeBackupPlan, "plan", "plan", map[string]any{"rules": []any{map[string]any{"ruleName": "daily", "copyActions": []any{map[string]any{}}}}}),
		res(typeKMSKey, "k", "key", map[string]any{"enableKeyRotation": true}),
	}
}

// lcRule is an enabled S3 lifecycle rule on a prefix: current versions expire after expire days
// (0: never), noncurrent ones after noncurrent days (0: never).
func lcRule(prefix string, expire, noncurrent float64) map[string]any {
	r := map[string]any{"status": "Enabled", "filter": map[string]any{"prefix": prefix}}
	if expire > 0 {
		r["expiration"] = map[string]any{"days": expire}
	}
	if noncurrent > 0 {
		r["noncurrentVersionExpiration"] = map[string]any{"noncurrentDays": noncurrent}
	}
	return r
}

// prodGraph is a graph of the stack named prod.
func prodGraph(rs []plan.Resource) *plan.Graph {
	g := graph("prod", rs)
	g.Stack = "prod"
	return g
}

func TestBackupRulesPass(t *testing.T) {
	for _, id := range []string{"BAK-001", "BAK-002", "BAK-003", "BAK-004", "BAK-005", "BAK-006", "BAK-007", "BAK-008", "BAK-009"} {
		assert.Empty(t, failedOf(t, id, prodGraph(goodBackups())), id)
	}
}

func TestBackupRulesFail(t *testing.T) {
	cases := []struct {
		rule   string
		mutate func([]plan.Resource) []plan.Resource
		want   string
	}{
		{"BAK-001", func(rs []plan.Resource) []plan.Resource { return without(rs, typeVersioning) }, "not versioned"},
		{"BAK-001", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeVersioning, "versioningConfiguration", map[string]any{"status": "Suspended"})
		}, "not versioned"},
		{"BAK-002", func(rs []plan.Resource) []plan.Resource { return without(rs, typeSSE) }, "no default encryption"},
		{"BAK-002", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeSSE, "rules", []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}})
		}, "encrypted with AES256; backups need KMS"},
		{"BAK-003", func(rs []plan.Resource) []plan.Resource { return setInput(rs, typePAB, "restrictPublicBuckets", false) }, "four kinds"},
		{"BAK-004", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeBucketPolicy, "policy", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}`)
		}, "aws:SecureTransport=false"},
		{"BAK-005", func(rs []plan.Resource) []plan.Resource { return without(rs, typeReplication) }, "not replicated"},
		{"BAK-005", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeBackupPlan, "rules", []any{map[string]any{"ruleName": "weekly"}})
		}, "rule weekly has no copy"},
		{"BAK-006", func(rs []plan.Resource) []plan.Resource { return without(rs, typeVaultLock) }, "no vault lock"},
		{"BAK-007", func(rs []plan.Resource) []plan.Resource { return setInput(rs, typeKMSKey, "enableKeyRotation", false) }, "does not rotate"},
		// The selection takes another stack's volumes, every volume, or an ORed tag besides its own.
		{"BAK-008", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeSelection, "conditions", []any{map[string]any{
				"stringEquals": []any{map[string]any{"key": "aws:ResourceTag/suoke.life/backup", "value": "staging"}}}})
		}, "tagged suoke.life/backup=staging, not this stack's prod"},
		{"BAK-008", func(rs []plan.Resource) []plan.Resource { return setInput(rs, typeSelection, "conditions", nil) }, "can take other stacks' volumes"},
		{"BAK-008", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeSelection, "conditions", []any{map[string]any{
				"stringLikes": []any{map[string]any{"key": "aws:ResourceTag/suoke.life/backup", "value": "*"}}}})
		}, "can take other stacks' volumes"},
		{"BAK-008", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeSelection, "selectionTags", []any{map[string]any{"type": "STRINGEQUALS", "key": "suoke.life/backup", "value": "true"}})
		}, "tagged suoke.life/backup=prod,true"},
		{"BAK-008", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeSelection, "selectionTags", []any{map[string]any{"type": "STRINGEQUALS", "key": "team", "value": "health"}})
		}, "can take other stacks' volumes"},
		// Replicas never leave the destination: no noncurrent expiry there, no delete markers
		// replicated, or a source whose lifecycle expiration makes markers that are not replicated.
		{"BAK-009", func(rs []plan.Resource) []plan.Resource { return withRules(rs, "bkt-dr", lcRule("", 0, 0)) }, "no lifecycle rule of bkt-dr covering the prefix expires noncurrent"},
		{"BAK-009", func(rs []plan.Resource) []plan.Resource { return withRules(rs, "bkt-dr", lcRule("velero/", 0, 90)) }, "never expire"},
		{"BAK-009", func(rs []plan.Resource) []plan.Resource {
			return setInput(rs, typeReplication, "rules", []any{map[string]any{"status": "Enabled", "filter": map[string]any{"prefix": ""},
				"destination": map[string]any{"bucket": "arn:aws-cn:s3:::bkt-dr"}, "deleteMarkerReplication": map[string]any{"status": "Disabled"}}})
		}, "stay current forever: delete markers are not replicated"},
		{"BAK-009", func(rs []plan.Resource) []plan.Resource { return withRules(rs, "bkt", lcRule("", 60, 90)) }, "source's lifecycle expires current versions after 60 days"},
	}
	for _, c := range cases {
		t.Run(c.rule+" "+c.want, func(t *testing.T) {
			failed := failedOf(t, c.rule, prodGraph(c.mutate(goodBackups())))
			require.NotEmpty(t, failed)
			assert.Contains(t, failed[0].Message, c.want)
		})
	}
}

func TestAccessLogBucketsMayUseSSES3(t *testing.T) {
	rs := setInput(goodBackups(), typeSSE, "rules", []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}})
	rs = setInput(rs, typeBucket, "tags", tags(bucketRoleTag, bucketRoleLogs))
	assert.Empty(t, failedOf(t, "BAK-002", graph("prod", rs)))
}

func TestCrossRegionAndLocksOnlyInProd(t *testing.T) {
	rs := without(without(goodBackups(), typeReplication), typeVaultLock)
	assert.Empty(t, failedOf(t, "BAK-005", graph("staging", rs)))
	assert.Empty(t, failedOf(t, "BAK-006", graph("staging", rs)))
}

// withRules replaces the lifecycle rules of one bucket.
func withRules(rs []plan.Resource, bucket string, rules ...any) []plan.Resource {
	out := append([]plan.Resource(nil), rs...)
	for i := range out {
		if out[i].Type == typeLifecycle && out[i].Inputs["bucket"] == bucket {
			out[i].Inputs = map[string]any{"bucket": bucket, "rules": rules}
		}
	}
	return out
}

// TestReplicaExpiryAlternatives: a destination that expires current versions itself, as early as
// the source, stands in for replicated delete markers; a later one does not.
func TestReplicaExpiryAlternatives(t *testing.T) {
	noMarkers := setInput(goodBackups(), typeReplication, "rules", []any{map[string]any{"status": "Enabled", "filter": map[string]any{"prefix": ""},
		"destination": map[string]any{"bucket": "arn:aws-cn:s3:::bkt-dr"}, "deleteMarkerReplication": map[string]any{"status": "Disabled"}}})
	assert.Empty(t, failedOf(t, "BAK-009", prodGraph(withRules(noMarkers, "bkt-dr", lcRule("", 60, 90)))))
	srcExpires := withRules(goodBackups(), "bkt", lcRule("", 60, 90))
	assert.Empty(t, failedOf(t, "BAK-009", prodGraph(withRules(srcExpires, "bkt-dr", lcRule("", 60, 90)))))
	assert.NotEmpty(t, failedOf(t, "BAK-009", prodGraph(withRules(srcExpires, "bkt-dr", lcRule("", 90, 90)))))
}
