package cost

import (
	"fmt"
	"math"
	"sort"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// Prices is what the estimate asks of a price catalog (config.PriceCatalog; tests use their own).
type Prices interface {
	Lookup(key string) (config.Price, bool)
	Currency() string
}

// Item is one priced line of one resource.
type Item struct {
	Resource string  `json:"resource"`
	Type     string  `json:"type"`
	Tier     string  `json:"tier"`
	Meter    string  `json:"meter"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
	Price    float64 `json:"unitPrice"`
	Monthly  float64 `json:"monthly"`
	Detail   string  `json:"detail"`
	// Estimate marks a figure built on an estimated price (a China meter without a published or
	// refreshed figure).
	Estimate bool `json:"estimate,omitempty"`
}

// Unknown is a cost the estimate could not price, with the resource named and why. It is never
// counted as zero: the total says it leaves these out.
type Unknown struct {
	Resource string `json:"resource"`
	Type     string `json:"type"`
	Tier     string `json:"tier"`
	Reason   string `json:"reason"`
}

// Report is a stack's monthly cost by tier. Its JSON is the plan's `cost` object (DESIGN.md: currency,
// monthly by tier, total; the rest are additions).
type Report struct {
	Currency string             `json:"currency"`
	Monthly  map[string]float64 `json:"monthly"`
	Total    float64            `json:"total"`
	// Unknown lists what could not be priced; the total leaves it out.
	Unknown []Unknown `json:"unknown"`
	// Estimates lists the tiers whose figure rests on at least one estimated price.
	Estimates []string `json:"estimates"`
	// PriceSource says where the region's prices come from.
	PriceSource string `json:"priceSource"`
	// Resources is how many resource descriptions the figures come from.
	Resources int    `json:"resources"`
	Items     []Item `json:"items"`
}

// Params are what the estimate needs beside the resources.
type Params struct {
	Region string
	Prices Prices
	Usage  config.CostUsage
}

// ParamsFor returns the parameters of a region's estimate with its own price catalog.
func ParamsFor(region string, usage config.CostUsage) (Params, error) {
	cat, ok := config.PricesFor(region)
	if !ok {
		return Params{}, fmt.Errorf("cost: no price catalog for region %q", region)
	}
	return Params{Region: region, Prices: cat, Usage: usage}, nil
}

// Estimate prices every resource by its type's meter and its tier. It is the one function behind the
// stack output monthlyCost and the plan's cost object.
func Estimate(resources []Resource, p Params) Report {
	g := newGraph(resources)
	rep := Report{Currency: p.Prices.Currency(), Monthly: map[string]float64{}, Unknown: []Unknown{}, Estimates: []string{},
		PriceSource: config.PriceSource(p.Region), Resources: len(resources), Items: []Item{}}
	estimated := map[string]bool{}
	for i := range g.resources {
		r := &g.resources[i]
		if !r.Custom {
			continue // components cost nothing themselves
		}
		tier := g.tierOf(r)
		m, free := chargeRule(r.Type)
		if m == nil {
			if free == "" {
				rep.Unknown = append(rep.Unknown, Unknown{r.URN, r.Type, tier, "no cost rule for this type: add a meter or a no-charge reason in infra/cost/meters.go"})
			}
			continue
		}
		lines, problems := m(g, r, p.Usage)
		for _, why := range problems {
			rep.Unknown = append(rep.Unknown, Unknown{r.URN, r.Type, tier, why})
		}
		for _, l := range lines {
			tier := tier
			if l.tier != "" {
				tier = l.tier
			}
			price, ok := p.Prices.Lookup(l.meter)
			if !ok {
				rep.Unknown = append(rep.Unknown, Unknown{r.URN, r.Type, tier, fmt.Sprintf("no price for %s in %s (%s)", l.meter, p.Region, l.detail)})
				continue
			}
			monthly := round2(l.quantity * price.Amount)
			rep.Items = append(rep.Items, Item{Resource: r.URN, Type: r.Type, Tier: tier, Meter: l.meter, Quantity: round4(l.quantity),
				Unit: string(price.Unit), Price: price.Amount, Monthly: monthly, Detail: l.detail, Estimate: price.Estimate})
			rep.Monthly[tier] += monthly
			if price.Estimate {
				estimated[tier] = true
			}
		}
	}
	for t, v := range rep.Monthly {
		rep.Monthly[t] = round2(v)
		rep.Total += rep.Monthly[t]
	}
	rep.Total = round2(rep.Total)
	for t := range estimated {
		rep.Estimates = append(rep.Estimates, t)
	}
	sort.Strings(rep.Estimates)
	return rep
}

// Tiers returns the report's tiers, most expensive first (ties by name).
func (r Report) Tiers() []string {
	out := make([]string, 0, len(r.Monthly))
	for t := range r.Monthly {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if r.Monthly[out[i]] != r.Monthly[out[j]] {
			return r.Monthly[out[i]] > r.Monthly[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// IsEstimate reports whether any figure rests on an estimated price.
func (r Report) IsEstimate() bool { return len(r.Estimates) > 0 }

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round4(v float64) float64 { return math.Round(v*10000) / 10000 }
