package cost

import (
	"math"
	"sort"
)

// Step is one resource on a critical path, with when it starts and finishes (minutes from the start).
type Step struct {
	Resource string  `json:"resource"`
	Type     string  `json:"type"`
	Minutes  float64 `json:"minutes"`
	Start    float64 `json:"start"`
	Finish   float64 `json:"finish"`
	Source   string  `json:"source"`
}

// OrderingEdge is a dependency no input flows through (an explicit DependsOn) that lengthens the
// critical path: dropping it alone would save AddsMinutes. Some are required orderings a real up needs
// (add-ons that need nodes); the plan names them so that each is justified or removed.
type OrderingEdge struct {
	From        string  `json:"from"`
	To          string  `json:"to"`
	AddsMinutes float64 `json:"addsMinutes"`
}

// DeployEstimate is how long a `pulumi up` of the graph takes from an empty account. Its JSON is the
// plan's `deploy` object (DESIGN.md: estimatedMinutes, criticalPath; the rest are additions).
type DeployEstimate struct {
	// EstimatedMinutes is the longest chain of creates through every dependency.
	EstimatedMinutes float64 `json:"estimatedMinutes"`
	// CriticalPath is that chain's URNs, first create first.
	CriticalPath []string `json:"criticalPath"`
	Steps        []Step   `json:"steps"`
	// LowerBoundMinutes is the longest chain that cannot be avoided: through inputs, providers and
	// custom parents only, without ordering-only dependencies. Equal to the estimate when the graph
	// does not say which dependencies are ordering-only (a real run's engine merges them).
	LowerBoundMinutes float64        `json:"lowerBoundMinutes"`
	LowerBoundPath    []string       `json:"lowerBoundPath"`
	OrderingOnly      []OrderingEdge `json:"orderingOnly"`
	// AssumedTypes have no duration figure and took the default.
	AssumedTypes []string `json:"assumedTypes"`
}

// dag is the graph's create order as indexes: for each resource, what its create waits for (its
// dependencies, its provider, built from other resources' outputs, e.g. the Kubernetes provider from
// the cluster's, and a custom parent), and how long it takes. Resources are in URN order, so ties
// break the same way every run.
type dag struct {
	g     *graph
	index map[string]int
	dur   []float64
	waits [][]edge
}

// edge is one "waits for": ordering is true when no input flows through it (explicit DependsOn).
type edge struct {
	to       int
	ordering bool
}

func newDAG(g *graph) *dag {
	d := &dag{g: g, index: make(map[string]int, len(g.resources)), dur: make([]float64, len(g.resources)), waits: make([][]edge, len(g.resources))}
	for i := range g.resources {
		d.index[g.resources[i].URN] = i
	}
	for i := range g.resources {
		r := &g.resources[i]
		dur, _ := durationOf(r)
		d.dur[i] = dur.Minutes
		ordering := map[string]bool{}
		for _, u := range r.DependsOn {
			ordering[u] = true
		}
		seen := map[int]bool{}
		add := func(u string) {
			if j, ok := d.index[u]; ok && j != i && !seen[j] {
				seen[j] = true
				d.waits[i] = append(d.waits[i], edge{to: j, ordering: ordering[u]})
			}
		}
		for _, u := range r.Dependencies {
			add(u)
		}
		add(r.Provider)
		if p, ok := g.byURN[r.Parent]; ok && p.Custom {
			add(r.Parent)
		}
		sort.Slice(d.waits[i], func(a, b int) bool { return d.waits[i][a].to < d.waits[i][b].to })
	}
	return d
}

// noEdge skips nothing.
var noEdge = [2]int{-1, -1}

// longestPath computes when each create finishes if it starts as soon as all it waits for has
// finished, and which of those it waited for last (-1: none). dropOrdering leaves out ordering-only
// edges; skip leaves out one edge (from, to).
func (d *dag) longestPath(dropOrdering bool, skip [2]int) (finish []float64, via []int) {
	n := len(d.dur)
	finish, via = make([]float64, n), make([]int, n)
	state := make([]uint8, n) // 0 unvisited, 1 in progress, 2 done
	var visit func(i int) float64
	visit = func(i int) float64 {
		switch state[i] {
		case 2:
			return finish[i]
		case 1:
			return 0 // a cycle cannot occur in a Pulumi graph; ignore the back edge rather than loop
		}
		state[i] = 1
		start, last := 0.0, -1
		for _, e := range d.waits[i] {
			if (dropOrdering && e.ordering) || (i == skip[0] && e.to == skip[1]) {
				continue
			}
			if f := visit(e.to); f > start || last < 0 {
				start, last = f, e.to
			}
		}
		finish[i], via[i], state[i] = start+d.dur[i], last, 2
		return finish[i]
	}
	for i := 0; i < n; i++ {
		visit(i)
	}
	return finish, via
}

// end returns the resource that finishes last (the first in URN order on a tie) and when.
func end(finish []float64) (int, float64) {
	last, at := -1, 0.0
	for i, f := range finish {
		if last < 0 || f > at {
			last, at = i, f
		}
	}
	return last, at
}

// chain follows via back from the last resource: the path, first create first.
func (d *dag) chain(last int, via []int) []string {
	var out []string
	for i := last; i >= 0; i = via[i] {
		out = append(out, d.g.resources[i].URN)
	}
	for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
		out[a], out[b] = out[b], out[a]
	}
	return out
}

// EstimateDeploy finds the critical path of creating the graph from nothing, its unavoidable lower
// bound, and the ordering-only dependencies that lengthen it. It is the one function behind the stack
// output deployEstimateMinutes and the plan's deploy object.
func EstimateDeploy(resources []Resource) DeployEstimate {
	g := newGraph(resources)
	est := DeployEstimate{CriticalPath: []string{}, Steps: []Step{}, LowerBoundPath: []string{}, OrderingOnly: []OrderingEdge{}, AssumedTypes: []string{}}
	if len(g.resources) == 0 {
		return est
	}
	d := newDAG(g)
	finish, via := d.longestPath(false, noEdge)
	last, total := end(finish)
	est.EstimatedMinutes, est.CriticalPath = round1(total), d.chain(last, via)
	for _, u := range est.CriticalPath {
		i := d.index[u]
		dur, _ := durationOf(&g.resources[i])
		est.Steps = append(est.Steps, Step{Resource: u, Type: g.resources[i].Type, Minutes: dur.Minutes,
			Start: round1(finish[i] - dur.Minutes), Finish: round1(finish[i]), Source: dur.Source})
	}

	lbFinish, lbVia := d.longestPath(true, noEdge)
	lbLast, lbTotal := end(lbFinish)
	est.LowerBoundMinutes, est.LowerBoundPath = round1(lbTotal), d.chain(lbLast, lbVia)

	// Each ordering-only edge on the critical path: how much shorter would the up be without it alone?
	for i := last; i >= 0 && via[i] >= 0; i = via[i] {
		to := via[i]
		ordering := false
		for _, e := range d.waits[i] {
			if e.to == to {
				ordering = e.ordering
			}
		}
		if !ordering {
			continue
		}
		f, _ := d.longestPath(false, [2]int{i, to})
		if _, without := end(f); total-without > 0.05 {
			est.OrderingOnly = append(est.OrderingOnly, OrderingEdge{From: g.resources[i].URN, To: g.resources[to].URN, AddsMinutes: round1(total - without)})
		}
	}
	sort.SliceStable(est.OrderingOnly, func(i, j int) bool { return est.OrderingOnly[i].AddsMinutes > est.OrderingOnly[j].AddsMinutes })

	assumed := map[string]bool{}
	for i := range g.resources {
		if _, a := durationOf(&g.resources[i]); a {
			assumed[g.resources[i].Type] = true
		}
	}
	for t := range assumed {
		est.AssumedTypes = append(est.AssumedTypes, t)
	}
	sort.Strings(est.AssumedTypes)
	return est
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
