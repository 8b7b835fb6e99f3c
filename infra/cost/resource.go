// Package cost prices the platform by tier and estimates how long a `pulumi up` from an empty account
// takes, both from the resources' own descriptions (type token, inputs, dependencies) and two tables of
// facts: the price catalog (infra/config) and the per-type create durations (durations.go).
//
// One function computes each figure, from the same descriptions, in both runs: a real `pulumi up`
// collects them with a stack transform (collect.go) and exports the result as the stack outputs
// monthlyCost and deployEstimateMinutes; the offline plan converts its recorded graph and puts the same
// figures in the plan's cost and deploy objects. Nothing here knows the tiers: a resource's tier is its
// `suoke.life/tier` tag or label, or its type's default (tiers.go), so a tier added later is priced
// with no change to this package.
package cost

import (
	"sort"
	"strconv"
	"strings"
)

// Resource is what the estimates read of one registered resource.
type Resource struct {
	URN    string
	Type   string
	Name   string
	Parent string
	// Custom is false for component resources, which cost nothing and take no time themselves.
	Custom bool
	// Provider is the URN of the resource's explicit provider, if any (a Kubernetes provider built from
	// the cluster's outputs makes everything it manages wait for the cluster).
	Provider string
	// Inputs are the resource's inputs as plain JSON-like values; secrets and values unknown during a
	// preview appear as opaque strings.
	Inputs map[string]any
	// Dependencies are every resource this one waits for (explicit and through its inputs).
	Dependencies []string
	// DependsOn are the dependencies no input flows through (explicit ordering). Only the offline
	// plan knows them (the engine merges both kinds); empty means unknown, not none.
	DependsOn []string
}

// value walks a path of object keys and array indexes ("scalingConfig.desiredSize",
// "blockDeviceMappings.0.ebs.volumeSize") through the inputs.
func (r *Resource) value(path string) (any, bool) {
	var cur any = r.Inputs
	for _, seg := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[seg]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, cur != nil
}

// str returns a string input at path, or "".
func (r *Resource) str(path string) string {
	v, _ := r.value(path)
	s, _ := v.(string)
	if isOpaque(s) {
		return ""
	}
	return s
}

// num returns a numeric input at path; ok is false when it is absent or not a number (e.g. unknown).
func (r *Resource) num(path string) (float64, bool) {
	v, _ := r.value(path)
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

// boolean returns a boolean input at path, or false.
func (r *Resource) boolean(path string) bool {
	v, _ := r.value(path)
	b, _ := v.(bool)
	return b
}

// list returns a list input at path, or nil.
func (r *Resource) list(path string) []any {
	v, _ := r.value(path)
	l, _ := v.([]any)
	return l
}

// object returns an object input at path, or nil.
func (r *Resource) object(path string) map[string]any {
	v, _ := r.value(path)
	m, _ := v.(map[string]any)
	return m
}

// Opaque values stand for what a description cannot show: secrets, and values not known yet.
const (
	opaqueSecret  = "[secret]"
	opaqueUnknown = "[unknown]"
)

func isOpaque(s string) bool { return s == opaqueSecret || s == opaqueUnknown }

// known reports whether the input at path is present with a real value.
func (r *Resource) known(path string) bool {
	v, ok := r.value(path)
	if !ok {
		return false
	}
	s, isStr := v.(string)
	return !isStr || !isOpaque(s)
}

// graph indexes descriptions for the meters: by URN and by type.
type graph struct {
	resources []Resource
	byURN     map[string]*Resource
	byType    map[string][]*Resource
}

func newGraph(resources []Resource) *graph {
	sorted := append([]Resource(nil), resources...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].URN < sorted[j].URN })
	g := &graph{resources: sorted, byURN: map[string]*Resource{}, byType: map[string][]*Resource{}}
	for i := range g.resources {
		r := &g.resources[i]
		g.byURN[r.URN] = r
		g.byType[r.Type] = append(g.byType[r.Type], r)
	}
	return g
}

// dependenciesOfType returns the resources of a type that r depends on.
func (g *graph) dependenciesOfType(r *Resource, typ string) []*Resource {
	var out []*Resource
	for _, d := range r.Dependencies {
		if dep, ok := g.byURN[d]; ok && dep.Type == typ {
			out = append(out, dep)
		}
	}
	return out
}
