package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestCostUsageDefaultsAndMerge(t *testing.T) {
	p, err := Parse(prodInput(nil))
	require.NoError(t, err)
	assert.Equal(t, DefaultCostUsage(), p.Cost)

	p, err = Parse(prodInput(map[string]string{KeyCost: `{"natProcessedGB": 50, "loadBalancerLCU": 0}`}))
	require.NoError(t, err)
	assert.Equal(t, 50, p.Cost.NATProcessedGB)
	assert.Equal(t, 0, p.Cost.LoadBalancerLCU)
	assert.Equal(t, DefaultLogsIngestedGB, p.Cost.LogsIngestedGB, "fields not given keep their default")
}

// TestCostUsageBadValues gives every cost field a bad value and expects an error of the right type at
// the right path, naming the value.
func TestCostUsageBadValues(t *testing.T) {
	cases := []struct {
		name  string
		value string
		path  string
		text  string
	}{
		{"not an object", `[1]`, "cost", "must be an object"},
		{"unknown field", `{"natProcesedGB": 5}`, "cost.natProcesedGB", `did you mean "natProcessedGB"`},
		{"nat negative", `{"natProcessedGB": -1}`, "cost.natProcessedGB", "-1: must be between 0 and 1000000"},
		{"nat not int", `{"natProcessedGB": "lots"}`, "cost.natProcessedGB", `"lots": must be an integer`},
		{"endpoint too big", `{"endpointProcessedGB": 2000000}`, "cost.endpointProcessedGB", "2000000"},
		{"logs negative", `{"logsIngestedGB": -5}`, "cost.logsIngestedGB", "-5"},
		{"backup fractional", `{"backupStorageGB": 1.5}`, "cost.backupStorageGB", "must be an integer"},
		{"snapshot negative", `{"snapshotStorageGB": -300}`, "cost.snapshotStorageGB", "-300"},
		{"lcu too big", `{"loadBalancerLCU": 20000}`, "cost.loadBalancerLCU", "must be between 0 and 10000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(prodInput(map[string]string{KeyCost: c.value}))
			require.Error(t, err)
			requireFieldError(t, err, c.path, field.ErrorTypeInvalid, c.text)
		})
	}
}

func TestPriceCatalog(t *testing.T) {
	for _, region := range SupportedRegions() {
		cat, ok := PricesFor(region)
		require.True(t, ok, region)
		r, _ := LookupRegion(region)
		assert.Equal(t, r.Currency, cat.Currency())
		for _, k := range cat.Keys() {
			p, _ := cat.Lookup(k)
			assert.Equal(t, r.Currency, p.Currency, k)
			assert.NotEmpty(t, p.Source, k)
			assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, p.Date, k)
			assert.Positive(t, p.Amount, k)
			if !r.China() {
				assert.False(t, p.Estimate, "%s %s: global figures are read, not estimated", region, k)
			}
		}
		// Every type the instance catalog offers has a price (PickEC2 picks only priced types).
		c, _ := CatalogFor(region)
		for _, n := range c.EC2Names() {
			_, ok := cat.Lookup(PriceEC2Prefix + n)
			assert.True(t, ok, "%s: no price for %s", region, n)
		}
		for _, n := range c.CacheNames() {
			_, ok := cat.Lookup(PriceCachePrefix + n)
			assert.True(t, ok, "%s: no price for %s", region, n)
		}
	}

	us, _ := PricesFor("us-east-1")
	cn, _ := PricesFor("cn-northwest-1")
	u, _ := us.Lookup("ec2:m6i.xlarge")
	c, _ := cn.Lookup("ec2:m6i.xlarge")
	assert.Equal(t, 0.192, u.Amount)
	// No published Ningxia figure for m6i.xlarge: it stays an estimate. The figure is not held to the
	// program's own estimate factor (that would pass by construction): it must say it is an estimate,
	// in CNY.
	assert.Equal(t, "CNY", c.Currency)
	assert.True(t, c.Estimate)
	assert.Contains(t, c.Source, "estimate")
	_, ok := cn.Lookup(PricePublicIPv4Hour)
	assert.False(t, ok, "no China figure for the public IPv4 charge: it stays unknown, not guessed")
	_, ok = PricesFor("mars-1")
	assert.False(t, ok)
}

func TestRefreshedFilesParse(t *testing.T) {
	for _, region := range SupportedRegions() {
		_, err := LoadRefreshed(region)
		assert.NoError(t, err, region)
	}
	bad := []struct{ name, body, text string }{
		{"not json", `{`, "unexpected end"},
		{"no source", `[{"key":"ec2:m6i.large","amount":1,"currency":"CNY","unit":"hour","date":"2026-11-25"}]`, "source and date are required"},
		{"wrong currency", `[{"key":"ec2:m6i.large","amount":1,"currency":"USD","unit":"hour","source":"api","date":"2026-11-25"}]`, "is in USD, but cn-northwest-1 bills in CNY"},
		{"negative", `[{"key":"ec2:m6i.large","amount":-1,"currency":"CNY","unit":"hour","source":"api","date":"2026-11-25"}]`, "non-negative amount"},
	}
	for _, b := range bad {
		_, err := ParseRefreshed("cn-northwest-1", []byte(b.body))
		require.Error(t, err, b.name)
		assert.Contains(t, err.Error(), b.text, b.name)
	}
	ok := `[{"key":"ec2:m6i.large","amount":0.7,"currency":"CNY","unit":"hour","source":"AWS Price List API","date":"2026-11-25"}]`
	prices, err := ParseRefreshed("cn-northwest-1", []byte(ok))
	require.NoError(t, err)
	assert.False(t, prices[0].Estimate)
}
