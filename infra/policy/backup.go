package policy

import (
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Resource types the backup rules read.
const (
	typeBucket        = "aws:s3/bucketV2:BucketV2"
	typeVersioning    = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeSSE           = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typePAB           = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeBucketPolicy  = "aws:s3/bucketPolicy:BucketPolicy"
	typeReplication   = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
	typeVault         = "aws:backup/vault:Vault"
	typeVaultLock     = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
	typeBackupPlan    = "aws:backup/plan:Plan"
	typeKMSKey        = "aws:kms/key:Key"
	bucketRoleTag     = "suoke.life/bucket-role"
	bucketRoleLogs    = "access-logs"
	bucketRoleBackups = "backups"
)

var backupRules = []Rule{
	{ID: "BAK-001", Severity: High, Description: "every bucket is versioned", Check: checkVersioned},
	{ID: "BAK-002", Severity: Critical, Description: "every bucket is encrypted at rest, backups with KMS", Check: checkBucketEncryption},
	{ID: "BAK-003", Severity: Critical, Description: "every bucket blocks all public access", Check: checkPublicAccessBlocked},
	{ID: "BAK-004", Severity: High, Description: "every bucket denies requests not made over TLS", Check: checkTLSOnly},
	{ID: "BAK-005", Severity: Critical, Description: "in prod, every backup is copied to another region", Check: checkCrossRegionCopies},
	{ID: "BAK-006", Severity: High, Description: "in prod, every backup vault is locked", Check: checkVaultsLocked},
	{ID: "BAK-007", Severity: High, Description: "every KMS key rotates", Check: checkKeysRotate},
}

// bucketSettings maps a bucket's ID to the settings resources that name it in their `bucket` input.
func bucketSettings(x *Index, typ string) map[string]*plan.Resource {
	out := map[string]*plan.Resource{}
	for _, r := range x.OfType(typ) {
		out[Str(r, "bucket")] = r
	}
	return out
}

func eachBucket(x *Index, typ string, check func(b, setting *plan.Resource) Finding) []Finding {
	settings := bucketSettings(x, typ)
	var out []Finding
	for _, b := range x.OfType(typeBucket) {
		out = append(out, check(b, settings[b.ID]))
	}
	return out
}

func checkVersioned(x *Index) []Finding {
	return eachBucket(x, typeVersioning, func(b, v *plan.Resource) Finding {
		if v != nil {
			if cfg, _ := v.Inputs["versioningConfiguration"].(map[string]any); cfg["status"] == "Enabled" {
				return pass(b.URN, "versioned")
			}
		}
		return fail(b.URN, "bucket %s is not versioned: a deleted or overwritten backup would be gone", b.ID)
	})
}

func checkBucketEncryption(x *Index) []Finding {
	return eachBucket(x, typeSSE, func(b, sse *plan.Resource) Finding {
		algo := ""
		if sse != nil {
			for _, r := range List(sse, "rules") {
				m, _ := r.(map[string]any)
				def, _ := m["applyServerSideEncryptionByDefault"].(map[string]any)
				if s, _ := def["sseAlgorithm"].(string); s != "" {
					algo = s
				}
			}
		}
		switch {
		case algo == "aws:kms" || algo == "aws:kms:dsse":
			return pass(b.URN, "encrypted with KMS")
		case algo == "AES256" && Tag(b, bucketRoleTag) == bucketRoleLogs:
			return pass(b.URN, "access-log bucket encrypted with SSE-S3 (S3 delivers access logs only there)")
		case algo == "":
			return fail(b.URN, "bucket %s has no default encryption", b.ID)
		default:
			return fail(b.URN, "bucket %s is encrypted with %s; backups need KMS (our key, rotating)", b.ID, algo)
		}
	})
}

func checkPublicAccessBlocked(x *Index) []Finding {
	return eachBucket(x, typePAB, func(b, pab *plan.Resource) Finding {
		if pab != nil && Bool(pab, "blockPublicAcls") && Bool(pab, "blockPublicPolicy") && Bool(pab, "ignorePublicAcls") && Bool(pab, "restrictPublicBuckets") {
			return pass(b.URN, "all public access blocked")
		}
		return fail(b.URN, "bucket %s does not block all four kinds of public access", b.ID)
	})
}

func checkTLSOnly(x *Index) []Finding {
	return eachBucket(x, typeBucketPolicy, func(b, pol *plan.Resource) Finding {
		if pol != nil && deniesInsecureTransport(Str(pol, "policy")) {
			return pass(b.URN, "denies non-TLS requests")
		}
		return fail(b.URN, "bucket %s has no policy denying aws:SecureTransport=false", b.ID)
	})
}

func deniesInsecureTransport(doc string) bool {
	for _, st := range statements(doc) {
		if st["Effect"] != "Deny" {
			continue
		}
		cond, _ := st["Condition"].(map[string]any)
		b, _ := cond["Bool"].(map[string]any)
		if v, _ := b["aws:SecureTransport"].(string); v == "false" {
			return true
		}
	}
	return false
}

func checkCrossRegionCopies(x *Index) []Finding {
	if x.Graph.Environment != "prod" {
		return []Finding{pass("", "not prod: %s", x.Graph.Environment)}
	}
	replicated := bucketSettings(x, typeReplication)
	var out []Finding
	for _, b := range x.OfType(typeBucket) {
		if Tag(b, bucketRoleTag) != bucketRoleBackups {
			continue
		}
		if r := replicated[b.ID]; r != nil && len(List(r, "rules")) > 0 {
			out = append(out, pass(b.URN, "replicated to another region"))
		} else {
			out = append(out, fail(b.URN, "backup bucket %s is not replicated to another region", b.ID))
		}
	}
	for _, p := range x.OfType(typeBackupPlan) {
		for _, r := range List(p, "rules") {
			m, _ := r.(map[string]any)
			name, _ := m["ruleName"].(string)
			if copies, _ := m["copyActions"].([]any); len(copies) > 0 {
				out = append(out, pass(p.URN, "rule %s copies its recovery points to another region", name))
			} else {
				out = append(out, fail(p.URN, "backup rule %s has no copy to another region", name))
			}
		}
	}
	return out
}

func checkVaultsLocked(x *Index) []Finding {
	if x.Graph.Environment != "prod" {
		return []Finding{pass("", "not prod: %s", x.Graph.Environment)}
	}
	locks := map[string]bool{}
	for _, l := range x.OfType(typeVaultLock) {
		locks[Str(l, "backupVaultName")] = true
	}
	var out []Finding
	for _, v := range x.OfType(typeVault) {
		if locks[Str(v, "name")] {
			out = append(out, pass(v.URN, "vault locked"))
		} else {
			out = append(out, fail(v.URN, "vault %s has no vault lock: a compromised account could delete its recovery points", Str(v, "name")))
		}
	}
	return out
}

func checkKeysRotate(x *Index) []Finding {
	var out []Finding
	for _, k := range x.OfType(typeKMSKey) {
		if Bool(k, "enableKeyRotation") {
			out = append(out, pass(k.URN, "rotation on"))
		} else {
			out = append(out, fail(k.URN, "KMS key does not rotate"))
		}
	}
	return out
}
