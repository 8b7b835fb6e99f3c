package monitoring

import (
	"time"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// testParams are the rules' inputs for the default platform (the production plan).
func testParams() Params {
	cfg := config.Default()
	return NewParams(cfg.Services, cfg.NodePools, 3, testTierLabel, cfg.Monitoring, 5*time.Minute)
}

const testTierLabel = "suoke.life/tier"
