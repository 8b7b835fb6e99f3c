package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/cost"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Descriptions turns a recorded graph into what the cost and deploy estimates read: the same
// descriptions a real run's collector gathers, plus the ordering-only dependencies the recorder can
// tell apart. Stack references are left out as the collector leaves them out: they are reads of
// another stack's outputs, which own nothing, cost nothing and never pass through a resource transform.
func Descriptions(resources []plan.Resource) []cost.Resource {
	out := make([]cost.Resource, 0, len(resources))
	for _, r := range resources {
		if r.Type == plan.StackReferenceType {
			continue
		}
		provider := r.Provider
		if i := strings.LastIndex(provider, "::"); i >= 0 && strings.HasPrefix(provider, "urn:") {
			provider = provider[:i] // a provider reference is "urn::id"
		}
		out = append(out, cost.Resource{URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Custom: r.Custom,
			Provider: provider, Inputs: r.Inputs, Dependencies: r.Dependencies, DependsOn: r.DependsOn})
	}
	return out
}

// costOf prices a recorded graph and estimates its deploy time, with the stack's usage config.
func costOf(g *plan.Graph) (*cost.Report, *cost.DeployEstimate) {
	usage := config.DefaultCostUsage()
	if g.Config != nil {
		usage = g.Config.Cost
	}
	descs := Descriptions(g.Resources)
	deploy := cost.EstimateDeploy(descs)
	params, err := cost.ParamsFor(g.Region, usage)
	if err != nil {
		return nil, &deploy
	}
	rep := cost.Estimate(descs, params)
	return &rep, &deploy
}

// shortName is a URN's resource name with its type: "network-nat-a (aws:ec2/natGateway:NatGateway)".
func shortName(urn string, byURN map[string]plan.Resource) string {
	name := urn
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		name = urn[i+2:]
	}
	if r, ok := byURN[urn]; ok {
		return fmt.Sprintf("%s (%s)", name, r.Type)
	}
	return name
}

func resourceIndex(rs []plan.Resource) map[string]plan.Resource {
	m := make(map[string]plan.Resource, len(rs))
	for _, r := range rs {
		m[r.URN] = r
	}
	return m
}

func estimateMark(c *cost.Report, tier string) string {
	for _, t := range c.Estimates {
		if t == tier {
			return " *"
		}
	}
	return ""
}

// writeCostText prints the cost by tier and the deploy estimate with its critical path.
func writeCostText(p *printer, w io.Writer, d *Document) {
	if c := d.Cost; c != nil {
		p.f("\nMonthly cost by tier (%s)\n", c.Currency)
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, t := range c.Tiers() {
			fmt.Fprintf(tw, "  %s\t%12s%s\n", t, cost.Money(c.Monthly[t]), estimateMark(c, t))
		}
		fmt.Fprintf(tw, "  total\t%12s\n", cost.Money(c.Total))
		p.err(tw.Flush())
		if c.IsEstimate() {
			p.f("  * rests on estimated prices: %s\n", c.PriceSource)
		} else {
			p.f("  prices: %s\n", c.PriceSource)
		}
		if len(c.Unknown) > 0 {
			byURN := resourceIndex(d.Resources)
			p.f("  not priced, left out of the total (%d):\n", len(c.Unknown))
			for _, u := range c.Unknown {
				p.f("    %s [%s]: %s\n", shortName(u.Resource, byURN), u.Tier, u.Reason)
			}
		}
	}
	if e := d.Deploy; e != nil {
		byURN := resourceIndex(d.Resources)
		p.f("\nDeploy estimate from an empty account: %.1f min (lower bound %.1f min without ordering-only dependencies)\n",
			e.EstimatedMinutes, e.LowerBoundMinutes)
		p.f("  critical path:\n")
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, s := range e.Steps {
			if s.Minutes == 0 {
				continue
			}
			fmt.Fprintf(tw, "    %5.1f → %5.1f\t%s\t%.1f min\n", s.Start, s.Finish, shortName(s.Resource, byURN), s.Minutes)
		}
		p.err(tw.Flush())
		major, minor := splitOrdering(e.OrderingOnly)
		for _, o := range major {
			p.f("  ordering-only dependency adds %.1f min: %s waits for %s with no input from it\n", o.AddsMinutes,
				shortName(o.From, byURN), shortName(o.To, byURN))
		}
		if len(minor) > 0 {
			p.f("  %d more ordering-only dependencies on the path add under %.1f min each (listed in -json)\n", len(minor), majorOrdering)
		}
		if len(e.AssumedTypes) > 0 {
			p.f("  types with no duration figure (0.1 min assumed): %s\n", strings.Join(e.AssumedTypes, ", "))
		}
	}
}

// writeCostMarkdown prints the cost table, a Mermaid pie chart of cost by tier, and the critical path.
func writeCostMarkdown(p *printer, d *Document) {
	if c := d.Cost; c != nil {
		p.f("\n**Monthly cost** (%s)%s\n\n| tier | %s/month |\n|---|---:|\n", c.Currency, estimateNote(c), c.Currency)
		for _, t := range c.Tiers() {
			p.f("| %s | %s%s |\n", t, cost.Money(c.Monthly[t]), estimateMark(c, t))
		}
		p.f("| **total** | **%s** |\n", cost.Money(c.Total))
		if len(c.Monthly) > 0 {
			p.f("\n```mermaid\npie showData title Monthly cost by tier (%s)\n", c.Currency)
			for _, t := range c.Tiers() {
				p.f("  \"%s\" : %.2f\n", t, c.Monthly[t])
			}
			p.f("```\n")
		}
		if len(c.Unknown) > 0 {
			byURN := resourceIndex(d.Resources)
			p.f("\n%d not priced, left out of the total:\n\n", len(c.Unknown))
			for _, u := range c.Unknown {
				p.f("- `%s` [%s]: %s\n", shortName(u.Resource, byURN), u.Tier, u.Reason)
			}
		}
	}
	if e := d.Deploy; e != nil {
		byURN := resourceIndex(d.Resources)
		p.f("\n**Deploy estimate** from an empty account: %.1f min (lower bound %.1f min)\n\n| start | finish | resource | min |\n|---:|---:|---|---:|\n",
			e.EstimatedMinutes, e.LowerBoundMinutes)
		for _, s := range e.Steps {
			if s.Minutes > 0 {
				p.f("| %.1f | %.1f | `%s` | %.1f |\n", s.Start, s.Finish, shortName(s.Resource, byURN), s.Minutes)
			}
		}
		major, minor := splitOrdering(e.OrderingOnly)
		for _, o := range major {
			p.f("\nOrdering-only dependency adds %.1f min: `%s` waits for `%s` with no input from it.\n", o.AddsMinutes,
				shortName(o.From, byURN), shortName(o.To, byURN))
		}
		if len(minor) > 0 {
			p.f("\n%d more ordering-only dependencies on the path add under %.1f min each.\n", len(minor), majorOrdering)
		}
	}
}

func estimateNote(c *cost.Report) string {
	if !c.IsEstimate() {
		return ""
	}
	return ": * rests on estimated prices (" + c.PriceSource + ")"
}

// WriteCostDiff prints the cost change per tier and in total against a saved plan:
// "agents: +1,234.00 CNY/month, +3.1%".
func WriteCostDiff(w io.Writer, old, cur *Document, markdown bool) error {
	p := &printer{w: w}
	if old.Cost == nil || cur.Cost == nil {
		p.f("Cost: the saved plan has no cost figures to compare\n")
		return p.e
	}
	if old.Cost.Currency != cur.Cost.Currency {
		p.f("Cost: the saved plan is in %s and this one in %s; not compared\n", old.Cost.Currency, cur.Cost.Currency)
		return p.e
	}
	changes := cost.Diff(*old.Cost, *cur.Cost)
	if markdown {
		p.f("\n**Cost change** (%s/month)\n\n| tier | before | after | change |\n|---|---:|---:|---|\n", cur.Cost.Currency)
		for _, c := range changes {
			p.f("| %s | %s | %s | %s |\n", c.Tier, cost.Money(c.Old), cost.Money(c.New), cost.FormatChange(c, cur.Cost.Currency))
		}
		return p.e
	}
	p.f("\nCost change against the saved plan\n")
	for _, c := range changes {
		p.f("  %s: %s\n", c.Tier, cost.FormatChange(c, cur.Cost.Currency))
	}
	return p.e
}

// majorOrdering is the saving below which an ordering-only dependency is counted, not listed, in
// text and markdown (the JSON lists them all).
const majorOrdering = 0.5

func splitOrdering(edges []cost.OrderingEdge) (major, minor []cost.OrderingEdge) {
	for _, o := range edges {
		if o.AddsMinutes >= majorOrdering {
			major = append(major, o)
		} else {
			minor = append(minor, o)
		}
	}
	return major, minor
}
