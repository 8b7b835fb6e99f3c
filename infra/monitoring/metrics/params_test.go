package metrics

import (
	"time"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// testParams are the rules' inputs for the default platform (the production plan).
func testParams() Params {
	cfg := config.Default()
	p := NewParams(cfg.Services, cfg.NodePools, 3, testTierLabel, cfg.Monitoring, 5*time.Minute)
	// prod owns the account's audit baseline: its finding rules in both regions (infra/audit).
	for _, region := range []string{"cn-northwest-1", "cn-north-1"} {
		for _, rule := range []string{"guardduty-high", "securityhub-high", "config-noncompliant"} {
			p.FindingRules = append(p.FindingRules, FindingRule{Region: region, Name: "suoke-platform-" + rule})
		}
	}
	return p
}

const testTierLabel = "suoke.life/tier"
