package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The data tier's keys: PostgreSQL (CloudNativePG on the database pool) and the Redis settings that
// the `cache` key (sizing and engine) does not hold.
const (
	KeyPostgres = "postgres"
	KeyRedis    = "redis"
)

// Fields of the postgres and redis objects.
const (
	FieldInstances           = "instances"
	FieldStorageGiB          = "storageGiB"
	FieldWALStorageGiB       = "walStorageGiB"
	FieldMaxConnections      = "maxConnections"
	FieldBackupRetentionDays = "backupRetentionDays"
	FieldBackupSchedule      = "backupSchedule"
	FieldPoolerInstances     = "poolerInstances"
	FieldPasswordServices    = "passwordServices"

	FieldMaxmemoryPolicy       = "maxmemoryPolicy"
	FieldSnapshotRetentionDays = "snapshotRetentionDays"
	FieldSnapshotWindow        = "snapshotWindow"
	FieldMaintenanceWindow     = "maintenanceWindow"
)

// Postgres is the CloudNativePG cluster's config. Sizes of CPU and memory are not here: they follow
// the database node pool's instance type (infra/database/postgres derives them).
type Postgres struct {
	// Instances is the number of PostgreSQL instances: one primary, the rest replicas, one per AZ.
	Instances int
	// StorageGiB and WALStorageGiB size the data and WAL volumes of each instance (gp3).
	StorageGiB    int
	WALStorageGiB int
	// MaxConnections is PostgreSQL's max_connections; work_mem is derived from it.
	MaxConnections int
	// BackupRetentionDays keeps base backups and WAL in the object store for this long.
	BackupRetentionDays int
	// BackupSchedule is the ScheduledBackup's cron expression, six fields with seconds first
	// (CloudNativePG uses robfig/cron's format, not the Kubernetes CronJob one), in UTC.
	BackupSchedule string
	// PoolerInstances is the PgBouncer pooler's replica count.
	PoolerInstances int
	// PasswordServices lists the services whose clients cannot use TLS client certificates; their
	// roles get a password (Secrets Manager, through the credentials helper) instead.
	PasswordServices []string
}

// Redis holds the ElastiCache settings beside the `cache` key's sizing and engine.
type Redis struct {
	// MaxmemoryPolicy is the parameter group's maxmemory-policy.
	MaxmemoryPolicy string
	// SnapshotRetentionDays keeps daily snapshots (ElastiCache allows 0–35; we require at least 7).
	SnapshotRetentionDays int
	// SnapshotWindow and MaintenanceWindow are UTC windows: "hh:mm-hh:mm" and "ddd:hh:mm-ddd:hh:mm".
	SnapshotWindow    string
	MaintenanceWindow string
}

// Defaults of the data tier. The backup runs at 18:00 UTC, 02:00 in China (UTC+8), the quietest hour
// of a consumer health app; the Redis snapshot an hour earlier so the two never contend, and Redis
// maintenance on Monday 03:00 China time.
const (
	DefaultPostgresInstances      = 3
	DefaultPostgresStorageGiB     = 100
	DefaultPostgresWALStorageGiB  = 20
	DefaultPostgresMaxConnections = 200
	DefaultBackupRetentionDays    = 30
	DefaultBackupSchedule         = "0 0 18 * * *"
	DefaultPoolerInstances        = 2

	DefaultMaxmemoryPolicy       = "volatile-lru"
	DefaultSnapshotRetentionDays = 7
	DefaultSnapshotWindow        = "17:00-18:00"
	DefaultMaintenanceWindow     = "sun:19:00-sun:20:00"
)

// DefaultPostgres is the sizing baseline's database: one primary and two replicas, one per AZ.
func DefaultPostgres() Postgres {
	return Postgres{
		Instances: DefaultPostgresInstances, StorageGiB: DefaultPostgresStorageGiB, WALStorageGiB: DefaultPostgresWALStorageGiB,
		MaxConnections: DefaultPostgresMaxConnections, BackupRetentionDays: DefaultBackupRetentionDays,
		BackupSchedule: DefaultBackupSchedule, PoolerInstances: DefaultPoolerInstances, PasswordServices: []string{},
	}
}

// DataTier is the data tier's config beside `cache`: PostgreSQL and Redis behaviour.
type DataTier struct {
	Postgres Postgres
	Redis    Redis
}

// DefaultDataTier is the data tier's defaults.
func DefaultDataTier() DataTier { return DataTier{Postgres: DefaultPostgres(), Redis: DefaultRedis()} }

// DefaultRedis is the default Redis behaviour.
func DefaultRedis() Redis {
	return Redis{MaxmemoryPolicy: DefaultMaxmemoryPolicy, SnapshotRetentionDays: DefaultSnapshotRetentionDays,
		SnapshotWindow: DefaultSnapshotWindow, MaintenanceWindow: DefaultMaintenanceWindow}
}

// maxmemoryPolicies are the values Redis OSS 7 and Valkey accept for maxmemory-policy (redis.conf
// reference, "MEMORY MANAGEMENT", read 2026-11-25).
var maxmemoryPolicies = []string{
	"noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
}

func databaseSection() section {
	return section{
		keys: []KeySpec{
			{KeyPostgres, "object", "PostgreSQL (CloudNativePG on the database pool): {instances, storageGiB, walStorageGiB, maxConnections, backupRetentionDays, backupSchedule (6-field cron with seconds, UTC), poolerInstances, passwordServices}. Keys given merge over the default.", postgresJSON(DefaultPostgres())},
			{KeyRedis, "object", "Redis behaviour beside the cache key: {maxmemoryPolicy, snapshotRetentionDays (7 to 35), snapshotWindow (hh:mm-hh:mm UTC), maintenanceWindow (ddd:hh:mm-ddd:hh:mm UTC)}. Keys given merge over the default.", redisJSON(DefaultRedis())},
		},
		decode:   decodeDatabase,
		validate: []func(*Platform) field.ErrorList{validatePostgres, validateRedis},
	}
}

func postgresJSON(p Postgres) map[string]any {
	return map[string]any{
		FieldInstances: p.Instances, FieldStorageGiB: p.StorageGiB, FieldWALStorageGiB: p.WALStorageGiB,
		FieldMaxConnections: p.MaxConnections, FieldBackupRetentionDays: p.BackupRetentionDays,
		FieldBackupSchedule: p.BackupSchedule, FieldPoolerInstances: p.PoolerInstances, FieldPasswordServices: p.PasswordServices,
	}
}

func redisJSON(r Redis) map[string]any {
	return map[string]any{
		FieldMaxmemoryPolicy: r.MaxmemoryPolicy, FieldSnapshotRetentionDays: r.SnapshotRetentionDays,
		FieldSnapshotWindow: r.SnapshotWindow, FieldMaintenanceWindow: r.MaintenanceWindow,
	}
}

var postgresFields = []string{FieldInstances, FieldStorageGiB, FieldWALStorageGiB, FieldMaxConnections, FieldBackupRetentionDays,
	FieldBackupSchedule, FieldPoolerInstances, FieldPasswordServices}

var redisFields = []string{FieldMaxmemoryPolicy, FieldSnapshotRetentionDays, FieldSnapshotWindow, FieldMaintenanceWindow}

func decodeDatabase(d *decoder, v map[string]string, p *Platform) {
	if raw, ok := v[KeyPostgres]; ok {
		path := field.NewPath(KeyPostgres)
		if m, ok := d.object(path, []byte(raw), postgresFields); ok {
			pg := &p.Data.Postgres
			d.int(path, m, FieldInstances, &pg.Instances)
			d.int(path, m, FieldStorageGiB, &pg.StorageGiB)
			d.int(path, m, FieldWALStorageGiB, &pg.WALStorageGiB)
			d.int(path, m, FieldMaxConnections, &pg.MaxConnections)
			d.int(path, m, FieldBackupRetentionDays, &pg.BackupRetentionDays)
			d.string(path, m, FieldBackupSchedule, &pg.BackupSchedule)
			d.int(path, m, FieldPoolerInstances, &pg.PoolerInstances)
			d.strings(path, m, FieldPasswordServices, &pg.PasswordServices)
		}
	}
	if raw, ok := v[KeyRedis]; ok {
		path := field.NewPath(KeyRedis)
		if m, ok := d.object(path, []byte(raw), redisFields); ok {
			r := &p.Data.Redis
			d.string(path, m, FieldMaxmemoryPolicy, &r.MaxmemoryPolicy)
			d.int(path, m, FieldSnapshotRetentionDays, &r.SnapshotRetentionDays)
			d.string(path, m, FieldSnapshotWindow, &r.SnapshotWindow)
			d.string(path, m, FieldMaintenanceWindow, &r.MaintenanceWindow)
		}
	}
}

// Limits: gp3 volumes hold 1 GiB to 16 TiB (EBS User Guide "Amazon EBS volume types", read
// 2026-11-25); below 10 GiB a data volume cannot hold a day of WAL-heavy work, and below 5 GiB the WAL
// volume fills before archiving catches up after a short object-store outage.
const (
	maxVolumeGiB = 16384
	maxPGConns   = 5000
)

func validatePostgres(p *Platform) field.ErrorList {
	var errs field.ErrorList
	pg := p.Data.Postgres
	path := field.NewPath(KeyPostgres)
	ip := path.Child(FieldInstances)
	switch {
	case pg.Instances < 1 || pg.Instances > 9:
		errs = append(errs, field.Invalid(ip, pg.Instances, "must be between 1 and 9"))
	case pg.Instances > p.AvailabilityZones:
		errs = append(errs, field.Invalid(ip, pg.Instances, fmt.Sprintf("must not exceed availabilityZones (%d): instances are kept in different AZs (required anti-affinity), so an extra one would never schedule", p.AvailabilityZones)))
	case p.Environment.ProductionLike() && pg.Instances < 3:
		errs = append(errs, field.Invalid(ip, pg.Instances, fmt.Sprintf("must be at least 3 when environment is %s: a primary and two synchronous-quorum replicas, one per AZ", p.Environment)))
	}
	if pg.StorageGiB < 10 || pg.StorageGiB > maxVolumeGiB {
		errs = append(errs, field.Invalid(path.Child(FieldStorageGiB), pg.StorageGiB, fmt.Sprintf("must be between 10 and %d (a gp3 volume)", maxVolumeGiB)))
	}
	if pg.WALStorageGiB < 5 || pg.WALStorageGiB > maxVolumeGiB {
		errs = append(errs, field.Invalid(path.Child(FieldWALStorageGiB), pg.WALStorageGiB, fmt.Sprintf("must be between 5 and %d (a gp3 volume)", maxVolumeGiB)))
	}
	if pg.MaxConnections < 20 || pg.MaxConnections > maxPGConns {
		errs = append(errs, field.Invalid(path.Child(FieldMaxConnections), pg.MaxConnections, fmt.Sprintf("must be between 20 and %d (the operator and pooler reserve some; work_mem is divided among them)", maxPGConns)))
	}
	rp := path.Child(FieldBackupRetentionDays)
	switch {
	case pg.BackupRetentionDays < 1 || pg.BackupRetentionDays > 3650:
		errs = append(errs, field.Invalid(rp, pg.BackupRetentionDays, "must be between 1 and 3650"))
	case p.Environment.ProductionLike() && pg.BackupRetentionDays < 7:
		errs = append(errs, field.Invalid(rp, pg.BackupRetentionDays, fmt.Sprintf("must be at least 7 when environment is %s: a week of point-in-time recovery", p.Environment)))
	}
	if msg := checkCron6(pg.BackupSchedule); msg != "" {
		errs = append(errs, field.Invalid(path.Child(FieldBackupSchedule), pg.BackupSchedule, msg))
	}
	if pg.PoolerInstances < 1 || pg.PoolerInstances > 10 {
		errs = append(errs, field.Invalid(path.Child(FieldPoolerInstances), pg.PoolerInstances, "must be between 1 and 10"))
	} else if p.Environment.ProductionLike() && pg.PoolerInstances < 2 {
		errs = append(errs, field.Invalid(path.Child(FieldPoolerInstances), pg.PoolerInstances, fmt.Sprintf("must be at least 2 when environment is %s: one pooler pod is a single point of failure", p.Environment)))
	}
	dbServices := map[string]bool{}
	for _, s := range p.Services {
		if s.Database {
			dbServices[s.Name] = true
		}
	}
	seen := map[string]bool{}
	for i, name := range pg.PasswordServices {
		sp := path.Child(FieldPasswordServices).Index(i)
		switch {
		case seen[name]:
			errs = append(errs, field.Duplicate(sp, name))
		case !dbServices[name]:
			errs = append(errs, field.Invalid(sp, name, "must name a service with database: true"))
		}
		seen[name] = true
	}
	return errs
}

// cronFields are the ranges of the six fields of CloudNativePG's schedule (robfig/cron with seconds:
// second, minute, hour, day of month, month, day of week), per the ScheduledBackup API reference.
var cronFields = []struct {
	name     string
	min, max int
}{{"second", 0, 59}, {"minute", 0, 59}, {"hour", 0, 23}, {"day of month", 1, 31}, {"month", 1, 12}, {"day of week", 0, 6}}

var cronTerm = regexp.MustCompile(`^(\*|\?|(\d+)(-(\d+))?)(/(\d+))?$`)

// checkCron6 returns "" for a valid six-field schedule, or what is wrong with it. Names of months
// and days are not accepted: numbers only keep the check simple and the schedule unambiguous.
func checkCron6(s string) string {
	parts := strings.Fields(s)
	if len(parts) != 6 {
		return fmt.Sprintf("must have 6 fields (second minute hour day-of-month month day-of-week), not %d: CloudNativePG's schedule starts with seconds, e.g. %q", len(parts), DefaultBackupSchedule)
	}
	for i, part := range parts {
		f := cronFields[i]
		for _, term := range strings.Split(part, ",") {
			m := cronTerm.FindStringSubmatch(term)
			if m == nil {
				return fmt.Sprintf("%s field %q: use *, a number, a range a-b, a list or a step /n", f.name, part)
			}
			for _, g := range []string{m[2], m[4]} {
				if g == "" {
					continue
				}
				if n, _ := strconv.Atoi(g); n < f.min || n > f.max {
					return fmt.Sprintf("%s field %q: %d is outside %d-%d", f.name, part, n, f.min, f.max)
				}
			}
			if m[6] != "" {
				if n, _ := strconv.Atoi(m[6]); n < 1 {
					return fmt.Sprintf("%s field %q: the step must be at least 1", f.name, part)
				}
			}
		}
	}
	return ""
}

var (
	snapshotWindowPattern    = regexp.MustCompile(`^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$`)
	maintenanceWindowPattern = regexp.MustCompile(`^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$`)
)

func validateRedis(p *Platform) field.ErrorList {
	var errs field.ErrorList
	r := p.Data.Redis
	path := field.NewPath(KeyRedis)
	if !contains(maxmemoryPolicies, r.MaxmemoryPolicy) {
		errs = append(errs, field.NotSupported(path.Child(FieldMaxmemoryPolicy), r.MaxmemoryPolicy, maxmemoryPolicies))
	}
	if r.SnapshotRetentionDays < 7 || r.SnapshotRetentionDays > 35 {
		errs = append(errs, field.Invalid(path.Child(FieldSnapshotRetentionDays), r.SnapshotRetentionDays, "must be between 7 (a week of restore points) and 35 (ElastiCache's maximum)"))
	}
	// ElastiCache requires a snapshot window of at least 60 minutes that does not overlap the
	// maintenance window (ElastiCache API CreateReplicationGroup, SnapshotWindow, read 2026-11-25).
	snapStart, snapEnd, snapOK := 0, 0, false
	if m := snapshotWindowPattern.FindStringSubmatch(r.SnapshotWindow); m == nil {
		errs = append(errs, field.Invalid(path.Child(FieldSnapshotWindow), r.SnapshotWindow, `must be "hh:mm-hh:mm" in UTC, e.g. "17:00-18:00"`))
	} else {
		snapStart, snapEnd, snapOK = minutesOf(m[1], m[2]), minutesOf(m[3], m[4]), true
		if span := (snapEnd - snapStart + 24*60) % (24 * 60); span < 60 {
			errs = append(errs, field.Invalid(path.Child(FieldSnapshotWindow), r.SnapshotWindow, "must span at least 60 minutes"))
		}
	}
	if m := maintenanceWindowPattern.FindStringSubmatch(r.MaintenanceWindow); m == nil {
		errs = append(errs, field.Invalid(path.Child(FieldMaintenanceWindow), r.MaintenanceWindow, `must be "ddd:hh:mm-ddd:hh:mm" in UTC, e.g. "sun:19:00-sun:20:00"`))
	} else {
		start := weekday(m[1])*24*60 + minutesOf(m[2], m[3])
		end := weekday(m[4])*24*60 + minutesOf(m[5], m[6])
		week := 7 * 24 * 60
		span := (end - start + week) % week
		if span < 60 {
			errs = append(errs, field.Invalid(path.Child(FieldMaintenanceWindow), r.MaintenanceWindow, "must span at least 60 minutes"))
		} else if snapOK {
			// The daily snapshot window recurs every day: check each day's occurrence against it.
			snapSpan := (snapEnd - snapStart + 24*60) % (24 * 60)
			for day := 0; day < 7; day++ {
				if overlaps(day*24*60+snapStart, snapSpan, start, span, week) {
					errs = append(errs, field.Invalid(path.Child(FieldSnapshotWindow), r.SnapshotWindow, fmt.Sprintf("overlaps the maintenance window %s; ElastiCache rejects overlapping windows", r.MaintenanceWindow)))
					break
				}
			}
		}
	}
	return errs
}

func minutesOf(h, m string) int {
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return hh*60 + mm
}

func weekday(d string) int {
	return map[string]int{"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}[d]
}

// overlaps reports whether two intervals [a, a+la) and [b, b+lb) on a circle of length n intersect.
func overlaps(a, la, b, lb, n int) bool {
	within := func(x, start, length int) bool { return (x-start+n)%n < length }
	return within(a, b, lb) || within(b, a, la)
}

// BackupFamily is whose backups a stack writes and restores: prod and its DR copy share prod's
// (the DR stack restores them and keeps archiving beside them), staging has its own.
func (p *Platform) BackupFamily() Environment {
	if p.Environment == EnvDR {
		return EnvProd
	}
	return p.Environment
}

// BackupBucketName names the bucket in region that holds the backups of a family. It is the one
// place the name is made: the data tier archives to it, the backup component creates it (and its
// replica in drRegion under the same scheme), and the DR stack reads the replica, so prod writes and
// prod-dr reads the same path. The account ID makes the name globally unique within the partition.
func BackupBucketName(family Environment, accountID, region string) string {
	return fmt.Sprintf("suoke-%s-backup-%s-%s", family, accountID, region)
}

// BackupBucket is the bucket this stack's data tier archives to, in its own region.
func (p *Platform) BackupBucket(accountID string) string {
	return BackupBucketName(p.BackupFamily(), accountID, p.Region.Name)
}

// PostgresServerName is the folder (barman "server name") a stack's PostgreSQL archives under inside
// the backup bucket: the environment's name, so the DR copy never writes into prod's history.
func (p *Platform) PostgresServerName() string { return string(p.Environment) }

// PostgresRecoverFrom is the server name the DR stack bootstraps from (prod's, in the replicated
// bucket), or "" for stacks that start empty.
func (p *Platform) PostgresRecoverFrom() string {
	if p.Environment == EnvDR {
		return string(EnvProd)
	}
	return ""
}
