package cost

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// Args configures the cost component.
type Args struct {
	// Collector describes every resource the program registers (NewCollector, called first).
	Collector *Collector
	// Region picks the price catalog and the currency.
	Region string
	// Usage is what the resources' inputs cannot say (data processed, logs, backups).
	Usage config.CostUsage
}

// Validate checks the args on their own.
func (a Args) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if a.Collector == nil {
		errs = append(errs, field.Required(path.Child("collector"), "the resource collector registered before any resource"))
	}
	if _, ok := config.PricesFor(a.Region); !ok {
		errs = append(errs, field.NotSupported(path.Child("region"), a.Region, config.SupportedRegions()))
	}
	return errs
}

// Cost is the component whose outputs are the stack's cost and deploy-time figures. They resolve only
// after every resource is registered: export them or derive other outputs from them, but never pass
// them into a resource's inputs (that resource would wait for itself).
type Cost struct {
	pulumi.ResourceState

	// MonthlyCost is {currency, total, monthly: {tier: n}, unknown: [...], estimate, priceSource}.
	MonthlyCost pulumi.MapOutput
	// DeployEstimateMinutes is the critical path of a `pulumi up` from an empty account.
	DeployEstimateMinutes pulumi.Float64Output
}

// New registers the component. Call it last: its outputs resolve once every resource the program
// registers (before and after it) is registered, and are computed from their descriptions by the
// same functions the offline plan uses.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Cost, error) {
	if errs := args.Validate(field.NewPath("cost")); len(errs) > 0 {
		return nil, fmt.Errorf("cost: %w", errs.ToAggregate())
	}
	params, err := ParamsFor(args.Region, args.Usage)
	if err != nil {
		return nil, err
	}
	c := &Cost{}
	if err := ctx.RegisterComponentResource("suoke:cost:Cost", name, c, opts...); err != nil {
		return nil, err
	}
	described := args.Collector.Resources()
	c.MonthlyCost = described.ApplyT(func(v any) map[string]any {
		return Estimate(v.([]Resource), params).Output()
	}).(pulumi.MapOutput)
	c.DeployEstimateMinutes = described.ApplyT(func(v any) float64 {
		return EstimateDeploy(v.([]Resource)).EstimatedMinutes
	}).(pulumi.Float64Output)
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"monthlyCost":           c.MonthlyCost,
		"deployEstimateMinutes": c.DeployEstimateMinutes,
	}); err != nil {
		return nil, fmt.Errorf("cost %s: %w", name, err)
	}
	return c, nil
}

// Output is the report as the stack output monthlyCost: per tier, total, currency, and what it leaves
// out. Plain maps and lists only, so that it marshals as a stack output.
func (r Report) Output() map[string]any {
	monthly := map[string]any{}
	for t, v := range r.Monthly {
		monthly[t] = v
	}
	unknown := []any{}
	for _, u := range r.Unknown {
		unknown = append(unknown, fmt.Sprintf("%s (%s): %s", lastSegment(u.Resource), u.Type, u.Reason))
	}
	return map[string]any{
		"currency":    r.Currency,
		"monthly":     monthly,
		"total":       r.Total,
		"unknown":     unknown,
		"estimate":    r.IsEstimate(),
		"priceSource": r.PriceSource,
		"resources":   r.Resources,
	}
}

// lastSegment is a URN's resource name.
func lastSegment(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}
