package policy

import (
	"sort"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
	tagkit "github.com/suoke-life/suoke-platform/infra/tags"
)

// Resource types the backup rules read.
const (
	typeBucket        = "aws:s3/bucketV2:BucketV2"
	typeVersioning    = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeSSE           = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typePAB           = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeBucketPolicy  = "aws:s3/bucketPolicy:BucketPolicy"
	typeReplication   = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
	typeSelection     = "aws:backup/selection:Selection"
	typeVault         = "aws:backup/vault:Vault"
	typeVaultLock     = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
	typeBackupPlan    = "aws:backup/plan:Plan"
	typeKMSKey        = "aws:kms/key:Key"
	bucketRoleTag     = tagkit.BucketRole
	bucketRoleLogs    = tagkit.BucketRoleAccessLogs
	bucketRoleBackups = tagkit.BucketRoleBackups
)

var backupRules = []Rule{
	{ID: "BAK-001", Severity: High, Description: "every bucket is versioned", Check: checkVersioned},
	{ID: "BAK-002", Severity: Critical, Description: "every bucket is encrypted at rest, backups with KMS", Check: checkBucketEncryption},
	{ID: "BAK-003", Severity: Critical, Description: "every bucket blocks all public access", Check: checkPublicAccessBlocked},
	{ID: "BAK-004", Severity: High, Description: "every bucket denies requests not made over TLS", Check: checkTLSOnly},
	{ID: "BAK-005", Severity: Critical, Description: "in prod, every backup is copied to another region", Check: checkCrossRegionCopies},
	{ID: "BAK-006", Severity: High, Description: "in prod, every backup vault is locked", Check: checkVaultsLocked},
	{ID: "BAK-007", Severity: High, Description: "every KMS key rotates", Check: checkKeysRotate},
	{ID: "BAK-008", Severity: Critical, Description: "every AWS Backup selection takes only volumes tagged with its own stack's name", Check: checkSelectionsScoped},
	{ID: "BAK-009", Severity: High, Description: "every replicated prefix expires in its destination with its source", Check: checkReplicasExpire},
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

// SelectionTagValues returns the values of config.BackupVolumeTag a recorded AWS Backup selection
// requires of every volume it takes, and whether it requires one at all. Conditions are ANDed, so a
// StringEquals condition on aws:ResourceTag/<tag> is required of every volume; ListOfTags entries
// (selectionTags) are not documented as ANDed with the conditions, so a selection with any entry
// that is not the tag itself counts as unscoped (AWS::Backup::BackupSelection
// BackupSelectionResourceType, Conditions and ListOfTags, read 2026-12-02). Two selections whose
// required values differ cannot take the same volume: a volume has one value per tag key.
func SelectionTagValues(sel *plan.Resource) (values []string, scoped bool) {
	seen := map[string]bool{}
	for _, t := range List(sel, "selectionTags") {
		m, _ := t.(map[string]any)
		v, _ := m["value"].(string)
		if m["type"] != "STRINGEQUALS" || m["key"] != config.BackupVolumeTag || v == "" {
			return nil, false
		}
		seen[v] = true
	}
	conds := List(sel, "conditions")
	condScoped := len(conds) == 0
	for _, c := range conds {
		m, _ := c.(map[string]any)
		eqs, _ := m["stringEquals"].([]any)
		for _, e := range eqs {
			em, _ := e.(map[string]any)
			if v, _ := em["value"].(string); em["key"] == config.BackupSelectionConditionKey && v != "" {
				seen[v], condScoped = true, true
			}
		}
	}
	if !condScoped || len(seen) == 0 {
		return nil, false
	}
	for v := range seen {
		values = append(values, v)
	}
	sort.Strings(values)
	return values, true
}

// checkSelectionsScoped: a selection takes only volumes whose backup tag is this stack's name.
// Every stack's storage classes tag their volumes with their own name, so selections scoped this way
// are disjoint across stacks sharing an account (tests/backup_scope_test.go checks it over prod,
// staging and prod-dr together).
func checkSelectionsScoped(x *Index) []Finding {
	want := config.BackupVolumeTagValue(x.Graph.Stack)
	var out []Finding
	for _, s := range x.OfType(typeSelection) {
		values, scoped := SelectionTagValues(s)
		switch {
		case !scoped:
			out = append(out, fail(s.URN, "backup selection %s does not require %s=%s of every volume: it can take other stacks' volumes",
				Str(s, "name"), config.BackupVolumeTag, want))
		case len(values) != 1 || values[0] != want:
			out = append(out, fail(s.URN, "backup selection %s takes volumes tagged %s=%s, not this stack's %s",
				Str(s, "name"), config.BackupVolumeTag, strings.Join(values, ","), want))
		default:
			out = append(out, pass(s.URN, "selects only volumes tagged %s=%s", config.BackupVolumeTag, want))
		}
	}
	return out
}

// lifecycleRule is the part of an S3 lifecycle rule BAK-009 reads.
type lifecycleRule struct {
	prefix         string
	expireDays     float64 // current versions; 0: never
	noncurrentDays float64 // 0: never
}

// lifecycleRules returns a bucket's enabled lifecycle rules that filter by prefix alone (a rule
// also filtering by tag or size does not cover every object under its prefix).
func lifecycleRules(x *Index) map[string][]lifecycleRule {
	out := map[string][]lifecycleRule{}
	for _, lc := range x.OfType(typeLifecycle) {
		for _, r := range List(lc, "rules") {
			m, _ := r.(map[string]any)
			if m["status"] != "Enabled" {
				continue
			}
			f, _ := m["filter"].(map[string]any)
			if f["and"] != nil || f["tag"] != nil || f["objectSizeGreaterThan"] != nil || f["objectSizeLessThan"] != nil {
				continue
			}
			prefix, _ := f["prefix"].(string)
			e, _ := m["expiration"].(map[string]any)
			nc, _ := m["noncurrentVersionExpiration"].(map[string]any)
			days, _ := e["days"].(float64)
			ncDays, _ := nc["noncurrentDays"].(float64)
			out[Str(lc, "bucket")] = append(out[Str(lc, "bucket")], lifecycleRule{prefix: prefix, expireDays: days, noncurrentDays: ncDays})
		}
	}
	return out
}

// checkReplicasExpire: S3 replication copies objects but not their end. Lifecycle actions are not
// replicated, and delete markers only when delete-marker replication is on and only those of DELETE
// requests, never a lifecycle expiration's (S3 User Guide "Replicating delete markers between
// buckets", read 2026-12-02). So every replicated prefix needs, in its destination, a lifecycle
// rule covering it that expires noncurrent versions, and either delete markers replicated (with no
// lifecycle expiration of current versions on the source under that prefix, whose markers would not
// follow) or an expiration of current versions in the destination no later than the source's.
func checkReplicasExpire(x *Index) []Finding {
	rules := lifecycleRules(x)
	var out []Finding
	for _, rc := range x.OfType(typeReplication) {
		src := Str(rc, "bucket")
		for _, r := range List(rc, "rules") {
			m, _ := r.(map[string]any)
			if m["status"] != "Enabled" {
				continue
			}
			f, _ := m["filter"].(map[string]any)
			prefix, _ := f["prefix"].(string)
			dest, _ := m["destination"].(map[string]any)
			arn, _ := dest["bucket"].(string)
			dst := arn[strings.LastIndex(arn, ":")+1:]
			dm, _ := m["deleteMarkerReplication"].(map[string]any)
			markers := dm["status"] == "Enabled"
			what := src + "/" + prefix + "* -> " + dst
			// covering: the rule applies to every key under prefix. overlapping: to some.
			var noncurrent bool
			var dstExpire float64
			for _, lr := range rules[dst] {
				if strings.HasPrefix(prefix, lr.prefix) {
					noncurrent = noncurrent || lr.noncurrentDays > 0
					if lr.expireDays > 0 && (dstExpire == 0 || lr.expireDays < dstExpire) {
						dstExpire = lr.expireDays
					}
				}
			}
			var srcExpire float64
			for _, lr := range rules[src] {
				if lr.expireDays > 0 && (strings.HasPrefix(prefix, lr.prefix) || strings.HasPrefix(lr.prefix, prefix)) && lr.expireDays > srcExpire {
					srcExpire = lr.expireDays
				}
			}
			switch {
			case !noncurrent:
				out = append(out, fail(rc.URN, "replicas of %s never expire: no lifecycle rule of %s covering the prefix expires noncurrent versions", what, dst))
			case srcExpire > 0 && (dstExpire == 0 || dstExpire > srcExpire):
				out = append(out, fail(rc.URN, "replicas of %s outlive their source: the source's lifecycle expires current versions after %.0f days, and the delete markers a lifecycle adds are not replicated", what, srcExpire))
			case !markers && dstExpire == 0:
				out = append(out, fail(rc.URN, "replicas of %s stay current forever: delete markers are not replicated and %s does not expire current versions", what, dst))
			default:
				out = append(out, pass(rc.URN, "replicas of %s expire with their source", what))
			}
		}
	}
	return out
}
