// Package protection decides, by resource type and in one place, what `protect: true` means: which
// resources `pulumi destroy` (or a replacement) must not delete without an operator unprotecting
// them first, and which of those AWS keeps even then (retainOnDelete). The program registers
// Transform as a stack transform, so every component gets the same rule for the same type, and
// policy PROT-001 checks the recorded graph against these rows.
package protection

import (
	"context"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Rule is one protected resource type.
type Rule struct {
	Type string
	// Retain also keeps the cloud resource when the stack deletes it on purpose (data that must
	// outlive the stack: keys, buckets, snapshots' sources, audit logs).
	Retain bool
	// Why the type is stateful or hard to replace.
	Why string
}

// Rules are the protected types of a protected stack (prod, dr).
var Rules = []Rule{
	{Type: "aws:ec2/vpc:Vpc", Why: "everything runs in it; replacing it replaces the whole platform"},
	{Type: "aws:ec2/subnet:Subnet", Why: "nodes, load balancers, the database and the cache have interfaces in it"},
	{Type: "aws:ec2/eip:Eip", Why: "the NAT gateways' egress addresses, which partners (model APIs, blockchain peers) allow-list"},
	{Type: "aws:eks/cluster:Cluster", Why: "the control plane and etcd: every workload and its state"},
	{Type: "aws:eks/nodeGroup:NodeGroup", Why: "a replaced node group drains every pod of its tier at once; database groups carry PostgreSQL"},
	{Type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider", Why: "every IRSA role trusts it by ARN; a new one breaks every workload's AWS access"},
	{Type: "aws:kms/key:Key", Retain: true, Why: "what it encrypted (volumes, backups, Secrets) is unreadable without it"},
	{Type: "aws:s3/bucketV2:BucketV2", Retain: true, Why: "backups, WAL archive, traces: the recovery points themselves"},
	{Type: "aws:backup/vault:Vault", Retain: true, Why: "holds the EBS recovery points"},
	{Type: "aws:elasticache/replicationGroup:ReplicationGroup", Retain: true, Why: "sessions and caches the services depend on"},
	{Type: "aws:opensearch/domain:Domain", Retain: true, Why: "the application and audit log history"},
	{Type: "aws:secretsmanager/secret:Secret", Retain: true, Why: "generated credentials that live data is protected with"},
	{Type: "aws:cloudwatch/logGroup:LogGroup", Retain: true, Why: "control-plane audit and flow logs kept for the retention the law requires"},
	{Type: "kubernetes:postgresql.cnpg.io/v1:Cluster", Retain: true, Why: "the PostgreSQL cluster: health data"},
	// A kept bucket or vault keeps its guards: deleting them (a destroy does, before it stops at
	// the protected bucket, as the engine test showed) would leave backups and audit logs public-
	// accessible, unencrypted for new objects, unversioned or without their retention lock.
	{Type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Retain: true, Why: "keeps a kept bucket closed to public access"},
	{Type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", Retain: true, Why: "keeps a kept bucket's objects encrypted with its key"},
	{Type: "aws:s3/bucketPolicy:BucketPolicy", Retain: true, Why: "TLS-only and who may read a kept bucket"},
	{Type: "aws:s3/bucketVersioningV2:BucketVersioningV2", Retain: true, Why: "overwritten and deleted objects of a kept bucket stay recoverable"},
	{Type: "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", Retain: true, Why: "the audit trail's write-once retention"},
	{Type: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", Retain: true, Why: "a kept bucket still expires what its retention allows, no longer"},
	{Type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig", Retain: true, Why: "a kept bucket's copy in the DR region stays current"},
	{Type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls", Retain: true, Why: "ACLs stay disabled on a kept bucket"},
	{Type: "aws:s3/bucketLoggingV2:BucketLoggingV2", Retain: true, Why: "access to a kept bucket stays logged"},
	{Type: "aws:backup/vaultLockConfiguration:VaultLockConfiguration", Retain: true, Why: "a kept vault's recovery points stay locked for their retention"},
	// What takes the backups stops only when an operator says so.
	{Type: "aws:backup/plan:Plan", Why: "the EBS backup schedule"},
	{Type: "aws:backup/selection:Selection", Why: "which volumes the plan backs up"},
	{Type: "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup", Why: "PostgreSQL's base backups"},
}

// Lookup returns the rule of a type.
func Lookup(typ string) (Rule, bool) {
	for _, r := range Rules {
		if r.Type == typ {
			return r, true
		}
	}
	return Rule{}, false
}

// Types lists the protected types, sorted.
func Types() []string {
	out := make([]string, 0, len(Rules))
	for _, r := range Rules {
		out = append(out, r.Type)
	}
	sort.Strings(out)
	return out
}

// Transform is the stack transform that applies the rules when protected is true: it adds protect
// (and retainOnDelete where the rule says) to every resource of a listed type, and changes nothing
// else. It never removes a protection a component set itself.
func Transform(protected bool) pulumi.ResourceTransform {
	return func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
		if !protected || !args.Custom {
			return nil
		}
		r, ok := Lookup(args.Type)
		if !ok || (args.Opts.Protect && (args.Opts.RetainOnDelete || !r.Retain)) {
			return nil
		}
		opts := args.Opts
		opts.Protect = true
		opts.RetainOnDelete = opts.RetainOnDelete || r.Retain
		return &pulumi.ResourceTransformResult{Props: args.Props, Opts: opts}
	}
}

// KeyDeletionWindowDays is the waiting period before KMS deletes a key the stack no longer has.
// Protected stacks keep the longest, 30 days: a key deleted by mistake takes every backup and volume
// it encrypts with it. Unprotected stacks use the shortest, 7 days (ScheduleKeyDeletion: "a waiting
// period of 7-30 days", during which CancelKeyDeletion restores the key; AWS KMS API Reference,
// docs.amazonaws.cn/goto/WebAPI/kms-2014-11-01/ScheduleKeyDeletion, read 2026-12-02). By then the
// destroy has deleted what the key encrypted, and a week still lets someone cancel a deletion made
// by mistake. deletionWindowInDays is read at deletion only, not a replacement trigger
// (hashicorp/terraform-provider-aws aws_kms_key schema: Optional, 7 to 30, not ForceNew; read
// 2026-12-02), so a deployed stack takes the change in place.
func KeyDeletionWindowDays(protect bool) int {
	if protect {
		return 30
	}
	return 7
}
