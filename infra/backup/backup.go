package backup

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/protection"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// Backup is the component; its outputs are what the composition and the data tier read.
type Backup struct {
	pulumi.ResourceState

	// KeyARNs are the backup KMS keys this stack created, by region.
	KeyARNs map[string]pulumi.StringOutput
	// Buckets are the buckets this stack created or uses, by name (primary first in Topology).
	Buckets []string
	// Vaults are the AWS Backup vaults this stack backs up to (first) and copies to.
	Vaults []string
	// PlanID is the AWS Backup plan of the cluster's EBS volumes.
	PlanID pulumi.IDOutput
	// VeleroRoleARN is Velero's IRSA role ("" output where there is no Velero).
	VeleroRoleARN pulumi.StringOutput
	// RPO is the estimate for this stack's data in the DR region.
	RPO Estimate
	// ArchiveReady are the buckets, their settings and replication, named one by one for what
	// writes to them to wait on: a DependsOn on the component itself expands to whichever of its
	// children happen to be registered by then, which made the plan differ from run to run.
	ArchiveReady []pulumi.Resource
}

type builder struct {
	ctx    *pulumi.Context
	name   string
	args   Args
	c      *Backup
	keys   map[string]*kms.Key
	bucket map[string]*s3.BucketV2
	ready  map[string][]pulumi.Resource // bucket → its versioning, for replication to wait on
}

// New builds the backups.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Backup, error) {
	if errs := args.Validate(field.NewPath("backup")); len(errs) > 0 {
		return nil, fmt.Errorf("backup: %w", errs.ToAggregate())
	}
	c := &Backup{KeyARNs: map[string]pulumi.StringOutput{}, RPO: RPO(args.Config)}
	for _, b := range args.Topology.Buckets {
		c.Buckets = append(c.Buckets, b.Name)
	}
	for _, v := range args.Topology.Vaults {
		c.Vaults = append(c.Vaults, v.Name)
	}
	if err := ctx.RegisterComponentResource("suoke:backup:Backup", name, c, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, args: args, c: c, keys: map[string]*kms.Key{}, bucket: map[string]*s3.BucketV2{}, ready: map[string][]pulumi.Resource{}}
	for _, step := range []func() error{b.buckets, b.replication, b.vaults, b.velero} {
		if err := step(); err != nil {
			return nil, fmt.Errorf("backup %s: %w", name, err)
		}
	}
	names := make([]string, 0, len(b.bucket))
	for n := range b.bucket {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c.ArchiveReady = append(append(c.ArchiveReady, b.bucket[n]), b.ready[n]...)
	}
	if c.VeleroRoleARN == (pulumi.StringOutput{}) {
		c.VeleroRoleARN = pulumi.String("").ToStringOutput()
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"buckets": pulumi.ToStringArray(c.Buckets), "vaults": pulumi.ToStringArray(c.Vaults), "rpoMinutes": pulumi.Float64(c.RPO.Minutes),
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// envFor returns the identity (and so the provider) of a region of the topology.
func (b *builder) envFor(region string) *identity.Env {
	if region == b.args.Env.Region || b.args.DREnv == nil {
		return b.args.Env
	}
	return b.args.DREnv
}

func (b *builder) opts(region string, stateful bool, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	o := []pulumi.ResourceOption{pulumi.Parent(b.c), pulumi.Provider(b.envFor(region).Provider)}
	if stateful && b.args.Protect {
		o = append(o, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	return append(o, extra...)
}

// key returns the backup key of a region, creating it once: rotation on, the deletion window of protection.KeyDeletionWindowDays.
func (b *builder) key(region string) (*kms.Key, error) {
	if k, ok := b.keys[region]; ok {
		return k, nil
	}
	k, err := kms.NewKey(b.ctx, fmt.Sprintf("%s-key-%s", b.name, region), &kms.KeyArgs{
		Description:          pulumi.Sprintf("Suoke backups (%s) in %s", b.args.Topology.KeyAlias, region),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(protection.KeyDeletionWindowDays(b.args.Protect)),
	}, b.opts(region, true)...)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(b.ctx, fmt.Sprintf("%s-key-%s", b.name, region), &kms.AliasArgs{
		Name: pulumi.String(b.args.Topology.KeyAlias), TargetKeyId: k.KeyId,
	}, b.opts(region, false)...); err != nil {
		return nil, err
	}
	b.keys[region] = k
	b.c.KeyARNs[region] = k.Arn
	return k, nil
}

// forceDestroy lets a destroy of an unprotected stack delete its buckets and vaults with what they
// hold. Without it S3 refuses to delete a bucket that still has objects or versions (BucketNotEmpty)
// and AWS Backup a vault that still has recovery points, and the destroy stops there. With it the
// provider first deletes every object ("including any locked objects") and every recovery point
// (pulumi-aws v6.83.4 sdk/go/aws/s3/bucketV2.go and
// sdk/go/aws/backup/vault.go, ForceDestroy; hashicorp/terraform-provider-aws
// internal/service/backup/vault.go, resourceVaultDelete: ListRecoveryPointsByBackupVault then
// DeleteRecoveryPoint each; all read 2026-12-02). The flag acts from state: it must have been applied
// by an `up` before the destroy (docs/runbooks/destroy-stack.md). Protected stacks never set it, and
// are retained on delete anyway.
func (b *builder) forceDestroy() bool { return !b.args.Protect }

// denyInsecureTransport refuses every request to the bucket that is not over TLS.
func denyInsecureTransport(env *identity.Env, bucket string) kitiam.Statement {
	arn := env.ARN("s3", "", "", bucket)
	return kitiam.Statement{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
		Resource: []string{arn, arn + "/*"}, Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}}}
}

func (b *builder) buckets() error {
	for _, spec := range b.args.Topology.Buckets {
		if !spec.Create {
			continue
		}
		if err := b.createBucket(spec); err != nil {
			return fmt.Errorf("bucket %s: %w", spec.Name, err)
		}
	}
	return nil
}

func (b *builder) createBucket(spec config.BucketSpec) error {
	ctx, env, cfg := b.ctx, b.envFor(spec.Region), b.args.Config
	key, err := b.key(spec.Region)
	if err != nil {
		return err
	}
	n := b.name + "-" + spec.Name
	bucket, err := s3.NewBucketV2(ctx, n, &s3.BucketV2Args{
		Bucket:            pulumi.String(spec.Name),
		ObjectLockEnabled: pulumi.Bool(spec.ObjectLock),
		ForceDestroy:      pulumi.Bool(b.forceDestroy()),
		Tags:              pulumi.StringMap{tags.BucketRole: pulumi.String(tags.BucketRoleBackups)},
	}, b.opts(spec.Region, true)...)
	if err != nil {
		return err
	}
	b.bucket[spec.Name] = bucket
	o := b.opts(spec.Region, false)
	if _, err := s3.NewBucketOwnershipControls(ctx, n, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(), Rule: &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, o...); err != nil {
		return err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, n, &s3.BucketPublicAccessBlockArgs{
		Bucket: bucket.ID(), BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, o...)
	if err != nil {
		return err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, n, &s3.BucketVersioningV2Args{
		Bucket: bucket.ID(), VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, o...)
	if err != nil {
		return err
	}
	b.ready[spec.Name] = []pulumi.Resource{versioning}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, n, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: key.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true), // fewer KMS calls for WAL's many small objects
		}},
	}, o...); err != nil {
		return err
	}
	tlsOnly, err := kitiam.Document(denyInsecureTransport(env, spec.Name))
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketPolicy(ctx, n, &s3.BucketPolicyArgs{
		Bucket: bucket.ID(), Policy: pulumi.String(tlsOnly),
	}, append(o, pulumi.DependsOn([]pulumi.Resource{pab}))...); err != nil {
		return err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, n, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("tiering-and-expiry"), Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Transitions: s3.BucketLifecycleConfigurationV2RuleTransitionArray{&s3.BucketLifecycleConfigurationV2RuleTransitionArgs{
				Days: pulumi.Int(cfg.TransitionDays), StorageClass: pulumi.String("STANDARD_IA"),
			}},
			// Backups are deleted by their owners' retention (barman, Velero): a delete without a
			// version ID puts a delete marker on top and makes the backup noncurrent, and the
			// noncurrent versions are what expire here, expireDays after. In a replica bucket the
			// same happens through the delete markers replication copies (replicationRule), so the
			// replicas expire on their sources' retention. A current version is never expired by
			// this lifecycle: delete markers a lifecycle expiration adds are not replicated (S3 User
			// Guide "Replicating delete markers between buckets", read 2026-12-02), so a replica
			// would outlive its source; policy BAK-009 fails a source that does. Object Lock does
			// not stand in the way: a retention period protects a version, it does not prevent a
			// delete marker on top of it (S3 User Guide "Locking objects with Object Lock"), and a
			// locked version expires once its retention has passed (objectLockDays <= expireDays,
			// validated; S3 User Guide "Object Lock considerations", "Managing S3 Lifecycle policies
			// with Object Lock"; both read 2026-12-02).
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(cfg.ExpireDays)},
			// Once its noncurrent versions have expired, a key is a lone "expired object delete
			// marker"; this removes those too (S3 User Guide "Expiring objects"; allowed beside
			// NoncurrentVersionExpiration, not beside Expiration Days: S3 API LifecycleExpiration;
			// pulumi-aws v6.83.4 BucketLifecycleConfigurationV2RuleExpirationArgs.ExpiredObjectDeleteMarker;
			// read 2026-12-02).
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{ExpiredObjectDeleteMarker: pulumi.Bool(true)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(7),
			},
		}},
	}, append(o, pulumi.DependsOn([]pulumi.Resource{versioning}))...); err != nil {
		return err
	}
	if spec.ObjectLock {
		if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, n, &s3.BucketObjectLockConfigurationV2Args{
			Bucket: bucket.ID(),
			Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
				Mode: pulumi.String(cfg.ObjectLockMode), Days: pulumi.Int(cfg.ObjectLockDays),
			}},
		}, append(o, pulumi.DependsOn([]pulumi.Resource{versioning}))...); err != nil {
			return err
		}
	}
	return b.accessLogs(spec, bucket)
}

// accessLogs sends the bucket's server access logs to a log bucket beside it. S3 delivers access logs
// only to buckets encrypted with SSE-S3 (S3 User Guide "Enabling Amazon S3 server access logging").
func (b *builder) accessLogs(spec config.BucketSpec, source *s3.BucketV2) error {
	ctx, env := b.ctx, b.envFor(spec.Region)
	name := spec.Name + "-logs"
	n := b.name + "-" + name
	logs, err := s3.NewBucketV2(ctx, n, &s3.BucketV2Args{
		Bucket: pulumi.String(name), ForceDestroy: pulumi.Bool(b.forceDestroy()),
		Tags: pulumi.StringMap{tags.BucketRole: pulumi.String(tags.BucketRoleAccessLogs)},
	}, b.opts(spec.Region, true)...)
	if err != nil {
		return err
	}
	o := b.opts(spec.Region, false)
	pab, err := s3.NewBucketPublicAccessBlock(ctx, n, &s3.BucketPublicAccessBlockArgs{
		Bucket: logs.ID(), BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, o...)
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketVersioningV2(ctx, n, &s3.BucketVersioningV2Args{
		Bucket: logs.ID(), VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, o...); err != nil {
		return err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, n, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: logs.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{SseAlgorithm: pulumi.String("AES256")},
		}},
	}, o...); err != nil {
		return err
	}
	principal, err := env.ServicePrincipal(ctx, "logging.s3")
	if err != nil {
		return err
	}
	arn := env.ARN("s3", "", "", name)
	policy, err := kitiam.Document(denyInsecureTransport(env, name), kitiam.Statement{
		Sid: "S3ServerAccessLogs", Effect: "Allow", Principal: map[string]any{"Service": principal}, Action: "s3:PutObject",
		Resource:  arn + "/*",
		Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.AccountID}},
	})
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketPolicy(ctx, n, &s3.BucketPolicyArgs{Bucket: logs.ID(), Policy: pulumi.String(policy)},
		append(o, pulumi.DependsOn([]pulumi.Resource{pab}))...); err != nil {
		return err
	}
	_, err = s3.NewBucketLoggingV2(ctx, b.name+"-"+spec.Name, &s3.BucketLoggingV2Args{
		Bucket: source.ID(), TargetBucket: logs.ID(), TargetPrefix: pulumi.String("s3-access/"),
	}, o...)
	return err
}

// replication gives each source bucket one replication configuration holding its rules, and a role
// that may read the source and write the destination, re-encrypting with the destination's key.
func (b *builder) replication() error {
	bySource := map[string][]config.ReplicationRule{}
	for _, r := range b.args.Topology.Replication {
		bySource[r.From] = append(bySource[r.From], r)
	}
	sources := make([]string, 0, len(bySource))
	for s := range bySource {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	region := map[string]string{}
	for _, s := range b.args.Topology.Buckets {
		region[s.Name] = s.Region
	}
	for _, src := range sources {
		if err := b.replicate(src, region[src], bySource[src], region); err != nil {
			return fmt.Errorf("replication of %s: %w", src, err)
		}
	}
	return nil
}

func (b *builder) replicate(src, srcRegion string, rules []config.ReplicationRule, region map[string]string) error {
	ctx, env := b.ctx, b.envFor(srcRegion)
	principal, err := env.ServicePrincipal(ctx, "s3")
	if err != nil {
		return err
	}
	n := b.name + "-replication-" + src
	trust, err := kitiam.Document(kitiam.Statement{Effect: "Allow", Principal: map[string]any{"Service": principal},
		Action: "sts:AssumeRole", Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.AccountID}}})
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, n, &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust),
		Description:      pulumi.String("S3 replication of " + src),
	}, b.opts(srcRegion, false)...)
	if err != nil {
		return err
	}
	srcKey, err := b.key(srcRegion)
	if err != nil {
		return err
	}
	srcARN := env.ARN("s3", "", "", src)
	var dstARNs []string
	var dstKeys []pulumi.StringOutput
	for _, r := range rules {
		dstARNs = append(dstARNs, env.ARN("s3", "", "", r.To)+"/*")
		k, err := b.key(region[r.To])
		if err != nil {
			return err
		}
		dstKeys = append(dstKeys, k.Arn)
	}
	keyArgs := []any{srcKey.Arn}
	for _, k := range dstKeys {
		keyArgs = append(keyArgs, k)
	}
	policy := pulumi.All(keyArgs...).ApplyT(func(keys []any) (string, error) {
		return kitiam.Document(
			kitiam.Statement{Effect: "Allow", Action: []string{"s3:GetReplicationConfiguration", "s3:ListBucket"}, Resource: srcARN},
			kitiam.Statement{Effect: "Allow", Action: []string{"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
				"s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"}, Resource: srcARN + "/*"},
			kitiam.Statement{Effect: "Allow", Action: []string{"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags",
				"s3:ObjectOwnerOverrideToBucketOwner"}, Resource: dstARNs},
			kitiam.Statement{Effect: "Allow", Action: "kms:Decrypt", Resource: keys[0]},
			kitiam.Statement{Effect: "Allow", Action: []string{"kms:Encrypt", "kms:GenerateDataKey"}, Resource: keys[1:]},
		)
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, n, &iam.RolePolicyArgs{Role: role.Name, Policy: policy}, b.opts(srcRegion, false)...); err != nil {
		return err
	}
	var cfgRules s3.BucketReplicationConfigRuleArray
	deps := append([]pulumi.Resource{}, b.ready[src]...)
	for i, r := range rules {
		dest := &s3.BucketReplicationConfigRuleDestinationArgs{
			Bucket:                  pulumi.String(env.ARN("s3", "", "", r.To)),
			StorageClass:            pulumi.String("STANDARD"),
			EncryptionConfiguration: &s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs{ReplicaKmsKeyId: dstKeys[i]},
		}
		if r.RTC {
			dest.ReplicationTime = &s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs{
				Status: pulumi.String("Enabled"), Time: &s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs{Minutes: pulumi.Int(15)},
			}
			// RTC requires replication metrics with the same 15-minute threshold (S3 API PutBucketReplication).
			dest.Metrics = &s3.BucketReplicationConfigRuleDestinationMetricsArgs{
				Status: pulumi.String("Enabled"), EventThreshold: &s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs{Minutes: pulumi.Int(15)},
			}
		}
		cfgRules = append(cfgRules, &s3.BucketReplicationConfigRuleArgs{
			Id: pulumi.String(r.ID), Status: pulumi.String("Enabled"), Priority: pulumi.Int(i + 1),
			Filter: &s3.BucketReplicationConfigRuleFilterArgs{Prefix: pulumi.String(r.Prefix)},
			// Delete markers are replicated, so that a backup its owner deletes (barman's and Velero's
			// retention) becomes noncurrent in the replica too and expires there with the
			// destination's noncurrent versions; without them a replica stayed current forever.
			// Only markers from DELETE requests are copied, not a lifecycle expiration's, and not for
			// tag-based rules (ours filter by prefix): S3 User Guide "Replicating delete markers
			// between buckets", read 2026-12-02. A deletion by mistake or by an attacker is replicated
			// as a marker only: the versions under it stay, locked for objectLockDays and kept
			// expireDays. The role already has s3:ReplicateDelete.
			DeleteMarkerReplication: &s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs{Status: pulumi.String("Enabled")},
			SourceSelectionCriteria: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs{
				SseKmsEncryptedObjects: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs{Status: pulumi.String("Enabled")},
			},
			Destination: dest,
		})
		deps = append(deps, b.ready[r.To]...)
	}
	rc, err := s3.NewBucketReplicationConfig(ctx, n, &s3.BucketReplicationConfigArgs{
		Bucket: b.bucket[src].ID(), Role: role.Arn, Rules: cfgRules,
	}, b.opts(srcRegion, false, pulumi.DependsOn(deps))...)
	b.c.ArchiveReady = append(b.c.ArchiveReady, rc)
	return err
}

// Recovery point schedules, UTC: daily at 18:00 (02:00 China time), weekly on Sunday an hour later.
const (
	dailySchedule  = "cron(0 18 * * ? *)"
	weeklySchedule = "cron(0 19 ? * SUN *)"
)

func (b *builder) vaults() error {
	ctx, cfg := b.ctx, b.args.Config
	var vaultARNs []string
	var deps []pulumi.Resource
	for _, v := range b.args.Topology.Vaults {
		env := b.envFor(v.Region)
		vaultARNs = append(vaultARNs, env.ARN("backup", v.Region, env.AccountID, "backup-vault:"+v.Name))
		if !v.Create {
			continue
		}
		key, err := b.key(v.Region)
		if err != nil {
			return err
		}
		vault, err := backup.NewVault(ctx, b.name+"-vault-"+v.Region, &backup.VaultArgs{
			Name: pulumi.String(v.Name), KmsKeyArn: key.Arn, ForceDestroy: pulumi.Bool(b.forceDestroy()),
		}, b.opts(v.Region, true)...)
		if err != nil {
			return err
		}
		deps = append(deps, vault)
		// Locks only in protected stacks, whatever backup.vaultLock says (its default is true, and
		// validation already requires it in prod and dr): a vault lock "prevents attempts to delete
		// any recovery point stored in or created in" the vault (AWS Backup API Reference
		// PutBackupVaultLockConfiguration), so neither forceDestroy nor anyone else could empty the
		// vault of an unprotected stack, and a compliance-mode lock cannot even be removed after its
		// grace time. A staging stack deployed with the earlier governance-mode lock (no
		// changeableForDays) loses it on its next `up`: a governance lock may be deleted with
		// backup:DeleteBackupVaultLockConfiguration (AWS re:Post knowledge-center
		// "backup-delete-vault-lock"; both read 2026-12-02).
		if v.Lock && b.args.Protect {
			lock := &backup.VaultLockConfigurationArgs{BackupVaultName: vault.Name, MinRetentionDays: pulumi.Int(7),
				MaxRetentionDays: pulumi.Int(cfg.WeeklyRetentionDays)}
			if b.args.Protect {
				// Compliance mode after a 3-day grace period: then nobody, root included, can shorten
				// retention or delete the vault's recovery points (AWS Backup "Vault Lock").
				lock.ChangeableForDays = pulumi.Int(3)
			}
			if _, err := backup.NewVaultLockConfiguration(ctx, b.name+"-vault-lock-"+v.Region, lock, b.opts(v.Region, true)...); err != nil {
				return err
			}
		}
	}

	home := b.args.Topology.Vaults[0]
	env := b.envFor(home.Region)
	rule := func(name, schedule string, days int) *backup.PlanRuleArgs {
		r := &backup.PlanRuleArgs{
			RuleName: pulumi.String(name), TargetVaultName: pulumi.String(home.Name), Schedule: pulumi.String(schedule),
			StartWindow: pulumi.Int(60), CompletionWindow: pulumi.Int(360),
			Lifecycle: &backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(days)},
		}
		var copies backup.PlanRuleCopyActionArray
		for _, arn := range vaultARNs[1:] {
			copies = append(copies, &backup.PlanRuleCopyActionArgs{
				DestinationVaultArn: pulumi.String(arn), Lifecycle: &backup.PlanRuleCopyActionLifecycleArgs{DeleteAfter: pulumi.Int(days)},
			})
		}
		if len(copies) > 0 {
			r.CopyActions = copies
		}
		return r
	}
	plan, err := backup.NewPlan(ctx, b.name+"-plan", &backup.PlanArgs{
		Name: pulumi.String(home.Name + "-ebs"),
		Rules: backup.PlanRuleArray{
			rule("daily", dailySchedule, cfg.DailyRetentionDays),
			rule("weekly", weeklySchedule, cfg.WeeklyRetentionDays),
		},
	}, b.opts(home.Region, false, pulumi.DependsOn(deps))...)
	if err != nil {
		return err
	}
	b.c.PlanID = plan.ID()
	principal, err := env.ServicePrincipal(ctx, "backup")
	if err != nil {
		return err
	}
	trust, err := kitiam.Document(kitiam.Statement{Effect: "Allow", Principal: map[string]any{"Service": principal}, Action: "sts:AssumeRole"})
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, b.name+"-aws-backup", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust),
		Description:      pulumi.String("AWS Backup of the cluster's EBS volumes"),
	}, b.opts(home.Region, false)...)
	if err != nil {
		return err
	}
	for _, p := range []string{"AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"} {
		if _, err := iam.NewRolePolicyAttachment(ctx, b.name+"-aws-backup-"+p, &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.String(kitiam.ManagedPolicyARN(env.Partition, "service-role/"+p)),
		}, b.opts(home.Region, false)...); err != nil {
			return err
		}
	}
	_, err = backup.NewSelection(ctx, b.name+"-ebs", selectionArgs(ctx.Stack(), home, env, plan.ID(), role.Arn), b.opts(home.Region, false)...)
	return err
}

// selectionArgs selects this stack's EBS volumes and no other stack's: volumes in the plan's own
// region and account whose BackupVolumeTag is the stack's name. The tag is a condition, not a
// ListOfTags entry: conditions are ANDed ("you only assign the resources that match ALL conditions
// (using AND logic)"), and AND-combined with Resources (AWS::Backup::BackupSelection
// BackupSelectionResourceType, Conditions; AWS re:Post knowledge-center "backup-assign-resources",
// example 1; both read 2026-12-02). Field names: pulumi-aws v6.83.4 sdk/go/aws/backup/selection.go
// and pulumiTypes.go, SelectionConditionArgs.StringEquals (read 2026-12-02). Policy BAK-008 holds
// every selection to this shape, and tests/backup_scope_test.go proves the three stacks' disjoint.
func selectionArgs(stack string, home config.VaultSpec, env *identity.Env, planID pulumi.IDInput, role pulumi.StringInput) *backup.SelectionArgs {
	_, value := BackupTag(stack)
	return &backup.SelectionArgs{
		Name: pulumi.String(home.Name + "-ebs"), PlanId: planID, IamRoleArn: role,
		Resources: pulumi.StringArray{pulumi.String(env.ARN("ec2", home.Region, env.AccountID, "volume/*"))},
		Conditions: backup.SelectionConditionArray{&backup.SelectionConditionArgs{
			StringEquals: backup.SelectionConditionStringEqualArray{&backup.SelectionConditionStringEqualArgs{
				Key: pulumi.String(config.BackupSelectionConditionKey), Value: pulumi.String(value),
			}},
		}},
	}
}
