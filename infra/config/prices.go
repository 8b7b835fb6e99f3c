package config

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
)

// The price catalog, beside the instance catalog: every list price the cost estimate uses, per region,
// in the region's currency, each with its source and date. A key names one meter: "ec2:m6i.xlarge"
// (instance-hours), "ebs:gp3" (GB-months), "vpc:nat-hour", ... (see globalPrices).
//
// Where the figures come from:
//   - Global regions (USD): the AWS pricing pages named per entry, us-east-1 on-demand list prices,
//     which us-west-2 shares for every meter here. The figures are as recorded on globalPriceDate; the
//     pages could not be re-read when this table was last edited (2026-11-25).
//   - China regions (CNY), in this order of precedence:
//     1. `go run ./cmd/prices -region R` (the AWS Price List API, with credentials) writes
//     pricedata/<region>.json; its entries replace any other figure, with the API as source and the
//     day they were read.
//     2. Published China list prices (prices_china.go): figures a source gives for that region and
//     meter, each with its source and the source's date.
//     3. Otherwise an explicit estimate: the USD list price × chinaEstimateFactor, marked Estimate so
//     that every figure built on it says so (the amazonaws.cn price pages were out of reach).
//   - In the global regions, pricedata/<region>.json replaces the USD table the same way.

// PriceUnit is what one unit of a price buys.
type PriceUnit string

const (
	PerHour      PriceUnit = "hour"
	PerMonth     PriceUnit = "month"
	PerGB        PriceUnit = "GB"
	PerGBMonth   PriceUnit = "GB-month"
	PerIOPSMonth PriceUnit = "IOPS-month"
	PerMBpsMonth PriceUnit = "MBps-month"
	PerLCUHour   PriceUnit = "LCU-hour"
)

// HoursPerMonth is the month AWS prices monthly estimates with (365 × 24 / 12).
const HoursPerMonth = 730

// Price is one list price in one region.
type Price struct {
	Key      string    `json:"key"`
	Amount   float64   `json:"amount"`
	Currency string    `json:"currency"`
	Unit     PriceUnit `json:"unit"`
	Source   string    `json:"source"`
	// Date is when the figure was read from its source, or, for a published China figure, the date
	// its source carries.
	Date string `json:"date"`
	// Estimate marks a figure derived rather than read (China meters without a published or
	// refreshed figure).
	Estimate bool `json:"estimate,omitempty"`
}

// Price keys. Instance-like meters take the type name after the prefix.
const (
	PriceEC2Prefix         = "ec2:"
	PriceCachePrefix       = "elasticache:"
	PriceOpenSearchPrefix  = "opensearch:"
	PriceEBSPrefix         = "ebs:"
	PriceOpenSearchStorage = "opensearch-ebs:"
	PriceS3Prefix          = "s3:"

	PriceEBSSnapshot      = "ebs:snapshot"
	PriceGP3IOPS          = "ebs:gp3-iops"
	PriceGP3Throughput    = "ebs:gp3-throughput"
	PriceIO1IOPS          = "ebs:io1-iops"
	PriceEKSCluster       = "eks:cluster"
	PriceNATHour          = "vpc:nat-hour"
	PriceNATGB            = "vpc:nat-gb"
	PricePublicIPv4Hour   = "vpc:public-ipv4-hour"
	PriceEndpointAZHour   = "privatelink:endpoint-hour"
	PriceEndpointGB       = "privatelink:endpoint-gb"
	PriceALBHour          = "elb:alb-hour"
	PriceALBLCUHour       = "elb:alb-lcu-hour"
	PriceNLBHour          = "elb:nlb-hour"
	PriceNLBLCUHour       = "elb:nlb-lcu-hour"
	PriceLogsIngestGB     = "logs:ingest"
	PriceLogsStorageGB    = "logs:storage"
	PriceKMSKey           = "kms:key"
	PriceSecret           = "secretsmanager:secret"
	PriceWAFWebACL        = "waf:webacl"
	PriceWAFRule          = "waf:rule"
	PriceAlarm            = "cloudwatch:alarm"
	PriceS3Standard       = "s3:STANDARD"
	PriceS3StandardIA     = "s3:STANDARD_IA"
	PriceS3GlacierInstant = "s3:GLACIER_IR"
)

// globalPriceDate is when the USD figures below were recorded.
const globalPriceDate = "2025-06-01"

// Sources of the USD figures: the AWS pricing page of each service, us-east-1 on-demand.
const (
	srcEC2         = "aws.amazon.com/ec2/pricing/on-demand (Linux, shared tenancy, us-east-1)"
	srcElastiCache = "aws.amazon.com/elasticache/pricing (on-demand nodes, us-east-1)"
	srcOpenSearch  = "aws.amazon.com/opensearch-service/pricing (on-demand instances, us-east-1)"
	srcOSStorage   = "aws.amazon.com/opensearch-service/pricing (EBS storage, us-east-1; gp3 9.6% below gp2 per the AWS Big Data Blog of July 2022)"
	srcEBS         = "aws.amazon.com/ebs/pricing (us-east-1)"
	srcEKS         = "aws.amazon.com/eks/pricing (cluster in standard support, us-east-1)"
	srcVPC         = "aws.amazon.com/vpc/pricing (NAT gateway, public IPv4, us-east-1)"
	srcPrivateLink = "aws.amazon.com/privatelink/pricing (interface endpoint, us-east-1)"
	srcELB         = "aws.amazon.com/elasticloadbalancing/pricing (us-east-1)"
	srcS3          = "aws.amazon.com/s3/pricing (first 50 TB, us-east-1)"
	srcLogs        = "aws.amazon.com/cloudwatch/pricing (Logs, standard class, us-east-1)"
	srcKMS         = "aws.amazon.com/kms/pricing (customer managed key)"
	srcSecrets     = "aws.amazon.com/secrets-manager/pricing"
	srcWAF         = "aws.amazon.com/waf/pricing (web ACL and rule, per month)"
	srcAlarms      = "aws.amazon.com/cloudwatch/pricing (standard-resolution metric alarm)"
)

type listPrice struct {
	usd    float64
	unit   PriceUnit
	source string
}

func hourly(usd float64, src string) listPrice { return listPrice{usd, PerHour, src} }

// globalPrices are the USD list prices, one entry per meter.
var globalPrices = func() map[string]listPrice {
	m := map[string]listPrice{
		PriceEBSPrefix + "gp3": {0.08, PerGBMonth, srcEBS}, PriceEBSPrefix + "gp2": {0.10, PerGBMonth, srcEBS},
		PriceEBSPrefix + "io1": {0.125, PerGBMonth, srcEBS}, PriceEBSPrefix + "io2": {0.125, PerGBMonth, srcEBS},
		PriceEBSPrefix + "st1": {0.045, PerGBMonth, srcEBS}, PriceEBSPrefix + "sc1": {0.015, PerGBMonth, srcEBS},
		PriceGP3IOPS: {0.005, PerIOPSMonth, srcEBS}, PriceGP3Throughput: {0.04, PerMBpsMonth, srcEBS},
		PriceIO1IOPS: {0.065, PerIOPSMonth, srcEBS}, PriceEBSSnapshot: {0.05, PerGBMonth, srcEBS},

		PriceOpenSearchStorage + "gp3": {0.122, PerGBMonth, srcOSStorage},
		PriceOpenSearchStorage + "gp2": {0.135, PerGBMonth, srcOSStorage},

		PriceEKSCluster: hourly(0.10, srcEKS),
		PriceNATHour:    hourly(0.045, srcVPC), PriceNATGB: {0.045, PerGB, srcVPC},
		PricePublicIPv4Hour: hourly(0.005, srcVPC),
		PriceEndpointAZHour: hourly(0.01, srcPrivateLink), PriceEndpointGB: {0.01, PerGB, srcPrivateLink},
		PriceALBHour: hourly(0.0225, srcELB), PriceALBLCUHour: {0.008, PerLCUHour, srcELB},
		PriceNLBHour: hourly(0.0225, srcELB), PriceNLBLCUHour: {0.006, PerLCUHour, srcELB},

		PriceS3Standard: {0.023, PerGBMonth, srcS3}, PriceS3StandardIA: {0.0125, PerGBMonth, srcS3},
		PriceS3GlacierInstant: {0.004, PerGBMonth, srcS3},
		PriceLogsIngestGB:     {0.50, PerGB, srcLogs}, PriceLogsStorageGB: {0.03, PerGBMonth, srcLogs},
		PriceKMSKey: {1.00, PerMonth, srcKMS}, PriceSecret: {0.40, PerMonth, srcSecrets},
		PriceWAFWebACL: {5.00, PerMonth, srcWAF}, PriceWAFRule: {1.00, PerMonth, srcWAF},
		PriceAlarm: {0.10, PerMonth, srcAlarms},
	}
	for t, usd := range map[string]float64{
		"t3.large": 0.0832, "t3.xlarge": 0.1664,
		"c6i.large": 0.085, "c6i.xlarge": 0.17, "c6i.2xlarge": 0.34, "c6i.4xlarge": 0.68,
		"m6i.large": 0.096, "m6i.xlarge": 0.192, "m6i.2xlarge": 0.384, "m6i.4xlarge": 0.768,
		"r6i.large": 0.126, "r6i.xlarge": 0.252, "r6i.2xlarge": 0.504,
		"c6g.large": 0.068, "c6g.xlarge": 0.136, "c6g.2xlarge": 0.272,
		"m6g.large": 0.077, "m6g.xlarge": 0.154, "m6g.2xlarge": 0.308,
		"r6g.xlarge": 0.2016,
	} {
		m[PriceEC2Prefix+t] = hourly(usd, srcEC2)
	}
	for t, usd := range map[string]float64{
		"cache.t4g.medium": 0.065, "cache.m6g.large": 0.149, "cache.m6g.xlarge": 0.298, "cache.m6g.2xlarge": 0.596,
		"cache.r6g.large": 0.206, "cache.r6g.xlarge": 0.411, "cache.r6g.2xlarge": 0.821,
	} {
		m[PriceCachePrefix+t] = hourly(usd, srcElastiCache)
	}
	for t, usd := range map[string]float64{
		"t3.medium.search": 0.073, "c6g.large.search": 0.113, "c6g.xlarge.search": 0.226,
		"m6g.large.search": 0.128, "m6g.xlarge.search": 0.256, "m6g.2xlarge.search": 0.512,
		"r6g.large.search": 0.167, "r6g.xlarge.search": 0.335, "r6g.2xlarge.search": 0.67,
	} {
		m[PriceOpenSearchPrefix+t] = hourly(usd, srcOpenSearch)
	}
	return m
}()

// chinaEstimateFactor turns a USD list price into an estimated CNY price: 7.1 CNY/USD (the PBOC
// central parity rate was 7.1 ± 0.1 through 2025) × 1.0, assuming China list prices track global
// ones. An estimate, stated as one: every China figure built on it is marked Estimate.
const chinaEstimateFactor = 7.1

// notEstimatedInChina are meters whose China price cannot be derived from the global one: the public
// IPv4 address charge (global since 2024-02-01) has no China announcement we could confirm, so it stays
// unknown there rather than guessed.
var notEstimatedInChina = map[string]bool{PricePublicIPv4Hour: true}

// refreshedData holds what cmd/prices wrote: pricedata/<region>.json, a list of Price.
//
//go:embed pricedata
var refreshedData embed.FS

// RefreshedFile is where cmd/prices writes a region's prices, relative to this package.
func RefreshedFile(region string) string { return path.Join("pricedata", region+".json") }

// PriceCatalog is the set of prices of one region.
type PriceCatalog struct {
	Region Region
	prices map[string]Price
}

var catalogs sync.Map // region name → PriceCatalog

// PricesFor returns the region's price catalog; ok is false for a region the program does not support.
// It fails (without a catalog) when the region's refreshed file is malformed.
func PricesFor(region string) (PriceCatalog, bool) {
	if c, ok := catalogs.Load(region); ok {
		return c.(PriceCatalog), true
	}
	r, ok := LookupRegion(region)
	if !ok {
		return PriceCatalog{}, false
	}
	refreshed, err := LoadRefreshed(region)
	if err != nil {
		return PriceCatalog{}, false
	}
	c := buildCatalog(r, refreshed)
	catalogs.Store(region, c)
	return c, true
}

// buildCatalog lays a region's prices on top of each other, the stronger last: the USD table (as an
// estimate in China), the published China figures, then what the Price List API refresh read.
func buildCatalog(r Region, refreshed []Price) PriceCatalog {
	c := PriceCatalog{Region: r, prices: map[string]Price{}}
	for key, lp := range globalPrices {
		p := Price{Key: key, Amount: lp.usd, Currency: r.Currency, Unit: lp.unit, Source: lp.source, Date: globalPriceDate}
		if r.China() {
			if notEstimatedInChina[key] {
				continue
			}
			p.Amount = lp.usd * chinaEstimateFactor
			p.Source = fmt.Sprintf("estimate: USD list price × %.1f (%s)", chinaEstimateFactor, lp.source)
			p.Estimate = true
		}
		c.prices[key] = p
	}
	for _, p := range publishedFor(r) {
		c.prices[p.Key] = p
	}
	for _, p := range refreshed {
		c.prices[p.Key] = p
	}
	return c
}

// LoadRefreshed reads the prices cmd/prices wrote for a region (none if it has not run for it).
func LoadRefreshed(region string) ([]Price, error) {
	b, err := refreshedData.ReadFile(RefreshedFile(region))
	if err != nil {
		return nil, nil // not refreshed yet
	}
	return ParseRefreshed(region, b)
}

// ParseRefreshed reads a refreshed price file of a region and checks every entry: a key, a
// non-negative amount, a source and a date, in the region's currency.
func ParseRefreshed(region string, b []byte) ([]Price, error) {
	var prices []Price
	if err := json.Unmarshal(b, &prices); err != nil {
		return nil, fmt.Errorf("%s: %w", RefreshedFile(region), err)
	}
	r, ok := LookupRegion(region)
	if !ok {
		return nil, fmt.Errorf("%s: region %q is not supported", RefreshedFile(region), region)
	}
	for _, p := range prices {
		if p.Key == "" || p.Amount < 0 || p.Source == "" || p.Date == "" {
			return nil, fmt.Errorf("%s: price %q: key, a non-negative amount, source and date are required", RefreshedFile(region), p.Key)
		}
		if p.Currency != r.Currency {
			return nil, fmt.Errorf("%s: price %q is in %s, but %s bills in %s", RefreshedFile(region), p.Key, p.Currency, region, r.Currency)
		}
	}
	return prices, nil
}

// Lookup returns the price of a meter.
func (c PriceCatalog) Lookup(key string) (Price, bool) {
	p, ok := c.prices[key]
	return p, ok
}

// Keys lists the catalog's meters, sorted.
func (c PriceCatalog) Keys() []string { return sortedKeys(c.prices) }

// Currency is what the region bills in.
func (c PriceCatalog) Currency() string { return c.Region.Currency }

// With returns a copy of the catalog with prices added or replaced (tests, and cmd/prices' preview).
func (c PriceCatalog) With(prices ...Price) PriceCatalog {
	out := PriceCatalog{Region: c.Region, prices: make(map[string]Price, len(c.prices)+len(prices))}
	for k, p := range c.prices {
		out.prices[k] = p
	}
	for _, p := range prices {
		out.prices[p.Key] = p
	}
	return out
}

// Without returns a copy of the catalog lacking the given meters.
func (c PriceCatalog) Without(keys ...string) PriceCatalog {
	out := c.With()
	for _, k := range keys {
		delete(out.prices, k)
	}
	return out
}

// HourlyPrice returns the on-demand hourly price of an EC2 or ElastiCache type in a region, in the
// region's currency.
func HourlyPrice(region, typeName string) (float64, bool) {
	c, ok := PricesFor(region)
	if !ok {
		return 0, false
	}
	prefix := PriceEC2Prefix
	if strings.HasPrefix(typeName, "cache.") {
		prefix = PriceCachePrefix
	}
	p, ok := c.Lookup(prefix + typeName)
	return p.Amount, ok
}

// PriceSource says where a region's prices come from, for the plan to print beside costs.
func PriceSource(region string) string {
	c, ok := PricesFor(region)
	if !ok {
		return "unknown region"
	}
	sources := map[string]int{}
	estimates := 0
	for _, p := range c.prices {
		if p.Estimate {
			estimates++
			continue
		}
		sources[p.Date]++
	}
	dates := sortedKeys(sources)
	sort.Strings(dates)
	if !c.Region.China() {
		return fmt.Sprintf("AWS on-demand list prices, us-east-1 figures, recorded %s", strings.Join(dates, ", "))
	}
	read := fmt.Sprintf("%d of %d prices are China list prices (published or read from the Price List API; sources dated %s)",
		len(c.prices)-estimates, len(c.prices), strings.Join(dates, ", "))
	if estimates == 0 {
		return read
	}
	est := fmt.Sprintf("%d of %d prices are estimates: USD list price × %.1f (no China figure found; refresh with go run ./cmd/prices -region %s)",
		estimates, len(c.prices), chinaEstimateFactor, region)
	if len(dates) == 0 {
		return est
	}
	return est + "; " + read
}
