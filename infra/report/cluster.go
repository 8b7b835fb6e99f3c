package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// ClusterSummary is what the plan shows of the EKS cluster, read from the recorded graph and the
// stack's capacity and mirror-list outputs.
type ClusterSummary struct {
	Name     string               `json:"name"`
	Version  string               `json:"version"`
	Pools    []ClusterPool        `json:"pools"`
	Addons   []AddonLine          `json:"addons"`
	Releases []ReleaseLine        `json:"releases"`
	Spaces   []NamespaceLine      `json:"namespaces"`
	Registry string               `json:"registryMode,omitempty"`
	Mirror   []config.MirrorEntry `json:"mirror,omitempty"`
}

// ClusterPool is one pool: its groups and nodes, allocatable capacity against what is scheduled,
// and the sizing baseline.
type ClusterPool struct {
	Tier         string `json:"tier"`
	InstanceType string `json:"instanceType"`
	Groups       int    `json:"groups"`
	Nodes        int    `json:"nodes"`
	AllocCPU     int    `json:"allocatableCpuMilli"`
	AllocMemory  int    `json:"allocatableMemoryMiB"`
	ReqCPU       int    `json:"requestedCpuMilli"`
	ReqMemory    int    `json:"requestedMemoryMiB"`
	PlanNodes    int    `json:"planNodes"`
	PlanVCPU     int    `json:"planVcpu"`
	PlanMemory   int    `json:"planMemoryGiB"`
	Taint        bool   `json:"tainted"`
}

// AddonLine is one EKS add-on.
type AddonLine struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ReleaseLine is one Helm release of any component.
type ReleaseLine struct {
	Component string `json:"component"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Chart     string `json:"chart"`
	Version   string `json:"version"`
}

// NamespaceLine is one namespace with its guard rails.
type NamespaceLine struct {
	Name            string `json:"name"`
	PodSecurity     string `json:"podSecurity"`
	QuotaCPU        string `json:"quotaCpu,omitempty"`
	QuotaMemory     string `json:"quotaMemory,omitempty"`
	QuotaPods       string `json:"quotaPods,omitempty"`
	NetworkPolicies int    `json:"networkPolicies"`
}

// ClusterOf reads the cluster summary; nil when the graph has no EKS cluster.
func ClusterOf(g *plan.Graph) *ClusterSummary {
	var s ClusterSummary
	byURN := map[string]plan.Resource{}
	for _, r := range g.Resources {
		byURN[r.URN] = r
	}
	groups, taints := map[string]int{}, map[string]bool{}
	spaces := map[string]*NamespaceLine{}
	space := func(name string) *NamespaceLine {
		if spaces[name] == nil {
			spaces[name] = &NamespaceLine{Name: name}
		}
		return spaces[name]
	}
	for i := range g.Resources {
		r := &g.Resources[i]
		meta, _ := r.Inputs["metadata"].(map[string]any)
		ns, _ := meta["namespace"].(string)
		switch r.Type {
		case "aws:eks/cluster:Cluster":
			s.Name, s.Version = policy.Str(r, "name"), policy.Str(r, "version")
		case "aws:eks/nodeGroup:NodeGroup":
			labels, _ := r.Inputs["labels"].(map[string]any)
			tier, _ := labels["suoke.life/tier"].(string)
			groups[tier]++
			taints[tier] = taints[tier] || len(policy.List(r, "taints")) > 0
		case "aws:eks/addon:Addon":
			s.Addons = append(s.Addons, AddonLine{Name: policy.Str(r, "addonName"), Version: policy.Str(r, "addonVersion")})
		case "kubernetes:helm.sh/v3:Release":
			chart := policy.Str(r, "chart")
			if opts, ok := r.Inputs["repositoryOpts"].(map[string]any); ok {
				if repo, _ := opts["repo"].(string); repo != "" {
					chart = strings.TrimSuffix(repo, "/") + "/" + chart
				}
			}
			s.Releases = append(s.Releases, ReleaseLine{Component: Component(*r, byURN), Name: policy.Str(r, "name"),
				Namespace: policy.Str(r, "namespace"), Chart: chart, Version: policy.Str(r, "version")})
		case "kubernetes:core/v1:Namespace":
			name, _ := meta["name"].(string)
			labels, _ := meta["labels"].(map[string]any)
			pss, _ := labels["pod-security.kubernetes.io/enforce"].(string)
			space(name).PodSecurity = pss
		case "kubernetes:core/v1:ResourceQuota":
			spec, _ := r.Inputs["spec"].(map[string]any)
			hard, _ := spec["hard"].(map[string]any)
			l := space(ns)
			l.QuotaCPU, _ = hard["requests.cpu"].(string)
			l.QuotaMemory, _ = hard["requests.memory"].(string)
			l.QuotaPods, _ = hard["pods"].(string)
		case "kubernetes:networking.k8s.io/v1:NetworkPolicy":
			space(ns).NetworkPolicies++
		}
	}
	if s.Name == "" {
		return nil
	}
	sort.Slice(s.Addons, func(i, j int) bool { return s.Addons[i].Name < s.Addons[j].Name })
	sort.Slice(s.Releases, func(i, j int) bool {
		if s.Releases[i].Component != s.Releases[j].Component {
			return s.Releases[i].Component < s.Releases[j].Component
		}
		return s.Releases[i].Name < s.Releases[j].Name
	})
	for _, name := range sortedKeys(spaces) {
		if spaces[name].PodSecurity != "" { // namespaces the program creates, not kube-system's objects
			s.Spaces = append(s.Spaces, *spaces[name])
		}
	}
	s.Pools = clusterPools(g, groups, taints)
	if reg, ok := g.Outputs["registries"].(map[string]any); ok {
		s.Registry, _ = reg["mode"].(string)
	}
	if raw, ok := g.Outputs["mirrorList"]; ok {
		b, _ := json.Marshal(raw)
		_ = json.Unmarshal(b, &s.Mirror)
	}
	return &s
}

func clusterPools(g *plan.Graph, groups map[string]int, taints map[string]bool) []ClusterPool {
	var pools []struct {
		Tier                 string `json:"tier"`
		InstanceType         string `json:"instanceType"`
		Nodes                int    `json:"nodes"`
		AllocatableCPUMilli  int    `json:"allocatableCpuMilli"`
		AllocatableMemoryMiB int    `json:"allocatableMemoryMiB"`
		RequestedCPUMilli    int    `json:"requestedCpuMilli"`
		RequestedMemoryMiB   int    `json:"requestedMemoryMiB"`
	}
	b, _ := json.Marshal(g.Outputs["capacity"])
	_ = json.Unmarshal(b, &pools)
	sizing := config.SizingPlan()
	var out []ClusterPool
	for _, p := range pools {
		want := sizing[config.Tier(p.Tier)]
		planNodes := want.Desired
		if config.Tier(p.Tier) == config.TierDatabase {
			planNodes *= 3
		}
		out = append(out, ClusterPool{Tier: p.Tier, InstanceType: p.InstanceType, Groups: groups[p.Tier], Nodes: p.Nodes,
			AllocCPU: p.AllocatableCPUMilli, AllocMemory: p.AllocatableMemoryMiB, ReqCPU: p.RequestedCPUMilli, ReqMemory: p.RequestedMemoryMiB,
			PlanNodes: planNodes, PlanVCPU: want.VCPU, PlanMemory: want.MemoryGiB, Taint: taints[p.Tier]})
	}
	return out
}

func percent(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(a)/float64(b))
}

func taintNote(t bool) string {
	if t {
		return "tainted"
	}
	return "untainted"
}

// mirrorCounts counts the mirror list by method.
func mirrorCounts(m []config.MirrorEntry) map[config.MirrorMethod]int {
	out := map[config.MirrorMethod]int{}
	for _, e := range m {
		out[e.Method]++
	}
	return out
}

func writeClusterText(p *printer, w io.Writer, d *Document) {
	c := d.Cluster
	if c == nil {
		return
	}
	p.f("\nCluster %s (Kubernetes %s): capacity at desired size against what the program schedules\n", c.Name, c.Version)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  pool\ttype\tgroups\tnodes\tallocatable CPU / MiB\trequested CPU / MiB\tused\tbaseline\n")
	for _, l := range c.Pools {
		fmt.Fprintf(tw, "  %s (%s)\t%s\t%d\t%d\t%dm / %d\t%dm / %d\t%s / %s\t%d×%dc%dg\n", l.Tier, taintNote(l.Taint), l.InstanceType, l.Groups, l.Nodes,
			l.AllocCPU, l.AllocMemory, l.ReqCPU, l.ReqMemory, percent(l.ReqCPU, l.AllocCPU), percent(l.ReqMemory, l.AllocMemory), l.PlanNodes, l.PlanVCPU, l.PlanMemory)
	}
	p.err(tw.Flush())
	var addons []string
	for _, a := range c.Addons {
		addons = append(addons, a.Name+" "+a.Version)
	}
	p.f("  add-ons: %s\n", strings.Join(addons, ", "))
	p.f("\nHelm releases (pinned)\n")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  component\trelease\tnamespace\tversion\tchart\n")
	for _, r := range c.Releases {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Component, r.Name, r.Namespace, r.Version, r.Chart)
	}
	p.err(tw.Flush())
	p.f("\nNamespaces\n")
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  namespace\tpod security\tquota CPU / memory / pods\tnetwork policies\n")
	for _, n := range c.Spaces {
		quota := "-"
		if n.QuotaCPU != "" {
			quota = n.QuotaCPU + " / " + n.QuotaMemory + " / " + n.QuotaPods
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\n", n.Name, n.PodSecurity, quota, n.NetworkPolicies)
	}
	p.err(tw.Flush())
	counts := mirrorCounts(c.Mirror)
	p.f("\nRegistries (%s): %d charts and images; %d for the mirror job to copy, %d cached by ECR on first pull, %d pulled directly\n",
		c.Registry, len(c.Mirror), counts[config.MirrorPush], counts[config.MirrorPullThrough], counts[config.MirrorDirect])
	for _, e := range c.Mirror {
		p.f("  %-12s %-5s %s\n               → %s\n", e.Method, e.Kind, e.Upstream, e.Target)
	}
}

func writeClusterMarkdown(p *printer, d *Document) {
	c := d.Cluster
	if c == nil {
		return
	}
	p.f("\n**Cluster** `%s`, Kubernetes %s: pools at desired size against what the program schedules\n\n", c.Name, c.Version)
	p.f("| pool | type | groups | nodes | allocatable | requested | used CPU / memory | baseline |\n|---|---|---:|---:|---|---|---|---|\n")
	for _, l := range c.Pools {
		p.f("| %s (%s) | `%s` | %d | %d | %dm / %d MiB | %dm / %d MiB | %s / %s | %d×%dc%dg |\n", l.Tier, taintNote(l.Taint), l.InstanceType, l.Groups, l.Nodes,
			l.AllocCPU, l.AllocMemory, l.ReqCPU, l.ReqMemory, percent(l.ReqCPU, l.AllocCPU), percent(l.ReqMemory, l.AllocMemory), l.PlanNodes, l.PlanVCPU, l.PlanMemory)
	}
	p.f("\n| add-on | version |\n|---|---|\n")
	for _, a := range c.Addons {
		p.f("| %s | `%s` |\n", a.Name, a.Version)
	}
	p.f("\n| component | release | namespace | version | chart |\n|---|---|---|---|---|\n")
	for _, r := range c.Releases {
		p.f("| %s | %s | %s | `%s` | `%s` |\n", r.Component, r.Name, r.Namespace, r.Version, r.Chart)
	}
	p.f("\n| namespace | pod security | quota CPU / memory / pods | network policies |\n|---|---|---|---:|\n")
	for _, n := range c.Spaces {
		quota := "-"
		if n.QuotaCPU != "" {
			quota = n.QuotaCPU + " / " + n.QuotaMemory + " / " + n.QuotaPods
		}
		p.f("| %s | %s | %s | %d |\n", n.Name, n.PodSecurity, quota, n.NetworkPolicies)
	}
	counts := mirrorCounts(c.Mirror)
	p.f("\n<details><summary>Mirror list (%s): %d to copy, %d cached on first pull, %d direct</summary>\n\n| method | kind | upstream | target |\n|---|---|---|---|\n",
		c.Registry, counts[config.MirrorPush], counts[config.MirrorPullThrough], counts[config.MirrorDirect])
	for _, e := range c.Mirror {
		p.f("| %s | %s | `%s` | `%s` |\n", e.Method, e.Kind, e.Upstream, e.Target)
	}
	p.f("\n</details>\n")
}
