package config

import (
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// KeyBackup is the backup and disaster-recovery section.
const KeyBackup = "backup"

// BackupVolumeTag is the tag AWS Backup selects EBS volumes by; the cluster's storage classes put it
// on every volume they provision (EBS CSI tagSpecification), so every PVC is backed up.
const BackupVolumeTag = "suoke.life/backup"

// BackupVolumeTagValue is the value of BackupVolumeTag on a stack's volumes, and the one value its
// AWS Backup selection accepts: the stack's name. With one value for every stack ("true", as before)
// every stack's selection matched every stack's volumes, so in a shared account staging's plan backed
// up prod's health-data volumes into staging's vault, and prod's plan copied staging's volumes under a
// compliance lock. A volume has one value per tag key (EC2 tags: keys are unique per resource), so
// selections on different stack names cannot match the same volume.
func BackupVolumeTagValue(stack string) string { return stack }

// BackupSelectionConditionKey is the AWS Backup selection condition key of BackupVolumeTag
// ("aws:ResourceTag/<key>", AWS::Backup::BackupSelection BackupSelectionResourceType, Conditions;
// read 2026-12-02).
const BackupSelectionConditionKey = "aws:ResourceTag/" + BackupVolumeTag

// Fields of the backup object.
const (
	FieldDRMode                = "drMode"
	FieldArchiveTimeoutSeconds = "archiveTimeoutSeconds"
	FieldObjectLockMode        = "objectLockMode"
	FieldObjectLockDays        = "objectLockDays"
	FieldTransitionDays        = "transitionDays"
	FieldExpireDays            = "expireDays"
	FieldReplicationTimeCtrl   = "replicationTimeControl"
	FieldVaultLock             = "vaultLock"
	FieldDailyRetentionDays    = "dailyRetentionDays"
	FieldWeeklyRetentionDays   = "weeklyRetentionDays"
	FieldVeleroSchedule        = "veleroSchedule"
	FieldVeleroTTLHours        = "veleroTtlHours"
	FieldRestoreDataGiB        = "restoreDataGiB"
	FieldRestoreMiBps          = "restoreThroughputMiBps"
	FieldPostgresPrimary       = "postgresPrimary"
	FieldPromotionToken        = "promotionToken"
	FieldWALWriteMiBPerHour    = "walWriteMiBPerHour"
	FieldPrimaryEpoch          = "primaryEpoch"
)

// KeyPairStack names the prod/DR pair's other stack, whose last recorded primary the program reads
// before registering anything (infra/promotion).
const KeyPairStack = "pairStack"

// DRMode is how the DR stack follows prod.
type DRMode string

const (
	// DRStandby: prod archives WAL in its own region; a CloudNativePG replica cluster in prod-dr
	// replays it continuously from there (a cross-region read that prod never waits on) and is
	// bootstrapped from the S3 replica in its own region; failover promotes it (postgresPrimary).
	DRStandby DRMode = "standby"
	// DRRebuild: prod archives in its own region, S3 replication copies to the DR region, and prod-dr
	// is brought up on demand, restoring from the copy.
	DRRebuild DRMode = "rebuild"
)

// AllDRModes lists the DR modes.
func AllDRModes() []string { return []string{string(DRStandby), string(DRRebuild)} }

// Object Lock retention modes (S3 User Guide "Object Lock", read 2026-11-25).
var objectLockModes = []string{"GOVERNANCE", "COMPLIANCE"}

// Backup is the backup and DR config. The same values are read by prod and prod-dr (Pulumi.yaml
// defaults), so the pair agrees on the DR mode by construction.
type Backup struct {
	DRMode DRMode
	// ArchiveTimeoutSeconds forces a WAL segment switch at least this often, bounding how stale the
	// archive can be on a quiet database (PostgreSQL archive_timeout; CloudNativePG's default is 5 min).
	ArchiveTimeoutSeconds int
	ObjectLockMode        string
	ObjectLockDays        int
	// TransitionDays moves objects to STANDARD_IA; ExpireDays deletes noncurrent versions.
	TransitionDays         int
	ExpireDays             int
	ReplicationTimeControl bool
	VaultLock              bool
	DailyRetentionDays     int
	WeeklyRetentionDays    int
	// VeleroSchedule is a 5-field cron (Velero's format), UTC.
	VeleroSchedule string
	VeleroTTLHours int
	// RestoreDataGiB and RestoreMiBps feed the RTO estimate: data to restore, and the stated restore
	// throughput of barman-cloud from S3 onto gp3.
	RestoreDataGiB int
	RestoreMiBps   int
	// PostgresPrimary names the primary of the pair's distributed PostgreSQL topology: "prod", or
	// "dr" once prod-dr has been promoted. It is CloudNativePG's spec.replica.primary on both
	// clusters, so one value describes the pair and both stacks derive their role from it.
	PostgresPrimary string
	// PromotionToken is the demoted cluster's status.demotionToken, given to the cluster being
	// promoted in a controlled switchover (fail-back); empty for a failover.
	PromotionToken string
	// PrimaryEpoch counts the changes of PostgresPrimary: raised by one with each. Every stack of the
	// pair exports it with the primary, and an up refuses a config whose epoch is older than either
	// stack's record, or that names another primary within the same epoch (infra/promotion), so an
	// old commit deployed again cannot demote a promoted primary or promote a second one.
	PrimaryEpoch int
	// WALWriteMiBPerHour is the WAL the primary writes per hour at its busiest, for the WAL volume's
	// headroom: how long the primary runs on if archiving stalls (see WALHeadroomHours).
	WALWriteMiBPerHour int
}

// Defaults: backups run at 18:00 UTC (02:00 in China); Velero an hour after PostgreSQL's base backup.
const (
	DefaultArchiveTimeoutSeconds = 60
	DefaultObjectLockDays        = 30
	DefaultTransitionDays        = 30
	DefaultExpireDays            = 90
	DefaultDailyRetentionDays    = 35
	DefaultWeeklyRetentionDays   = 90
	DefaultVeleroSchedule        = "0 19 * * *"
	DefaultVeleroTTLHours        = 720
	DefaultRestoreDataGiB        = 50
	// DefaultRestoreMiBps is a conservative figure for barman-cloud-restore from S3 in the same region
	// onto gp3 (125 MiB/s baseline): stated, to be replaced by the DR drill's measurement.
	DefaultRestoreMiBps = 100
	// DefaultWALWriteMiBPerHour is a stated figure until the primary's measured rate replaces it
	// (rate(cnpg_pg_stat_wal_wal_bytes[1h]) at the weekly peak): 1 GiB an hour. It is just above the
	// floor the archive timeout sets by itself: with archiving stalled, every forced segment switch
	// leaves a whole 16 MiB segment behind ("archived files that are archived early due to a forced
	// switch are still the same length as completely full files", PostgreSQL 18 docs
	// runtime-config-wal, archive_timeout; read 2026-12-02), 960 MiB an hour at 60 s.
	DefaultWALWriteMiBPerHour = 1024
	// MinWALHeadroomHours is the least headroom validation accepts: the alert at half leaves the
	// on-call six hours to act before the primary stops.
	MinWALHeadroomHours = 12
	// WALSegmentMiB is PostgreSQL's default WAL segment size (initdb --wal-segsize; CloudNativePG
	// keeps the default).
	WALSegmentMiB = 16
)

// Topology names of the two clusters of the pair: their server names (PostgresServerName), which
// are their environments.
const (
	PostgresPrimaryProd = string(EnvProd)
	PostgresPrimaryDR   = string(EnvDR)
)

// DefaultBackup is the backup config's defaults.
func DefaultBackup() Backup {
	return Backup{DRMode: DRStandby, ArchiveTimeoutSeconds: DefaultArchiveTimeoutSeconds, ObjectLockMode: "GOVERNANCE",
		ObjectLockDays: DefaultObjectLockDays, TransitionDays: DefaultTransitionDays, ExpireDays: DefaultExpireDays,
		ReplicationTimeControl: true, VaultLock: true, DailyRetentionDays: DefaultDailyRetentionDays,
		WeeklyRetentionDays: DefaultWeeklyRetentionDays, VeleroSchedule: DefaultVeleroSchedule, VeleroTTLHours: DefaultVeleroTTLHours,
		RestoreDataGiB: DefaultRestoreDataGiB, RestoreMiBps: DefaultRestoreMiBps,
		PostgresPrimary: PostgresPrimaryProd, PrimaryEpoch: 1, WALWriteMiBPerHour: DefaultWALWriteMiBPerHour}
}

var backupFields = []string{FieldDRMode, FieldArchiveTimeoutSeconds, FieldObjectLockMode, FieldObjectLockDays, FieldTransitionDays,
	FieldExpireDays, FieldReplicationTimeCtrl, FieldVaultLock, FieldDailyRetentionDays, FieldWeeklyRetentionDays,
	FieldVeleroSchedule, FieldVeleroTTLHours, FieldRestoreDataGiB, FieldRestoreMiBps, FieldPostgresPrimary, FieldPromotionToken,
	FieldWALWriteMiBPerHour, FieldPrimaryEpoch}

func backupSection() section {
	return section{
		keys: []KeySpec{{KeyBackup, "object", "Backups and DR: {drMode (standby|rebuild), archiveTimeoutSeconds, objectLockMode (GOVERNANCE|COMPLIANCE), objectLockDays, transitionDays, expireDays, replicationTimeControl, vaultLock, dailyRetentionDays, weeklyRetentionDays, veleroSchedule (5-field cron, UTC), veleroTtlHours, restoreDataGiB, restoreThroughputMiBps, postgresPrimary (prod|dr: the primary of the pair's PostgreSQL; dr once prod-dr is promoted), promotionToken (the demoted cluster's demotionToken, for a controlled switchover), primaryEpoch (raised by one with every change of postgresPrimary; an up refuses an epoch older than either stack of the pair recorded), walWriteMiBPerHour (peak WAL rate, for the WAL volume's headroom)}. Keys given merge over the default.", backupJSON(DefaultBackup())},
			{KeyPairStack, "string", "The prod/DR pair's other stack (prod: prod-dr, prod-dr: prod; organization/project/stack or a stack of this project). Its last recorded postgresPrimary and primaryEpoch are read before anything is registered, and an up that would undo a promotion or make a second primary stops. Empty: no peer check (staging; a failover while the other stack's state cannot be read).", ""}},
		decode:   decodeBackup,
		validate: []func(*Platform) field.ErrorList{validateBackup},
	}
}

func backupJSON(b Backup) map[string]any {
	return map[string]any{
		FieldDRMode: string(b.DRMode), FieldArchiveTimeoutSeconds: b.ArchiveTimeoutSeconds, FieldObjectLockMode: b.ObjectLockMode,
		FieldObjectLockDays: b.ObjectLockDays, FieldTransitionDays: b.TransitionDays, FieldExpireDays: b.ExpireDays,
		FieldReplicationTimeCtrl: b.ReplicationTimeControl, FieldVaultLock: b.VaultLock, FieldDailyRetentionDays: b.DailyRetentionDays,
		FieldWeeklyRetentionDays: b.WeeklyRetentionDays, FieldVeleroSchedule: b.VeleroSchedule, FieldVeleroTTLHours: b.VeleroTTLHours,
		FieldRestoreDataGiB: b.RestoreDataGiB, FieldRestoreMiBps: b.RestoreMiBps,
		FieldPostgresPrimary: b.PostgresPrimary, FieldPromotionToken: b.PromotionToken, FieldWALWriteMiBPerHour: b.WALWriteMiBPerHour,
		FieldPrimaryEpoch: b.PrimaryEpoch,
	}
}

func decodeBackup(d *decoder, v map[string]string, p *Platform) {
	if raw, ok := v[KeyPairStack]; ok {
		p.PairStack = raw
	}
	raw, ok := v[KeyBackup]
	if !ok {
		return
	}
	path := field.NewPath(KeyBackup)
	m, ok := d.object(path, []byte(raw), backupFields)
	if !ok {
		return
	}
	b := &p.Backup
	var mode string
	d.string(path, m, FieldDRMode, &mode)
	if mode != "" {
		b.DRMode = DRMode(mode)
	}
	d.int(path, m, FieldArchiveTimeoutSeconds, &b.ArchiveTimeoutSeconds)
	d.string(path, m, FieldObjectLockMode, &b.ObjectLockMode)
	d.int(path, m, FieldObjectLockDays, &b.ObjectLockDays)
	d.int(path, m, FieldTransitionDays, &b.TransitionDays)
	d.int(path, m, FieldExpireDays, &b.ExpireDays)
	d.bool(path, m, FieldReplicationTimeCtrl, &b.ReplicationTimeControl)
	d.bool(path, m, FieldVaultLock, &b.VaultLock)
	d.int(path, m, FieldDailyRetentionDays, &b.DailyRetentionDays)
	d.int(path, m, FieldWeeklyRetentionDays, &b.WeeklyRetentionDays)
	d.string(path, m, FieldVeleroSchedule, &b.VeleroSchedule)
	d.int(path, m, FieldVeleroTTLHours, &b.VeleroTTLHours)
	d.int(path, m, FieldRestoreDataGiB, &b.RestoreDataGiB)
	d.int(path, m, FieldRestoreMiBps, &b.RestoreMiBps)
	d.string(path, m, FieldPostgresPrimary, &b.PostgresPrimary)
	d.string(path, m, FieldPromotionToken, &b.PromotionToken)
	d.int(path, m, FieldWALWriteMiBPerHour, &b.WALWriteMiBPerHour)
	d.int(path, m, FieldPrimaryEpoch, &b.PrimaryEpoch)
}

// cron5 is a Velero schedule: five fields of digits, ranges, lists, steps or *.
var cron5 = regexp.MustCompile(`^\s*([0-9*,/\-]+\s+){4}[0-9*,/\-]+\s*$`)

func validateBackup(p *Platform) field.ErrorList {
	var errs field.ErrorList
	b := p.Backup
	path := field.NewPath(KeyBackup)
	if !contains(AllDRModes(), string(b.DRMode)) {
		errs = append(errs, field.NotSupported(path.Child(FieldDRMode), string(b.DRMode), AllDRModes()))
	}
	// The standby's RPO target is 5 minutes; the archive timeout is most of it, and the upload, poll
	// and download take 1.1 minutes more (see backup.RPO).
	if b.ArchiveTimeoutSeconds < 10 || b.ArchiveTimeoutSeconds > 210 {
		errs = append(errs, field.Invalid(path.Child(FieldArchiveTimeoutSeconds), b.ArchiveTimeoutSeconds,
			"must be between 10 and 210: below 10 s the archive fills with empty segments, above 210 s the 5-minute RPO cannot hold"))
	}
	if !contains(objectLockModes, b.ObjectLockMode) {
		errs = append(errs, field.NotSupported(path.Child(FieldObjectLockMode), b.ObjectLockMode, objectLockModes))
	}
	if b.ObjectLockDays < 1 || b.ObjectLockDays > b.ExpireDays {
		errs = append(errs, field.Invalid(path.Child(FieldObjectLockDays), b.ObjectLockDays,
			fmt.Sprintf("must be between 1 and expireDays (%d): a locked version cannot expire", b.ExpireDays)))
	}
	// S3 moves objects to STANDARD_IA no earlier than 30 days after creation (S3 lifecycle constraints).
	if b.TransitionDays < 30 {
		errs = append(errs, field.Invalid(path.Child(FieldTransitionDays), b.TransitionDays, "must be at least 30 (S3's minimum age for STANDARD_IA)"))
	}
	if b.ExpireDays <= b.TransitionDays {
		errs = append(errs, field.Invalid(path.Child(FieldExpireDays), b.ExpireDays, fmt.Sprintf("must exceed transitionDays (%d)", b.TransitionDays)))
	}
	if pg := p.Data.Postgres.BackupRetentionDays; b.ExpireDays < pg {
		errs = append(errs, field.Invalid(path.Child(FieldExpireDays), b.ExpireDays,
			fmt.Sprintf("must be at least postgres.backupRetentionDays (%d): the bucket would delete backups PostgreSQL still counts on", pg)))
	}
	if p.Environment.ProductionLike() && !b.VaultLock {
		errs = append(errs, field.Invalid(path.Child(FieldVaultLock), b.VaultLock, fmt.Sprintf("must be true when environment is %s: backups of health data must survive a compromised account", p.Environment)))
	}
	if b.DailyRetentionDays < 7 || b.DailyRetentionDays > 3650 {
		errs = append(errs, field.Invalid(path.Child(FieldDailyRetentionDays), b.DailyRetentionDays, "must be between 7 and 3650"))
	}
	if b.WeeklyRetentionDays < b.DailyRetentionDays || b.WeeklyRetentionDays > 3650 {
		errs = append(errs, field.Invalid(path.Child(FieldWeeklyRetentionDays), b.WeeklyRetentionDays,
			fmt.Sprintf("must be between dailyRetentionDays (%d) and 3650", b.DailyRetentionDays)))
	}
	if !cron5.MatchString(b.VeleroSchedule) {
		errs = append(errs, field.Invalid(path.Child(FieldVeleroSchedule), b.VeleroSchedule, `must be a 5-field cron such as "0 19 * * *"`))
	}
	if b.VeleroTTLHours < 24 {
		errs = append(errs, field.Invalid(path.Child(FieldVeleroTTLHours), b.VeleroTTLHours, "must be at least 24"))
	}
	if b.RestoreDataGiB < 1 {
		errs = append(errs, field.Invalid(path.Child(FieldRestoreDataGiB), b.RestoreDataGiB, "must be at least 1"))
	}
	if b.RestoreMiBps < 1 || b.RestoreMiBps > 10000 {
		errs = append(errs, field.Invalid(path.Child(FieldRestoreMiBps), b.RestoreMiBps, "must be between 1 and 10000"))
	}
	return append(errs, validatePromotion(p)...)
}

// validatePromotion checks the pair's PostgreSQL roles and the WAL volume's headroom.
func validatePromotion(p *Platform) field.ErrorList {
	var errs field.ErrorList
	b := p.Backup
	path := field.NewPath(KeyBackup)
	primaries := []string{PostgresPrimaryProd, PostgresPrimaryDR}
	if !contains(primaries, b.PostgresPrimary) {
		errs = append(errs, field.NotSupported(path.Child(FieldPostgresPrimary), b.PostgresPrimary, primaries))
	}
	// The DR copy can only take over where it follows prod continuously: in rebuild mode it is
	// created in the disaster and is a primary from the end of its recovery anyway.
	if b.PostgresPrimary == PostgresPrimaryDR && b.DRMode != DRStandby {
		errs = append(errs, field.Invalid(path.Child(FieldPostgresPrimary), b.PostgresPrimary,
			fmt.Sprintf("dr needs drMode %s: in %s mode prod-dr is a primary from the end of its recovery", DRStandby, b.DRMode)))
	}
	// A promotion token promotes the cluster named primary after the other one was demoted; both
	// stacks read it, and only the cluster named primary is given it (PostgresTopology). The token
	// is base64 JSON
	// (CloudNativePG docs replica_cluster.md, "Demoting a Primary to a Replica Cluster", v1.30.0).
	if b.PromotionToken != "" && !promotionTokenPattern.MatchString(b.PromotionToken) {
		errs = append(errs, field.Invalid(path.Child(FieldPromotionToken), b.PromotionToken,
			"must be the demoted cluster's status.demotionToken (base64), as `kubectl get cluster postgres -o jsonpath='{.status.demotionToken}'` prints it"))
	}
	if b.PrimaryEpoch < 1 {
		errs = append(errs, field.Invalid(path.Child(FieldPrimaryEpoch), b.PrimaryEpoch, "must be at least 1"))
	}
	if p.PairStack != "" {
		pp := field.NewPath(KeyPairStack)
		switch {
		case !p.Environment.ProductionLike():
			errs = append(errs, field.Invalid(pp, p.PairStack, fmt.Sprintf("only prod and dr form a pair; environment is %s", p.Environment)))
		case !stackRefPattern.MatchString(p.PairStack):
			errs = append(errs, field.Invalid(pp, p.PairStack, "must be a stack name or organization/project/stack"))
		case p.PairStack == p.Stack || strings.HasSuffix(p.PairStack, "/"+p.Project+"/"+p.Stack):
			errs = append(errs, field.Invalid(pp, p.PairStack, "names this stack; it must name the pair's other stack"))
		}
	}
	if b.WALWriteMiBPerHour < 1 {
		errs = append(errs, field.Invalid(path.Child(FieldWALWriteMiBPerHour), b.WALWriteMiBPerHour, "must be at least 1"))
	} else if h := p.WALHeadroomHours(); h < MinWALHeadroomHours {
		errs = append(errs, field.Invalid(path.Child(FieldWALWriteMiBPerHour), b.WALWriteMiBPerHour,
			fmt.Sprintf("fills postgres.walStorageGiB (%d) in %.1f hours if archiving stalls; at least %d hours needed: raise walStorageGiB",
				p.Data.Postgres.WALStorageGiB, h, MinWALHeadroomHours)))
	}
	return errs
}

var promotionTokenPattern = regexp.MustCompile(`^[A-Za-z0-9+/]+={0,2}$`)

// stackRefPattern is a stack name, alone or qualified by organization and project (Pulumi stack
// names: letters, digits, '-', '_' and '.').
var stackRefPattern = regexp.MustCompile(`^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/)?[A-Za-z0-9_.-]+$`)

// WALFillMiBPerHour is how fast un-archived WAL piles up on the WAL volume when archiving stalls:
// the configured write rate, but never less than one whole segment per archive timeout.
func (p *Platform) WALFillMiBPerHour() int {
	floor := WALSegmentMiB * 3600 / max(p.Backup.ArchiveTimeoutSeconds, 1)
	return max(p.Backup.WALWriteMiBPerHour, floor)
}

// WALHeadroomHours is how long the primary keeps running when nothing can be archived: the WAL
// volume fills at WALFillMiBPerHour, and PostgreSQL stops when pg_wal is full ("if the archive
// command keeps failing, pg_wal will continue to fill ... until the system shuts down", PostgreSQL
// 18 docs continuous-archiving; read 2026-12-02). Prod archives in its own region, so this is an
// in-region S3 stall's budget; the DR region being unreachable costs it nothing.
func (p *Platform) WALHeadroomHours() float64 {
	return float64(p.Data.Postgres.WALStorageGiB*1024) / float64(max(p.WALFillMiBPerHour(), 1))
}

// ArchiveTarget is where a PostgreSQL cluster's base backups and WAL live: a bucket, its region, and
// the barman server name (folder) inside it.
type ArchiveTarget struct {
	Bucket     string
	Region     string
	ServerName string
}

// Path is the object store destination path of the target.
func (a ArchiveTarget) Path() string { return "s3://" + a.Bucket + "/" }

// PostgresArchive is where this stack's PostgreSQL writes: always its own region's bucket, in both
// DR modes. Prod used to archive straight to the DR region in standby mode; then a stalled
// cross-region path left WAL on prod's WAL volume until the primary stopped, so the DR region's
// health could stop prod. Now nothing prod writes waits on the DR region: S3 replication copies
// the archive there asynchronously, and the standby reads prod's archive where it is (see
// PostgresTopology). prod-dr writes beside prod's copy under its own server name. This,
// PostgresRestore and PostgresTopology are the one place these names are made: the database and
// backup components and the consistency tests all call them.
func (p *Platform) PostgresArchive(accountID string) ArchiveTarget {
	region := p.Region.Name
	return ArchiveTarget{Bucket: BackupBucketName(p.BackupFamily(), accountID, region), Region: region, ServerName: p.PostgresServerName()}
}

// PostgresRestore is what the DR stack bootstraps from, in both modes: prod's archive as S3
// replication copies it to the DR region, so a bootstrap needs nothing of prod's region. ok is
// false for stacks that start empty.
func (p *Platform) PostgresRestore(accountID string) (ArchiveTarget, bool) {
	if p.Environment != EnvDR {
		return ArchiveTarget{}, false
	}
	return ArchiveTarget{Bucket: BackupBucketName(EnvProd, accountID, p.Region.Name), Region: p.Region.Name, ServerName: string(EnvProd)}, true
}

// PostgresTopology is a stack's place in the pair's distributed PostgreSQL topology (CloudNativePG
// replica clusters, "Distributed Topology": every Cluster declares the same externalClusters and
// spec.replica.primary, and a cluster whose self equals primary is the primary; docs/src/
// replica_cluster.md at v1.30.0, read 2026-12-02).
type PostgresTopology struct {
	// Self is this cluster's name in the topology, Primary the topology's primary.
	Self, Primary string
	// Peer is the other cluster's live archive: its own region's bucket. A replica replays it with
	// restore_command, a cross-region read; the writer never waits on it.
	Peer ArchiveTarget
	// Bootstrap, if set, is what the cluster is created from (else initdb). It only counts at
	// creation: CloudNativePG ignores bootstrap for an existing cluster.
	Bootstrap *ArchiveTarget
	// PromotionToken is set when this cluster is promoted in a controlled switchover.
	PromotionToken string
}

// Replica reports whether this stack's cluster is a replica of the other one.
func (t PostgresTopology) Replica() bool { return t.Self != t.Primary }

// PostgresTopology derives the stack's topology from backup.postgresPrimary. ok is false where the
// cluster is in no topology: staging, and prod-dr in rebuild mode (created in the disaster, a
// primary from the end of its recovery, as before).
//
//   - prod, primary prod, no token: the primary since initdb; it declares prod-dr's archive as its
//     peer so that a controlled switchover needs no other change.
//   - prod-dr, primary prod: a replica cluster, bootstrapped from the DR region's copy of prod's
//     archive, replaying prod's own archive in prod's region.
//   - primary dr (after a failover): prod-dr is the primary; prod, when its region is back, must be
//     re-cloned (a failed-over former primary cannot follow: replica_cluster.md, "Failover is
//     identical in both strategies, requiring the former primary to be re-cloned") and is created
//     as a replica of prod-dr from prod-dr's archive.
//   - primary prod with a token (fail-back): prod is promoted once it has replayed to the token's
//     LSN; its bootstrap stays the re-clone from prod-dr. The token stays in config afterwards: it
//     records that prod was re-cloned from prod-dr, and the operator ignores a token it already
//     used (status.lastPromotionToken, api/v1 cluster_types.go at v1.30.0).
func (p *Platform) PostgresTopology(accountID string) (PostgresTopology, bool) {
	b := p.Backup
	t := PostgresTopology{Self: p.PostgresServerName(), Primary: b.PostgresPrimary}
	switch p.Environment {
	case EnvProd:
		t.Peer = ArchiveTarget{Bucket: BackupBucketName(EnvProd, accountID, p.DRRegion.Name), Region: p.DRRegion.Name, ServerName: string(EnvDR)}
		if b.PostgresPrimary != t.Self || b.PromotionToken != "" {
			peer := t.Peer
			t.Bootstrap = &peer
		}
	case EnvDR:
		if b.DRMode != DRStandby {
			return PostgresTopology{}, false
		}
		t.Peer = ArchiveTarget{Bucket: BackupBucketName(EnvProd, accountID, p.DRRegion.Name), Region: p.DRRegion.Name, ServerName: string(EnvProd)}
		if r, ok := p.PostgresRestore(accountID); ok {
			t.Bootstrap = &r
		}
	default:
		return PostgresTopology{}, false
	}
	if b.PostgresPrimary == t.Self {
		t.PromotionToken = b.PromotionToken
	}
	return t, true
}

// BucketSpec is one backup bucket a stack creates or uses.
type BucketSpec struct {
	Name   string
	Region string
	// Create is false where another stack owns the bucket (prod-dr uses prod's DR-region bucket).
	Create bool
	// ObjectLock is enabled at creation (it cannot be turned on later for a bucket's default).
	ObjectLock bool
}

// ReplicationRule copies objects under Prefix ("" for all) from one bucket to another.
type ReplicationRule struct {
	ID, From, To, ToRegion, Prefix string
	// RTC turns on S3 Replication Time Control: 99.99% of objects within 15 minutes, with metrics.
	RTC bool
}

// VaultSpec is an AWS Backup vault a stack creates or uses.
type VaultSpec struct {
	Name   string
	Region string
	Create bool
	Lock   bool
}

// BackupTopology is every backup name of a stack, derived in one place: which buckets and vaults it
// creates or uses, how buckets replicate, where PostgreSQL archives and restores, and where Velero
// writes. prod owns the buckets and vaults of both regions; prod-dr uses prod's DR-region ones, so it
// still works when prod's region is gone.
type BackupTopology struct {
	Buckets     []BucketSpec
	Replication []ReplicationRule
	// Vaults[0] is where this stack's recovery points land; Vaults[1], if any, the cross-region copy.
	Vaults       []VaultSpec
	Archive      ArchiveTarget
	Restore      *ArchiveTarget
	VeleroBucket string
	VeleroPrefix string
	// KeyAlias names the backup KMS key in each region the family uses.
	KeyAlias string
}

// BackupVaultName names a family's AWS Backup vault in a region.
func BackupVaultName(family Environment, region string) string {
	return fmt.Sprintf("suoke-%s-%s", family, region)
}

// BackupKeyAlias is the alias of a family's backup KMS key (one per region, same alias).
func BackupKeyAlias(family Environment) string { return "alias/suoke-" + string(family) + "-backup" }

// BackupTopology derives the stack's backup names from its config and the account.
func (p *Platform) BackupTopology(accountID string) BackupTopology {
	fam := p.BackupFamily()
	t := BackupTopology{Archive: p.PostgresArchive(accountID), KeyAlias: BackupKeyAlias(fam),
		VeleroPrefix: "velero/" + string(p.Environment)}
	if r, ok := p.PostgresRestore(accountID); ok {
		t.Restore = &r
	}
	lock := p.Environment.ProductionLike()
	switch p.Environment {
	case EnvProd:
		primary := BackupBucketName(fam, accountID, p.Region.Name)
		dr := BackupBucketName(fam, accountID, p.DRRegion.Name)
		t.Buckets = []BucketSpec{
			{Name: primary, Region: p.Region.Name, Create: true, ObjectLock: lock},
			{Name: dr, Region: p.DRRegion.Name, Create: true, ObjectLock: lock},
		}
		// Everything prod writes, its PostgreSQL archive included, is copied to the DR region
		// asynchronously: a stalled replication never holds a write in prod's region. What prod-dr
		// writes in the DR region (its archive under dr/, its Velero backups) is copied back, so
		// a promoted prod-dr's backups are in both regions too. The two rules do not loop: S3 does
		// not replicate objects that are themselves replicas created by another rule (S3 User
		// Guide, "What does Amazon S3 replicate?", read 2026-12-02).
		t.Replication = []ReplicationRule{
			{ID: "to-dr", From: primary, To: dr, ToRegion: p.DRRegion.Name, RTC: p.Backup.ReplicationTimeControl},
			{ID: "dr-to-primary", From: dr, To: primary, ToRegion: p.Region.Name, RTC: p.Backup.ReplicationTimeControl},
		}
		t.Vaults = []VaultSpec{
			{Name: BackupVaultName(fam, p.Region.Name), Region: p.Region.Name, Create: true, Lock: p.Backup.VaultLock},
			{Name: BackupVaultName(fam, p.DRRegion.Name), Region: p.DRRegion.Name, Create: true, Lock: p.Backup.VaultLock},
		}
		t.VeleroBucket = primary
	case EnvDR:
		own := BackupBucketName(fam, accountID, p.Region.Name)
		t.Buckets = []BucketSpec{{Name: own, Region: p.Region.Name, Create: false, ObjectLock: lock}}
		t.Vaults = []VaultSpec{
			{Name: BackupVaultName(fam, p.Region.Name), Region: p.Region.Name, Create: false, Lock: p.Backup.VaultLock},
			{Name: BackupVaultName(fam, p.DRRegion.Name), Region: p.DRRegion.Name, Create: false, Lock: p.Backup.VaultLock},
		}
		t.VeleroBucket = own
	default:
		own := BackupBucketName(fam, accountID, p.Region.Name)
		t.Buckets = []BucketSpec{{Name: own, Region: p.Region.Name, Create: true, ObjectLock: lock}}
		t.Vaults = []VaultSpec{{Name: BackupVaultName(fam, p.Region.Name), Region: p.Region.Name, Create: true, Lock: p.Backup.VaultLock}}
		t.VeleroBucket = own
	}
	return t
}
