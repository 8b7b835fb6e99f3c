package config

// Hourly on-demand prices (Linux, shared tenancy) per region, in the region's currency.
//
// Global regions, USD: AWS "Amazon EC2 On-Demand Pricing" and "Amazon ElastiCache pricing" pages for
// us-east-1 and us-west-2 (which price these types identically), as recorded on 2025-06-01 and kept
// on 2026-11-25.
//
// China regions, CNY: NOT read from the amazonaws.cn price pages (they were out of reach when this
// table was written, 2026-11-25). They are an explicit estimate: the USD price × chinaEstimateFactor.
// `go run ./cmd/prices -region cn-northwest-1` (the Price List API, with credentials) replaces them;
// until then every China cost the plan prints is marked as an estimate (PriceSource).
var usdHourly = map[string]float64{
	"t3.large": 0.0832, "t3.xlarge": 0.1664,
	"c6i.large": 0.085, "c6i.xlarge": 0.17, "c6i.2xlarge": 0.34, "c6i.4xlarge": 0.68,
	"m6i.large": 0.096, "m6i.xlarge": 0.192, "m6i.2xlarge": 0.384, "m6i.4xlarge": 0.768,
	"r6i.large": 0.126, "r6i.xlarge": 0.252, "r6i.2xlarge": 0.504,
	"c6g.large": 0.068, "c6g.xlarge": 0.136, "c6g.2xlarge": 0.272,
	"m6g.large": 0.077, "m6g.xlarge": 0.154, "m6g.2xlarge": 0.308,
	"r6g.xlarge":       0.2016,
	"cache.t4g.medium": 0.065, "cache.m6g.large": 0.149, "cache.m6g.xlarge": 0.298, "cache.m6g.2xlarge": 0.596,
	"cache.r6g.large": 0.206, "cache.r6g.xlarge": 0.411, "cache.r6g.2xlarge": 0.821,
}

// chinaEstimateFactor turns a USD list price into an estimated CNY price: 7.1 CNY/USD (the PBOC
// central parity rate was 7.1 ± 0.1 through 2025) × 1.0, assuming China list prices track global
// ones. An estimate, stated as one; see PriceSource.
const chinaEstimateFactor = 7.1

// HourlyPrice returns the on-demand hourly price of an EC2 or ElastiCache type in a region, in the
// region's currency.
func HourlyPrice(region, typeName string) (float64, bool) {
	r, ok := LookupRegion(region)
	if !ok {
		return 0, false
	}
	usd, ok := usdHourly[typeName]
	if !ok {
		return 0, false
	}
	if r.China() {
		return usd * chinaEstimateFactor, true
	}
	return usd, true
}

// PriceSource says where a region's prices come from, for the plan to print beside costs.
func PriceSource(region string) string {
	r, ok := LookupRegion(region)
	if !ok {
		return "unknown region"
	}
	if r.China() {
		return "estimate: USD list price × 7.1 (China price pages not read; refresh with cmd/prices)"
	}
	return "AWS on-demand list prices, us-east-1/us-west-2, recorded 2025-06-01"
}
