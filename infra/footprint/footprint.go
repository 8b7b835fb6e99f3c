// Package footprint is what a component schedules on the node pools, as data: every component
// states its footprints as a pure function of its Args, the composition sums them before the
// cluster is built, and the cluster's quotas and capacity output are computed from that one list.
package footprint

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// Footprint is one workload's requests on a pool: Replicas pods of CPUMilli and MemoryMiB each, or,
// for a DaemonSet (PerNode), one pod on every node of the pool. The JSON names are the capacity
// output's, which the capacity policy (EKS-012) reads.
type Footprint struct {
	Tier      config.Tier `json:"tier"`
	Name      string      `json:"name"`
	Replicas  int         `json:"replicas"`
	PerNode   bool        `json:"perNode"`
	CPUMilli  int         `json:"cpuMilli"`
	MemoryMiB int         `json:"memoryMiB"`
	// Source names the component that declared it ("cluster", "monitoring", …).
	Source string `json:"source"`
}

// Pods is how many pods of it run on a pool of the given node count.
func (f Footprint) Pods(nodes int) int {
	if f.PerNode {
		return nodes
	}
	return f.Replicas
}

// Sum joins the components' lists into one, ordered by tier and name so that the outputs built from
// it do not depend on the order the components were listed in.
func Sum(lists ...[]Footprint) []Footprint {
	var out []Footprint
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Tier != out[j].Tier {
			return out[i].Tier < out[j].Tier
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Validate checks each footprint: a known pool, a name and a source, and no negative count or
// request. A footprint of zero pods is allowed (a component turned down to nothing).
func Validate(path *field.Path, fs []Footprint) field.ErrorList {
	var errs field.ErrorList
	tiers := map[config.Tier]bool{}
	var names []string
	for _, t := range config.AllTiers() {
		tiers[t] = true
		names = append(names, string(t))
	}
	for i, f := range fs {
		p := path.Index(i)
		if !tiers[f.Tier] {
			errs = append(errs, field.NotSupported(p.Child("tier"), string(f.Tier), names))
		}
		if f.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), "the namespace/workload it schedules"))
		}
		if f.Source == "" {
			errs = append(errs, field.Required(p.Child("source"), "the component that declared it"))
		}
		for _, n := range []struct {
			name string
			v    int
		}{{"replicas", f.Replicas}, {"cpuMilli", f.CPUMilli}, {"memoryMiB", f.MemoryMiB}} {
			if n.v < 0 {
				errs = append(errs, field.Invalid(p.Child(n.name), n.v, "must not be negative"))
			}
		}
		if f.PerNode && f.Replicas != 0 {
			errs = append(errs, field.Invalid(p.Child("replicas"), f.Replicas, fmt.Sprintf("a per-node footprint (%s) runs one pod per node: leave replicas 0", f.Name)))
		}
	}
	return errs
}

// Contains reports whether every footprint of part is in all: the check that a component's list was
// not left out of the sum.
func Contains(all, part []Footprint) bool {
	have := map[Footprint]int{}
	for _, f := range all {
		have[f]++
	}
	for _, f := range part {
		if have[f] == 0 {
			return false
		}
		have[f]--
	}
	return true
}
