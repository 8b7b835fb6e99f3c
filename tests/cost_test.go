package tests

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/cost"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
	"github.com/suoke-life/suoke-platform/infra/report"
)

// TestEveryTierIsPriced: every node pool, the cache, the control plane and the network carry a cost in
// every stack, in the region's currency, and every resource type in the graph has a cost rule (a meter
// or a reason it is free), so a new type cannot slip in at zero.
func TestEveryTierIsPriced(t *testing.T) {
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			g, doc := record(t, s)
			c := doc.Cost
			assert.Equal(t, g.Config.Region.Currency, c.Currency)
			want := []string{cost.TierNetwork}
			for _, tier := range config.AllTiers() {
				want = append(want, string(tier))
			}
			if hasType(g, "aws:eks/cluster:Cluster") {
				want = append(want, cost.TierControlPlane)
			}
			if hasType(g, "aws:elasticache/replicationGroup:ReplicationGroup") {
				want = append(want, cost.TierCache)
			}
			for _, tier := range want {
				if tier != cost.TierNetwork && !hasType(g, "aws:eks/nodeGroup:NodeGroup") {
					continue // node pools not in the graph yet
				}
				assert.Positive(t, c.Monthly[tier], "tier %s has no cost in %s", tier, s)
			}
			for _, u := range c.Unknown {
				assert.NotContains(t, u.Reason, "no cost rule", "%s (%s)", u.Resource, u.Type)
			}
			_, unassigned := c.Monthly[cost.TierUnassigned]
			assert.False(t, unassigned, "every priced resource has a tier: %v", itemsOfTier(c, cost.TierUnassigned))
		})
	}
}

func TestStagingCostsLessThanProdAndDRHasItsOwnFigures(t *testing.T) {
	_, prod := record(t, "prod")
	_, staging := record(t, "staging")
	_, dr := record(t, "prod-dr")
	assert.Less(t, staging.Cost.Total, prod.Cost.Total)
	assert.Positive(t, dr.Cost.Total)
	assert.Equal(t, "CNY", dr.Cost.Currency)
	assert.True(t, prod.Cost.IsEstimate(), "China prices are estimates until refreshed, and the plan says so")
	assert.Positive(t, prod.Deploy.EstimatedMinutes)
	assert.LessOrEqual(t, prod.Deploy.LowerBoundMinutes, prod.Deploy.EstimatedMinutes)
	assert.NotEmpty(t, prod.Deploy.CriticalPath)
}

func TestGlobalRegionIsPricedInUSD(t *testing.T) {
	sc, err := plan.LoadStackConfig(projectDir, "staging")
	require.NoError(t, err)
	sc.Values[config.RegionKey] = "us-east-1"
	sc.Values[config.Namespace+":"+config.KeyDRRegion] = "us-west-2"
	g, err := plan.RecordConfig(sc)
	require.NoError(t, err)
	doc := report.Build(g, policy.Evaluate(g))
	assert.Equal(t, "USD", doc.Cost.Currency)
	assert.False(t, doc.Cost.IsEstimate())
	assert.Equal(t, "USD", g.Outputs["monthlyCost"].(map[string]any)["currency"])
}

func hasType(g *plan.Graph, typ string) bool {
	for _, r := range g.Resources {
		if r.Type == typ {
			return true
		}
	}
	return false
}

func itemsOfTier(c *cost.Report, tier string) []string {
	var out []string
	for _, it := range c.Items {
		if it.Tier == tier {
			out = append(out, it.Resource)
		}
	}
	sort.Strings(out)
	return out
}
