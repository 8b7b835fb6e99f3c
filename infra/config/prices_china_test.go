package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPublishedChinaRowsAreLive: every row prices a meter the catalog has, in a China region, in the
// catalog's unit for it, once, with a source and a date; no row is dead or doubled.
func TestPublishedChinaRowsAreLive(t *testing.T) {
	require.NotEmpty(t, publishedChinaPrices)
	seen := map[string]bool{}
	for _, row := range publishedChinaPrices {
		id := row.region + " " + row.key
		r, ok := LookupRegion(row.region)
		require.True(t, ok, "%s: unsupported region", id)
		assert.True(t, r.China(), "%s: published China figures are for China regions", id)
		lp, ok := globalPrices[row.key]
		assert.True(t, ok, "%s: the catalog has no such meter", id)
		assert.False(t, notEstimatedInChina[row.key], "%s: a meter the China catalog leaves out", id)
		assert.Equal(t, lp.unit, row.unit, "%s: unit", id)
		assert.Positive(t, row.amount, id)
		assert.Regexp(t, `^S\d+ https://`, row.source, "%s: source id and URL", id)
		assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, row.date, id)
		assert.False(t, seen[id], "%s: two rows", id)
		seen[id] = true
	}
}

// TestCatalogUsesPublishedChinaPrices: the catalog returns each row's figure for its region exactly,
// not as an estimate, with the row's source and date (unless a refreshed file replaces it).
func TestCatalogUsesPublishedChinaPrices(t *testing.T) {
	for _, row := range publishedChinaPrices {
		refreshed, err := LoadRefreshed(row.region)
		require.NoError(t, err)
		if hasKey(refreshed, row.key) {
			continue // the Price List API figure wins (TestRefreshedBeatsPublished)
		}
		cat, ok := PricesFor(row.region)
		require.True(t, ok)
		p, ok := cat.Lookup(row.key)
		require.True(t, ok, "%s %s", row.region, row.key)
		assert.Equal(t, Price{Key: row.key, Amount: row.amount, Currency: "CNY", Unit: row.unit, Source: row.source, Date: row.date}, p)
	}

	// Spot checks against the facts, so that a slip in the table shows: m6i.2xlarge in Beijing (S1,
	// 2024-11-06), EKS at its low-confidence figure (S4, 2026-04-20).
	bj, _ := PricesFor("cn-north-1")
	p, _ := bj.Lookup(PriceEC2Prefix + "m6i.2xlarge")
	assert.Equal(t, 4.05283, p.Amount)
	assert.False(t, p.Estimate)
	// Beijing's instance types are all priced from S1, so the picker never weighs a published figure
	// against an estimate.
	bjTypes, _ := CatalogFor("cn-north-1")
	for _, n := range bjTypes.EC2Names() {
		p, _ := bj.Lookup(PriceEC2Prefix + n)
		assert.False(t, p.Estimate, "cn-north-1 %s", n)
	}
	nx, _ := PricesFor("cn-northwest-1")
	p, _ = nx.Lookup(PriceEKSCluster)
	assert.Equal(t, 0.60, p.Amount)
	assert.Contains(t, p.Source, "low confidence")
}

// TestChinaMetersWithoutARowStayEstimates: a meter no row prices for a region (and no refresh read)
// is an estimate there, even when the other China region has a figure for it.
func TestChinaMetersWithoutARowStayEstimates(t *testing.T) {
	for _, region := range []string{"cn-north-1", "cn-northwest-1"} {
		cat, _ := PricesFor(region)
		refreshed, _ := LoadRefreshed(region)
		rows := map[string]bool{}
		for _, row := range publishedChinaPrices {
			if row.region == region {
				rows[row.key] = true
			}
		}
		for _, k := range cat.Keys() {
			p, _ := cat.Lookup(k)
			if rows[k] || hasKey(refreshed, k) {
				continue
			}
			assert.True(t, p.Estimate, "%s %s", region, k)
			assert.Contains(t, p.Source, "estimate", "%s %s", region, k)
		}
	}
	// Beijing has an S1 figure for m6i.2xlarge, Ningxia none: Ningxia is not assumed equal.
	nx, _ := PricesFor("cn-northwest-1")
	p, _ := nx.Lookup(PriceEC2Prefix + "m6i.2xlarge")
	assert.True(t, p.Estimate)
	assert.NotEqual(t, 4.05283, p.Amount)
	assert.Contains(t, PriceSource("cn-northwest-1"), "are estimates")
	assert.Contains(t, PriceSource("cn-north-1"), "China list prices")
}

// TestRefreshedBeatsPublished: a Price List API figure replaces the published one of its meter, and
// leaves the other published figures in place.
func TestRefreshedBeatsPublished(t *testing.T) {
	r, _ := LookupRegion("cn-north-1")
	api := Price{Key: PriceEC2Prefix + "m6i.2xlarge", Amount: 4.5, Currency: "CNY", Unit: PerHour,
		Source: "AWS Price List API, AmazonEC2 sku X (Hrs)", Date: "2026-12-03"}
	c := buildCatalog(r, []Price{api})
	p, _ := c.Lookup(api.Key)
	assert.Equal(t, api, p)
	p, _ = c.Lookup(PriceEC2Prefix + "m6i.xlarge")
	assert.Equal(t, 2.02642, p.Amount, "published figures the refresh did not read stay")
	assert.False(t, p.Estimate)
	p, _ = c.Lookup(PriceNATHour)
	assert.True(t, p.Estimate, "neither published nor refreshed: still an estimate")
}

func hasKey(prices []Price, key string) bool {
	for _, p := range prices {
		if p.Key == key {
			return true
		}
	}
	return false
}
