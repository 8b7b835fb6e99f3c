package policy

import (
	"encoding/json"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Index answers the questions rules ask of a graph: resources by type, by ID and by URN, and their
// inputs as typed values.
type Index struct {
	Graph  *plan.Graph
	byType map[string][]*plan.Resource
	byID   map[string]*plan.Resource
	byURN  map[string]*plan.Resource
}

// NewIndex indexes a graph.
func NewIndex(g *plan.Graph) *Index {
	idx := &Index{Graph: g, byType: map[string][]*plan.Resource{}, byID: map[string]*plan.Resource{}, byURN: map[string]*plan.Resource{}}
	for i := range g.Resources {
		r := &g.Resources[i]
		idx.byType[r.Type] = append(idx.byType[r.Type], r)
		if r.ID != "" {
			idx.byID[r.ID] = r
		}
		idx.byURN[r.URN] = r
	}
	return idx
}

// OfType returns the resources of a type token, in URN order.
func (x *Index) OfType(typ string) []*plan.Resource { return x.byType[typ] }

// ByID returns the resource a provider ID refers to.
func (x *Index) ByID(id string) *plan.Resource { return x.byID[id] }

// ByURN returns a resource by URN.
func (x *Index) ByURN(urn string) *plan.Resource { return x.byURN[urn] }

// ProductionLike reports whether the graph is of a prod or dr stack.
func (x *Index) ProductionLike() bool {
	return x.Graph.Environment == "prod" || x.Graph.Environment == "dr"
}

// At reads a nested input (a CustomResource's spec.affinity.topologyKey, ...), or nil.
func At(r *plan.Resource, keys ...string) any {
	var cur any = r.Inputs
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// Str returns a string input, or "".
func Str(r *plan.Resource, key string) string {
	s, _ := r.Inputs[key].(string)
	return s
}

// Num returns a numeric input as an int, and whether it was set.
func Num(r *plan.Resource, key string) (int, bool) {
	f, ok := r.Inputs[key].(float64)
	return int(f), ok
}

// Bool returns a boolean input, or false.
func Bool(r *plan.Resource, key string) bool {
	b, _ := r.Inputs[key].(bool)
	return b
}

// List returns a list input, or nil.
func List(r *plan.Resource, key string) []any {
	l, _ := r.Inputs[key].([]any)
	return l
}

// Tag returns the value of a resource tag, or "".
func Tag(r *plan.Resource, key string) string {
	tags, _ := r.Inputs["tags"].(map[string]any)
	s, _ := tags[key].(string)
	return s
}

// statements parses an IAM or bucket policy document and returns its statements; a single statement
// object counts as a list of one.
func statements(doc string) []map[string]any {
	var d struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return nil
	}
	var list []map[string]any
	if json.Unmarshal(d.Statement, &list) == nil {
		return list
	}
	var one map[string]any
	if json.Unmarshal(d.Statement, &one) == nil {
		return []map[string]any{one}
	}
	return nil
}
