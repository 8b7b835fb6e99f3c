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
		res(typeReplication, "b", "r", map[string]any{"bucket": "bkt", "rules": []any{map[string]any{"id": "to-dr"}}}),
		res(typeVault, "v", "vault", map[string]any{"name": "suoke-prod-x"}),
		res(typeVaultLock, "v", "lock", map[string]any{"backupVaultName": "suoke-prod-x"}),
		res(typeBackupPlan, "plan", "plan", map[string]any{"rules": []any{map[string]any{"ruleName": "daily", "copyActions": []any{map[string]any{}}}}}),
		res(typeKMSKey, "k", "key", map[string]any{"enableKeyRotation": true}),
	}
}

func TestBackupRulesPass(t *testing.T) {
	for _, id := range []string{"BAK-001", "BAK-002", "BAK-003", "BAK-004", "BAK-005", "BAK-006", "BAK-007"} {
		assert.Empty(t, failedOf(t, id, graph("prod", goodBackups())), id)
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
	}
	for _, c := range cases {
		t.Run(c.rule+" "+c.want, func(t *testing.T) {
			failed := failedOf(t, c.rule, graph("prod", c.mutate(goodBackups())))
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
