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
		{"primary", `{"postgresPrimary": "prod-dr"}`, "backup.postgresPrimary", field.ErrorTypeNotSupported, `"prod-dr"`},
		{"primary dr in rebuild", `{"postgresPrimary": "dr", "drMode": "rebuild"}`, "backup.postgresPrimary", field.ErrorTypeInvalid, "needs drMode standby"},
		{"token not base64", `{"promotionToken": "not a token!"}`, "backup.promotionToken", field.ErrorTypeInvalid, `"not a token!"`},
		{"epoch", `{"primaryEpoch": 0}`, "backup.primaryEpoch", field.ErrorTypeInvalid, "0"},
		{"epoch type", `{"primaryEpoch": 1.5}`, "backup.primaryEpoch", field.ErrorTypeInvalid, "1.5"},
		{"wal rate", `{"walWriteMiBPerHour": 0}`, "backup.walWriteMiBPerHour", field.ErrorTypeInvalid, "0"},
		{"wal headroom", `{"walWriteMiBPerHour": 4096}`, "backup.walWriteMiBPerHour", field.ErrorTypeInvalid, "in 5.0 hours"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(prodInput(map[string]string{KeyBackup: c.raw}))
			requireFieldError(t, err, c.path, c.typ, c.value)
		})
	}
}

func TestPairStackBadValues(t *testing.T) {
	cases := []struct{ name, env, value, want string }{
		{"staging has no pair", "staging", "prod-dr", "only prod and dr form a pair"},
		{"itself", "prod", "test", "names this stack"},
		{"itself qualified", "prod", "acme/" + Namespace + "/test", "names this stack"},
		{"not a stack name", "prod", "prod dr", "must be a stack name"},
		{"too many parts", "prod", "a/b/c/d", "must be a stack name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := prodInput(map[string]string{KeyPairStack: c.value})
			if c.env != "prod" {
				in = Input{Project: Namespace, Stack: "test", Region: "cn-northwest-1", Values: map[string]string{KeyEnvironment: c.env, KeyPairStack: c.value}}
			}
			_, err := Parse(in)
			requireFieldError(t, err, KeyPairStack, field.ErrorTypeInvalid, c.want)
		})
	}
	for _, ok := range []string{"prod-dr", "acme/" + Namespace + "/prod-dr"} {
		_, err := Parse(prodInput(map[string]string{KeyPairStack: ok}))
		assert.NoError(t, err, ok)
	}
}

func TestExpiryMustCoverPostgresRetention(t *testing.T) {
	_, err := Parse(prodInput(map[string]string{KeyBackup: `{"expireDays": 40, "objectLockDays": 10}`, KeyPostgres: `{"backupRetentionDays": 60}`}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "backup.expireDays: Invalid value: 40: must be at least postgres.backupRetentionDays (60)")
}

// TestArchiveNamesAreShared: prod writes in its own region in both modes; prod-dr bootstraps from
// the DR region's copy, and (standby) replays prod's own archive as its topology's peer.
func TestArchiveNamesAreShared(t *testing.T) {
	const acct = "123456789012"
	prod, err := Parse(prodInput(nil))
	require.NoError(t, err)
	dr := *prod
	dr.Environment, dr.Region, dr.DRRegion = EnvDR, prod.DRRegion, prod.Region

	w := prod.PostgresArchive(acct)
	r, ok := dr.PostgresRestore(acct)
	require.True(t, ok)
	assert.Equal(t, "cn-northwest-1", w.Region, "standby: prod archives in its own region too")
	topo, ok := dr.PostgresTopology(acct)
	require.True(t, ok)
	assert.Equal(t, w, topo.Peer, "standby: prod-dr replays exactly what prod writes")
	assert.Equal(t, BackupBucketName(EnvProd, acct, "cn-north-1"), r.Bucket, "and bootstraps from the copy in its own region")
	assert.NotEqual(t, w.ServerName, dr.PostgresArchive(acct).ServerName, "the DR copy archives to its own folder")
	assert.Equal(t, r.Bucket, dr.PostgresArchive(acct).Bucket, "...beside prod's history")

	prod.Backup.DRMode = DRRebuild
	w = prod.PostgresArchive(acct)
	assert.Equal(t, "cn-northwest-1", w.Region, "rebuild: prod archives in its own region")
	dr.Backup.DRMode = DRRebuild
	_, ok = dr.PostgresTopology(acct)
	assert.False(t, ok, "rebuild: prod-dr is in no topology")
	_, ok = prod.PostgresRestore(acct)
	assert.False(t, ok, "prod restores from nothing")
}

// TestPostgresTopologyRoles: backup.postgresPrimary decides both clusters' roles, the same value
// read by both stacks.
func TestPostgresTopologyRoles(t *testing.T) {
	const acct = "123456789012"
	parse := func(env Environment, raw string) *Platform {
		p, err := Parse(prodInput(map[string]string{KeyBackup: raw}))
		require.NoError(t, err)
		if env == EnvDR {
			p.Environment, p.Region, p.DRRegion = EnvDR, p.DRRegion, p.Region
		}
		return p
	}
	roles := func(raw string) (prod, dr PostgresTopology) {
		prod, ok := parse(EnvProd, raw).PostgresTopology(acct)
		require.True(t, ok)
		dr, ok = parse(EnvDR, raw).PostgresTopology(acct)
		require.True(t, ok)
		return prod, dr
	}

	prod, dr := roles(`{}`)
	assert.False(t, prod.Replica())
	assert.Nil(t, prod.Bootstrap, "prod: initdb")
	assert.True(t, dr.Replica())
	assert.Equal(t, "cn-north-1", prod.Peer.Region, "prod's peer is prod-dr's archive, in prod-dr's region")
	assert.Equal(t, "dr", prod.Peer.ServerName)

	prod, dr = roles(`{"postgresPrimary": "dr"}`)
	assert.False(t, dr.Replica(), "failover: prod-dr is the primary")
	assert.Empty(t, dr.PromotionToken, "a failover has no token")
	assert.True(t, prod.Replica(), "prod follows prod-dr")
	require.NotNil(t, prod.Bootstrap, "prod is re-cloned from prod-dr's archive")
	assert.Equal(t, prod.Peer, *prod.Bootstrap)

	prod, dr = roles(`{"postgresPrimary": "prod", "promotionToken": "eyJhIjoxfQ=="}`)
	assert.False(t, prod.Replica())
	assert.Equal(t, "eyJhIjoxfQ==", prod.PromotionToken, "fail-back: prod is promoted with the token")
	assert.NotNil(t, prod.Bootstrap, "prod keeps the re-clone's bootstrap")
	assert.True(t, dr.Replica())
	assert.Empty(t, dr.PromotionToken)
}

func TestWALHeadroom(t *testing.T) {
	p, err := Parse(prodInput(nil))
	require.NoError(t, err)
	assert.InDelta(t, 20.0, p.WALHeadroomHours(), 0.01, "20 GiB at 1 GiB an hour")
	p.Backup.WALWriteMiBPerHour = 1
	assert.Equal(t, 960, p.WALFillMiBPerHour(), "a 16 MiB segment a minute whatever the writes (archive_timeout 60 s)")
}
