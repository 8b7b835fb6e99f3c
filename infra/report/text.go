package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// NetworkSummary is what the plan shows of the VPC, read from the recorded graph.
type NetworkSummary struct {
	VPCCIDR   string
	Subnets   []SubnetLine
	NATs      int
	Endpoints []string
}

// SubnetLine is one subnet.
type SubnetLine struct{ Role, AZ, CIDR string }

// Network reads the network summary from the graph's own inputs.
func Network(resources []plan.Resource) NetworkSummary {
	var n NetworkSummary
	for i := range resources {
		r := &resources[i]
		switch r.Type {
		case "aws:ec2/vpc:Vpc":
			n.VPCCIDR = policy.Str(r, "cidrBlock")
		case "aws:ec2/subnet:Subnet":
			n.Subnets = append(n.Subnets, SubnetLine{Role: policy.Tag(r, "suoke.life/subnet-role"), AZ: policy.Str(r, "availabilityZone"), CIDR: policy.Str(r, "cidrBlock")})
		case "aws:ec2/natGateway:NatGateway":
			n.NATs++
		case "aws:ec2/vpcEndpoint:VpcEndpoint":
			n.Endpoints = append(n.Endpoints, fmt.Sprintf("%s (%s)", policy.Str(r, "serviceName"), strings.ToLower(policy.Str(r, "vpcEndpointType"))))
		}
	}
	sort.Slice(n.Subnets, func(i, j int) bool {
		if n.Subnets[i].Role != n.Subnets[j].Role {
			return n.Subnets[i].Role < n.Subnets[j].Role
		}
		return n.Subnets[i].AZ < n.Subnets[j].AZ
	})
	sort.Strings(n.Endpoints)
	return n
}

// WriteText prints the reviewer's summary.
func WriteText(w io.Writer, d *Document) error {
	p := &printer{w: w}
	p.f("Suoke platform — offline plan of stack %s (%s, %s, partition %s)\n", d.Stack, d.Environment, d.Region, d.Partition)
	p.f("Resources: %d (%d custom)\n\n", len(d.Resources), countCustom(d.Resources))

	p.f("Resources by component and type\n")
	byComp := ByComponent(d.Resources)
	for _, c := range sortedKeys(byComp) {
		total := 0
		for _, n := range byComp[c] {
			total += n
		}
		p.f("  %s (%d)\n", c, total)
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, t := range sortedKeys(byComp[c]) {
			fmt.Fprintf(tw, "    %s\t%d\n", t, byComp[c][t])
		}
		p.err(tw.Flush())
	}

	n := Network(d.Resources)
	p.f("\nNetwork: VPC %s, %d NAT gateway(s)\n", n.VPCCIDR, n.NATs)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  role\tAZ\tCIDR\n")
	for _, s := range n.Subnets {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Role, s.AZ, s.CIDR)
	}
	p.err(tw.Flush())
	p.f("  endpoints: %s\n", strings.Join(n.Endpoints, ", "))

	if len(d.NodePools) > 0 {
		p.f("\nNode pools (database counts are per AZ)\n")
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  tier\ttype\tvCPU/GiB\tmin/desired/max\tnodes\tbaseline\n")
		for _, l := range d.NodePools {
			fmt.Fprintf(tw, "  %s\t%s\t%d/%g\t%d/%d/%d\t%d\t%d×%dc%dg%s\n", l.Tier, l.InstanceType, l.VCPU, l.MemoryGiB,
				l.Min, l.Desired, l.Max, l.TotalDesired(), l.PlanNodes, l.PlanVCPU, l.PlanMemoryGiB, reasonNote(l.Reason))
		}
		p.err(tw.Flush())
	}

	writeCostText(p, w, d)
	writeClusterText(p, w, d)
	writeDataText(p, w, d)
	writeMonitoringText(p, w, d)
	writeZoneLossText(p, w, d)

	passed, failed := 0, policy.Failed(d.Policies)
	passed = len(d.Policies) - len(failed)
	p.f("\nPolicies: %d passed, %d failed\n", passed, len(failed))
	for _, r := range failed {
		p.f("  FAIL %s [%s] %s: %s\n", r.ID, r.Severity, r.Resource, r.Message)
	}

	p.f("\nOutputs\n")
	for _, k := range sortedKeys(d.Outputs) {
		v := compact(d.Outputs[k])
		if len(v) > maxOutputWidth {
			// Long structured outputs (capacity, the mirror list) have their own sections and -json.
			v = v[:maxOutputWidth] + fmt.Sprintf("… (%d characters; see -json)", len(v))
		}
		p.f("  %s: %s\n", k, v)
	}
	return p.e
}

// maxOutputWidth keeps the summary's output lines readable.
const maxOutputWidth = 160

func reasonNote(r string) string {
	if r == "" {
		return ""
	}
	return " (raised: " + r + ")"
}

func countCustom(rs []plan.Resource) int {
	n := 0
	for _, r := range rs {
		if r.Custom {
			n++
		}
	}
	return n
}

type printer struct {
	w io.Writer
	e error
}

func (p *printer) f(format string, args ...any) {
	if p.e == nil {
		_, p.e = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) err(e error) {
	if p.e == nil {
		p.e = e
	}
}
