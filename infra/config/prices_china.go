package config

// Published AWS China list prices, in CNY: the figures for which a source gives a China price of a
// meter the catalog prices, for the region that source names. They replace the estimate (USD list
// price × chinaEstimateFactor) of that region and meter, and a Price List API refresh
// (pricedata/<region>.json, written by cmd/prices) replaces them in turn. They live here, not in
// pricedata/, because cmd/prices rewrites a region's pricedata file whole with only what the API
// answered; a published figure kept there would be lost on the first refresh, or read as API data.
//
// Gathered 2026-12-02 from stored copies of secondary sources (the amazonaws.cn pricing pages were out
// of reach); each row's Date is the date its source carries, not the day it was gathered. A region
// without a figure for a meter keeps the estimate: no source gave one Ningxia figure for a Beijing one,
// and the two regions are run by different operators (NWCD, Sinnet), so neither is copied to the other.
// Ids S1… are those of the compiled facts (aws-china-prices.md), kept so a reviewer can match them.

// Sources of the published China figures.
const (
	// S1: Karpenter's on-demand table generated from the China Price List API (Linux, shared tenancy,
	// CNY) at 2024-11-06 for cn-north-1 only. Confidence: high for that date.
	srcCNKarpenter  = "S1 https://github.com/aws/karpenter-provider-aws/blob/655d4733d635e2b633333373c969b1327deb7a81/pkg/providers/pricing/zz_generated.pricing_aws_cn.go (China Price List API, Linux shared on-demand, cn-north-1)"
	dateCNKarpenter = "2024-11-06"

	// S1's earlier generation of the same file (2023-09-18, cn-north-1), read 2026-12-03 for the six
	// catalog types the facts do not list. Where both generations price a type the facts list, the
	// figures agree (c6i, m6i, r6i, c6g, m6g, r6g.xlarge), so these are taken as the same list prices.
	// Without them the Beijing instance picker would weigh S1 figures against estimates 18-33% low and
	// choose the estimated type (r6i.2xlarge at 3.58 over m6i.2xlarge at 4.05; S1 has it at 4.87).
	srcCNKarpenter2023  = "S1 https://github.com/aws/karpenter-provider-aws/blob/0ef00abbe798992cc74883469c3ce77e7dabb4e2/pkg/providers/pricing/zz_generated.pricing_aws_cn.go (China Price List API, Linux shared on-demand, cn-north-1; 2023-09-18 generation, not in the compiled facts)"
	dateCNKarpenter2023 = "2023-09-18"

	// S2: an AWS support answer quoting amazonaws.cn/en/privatelink/pricing, per region. Confidence:
	// medium, as it is old: whether China followed the global PrivateLink changes after 2021 was not
	// found. Still a China figure per region, where the estimate is a conversion.
	srcCNPrivateLink  = "S2 https://github.com/infracost/infracost/issues/417 (AWS support quoting https://www.amazonaws.cn/en/privatelink/pricing/)"
	dateCNPrivateLink = "2021-02-10"

	// S3: a user's cn-northwest-1 gp3 unit price in the pricing page's wording. Confidence: medium.
	srcCNGP3  = "S3 https://github.com/infracost/infracost/issues/3090 (user comment, cn-northwest-1 gp3 unit price)"
	dateCNGP3 = "2024-06-06"

	// S4: a third-party China pricing tool whose EKS extended-support add-on is read from the China
	// Price List API; the standard cluster fee is stated only in a parenthesis beside it, China-wide,
	// no region named. Confidence of that fee: low.
	//
	// Used anyway, because it is better than the estimate it replaces. The estimate assumes China list
	// prices are USD × 7.1, and S1 shows that assumption 18% to 33% low on every EC2 type it prices, so
	// the estimate's error on EKS is unknown and of that size; S4's figure is at least a CNY price from
	// a source that reads the China price list. A wrong figure costs little: one cluster per stack,
	// 0.11 CNY/hour (80 CNY/month) between the two. The source says "low confidence" in every figure
	// built on it, and a Price List API refresh replaces it.
	srcCNEKS  = "S4 https://github.com/jowhee327/aws-china-pricing/blob/a219ae2b04b8e0a012b6a4601d1c0940233ae5df/SKILL.md (Extended Support section; standard fee stated in passing, China-wide, region not stated) — low confidence"
	dateCNEKS = "2026-04-20"
)

// publishedPrice is one row: a meter's published price in one China region.
type publishedPrice struct {
	region string
	key    string
	amount float64
	unit   PriceUnit
	source string
	date   string
}

// publishedChinaPrices: a row per region × meter. The sources hold more (c7g, m7g and r6g.large
// instances, the EKS extended-support add-on, Transit Gateway, data transfer out); those meters are
// not in the catalog, so they have no row.
var publishedChinaPrices = []publishedPrice{
	// cn-north-1 EC2, S1: every type of the catalog. No source gave a cn-northwest-1 instance price.
	{"cn-north-1", PriceEC2Prefix + "c6i.large", 0.73937, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "c6i.xlarge", 1.47874, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "c6i.2xlarge", 2.95747, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "m6i.large", 1.01321, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "m6i.xlarge", 2.02642, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "m6i.2xlarge", 4.05283, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "r6i.xlarge", 2.43718, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "r6g.xlarge", 1.9333, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "c6g.large", 0.5860, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "c6g.xlarge", 1.1720, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "c6g.2xlarge", 2.3441, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "m6g.large", 0.8037, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "m6g.xlarge", 1.6074, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "m6g.2xlarge", 3.2149, PerHour, srcCNKarpenter, dateCNKarpenter},
	{"cn-north-1", PriceEC2Prefix + "t3.large", 0.5258, PerHour, srcCNKarpenter2023, dateCNKarpenter2023},
	{"cn-north-1", PriceEC2Prefix + "t3.xlarge", 1.0515, PerHour, srcCNKarpenter2023, dateCNKarpenter2023},
	{"cn-north-1", PriceEC2Prefix + "c6i.4xlarge", 5.91494, PerHour, srcCNKarpenter2023, dateCNKarpenter2023},
	{"cn-north-1", PriceEC2Prefix + "m6i.4xlarge", 8.10566, PerHour, srcCNKarpenter2023, dateCNKarpenter2023},
	{"cn-north-1", PriceEC2Prefix + "r6i.large", 1.21859, PerHour, srcCNKarpenter2023, dateCNKarpenter2023},
	{"cn-north-1", PriceEC2Prefix + "r6i.2xlarge", 4.87435, PerHour, srcCNKarpenter2023, dateCNKarpenter2023},

	// EBS gp3 storage, S3: cn-northwest-1 only.
	{"cn-northwest-1", PriceEBSPrefix + "gp3", 0.5312, PerGBMonth, srcCNGP3, dateCNGP3},

	// EKS cluster, standard support, S4 (low confidence, see srcCNEKS): the one figure is China-wide,
	// so it is the source's figure for each region, not one region's copied to the other.
	{"cn-north-1", PriceEKSCluster, 0.60, PerHour, srcCNEKS, dateCNEKS},
	{"cn-northwest-1", PriceEKSCluster, 0.60, PerHour, srcCNEKS, dateCNEKS},

	// Interface VPC endpoints, S2: a figure per region for the endpoint-hour (per AZ), one for the GB.
	{"cn-north-1", PriceEndpointAZHour, 0.1120, PerHour, srcCNPrivateLink, dateCNPrivateLink},
	{"cn-northwest-1", PriceEndpointAZHour, 0.0875, PerHour, srcCNPrivateLink, dateCNPrivateLink},
	{"cn-north-1", PriceEndpointGB, 0.0700, PerGB, srcCNPrivateLink, dateCNPrivateLink},
	{"cn-northwest-1", PriceEndpointGB, 0.0700, PerGB, srcCNPrivateLink, dateCNPrivateLink},
}

// publishedFor returns the published prices of a region, as catalog prices in its currency.
func publishedFor(r Region) []Price {
	var out []Price
	for _, row := range publishedChinaPrices {
		if row.region == r.Name {
			out = append(out, Price{Key: row.key, Amount: row.amount, Currency: r.Currency, Unit: row.unit, Source: row.source, Date: row.date})
		}
	}
	return out
}
