package backup

import (
	"fmt"
	"math"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// Part is one term of an RPO or RTO estimate, with where its figure comes from.
type Part struct {
	What    string  `json:"what"`
	Minutes float64 `json:"minutes"`
	Source  string  `json:"source"`
}

// Estimate is an RPO or RTO stated from its parts.
type Estimate struct {
	Minutes float64 `json:"minutes"`
	Parts   []Part  `json:"parts"`
}

func sum(parts []Part) Estimate {
	t := 0.0
	for _, p := range parts {
		t += p.Minutes
	}
	return Estimate{Minutes: math.Round(t*10) / 10, Parts: parts}
}

// Figures the estimates rest on, each with its source (read 2026-11-25).
const (
	// S3 Replication Time Control replicates 99.99% of objects within 15 minutes (S3 User Guide,
	// "Meeting compliance requirements with S3 Replication Time Control").
	rtcMinutes = 15.0
	// Without RTC S3 gives no bound; most objects replicate within minutes, some take hours. We state
	// an hour, the operations plan's own RPO, as what rebuild mode without RTC can promise.
	noRTCMinutes = 60.0
	// A 16 MiB WAL segment reaches S3 in well under a minute at the tens of MB/s a single
	// barman-cloud upload reaches; half a minute, including the upload's own retries. The same
	// figure is stated for the standby's cross-region download of it (Ningxia→Beijing).
	walUploadMinutes   = 0.5
	walDownloadMinutes = 0.5
	// A CloudNativePG replica cluster fetches archived WAL with restore_command; when it finds none it
	// retries every 5 s (PostgreSQL's wal_retrieve_retry_interval default): under 0.1 min.
	replicaPollMinutes = 0.1
	// Promoting the replica cluster (spec.replica.enabled=false, then a new timeline): about a minute.
	promoteMinutes = 1.0
	// Cutting traffic over: DNS record with a 60 s TTL, plus verification of the runbook's checks.
	cutoverMinutes = 10.0
	// Replaying WAL since the last base backup. Base backups are daily; a day of this platform's WAL
	// replays in minutes on the database pool's 8 vCPU nodes (replay is single-threaded and runs
	// far faster than the write rate that produced it). Stated as 15 minutes until the drill measures it.
	replayMinutes = 15.0
)

// RPO is the data the DR copy can lose, from the archive timeout and the way WAL reaches the DR region.
// Prod archives in its own region in both modes (config.PostgresArchive). The standby replays that
// archive where it is, so its RPO has no S3 replication in it: what it has replayed when prod's
// region goes is what it keeps. Rebuild mode restores from the S3 copy, so RTC's 15 minutes are in it.
func RPO(b config.Backup) Estimate {
	archive := Part{"archive_timeout: the longest a WAL segment waits before it is archived", float64(b.ArchiveTimeoutSeconds) / 60, "config backup.archiveTimeoutSeconds"}
	if b.DRMode == config.DRStandby {
		return sum([]Part{archive,
			{"upload of the segment to prod's own region's bucket", walUploadMinutes, "stated: 16 MiB at tens of MB/s"},
			{"the standby finds it (restore_command retry)", replicaPollMinutes, "PostgreSQL wal_retrieve_retry_interval 5 s"},
			{"the standby downloads it from prod's region", walDownloadMinutes, "stated: 16 MiB at tens of MB/s cross-region"},
		})
	}
	repl := Part{"S3 cross-region replication with Replication Time Control", rtcMinutes, "S3 RTC: 99.99% within 15 min"}
	if !b.ReplicationTimeControl {
		repl = Part{"S3 cross-region replication without RTC (no SLA)", noRTCMinutes, "stated bound: S3 gives none without RTC"}
	}
	return sum([]Part{archive, {"upload to the primary region's bucket", walUploadMinutes, "stated"}, repl})
}

// RTO is the time from declaring the disaster to serving from the DR region. deployMinutes is the
// critical path of `pulumi up` of prod-dr from nothing (the deploy estimate); standby mode has already
// paid it.
func RTO(b config.Backup, deployMinutes float64) Estimate {
	if b.DRMode == config.DRStandby {
		return sum([]Part{
			{"promote the standby cluster", promoteMinutes, "stated: CloudNativePG replica promotion"},
			{"cut traffic over and verify", cutoverMinutes, "runbook: DNS TTL 60 s + checks"},
		})
	}
	restore := float64(b.RestoreDataGiB) * 1024 / float64(b.RestoreMiBps) / 60
	return sum([]Part{
		{"pulumi up -s prod-dr from nothing (deploy critical path)", deployMinutes, "the plan's deploy estimate"},
		{fmt.Sprintf("restore %d GiB of base backup at %d MiB/s", b.RestoreDataGiB, b.RestoreMiBps), math.Round(restore*10) / 10, "config backup.restoreDataGiB / restoreThroughputMiBps"},
		{"replay WAL since the base backup", replayMinutes, "stated until the drill measures it"},
		{"cut traffic over and verify", cutoverMinutes, "runbook: DNS TTL 60 s + checks"},
	})
}
