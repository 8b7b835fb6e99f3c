// Package report turns a recorded graph and its policy results into what reviewers read: the JSON
// contract, a text summary, the per-component summary the golden files hold, a pull-request comment
// in markdown, and a diff against a saved plan.
package report

import (
	"sort"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/cost"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// Document is the offline plan's JSON contract: add fields freely, never rename these.
type Document struct {
	Project   string          `json:"project"`
	Stack     string          `json:"stack"`
	Region    string          `json:"region"`
	Partition string          `json:"partition"`
	Resources []plan.Resource `json:"resources"`
	Outputs   map[string]any  `json:"outputs"`
	Policies  []policy.Result `json:"policies"`
	// Environment and NodePools are additions for reviewers.
	Environment string     `json:"environment"`
	NodePools   []PoolLine `json:"nodePools,omitempty"`
	// Cost and Deploy are the contract's cost and deploy objects (cost.go).
	Cost   *cost.Report         `json:"cost,omitempty"`
	Deploy *cost.DeployEstimate `json:"deploy,omitempty"`
	// DataTier is PostgreSQL's and Redis's topology (database.go).
	DataTier *DataTier `json:"dataTier,omitempty"`
	// Cluster is the EKS cluster: pools against capacity, add-ons, releases, namespaces, mirror list (cluster.go).
	Cluster *ClusterSummary `json:"cluster,omitempty"`
	// Monitoring is alerts per severity, SLOs, routes, dashboards, logs and traces (monitoring.go).
	Monitoring *MonitoringSummary `json:"monitoring,omitempty"`
	// ZoneLoss is what losing each AZ takes and leaves (zones.go).
	ZoneLoss *ZoneLoss `json:"zoneLoss,omitempty"`
}

// PoolLine is one node pool against the sizing baseline.
type PoolLine struct {
	Tier         string  `json:"tier"`
	InstanceType string  `json:"instanceType"`
	VCPU         int     `json:"vcpu"`
	MemoryGiB    float64 `json:"memoryGiB"`
	Min          int     `json:"min"`
	Desired      int     `json:"desired"`
	Max          int     `json:"max"`
	PerAZ        bool    `json:"perAz"`
	AZs          int     `json:"azs"`
	// PlanNodes and PlanVCPU/PlanMemoryGiB are the sizing baseline's figures for the tier.
	PlanNodes     int    `json:"planNodes"`
	PlanVCPU      int    `json:"planVcpu"`
	PlanMemoryGiB int    `json:"planMemoryGiB"`
	Reason        string `json:"reason,omitempty"`
}

// TotalDesired is the pool's desired node count across all AZs.
func (p PoolLine) TotalDesired() int {
	if p.PerAZ {
		return p.Desired * p.AZs
	}
	return p.Desired
}

// Build assembles the document of a recorded graph.
func Build(g *plan.Graph, results []policy.Result) *Document {
	d := &Document{Project: g.Project, Stack: g.Stack, Region: g.Region, Partition: g.Partition,
		Resources: g.Resources, Outputs: g.Outputs, Policies: results, Environment: g.Environment}
	if g.Config != nil {
		d.NodePools = poolLines(g.Config)
	}
	d.Cost, d.Deploy = costOf(g)
	d.DataTier = Data(g.Resources)
	d.Cluster = ClusterOf(g)
	d.Monitoring = MonitoringOf(g)
	d.ZoneLoss = ZoneLossOf(g.Resources, g.Outputs)
	return d
}

func poolLines(cfg *config.Platform) []PoolLine {
	cat, _ := config.CatalogFor(cfg.Region.Name)
	plan := config.SizingPlan()
	var out []PoolLine
	for _, t := range config.AllTiers() {
		p := cfg.NodePools[t]
		it := cat.EC2[p.InstanceType]
		planNodes := plan[t].Desired
		if t == config.TierDatabase {
			planNodes *= 3
		}
		out = append(out, PoolLine{Tier: string(t), InstanceType: p.InstanceType, VCPU: it.VCPU, MemoryGiB: it.MemoryGiB,
			Min: p.Min, Desired: p.Desired, Max: p.Max, PerAZ: t == config.TierDatabase, AZs: cfg.AvailabilityZones,
			PlanNodes: planNodes, PlanVCPU: plan[t].VCPU, PlanMemoryGiB: plan[t].MemoryGiB, Reason: p.Reason})
	}
	return out
}

// Component is the top-level component a resource belongs to ("network"), or "stack" for resources
// registered at the root.
func Component(r plan.Resource, byURN map[string]plan.Resource) string {
	cur := r
	for cur.Parent != "" {
		p, ok := byURN[cur.Parent]
		if !ok {
			break
		}
		cur = p
	}
	if cur.Custom {
		if strings.HasPrefix(cur.Type, "pulumi:providers:") {
			return "providers"
		}
		return "stack"
	}
	return cur.Name
}

// ByComponent counts resources per component and type.
func ByComponent(resources []plan.Resource) map[string]map[string]int {
	byURN := map[string]plan.Resource{}
	for _, r := range resources {
		byURN[r.URN] = r
	}
	out := map[string]map[string]int{}
	for _, r := range resources {
		if !r.Custom {
			continue
		}
		c := Component(r, byURN)
		if out[c] == nil {
			out[c] = map[string]int{}
		}
		out[c][r.Type]++
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
