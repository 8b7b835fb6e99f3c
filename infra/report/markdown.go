package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// ComponentEdges returns "from → to" pairs between top-level components: from depends on to.
func ComponentEdges(resources []plan.Resource) [][2]string {
	byURN := map[string]plan.Resource{}
	for _, r := range resources {
		byURN[r.URN] = r
	}
	seen := map[[2]string]bool{}
	var out [][2]string
	for _, r := range resources {
		from := Component(r, byURN)
		for _, dep := range r.Dependencies {
			d, ok := byURN[dep]
			if !ok {
				continue
			}
			to := Component(d, byURN)
			e := [2]string{from, to}
			if from != to && to != "providers" && !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
	}
	sortEdges(out)
	return out
}

func sortEdges(e [][2]string) {
	for i := 1; i < len(e); i++ {
		for j := i; j > 0 && (e[j][0] < e[j-1][0] || (e[j][0] == e[j-1][0] && e[j][1] < e[j-1][1])); j-- {
			e[j], e[j-1] = e[j-1], e[j]
		}
	}
}

// WriteMarkdown prints a pull-request comment: tables and a Mermaid diagram GitHub renders.
func WriteMarkdown(w io.Writer, d *Document) error {
	p := &printer{w: w}
	failed := policy.Failed(d.Policies)
	status := "✅ all policies pass"
	if len(failed) > 0 {
		status = fmt.Sprintf("❌ %d failed polic%s", len(failed), plural(len(failed), "y", "ies"))
	}
	p.f("### Offline plan: `%s` (%s, %s, %s)\n\n", d.Stack, d.Environment, d.Region, d.Partition)
	p.f("%d resources · %s\n\n", len(d.Resources), status)

	p.f("```mermaid\nflowchart LR\n")
	byComp := ByComponent(d.Resources)
	for _, c := range sortedKeys(byComp) {
		n := 0
		for _, k := range byComp[c] {
			n += k
		}
		p.f("  %s[\"%s (%d)\"]\n", mermaidID(c), c, n)
	}
	for _, e := range ComponentEdges(d.Resources) {
		p.f("  %s --> %s\n", mermaidID(e[0]), mermaidID(e[1]))
	}
	p.f("```\n\n")

	p.f("| component | type | count |\n|---|---|---:|\n")
	for _, c := range sortedKeys(byComp) {
		for _, t := range sortedKeys(byComp[c]) {
			p.f("| %s | `%s` | %d |\n", c, t, byComp[c][t])
		}
	}

	if len(d.NodePools) > 0 {
		p.f("\n**Node pools** (database counts per AZ)\n\n| tier | type | vCPU/GiB | min/desired/max | nodes | baseline |\n|---|---|---|---|---:|---|\n")
		for _, l := range d.NodePools {
			p.f("| %s | `%s` | %d/%g | %d/%d/%d | %d | %d×%dc%dg%s |\n", l.Tier, l.InstanceType, l.VCPU, l.MemoryGiB,
				l.Min, l.Desired, l.Max, l.TotalDesired(), l.PlanNodes, l.PlanVCPU, l.PlanMemoryGiB, reasonNote(l.Reason))
		}
	}

	n := Network(d.Resources)
	p.f("\n**Network**: VPC `%s`, %d NAT gateway(s), %d endpoints\n\n| role | AZ | CIDR |\n|---|---|---|\n", n.VPCCIDR, n.NATs, len(n.Endpoints))
	for _, s := range n.Subnets {
		p.f("| %s | %s | `%s` |\n", s.Role, s.AZ, s.CIDR)
	}

	writeCostMarkdown(p, d)
	writeClusterMarkdown(p, d)
	writeDataMarkdown(p, d)
	writeMonitoringMarkdown(p, d)
	writeZoneLossMarkdown(p, d)

	p.f("\n**Policies**: %d checked, %d failed\n", len(d.Policies), len(failed))
	if len(failed) > 0 {
		p.f("\n| id | severity | resource | message |\n|---|---|---|---|\n")
		for _, r := range failed {
			p.f("| %s | %s | `%s` | %s |\n", r.ID, r.Severity, r.Resource, r.Message)
		}
	}
	return p.e
}

func mermaidID(s string) string {
	return strings.NewReplacer("-", "_", ".", "_", ":", "_", "/", "_").Replace(s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
