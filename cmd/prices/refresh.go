package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/pricing/types"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// productsAPI is the part of the Price List API client the refresh uses (a fake in tests).
type productsAPI interface {
	GetProducts(ctx context.Context, in *pricing.GetProductsInput, optFns ...func(*pricing.Options)) (*pricing.GetProductsOutput, error)
}

// query is how one catalog key is asked of the Price List API: a service code, filters that narrow it
// to one product, and the units the answer may be in.
type query struct {
	service string
	filters map[string]string
	// contains are filters by substring (usage types carry a region prefix: USE1-, CNW1-, ...).
	contains map[string]string
	units    []string
}

// hourUnits and the others are how the Price List API writes the units of the catalog.
var (
	hourUnits    = []string{"Hrs", "Hours", "hours"}
	gbMonthUnits = []string{"GB-Mo", "GB-month"}
	gbUnits      = []string{"GB"}
)

// queryFor maps a catalog key to its Price List query. Keys without one keep their built-in figure.
// Attribute names and values: the Price List API's product attributes (GetAttributeValues), as used
// by the AWS pricing pages' own exports.
func queryFor(key, region string) (query, bool) {
	base := map[string]string{"regionCode": region}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	switch {
	case strings.HasPrefix(key, config.PriceEC2Prefix):
		return query{service: "AmazonEC2", units: hourUnits, filters: with(map[string]string{
			"instanceType": strings.TrimPrefix(key, config.PriceEC2Prefix), "operatingSystem": "Linux", "tenancy": "Shared",
			"preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required"})}, true
	case strings.HasPrefix(key, config.PriceCachePrefix):
		return query{service: "AmazonElastiCache", units: hourUnits, filters: with(map[string]string{
			"instanceType": strings.TrimPrefix(key, config.PriceCachePrefix), "cacheEngine": "Redis"})}, true
	case strings.HasPrefix(key, config.PriceOpenSearchPrefix):
		return query{service: "AmazonES", units: hourUnits, filters: with(map[string]string{
			"instanceType": strings.TrimPrefix(key, config.PriceOpenSearchPrefix)})}, true
	case key == config.PriceEBSSnapshot:
		return query{service: "AmazonEC2", units: gbMonthUnits, filters: with(map[string]string{"productFamily": "Storage Snapshot"}),
			contains: map[string]string{"usagetype": "EBS:SnapshotUsage"}}, true
	case strings.HasPrefix(key, config.PriceEBSPrefix) && !strings.Contains(key, "-"):
		return query{service: "AmazonEC2", units: gbMonthUnits, filters: with(map[string]string{
			"productFamily": "Storage", "volumeApiName": strings.TrimPrefix(key, config.PriceEBSPrefix)})}, true
	}
	usage := map[string]query{
		config.PriceEKSCluster:     {service: "AmazonEKS", units: hourUnits, contains: map[string]string{"usagetype": "AmazonEKS-Hours:perCluster"}},
		config.PriceNATHour:        {service: "AmazonEC2", units: hourUnits, contains: map[string]string{"usagetype": "NatGateway-Hours"}},
		config.PriceNATGB:          {service: "AmazonEC2", units: gbUnits, contains: map[string]string{"usagetype": "NatGateway-Bytes"}},
		config.PricePublicIPv4Hour: {service: "AmazonVPC", units: hourUnits, contains: map[string]string{"usagetype": "PublicIPv4:InUseAddress"}},
		config.PriceEndpointAZHour: {service: "AmazonVPC", units: hourUnits, contains: map[string]string{"usagetype": "VpcEndpoint-Hours"}},
		config.PriceEndpointGB:     {service: "AmazonVPC", units: gbUnits, contains: map[string]string{"usagetype": "VpcEndpoint-Bytes"}},
		config.PriceALBHour:        {service: "AWSELB", units: hourUnits, filters: map[string]string{"productFamily": "Load Balancer-Application"}, contains: map[string]string{"usagetype": "LoadBalancerUsage"}},
		config.PriceNLBHour:        {service: "AWSELB", units: hourUnits, filters: map[string]string{"productFamily": "Load Balancer-Network"}, contains: map[string]string{"usagetype": "LoadBalancerUsage"}},
		config.PriceLogsIngestGB:   {service: "AmazonCloudWatch", units: gbUnits, contains: map[string]string{"usagetype": "DataProcessing-Bytes"}},
		config.PriceLogsStorageGB:  {service: "AmazonCloudWatch", units: gbMonthUnits, contains: map[string]string{"usagetype": "TimedStorage-ByteHrs"}},
		config.PriceS3Standard:     {service: "AmazonS3", units: gbMonthUnits, contains: map[string]string{"usagetype": "TimedStorage-ByteHrs"}, filters: map[string]string{"volumeType": "Standard"}},
	}
	q, ok := usage[key]
	if !ok {
		return query{}, false
	}
	q.filters = with(q.filters)
	return q, true
}

// filters renders a query as Price List filters, sorted for a stable request.
func (q query) apiFilters() []types.Filter {
	var out []types.Filter
	for _, k := range sortedKeys(q.filters) {
		out = append(out, types.Filter{Field: aws.String(k), Type: types.FilterTypeTermMatch, Value: aws.String(q.filters[k])})
	}
	for _, k := range sortedKeys(q.contains) {
		out = append(out, types.Filter{Field: aws.String(k), Type: types.FilterTypeContains, Value: aws.String(q.contains[k])})
	}
	return out
}

// priceListItem is the part of a Price List product document the refresh reads.
type priceListItem struct {
	Product struct {
		SKU        string            `json:"sku"`
		Attributes map[string]string `json:"attributes"`
	} `json:"product"`
	Terms struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				BeginRange   string            `json:"beginRange"`
				Description  string            `json:"description"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

// candidate is one on-demand price found for a key.
type candidate struct {
	amount float64
	sku    string
	unit   string
}

// fetch asks the API for one key and returns its price, or why it could not decide.
func fetch(ctx context.Context, api productsAPI, key string, q query, currency string) (candidate, error) {
	in := &pricing.GetProductsInput{ServiceCode: aws.String(q.service), Filters: q.apiFilters(), FormatVersion: aws.String("aws_v1"), MaxResults: aws.Int32(100)}
	found := map[string]candidate{} // distinct by amount and unit
	for page := 0; ; page++ {
		out, err := api.GetProducts(ctx, in)
		if err != nil {
			return candidate{}, fmt.Errorf("GetProducts %s: %w", q.service, err)
		}
		for _, doc := range out.PriceList {
			var item priceListItem
			if err := json.Unmarshal([]byte(doc), &item); err != nil {
				return candidate{}, fmt.Errorf("price list document of %s: %w", q.service, err)
			}
			for _, term := range item.Terms.OnDemand {
				for _, dim := range term.PriceDimensions {
					if !containsStr(q.units, dim.Unit) || (dim.BeginRange != "" && dim.BeginRange != "0") {
						continue // another unit, or a higher volume tier
					}
					raw, ok := dim.PricePerUnit[currency]
					if !ok {
						return candidate{}, fmt.Errorf("%s is priced in %v, not %s", item.Product.SKU, keysOf(dim.PricePerUnit), currency)
					}
					amount, err := strconv.ParseFloat(raw, 64)
					if err != nil {
						return candidate{}, fmt.Errorf("%s: price %q: %w", item.Product.SKU, raw, err)
					}
					if amount == 0 {
						continue // free tiers and zero-priced dimensions say nothing about the list price
					}
					found[fmt.Sprintf("%g %s", amount, dim.Unit)] = candidate{amount: amount, sku: item.Product.SKU, unit: dim.Unit}
				}
			}
		}
		if out.NextToken == nil || *out.NextToken == "" || page > 50 {
			break
		}
		in.NextToken = out.NextToken
	}
	switch len(found) {
	case 0:
		return candidate{}, fmt.Errorf("no on-demand price in %s for %s", currency, key)
	case 1:
		for _, c := range found {
			return c, nil
		}
	}
	return candidate{}, fmt.Errorf("%d different prices match %s (%s): the query is not narrow enough", len(found), key, strings.Join(sortedKeys(found), "; "))
}

// Result is the outcome of a refresh: the prices read, and the keys left at their built-in figure.
type Result struct {
	Prices  []config.Price
	Skipped map[string]string
}

// refresh reads every catalog key of the region that has a query, and keeps the others.
func refresh(ctx context.Context, api productsAPI, region, date string) (Result, error) {
	cat, ok := config.PricesFor(region)
	if !ok {
		return Result{}, fmt.Errorf("region %q: supported regions: %s", region, strings.Join(config.SupportedRegions(), ", "))
	}
	res := Result{Skipped: map[string]string{}}
	for _, key := range cat.Keys() {
		q, ok := queryFor(key, region)
		if !ok {
			res.Skipped[key] = "no Price List query for this meter; built-in figure kept"
			continue
		}
		c, err := fetch(ctx, api, key, q, cat.Currency())
		if err != nil {
			res.Skipped[key] = err.Error()
			continue
		}
		builtIn, _ := cat.Lookup(key)
		res.Prices = append(res.Prices, config.Price{Key: key, Amount: c.amount, Currency: cat.Currency(), Unit: builtIn.Unit,
			Source: fmt.Sprintf("AWS Price List API, %s sku %s (%s)", q.service, c.sku, c.unit), Date: date})
	}
	sort.Slice(res.Prices, func(i, j int) bool { return res.Prices[i].Key < res.Prices[j].Key })
	return res, nil
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keysOf(m map[string]string) []string { return sortedKeys(m) }
