package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestDataTierDefaults(t *testing.T) {
	p, err := Parse(prodInput(nil))
	require.NoError(t, err)
	pg := p.Data.Postgres
	assert.Equal(t, 3, pg.Instances)
	assert.Equal(t, 100, pg.StorageGiB)
	assert.Equal(t, 200, pg.MaxConnections)
	assert.Equal(t, 30, pg.BackupRetentionDays)
	assert.Equal(t, "", checkCron6(pg.BackupSchedule))
	assert.Equal(t, "volatile-lru", p.Data.Redis.MaxmemoryPolicy)
	assert.Equal(t, 7, p.Data.Redis.SnapshotRetentionDays)
}

// TestDataTierBadValues gives every data-tier field a bad value and expects an error of the right
// type at the right path, naming the value.
func TestDataTierBadValues(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
		path   string
		typ    field.ErrorType
		text   string
	}{
		{"postgres not object", map[string]string{KeyPostgres: `[3]`}, "postgres", field.ErrorTypeInvalid, "must be an object"},
		{"postgres unknown field", map[string]string{KeyPostgres: `{"instance": 3}`}, "postgres.instance", field.ErrorTypeInvalid, `did you mean "instances"`},
		{"instances not int", map[string]string{KeyPostgres: `{"instances": "three"}`}, "postgres.instances", field.ErrorTypeInvalid, `"three"`},
		{"instances zero", map[string]string{KeyPostgres: `{"instances": 0}`}, "postgres.instances", field.ErrorTypeInvalid, "between 1 and 9"},
		{"instances above AZs", map[string]string{KeyPostgres: `{"instances": 4}`}, "postgres.instances", field.ErrorTypeInvalid, "must not exceed availabilityZones (3)"},
		{"instances below 3 in prod", map[string]string{KeyPostgres: `{"instances": 2}`}, "postgres.instances", field.ErrorTypeInvalid, "at least 3"},
		{"storage too small", map[string]string{KeyPostgres: `{"storageGiB": 5}`}, "postgres.storageGiB", field.ErrorTypeInvalid, "5"},
		{"storage too big", map[string]string{KeyPostgres: `{"storageGiB": 20000}`}, "postgres.storageGiB", field.ErrorTypeInvalid, "20000"},
		{"wal storage", map[string]string{KeyPostgres: `{"walStorageGiB": 1}`}, "postgres.walStorageGiB", field.ErrorTypeInvalid, "1"},
		{"max connections", map[string]string{KeyPostgres: `{"maxConnections": 10}`}, "postgres.maxConnections", field.ErrorTypeInvalid, "10"},
		{"retention zero", map[string]string{KeyPostgres: `{"backupRetentionDays": 0}`}, "postgres.backupRetentionDays", field.ErrorTypeInvalid, "between 1 and 3650"},
		{"retention short in prod", map[string]string{KeyPostgres: `{"backupRetentionDays": 3}`}, "postgres.backupRetentionDays", field.ErrorTypeInvalid, "at least 7"},
		{"schedule five fields", map[string]string{KeyPostgres: `{"backupSchedule": "0 18 * * *"}`}, "postgres.backupSchedule", field.ErrorTypeInvalid, "must have 6 fields"},
		{"schedule hour out of range", map[string]string{KeyPostgres: `{"backupSchedule": "0 0 25 * * *"}`}, "postgres.backupSchedule", field.ErrorTypeInvalid, "25 is outside 0-23"},
		{"schedule garbage", map[string]string{KeyPostgres: `{"backupSchedule": "0 0 x * * *"}`}, "postgres.backupSchedule", field.ErrorTypeInvalid, `hour field "x"`},
		{"schedule zero step", map[string]string{KeyPostgres: `{"backupSchedule": "0 */0 * * * *"}`}, "postgres.backupSchedule", field.ErrorTypeInvalid, "step must be at least 1"},
		{"schedule not string", map[string]string{KeyPostgres: `{"backupSchedule": 5}`}, "postgres.backupSchedule", field.ErrorTypeInvalid, "must be a string"},
		{"pooler zero", map[string]string{KeyPostgres: `{"poolerInstances": 0}`}, "postgres.poolerInstances", field.ErrorTypeInvalid, "between 1 and 10"},
		{"pooler single in prod", map[string]string{KeyPostgres: `{"poolerInstances": 1}`}, "postgres.poolerInstances", field.ErrorTypeInvalid, "at least 2"},
		{"password service unknown", map[string]string{KeyPostgres: `{"passwordServices": ["api-gateway"]}`}, "postgres.passwordServices[0]", field.ErrorTypeInvalid, `"api-gateway"`},
		{"password service duplicate", map[string]string{KeyPostgres: `{"passwordServices": ["soer", "soer"]}`}, "postgres.passwordServices[1]", field.ErrorTypeDuplicate, `"soer"`},
		{"password services not list", map[string]string{KeyPostgres: `{"passwordServices": "soer"}`}, "postgres.passwordServices", field.ErrorTypeInvalid, "must be a list of strings"},
		{"redis not object", map[string]string{KeyRedis: `"lru"`}, "redis", field.ErrorTypeInvalid, "must be an object"},
		{"redis unknown field", map[string]string{KeyRedis: `{"snapshotWindows": "17:00-18:00"}`}, "redis.snapshotWindows", field.ErrorTypeInvalid, `did you mean "snapshotWindow"`},
		{"maxmemory policy", map[string]string{KeyRedis: `{"maxmemoryPolicy": "lru"}`}, "redis.maxmemoryPolicy", field.ErrorTypeNotSupported, `"lru"`},
		{"snapshot retention short", map[string]string{KeyRedis: `{"snapshotRetentionDays": 1}`}, "redis.snapshotRetentionDays", field.ErrorTypeInvalid, "between 7"},
		{"snapshot retention long", map[string]string{KeyRedis: `{"snapshotRetentionDays": 36}`}, "redis.snapshotRetentionDays", field.ErrorTypeInvalid, "36"},
		{"snapshot window shape", map[string]string{KeyRedis: `{"snapshotWindow": "5pm"}`}, "redis.snapshotWindow", field.ErrorTypeInvalid, `"5pm"`},
		{"snapshot window short", map[string]string{KeyRedis: `{"snapshotWindow": "17:00-17:30"}`}, "redis.snapshotWindow", field.ErrorTypeInvalid, "at least 60 minutes"},
		{"snapshot window overlaps maintenance", map[string]string{KeyRedis: `{"snapshotWindow": "19:00-20:30"}`}, "redis.snapshotWindow", field.ErrorTypeInvalid, "overlaps the maintenance window"},
		{"maintenance window shape", map[string]string{KeyRedis: `{"maintenanceWindow": "sunday 3am"}`}, "redis.maintenanceWindow", field.ErrorTypeInvalid, `"sunday 3am"`},
		{"maintenance window short", map[string]string{KeyRedis: `{"maintenanceWindow": "sun:19:00-sun:19:10"}`}, "redis.maintenanceWindow", field.ErrorTypeInvalid, "at least 60 minutes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(prodInput(c.values))
			require.Error(t, err)
			requireFieldError(t, err, c.path, c.typ, c.text)
		})
	}
}

func TestDataTierStagingMayBeSmaller(t *testing.T) {
	_, err := Parse(Input{Stack: "staging", Region: "cn-northwest-1", Values: map[string]string{
		KeyPostgres: `{"instances": 1, "poolerInstances": 1, "backupRetentionDays": 3, "passwordServices": ["soer"]}`,
	}})
	assert.NoError(t, err)
}

func TestCron6(t *testing.T) {
	for _, ok := range []string{"0 0 18 * * *", "30 15 2,14 * * 1-5", "0 */15 * * * *", "0 0 0 1 1 0"} {
		assert.Empty(t, checkCron6(ok), ok)
	}
	for _, bad := range []string{"", "* * * * *", "0 60 * * * *", "0 0 0 0 * *", "0 0 0 * 13 *", "0 0 0 * * 7", "0 0 0 * * MON"} {
		assert.NotEmpty(t, checkCron6(bad), bad)
	}
}

// TestBackupBucketIsSharedByProdAndDR: prod archives to its region's bucket; the DR stack, in prod's
// drRegion, reads the replica under the same name scheme; staging has its own.
func TestBackupBucketIsSharedByProdAndDR(t *testing.T) {
	prod, err := Parse(prodInput(nil))
	require.NoError(t, err)
	dr, err := Parse(Input{Stack: "prod-dr", Region: "cn-north-1", Values: map[string]string{
		KeyEnvironment: "dr", KeyProtect: "true", KeyDRRegion: "cn-northwest-1", KeyMonitoring: prodMonitoringJSON,
		KeyCluster: `{"deployerRoles": ["suoke-deploy-prod-dr"]}`,
	}})
	require.NoError(t, err)
	staging, err := Parse(Input{Stack: "staging", Region: "cn-northwest-1", Values: map[string]string{}})
	require.NoError(t, err)

	const acct = "123456789012"
	assert.Equal(t, "suoke-prod-backup-123456789012-cn-northwest-1", prod.BackupBucket(acct))
	// The replica the backup component creates in prod's drRegion is the bucket the DR stack reads.
	assert.Equal(t, BackupBucketName(prod.BackupFamily(), acct, prod.DRRegion.Name), dr.BackupBucket(acct))
	assert.Equal(t, "prod", dr.PostgresRecoverFrom())
	assert.Equal(t, prod.PostgresServerName(), dr.PostgresRecoverFrom())
	assert.NotEqual(t, prod.PostgresServerName(), dr.PostgresServerName(), "DR must not archive into prod's history")
	assert.Empty(t, prod.PostgresRecoverFrom())
	assert.NotEqual(t, prod.BackupBucket(acct), staging.BackupBucket(acct))
	assert.LessOrEqual(t, len(staging.BackupBucket(acct)), 63, "S3 bucket names are at most 63 characters")
}
