package config

import (
	"fmt"
	"regexp"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// KeyBackup is the backup and disaster-recovery section.
const KeyBackup = "backup"

// BackupVolumeTag is the tag AWS Backup selects EBS volumes by; the cluster's storage classes put it
// on every volume they provision (EBS CSI tagSpecification), so every PVC is backed up.
const BackupVolumeTag, BackupVolumeTagValue = "suoke.life/backup", "true"

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
)

// DRMode is how the DR stack follows prod.
type DRMode string

const (
	// DRStandby: prod archives WAL straight to the DR region's bucket, and a CloudNativePG replica
	// cluster in prod-dr replays it continuously; failover promotes it.
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
)

// DefaultBackup is the backup config's defaults.
func DefaultBackup() Backup {
	return Backup{DRMode: DRStandby, ArchiveTimeoutSeconds: DefaultArchiveTimeoutSeconds, ObjectLockMode: "GOVERNANCE",
		ObjectLockDays: DefaultObjectLockDays, TransitionDays: DefaultTransitionDays, ExpireDays: DefaultExpireDays,
		ReplicationTimeControl: true, VaultLock: true, DailyRetentionDays: DefaultDailyRetentionDays,
		WeeklyRetentionDays: DefaultWeeklyRetentionDays, VeleroSchedule: DefaultVeleroSchedule, VeleroTTLHours: DefaultVeleroTTLHours,
		RestoreDataGiB: DefaultRestoreDataGiB, RestoreMiBps: DefaultRestoreMiBps}
}

var backupFields = []string{FieldDRMode, FieldArchiveTimeoutSeconds, FieldObjectLockMode, FieldObjectLockDays, FieldTransitionDays,
	FieldExpireDays, FieldReplicationTimeCtrl, FieldVaultLock, FieldDailyRetentionDays, FieldWeeklyRetentionDays,
	FieldVeleroSchedule, FieldVeleroTTLHours, FieldRestoreDataGiB, FieldRestoreMiBps}

func backupSection() section {
	return section{
		keys:     []KeySpec{{KeyBackup, "object", "Backups and DR: {drMode (standby|rebuild), archiveTimeoutSeconds, objectLockMode (GOVERNANCE|COMPLIANCE), objectLockDays, transitionDays, expireDays, replicationTimeControl, vaultLock, dailyRetentionDays, weeklyRetentionDays, veleroSchedule (5-field cron, UTC), veleroTtlHours, restoreDataGiB, restoreThroughputMiBps}. Keys given merge over the default.", backupJSON(DefaultBackup())}},
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
	}
}

func decodeBackup(d *decoder, v map[string]string, p *Platform) {
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
	// The standby's RPO target is 5 minutes; the archive timeout is most of it (see dr.RPO).
	if b.ArchiveTimeoutSeconds < 10 || b.ArchiveTimeoutSeconds > 240 {
		errs = append(errs, field.Invalid(path.Child(FieldArchiveTimeoutSeconds), b.ArchiveTimeoutSeconds,
			"must be between 10 and 240: below 10 s the archive fills with empty segments, above 240 s the 5-minute RPO cannot hold"))
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
	return errs
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

// PostgresArchive is where this stack's PostgreSQL writes. In standby mode prod writes straight to
// the DR region's bucket (the RPO is then the archive timeout, not S3 replication's 15 minutes);
// in rebuild mode it writes in its own region and S3 replicates to the DR region. prod-dr, living in
// the DR region, writes beside prod's history under its own server name. This and PostgresRestore
// are the one place these names are made: the database and backup components and the consistency
// test all call them.
func (p *Platform) PostgresArchive(accountID string) ArchiveTarget {
	region := p.Region.Name
	if p.Environment == EnvProd && p.Backup.DRMode == DRStandby {
		region = p.DRRegion.Name
	}
	return ArchiveTarget{Bucket: BackupBucketName(p.BackupFamily(), accountID, region), Region: region, ServerName: p.PostgresServerName()}
}

// PostgresRestore is what the DR stack bootstraps (rebuild) or follows (standby) from: prod's archive
// as it stands in the DR region. ok is false for stacks that start empty.
func (p *Platform) PostgresRestore(accountID string) (ArchiveTarget, bool) {
	if p.Environment != EnvDR {
		return ArchiveTarget{}, false
	}
	return ArchiveTarget{Bucket: BackupBucketName(EnvProd, accountID, p.Region.Name), Region: p.Region.Name, ServerName: string(EnvProd)}, true
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
		t.Replication = []ReplicationRule{{ID: "to-dr", From: primary, To: dr, ToRegion: p.DRRegion.Name, RTC: p.Backup.ReplicationTimeControl}}
		if p.Backup.DRMode == DRStandby {
			// PostgreSQL archives straight to the DR region; this copies it back for local restores.
			t.Replication = append(t.Replication, ReplicationRule{ID: "archive-to-primary", From: dr, To: primary, ToRegion: p.Region.Name,
				Prefix: t.Archive.ServerName + "/", RTC: p.Backup.ReplicationTimeControl})
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
