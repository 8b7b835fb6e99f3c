package backup

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/suoke-life/suoke-platform/infra/config"
)

func TestRPOStandbyMeetsFiveMinutes(t *testing.T) {
	b := config.DefaultBackup()
	rpo := RPO(b)
	assert.InDelta(t, 2.1, rpo.Minutes, 0.01, "60 s archive timeout + 0.5 min upload in prod's region + 5 s poll + 0.5 min download to the standby")
	assert.LessOrEqual(t, rpo.Minutes, 5.0)
	assert.Len(t, rpo.Parts, 4)
	for _, p := range rpo.Parts {
		assert.NotContains(t, p.What, "Replication Time Control", "the standby reads prod's archive, not the S3 copy")
	}

	b.ArchiveTimeoutSeconds = 210 // the largest config allows
	assert.LessOrEqual(t, RPO(b).Minutes, 5.0, "config's bound on archiveTimeoutSeconds keeps the standby within 5 minutes")
}

func TestRPORebuildIsBoundedByReplication(t *testing.T) {
	b := config.DefaultBackup()
	b.DRMode = config.DRRebuild
	assert.InDelta(t, 16.5, RPO(b).Minutes, 0.01, "1 + 0.5 + 15 (RTC)")
	b.ReplicationTimeControl = false
	assert.InDelta(t, 61.5, RPO(b).Minutes, 0.01, "without RTC S3 promises nothing; we state an hour")
}

func TestRTO(t *testing.T) {
	b := config.DefaultBackup()
	assert.InDelta(t, 11, RTO(b, 45).Minutes, 0.01, "standby: promote + cut over; the deploy was paid before the disaster")
	assert.Less(t, RTO(b, 45).Minutes, 60.0)

	b.DRMode = config.DRRebuild
	rto := RTO(b, 40)
	restore := 50.0 * 1024 / 100 / 60
	assert.InDelta(t, 40+restore+15+10, rto.Minutes, 0.1)
	b.RestoreDataGiB = 100
	assert.Greater(t, RTO(b, 40).Minutes, rto.Minutes, "more data takes longer")
}
