package metrics

import (
	"time"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// BackupMaxAge is how old the newest PostgreSQL base backup may be: the daily schedule plus two
// hours for a slow or retried run.
const BackupMaxAge = 26 * time.Hour

// NewParams derives the rules' inputs from the platform's services and node pools. azs is the AZ
// count (the database pool's counts are per AZ, and the PostgreSQL cluster keeps one instance per
// AZ); rpo is the WAL archive age beyond which a disaster loses more than the plan allows.
func NewParams(services []config.Service, pools map[config.Tier]config.NodePool, azs int, tierLabel string, m config.Monitoring, rpo time.Duration) Params {
	p := Params{
		TierLabel: tierLabel, DatabaseInstances: azs, WALArchiveMaxAge: rpo, BackupMaxAge: BackupMaxAge,
		LogVolumeGiB: m.OpenSearch.VolumeGiB, RunbookBaseURL: m.RunbookBaseURL,
	}
	for _, s := range services {
		p.Services = append(p.Services, ServiceSLO{Name: s.Name, Class: string(s.SLO), Objective: s.SLO.Objective()})
	}
	for _, t := range config.AllTiers() {
		pool, ok := pools[t]
		if !ok {
			continue
		}
		maxNodes := pool.Max
		if t == config.TierDatabase {
			maxNodes *= azs
		}
		p.Pools = append(p.Pools, PoolMax{Tier: string(t), Max: maxNodes})
	}
	return p
}
