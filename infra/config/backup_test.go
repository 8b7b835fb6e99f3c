package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestBackupBadValues(t *testing.T) {
	cases := []struct {
		name, raw, path string
		typ             field.ErrorType
		value           string
	}{
		{"not object", `"daily"`, "backup", field.ErrorTypeInvalid, "daily"},
		{"unknown field", `{"drmode": "standby"}`, "backup.drmode", field.ErrorTypeInvalid, `did you mean "drMode"`},
		{"mode", `{"drMode": "warm"}`, "backup.drMode", field.ErrorTypeNotSupported, `"warm"`},
		{"archive timeout low", `{"archiveTimeoutSeconds": 5}`, "backup.archiveTimeoutSeconds", field.ErrorTypeInvalid, "5"},
		{"archive timeout high", `{"archiveTimeoutSeconds": 300}`, "backup.archiveTimeoutSeconds", field.ErrorTypeInvalid, "5-minute RPO"},
		{"archive timeout type", `{"archiveTimeoutSeconds": "60s"}`, "backup.archiveTimeoutSeconds", field.ErrorTypeInvalid, `"60s"`},
		{"lock mode", `{"objectLockMode": "strict"}`, "backup.objectLockMode", field.ErrorTypeNotSupported, `"strict"`},
		{"lock days", `{"objectLockDays": 0}`, "backup.objectLockDays", field.ErrorTypeInvalid, "0"},
		{"lock beyond expiry", `{"objectLockDays": 120}`, "backup.objectLockDays", field.ErrorTypeInvalid, "expireDays (90)"},
		{"transition", `{"transitionDays": 7}`, "backup.transitionDays", field.ErrorTypeInvalid, "7"},
		{"expire before transition", `{"expireDays": 30}`, "backup.expireDays", field.ErrorTypeInvalid, "transitionDays (30)"},
		{"rtc type", `{"replicationTimeControl": "on"}`, "backup.replicationTimeControl", field.ErrorTypeInvalid, `"on"`},
		{"vault lock off in prod", `{"vaultLock": false}`, "backup.vaultLock", field.ErrorTypeInvalid, "false"},
		{"daily", `{"dailyRetentionDays": 1}`, "backup.dailyRetentionDays", field.ErrorTypeInvalid, "1"},
		{"weekly below daily", `{"weeklyRetentionDays": 10}`, "backup.weeklyRetentionDays", field.ErrorTypeInvalid, "dailyRetentionDays (35)"},
		{"velero schedule", `{"veleroSchedule": "0 0 19 * * *"}`, "backup.veleroSchedule", field.ErrorTypeInvalid, `"0 0 19 * * *"`},
		{"velero ttl", `{"veleroTtlHours": 1}`, "backup.veleroTtlHours", field.ErrorTypeInvalid, "1"},
		{"restore data", `{"restoreDataGiB": 0}`, "backup.restoreDataGiB", field.ErrorTypeInvalid, "0"},
		{"restore throughput", `{"restoreThroughputMiBps": 0}`, "backup.restoreThroughputMiBps", field.ErrorTypeInvalid, "0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(prodInput(map[string]string{KeyBackup: c.raw}))
			requireFieldError(t, err, c.path, c.typ, c.value)
		})
	}
}

func TestExpiryMustCoverPostgresRetention(t *testing.T) {
	_, err := Parse(prodInput(map[string]string{KeyBackup: `{"expireDays": 40, "objectLockDays": 10}`, KeyPostgres: `{"backupRetentionDays": 60}`}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "backup.expireDays: Invalid value: 40: must be at least postgres.backupRetentionDays (60)")
}

// TestArchiveNamesAreShared: prod in standby mode writes to exactly the bucket and folder prod-dr
// follows; in rebuild mode prod writes in its own region and prod-dr reads the DR region's copy.
func TestArchiveNamesAreShared(t *testing.T) {
	const acct = "123456789012"
	prod, err := Parse(prodInput(nil))
	require.NoError(t, err)
	dr := *prod
	dr.Environment, dr.Region, dr.DRRegion = EnvDR, prod.DRRegion, prod.Region

	w := prod.PostgresArchive(acct)
	r, ok := dr.PostgresRestore(acct)
	require.True(t, ok)
	assert.Equal(t, w, r, "standby: prod writes where prod-dr reads")
	assert.Equal(t, "cn-north-1", w.Region)
	assert.NotEqual(t, w.ServerName, dr.PostgresArchive(acct).ServerName, "the DR copy archives to its own folder")
	assert.Equal(t, r.Bucket, dr.PostgresArchive(acct).Bucket, "...beside prod's history")

	prod.Backup.DRMode = DRRebuild
	w = prod.PostgresArchive(acct)
	assert.Equal(t, "cn-northwest-1", w.Region, "rebuild: prod archives in its own region")
	assert.Equal(t, BackupBucketName(EnvProd, acct, "cn-north-1"), r.Bucket, "and prod-dr reads the replica in the DR region")
	_, ok = prod.PostgresRestore(acct)
	assert.False(t, ok, "prod restores from nothing")
}
