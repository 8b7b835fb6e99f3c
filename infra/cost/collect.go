package cost

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Collector gathers the description of every resource the program registers, so that a real
// `pulumi up`, which has no recorded graph, prices the same descriptions the offline plan does.
//
// Two hooks, each doing one thing:
//   - a stack transform (ctx.RegisterResourceTransform) runs in the engine for every registration and
//     receives its type, name, inputs, parent, provider and dependencies (the engine passes all of them,
//     input-borne or explicit, as dependsOn). It records them and changes nothing. Pulumi's mock
//     engine does not run transforms itself; infra/plan's mocks call them from NewResource with what
//     the engine would pass, so the offline plan exercises this very path.
//   - an SDK-side stack transformation (ctx.RegisterStackTransformation) sees every resource object as
//     it is constructed, synchronously. Its list says what to wait for: every resource's URN resolves
//     only after its registration, and so after the transform above ran for it.
//
// Resources constructed inside an apply are registered late and would be missed by any estimate that
// runs before them; Resources waits for them too as long as they exist when it checks, but the program
// should not construct resources in applies (a preview cannot show them either).
type Collector struct {
	project, stack string

	mu      sync.Mutex
	tracked []pulumi.Resource
	pending []pending

	// sealed resolves when the composition has constructed every component (Seal).
	sealed   pulumi.Output
	seal     func(any)
	sealOnce sync.Once
}

// pending is one description whose URNs are outputs until the end of the run.
type pending struct {
	typ, name string
	custom    bool
	parent    pulumi.URNOutput
	provider  pulumi.URNOutput
	deps      []pulumi.URNOutput
	inputs    map[string]any
}

// NewCollector registers the collector's hooks. Call it before any resource is registered: what is
// registered earlier is not described.
func NewCollector(ctx *pulumi.Context) (*Collector, error) {
	c := &Collector{project: ctx.Project(), stack: ctx.Stack()}
	c.sealed, c.seal, _ = ctx.NewOutput()
	if err := ctx.RegisterStackTransformation(c.track); err != nil {
		return nil, fmt.Errorf("cost: register the resource tracker: %w", err)
	}
	if err := ctx.RegisterResourceTransform(c.describe); err != nil {
		return nil, fmt.Errorf("cost: register the resource transform: %w", err)
	}
	return c, nil
}

func (c *Collector) track(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
	c.mu.Lock()
	c.tracked = append(c.tracked, args.Resource)
	c.mu.Unlock()
	return nil
}

var noURN = pulumi.URN("").ToURNOutput()

func (c *Collector) describe(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
	p := pending{typ: args.Type, name: args.Name, custom: args.Custom, parent: noURN, provider: noURN, inputs: plainMap(args.Props)}
	if args.Opts.Parent != nil {
		p.parent = args.Opts.Parent.URN()
	}
	if args.Opts.Provider != nil {
		p.provider = args.Opts.Provider.URN()
	}
	for _, d := range args.Opts.DependsOn {
		p.deps = append(p.deps, d.URN())
	}
	c.mu.Lock()
	c.pending = append(c.pending, p)
	c.mu.Unlock()
	return nil // describe only: the registration goes on unchanged
}

// Seal says the program has constructed its resources: Resources may take its list. The composition
// defers it right after NewCollector, so that it runs however the composition returns (an unsealed
// collector would keep the run waiting).
func (c *Collector) Seal() { c.sealOnce.Do(func() { c.seal(true) }) }

// Resources resolves to the descriptions of every resource registered, once the collector is sealed
// and every resource constructed by then is registered.
func (c *Collector) Resources() pulumi.AnyOutput {
	return c.sealed.ApplyT(func(any) pulumi.AnyOutput { return c.registered() }).(pulumi.AnyOutput)
}

// registered waits for the URN of every resource tracked so far, then for any tracked meanwhile.
func (c *Collector) registered() pulumi.AnyOutput {
	c.mu.Lock()
	tracked := append([]pulumi.Resource(nil), c.tracked...)
	c.mu.Unlock()
	urns := make([]any, 0, len(tracked))
	notReady := 0
	for _, r := range tracked {
		u := r.URN()
		if u.OutputState == nil { // constructed this instant by another goroutine; check again
			notReady++
			continue
		}
		urns = append(urns, u)
	}
	return pulumi.All(urns...).ApplyT(func([]any) (pulumi.AnyOutput, error) {
		c.mu.Lock()
		grown := len(c.tracked) > len(tracked)
		c.mu.Unlock()
		if grown || notReady > 0 {
			runtime.Gosched()
			return c.registered(), nil
		}
		return c.resolve(), nil
	}).(pulumi.AnyOutput)
}

// resolve turns the pending descriptions into Resources once their URN outputs resolve.
func (c *Collector) resolve() pulumi.AnyOutput {
	c.mu.Lock()
	pend := append([]pending(nil), c.pending...)
	c.mu.Unlock()
	var outs []any
	for _, p := range pend {
		outs = append(outs, p.parent, p.provider)
		for _, d := range p.deps {
			outs = append(outs, d)
		}
	}
	return pulumi.All(outs...).ApplyT(func(vals []any) []Resource {
		next := func() string {
			u, _ := vals[0].(pulumi.URN)
			vals = vals[1:]
			return string(u)
		}
		out := make([]Resource, 0, len(pend))
		for _, p := range pend {
			r := Resource{Type: p.typ, Name: p.name, Custom: p.custom, Parent: next(), Provider: next(), Inputs: p.inputs, Dependencies: []string{}}
			for range p.deps {
				r.Dependencies = append(r.Dependencies, next())
			}
			sort.Strings(r.Dependencies)
			r.URN = c.urn(r.Parent, r.Type, r.Name)
			out = append(out, r)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
		return out
	}).(pulumi.AnyOutput)
}

// urn builds a resource's URN as the engine does: the parent's type qualifies the child's, except at
// the root stack.
func (c *Collector) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(c.stack), tokens.PackageName(c.project), parentType, tokens.Type(typ), name))
}

// plainMap turns transform properties into plain values. What is an output there (a secret, or a value
// a preview does not know yet) cannot be read without waiting; it becomes an opaque marker, which no
// price depends on.
func plainMap(m pulumi.Map) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if p := plainValue(v); p != nil {
			out[k] = p
		}
	}
	return out
}

func plainValue(v any) any {
	switch t := v.(type) {
	case nil:
		return nil
	case pulumi.String:
		return string(t)
	case pulumi.Float64:
		return float64(t)
	case pulumi.Int:
		return float64(t)
	case pulumi.Bool:
		return bool(t)
	case pulumi.Array:
		arr := make([]any, len(t))
		for i, e := range t {
			arr[i] = plainValue(e)
		}
		return arr
	case pulumi.Map:
		return plainMap(t)
	case pulumi.StringArray:
		arr := make([]any, len(t))
		for i, e := range t {
			arr[i] = plainValue(e)
		}
		return arr
	case pulumi.StringMap:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = plainValue(e)
		}
		return m
	case string, float64, bool:
		return t
	}
	return opaqueUnknown
}
