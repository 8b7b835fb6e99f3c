package plan

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Pulumi's mock engine does not run stack transforms; a real engine runs them on every registration.
// The program registers one (infra/cost's collector, which only describes resources), so the mocks
// run them here the way the engine does: with the registration's type, name, inputs, parent, provider
// and every dependency as dependsOn (resmon.RegisterResource passes req.Dependencies, which the Go SDK
// fills with explicit and input-borne dependencies alike), and its protect and retainOnDelete. The
// mocks apply what a transform may change offline, protect and retainOnDelete (infra/protection), to
// the recorded resource, as the engine would; any other change is an error offline: the offline plan
// must not silently differ from what the engine would register.

// RegisterTransform implements pulumi.MockResourceMonitorWithTransforms.
func (m *Mocks) RegisterTransform(t pulumi.ResourceTransform) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.transforms = append(m.transforms, t)
}

// RegisterInvokeTransform implements pulumi.MockResourceMonitorWithTransforms. Invoke transforms are
// not run offline; Call refuses invokes once one is registered rather than answer as if it were not.
func (m *Mocks) RegisterInvokeTransform(pulumi.InvokeTransform) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.invokeTransforms++
}

var _ pulumi.MockResourceMonitorWithTransforms = (*Mocks)(nil)

// runTransforms calls the registered stack transforms for one registration and applies the
// protect and retainOnDelete they set to rec.
func (m *Mocks) runTransforms(args pulumi.MockResourceArgs, rec *Resource) error {
	m.mu.Lock()
	transforms := append([]pulumi.ResourceTransform(nil), m.transforms...)
	m.mu.Unlock()
	if len(transforms) == 0 {
		return nil
	}
	targs := &pulumi.ResourceTransformArgs{Custom: args.Custom, Type: args.TypeToken, Name: args.Name, Props: toPulumiMap(args.Inputs)}
	targs.Opts.Protect, targs.Opts.RetainOnDelete = rec.Protect, rec.RetainOnDelete
	if rpc := args.RegisterRPC; rpc != nil {
		if p := rpc.GetParent(); p != "" {
			targs.Opts.Parent = &urnRef{urn: p}
		}
		for _, d := range rpc.GetDependencies() {
			targs.Opts.DependsOn = append(targs.Opts.DependsOn, &urnRef{urn: d})
		}
		if ref := rpc.GetProvider(); ref != "" {
			targs.Opts.Provider = &providerRef{urn: providerURN(ref)}
		}
	}
	for _, t := range transforms {
		res := t(context.Background(), targs)
		if res == nil {
			continue
		}
		if !onlyProtectionChanged(targs, res) {
			return fmt.Errorf("offline plan: a stack transform changed %s %s beyond protect and retainOnDelete; the mock engine applies only those", args.TypeToken, args.Name)
		}
		targs.Opts.Protect, targs.Opts.RetainOnDelete = res.Opts.Protect, res.Opts.RetainOnDelete
	}
	rec.Protect, rec.RetainOnDelete = targs.Opts.Protect, targs.Opts.RetainOnDelete
	return nil
}

// onlyProtectionChanged reports whether a transform's result keeps the props (the same map) and
// every option but protect and retainOnDelete.
func onlyProtectionChanged(args *pulumi.ResourceTransformArgs, res *pulumi.ResourceTransformResult) bool {
	if fmt.Sprintf("%p", args.Props) != fmt.Sprintf("%p", res.Props) || len(args.Props) != len(res.Props) {
		return false
	}
	a, b := args.Opts, res.Opts
	a.Protect, a.RetainOnDelete = b.Protect, b.RetainOnDelete
	return reflect.DeepEqual(a, b)
}

// providerURN returns the URN of a provider reference "urn::id" (URNs contain "::" too, so the ID is
// what follows the last one).
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		return ref[:i]
	}
	return ref
}

// urnRef stands for a registered resource as the engine hands it to a transform: only its URN is
// known (the SDK builds a "dependency resource" for it; that constructor is not public).
type urnRef struct {
	pulumi.ResourceState
	urn string
}

func (r *urnRef) URN() pulumi.URNOutput { return pulumi.URN(r.urn).ToURNOutput() }

type providerRef struct {
	pulumi.ProviderResourceState
	urn string
}

func (r *providerRef) URN() pulumi.URNOutput { return pulumi.URN(r.urn).ToURNOutput() }

// toPulumiMap turns registered inputs into the values a transform receives from the engine: plain
// values as pulumi.String, Float64, Bool, Array and Map; secrets, unknowns and output values as
// outputs.
func toPulumiMap(pm resource.PropertyMap) pulumi.Map {
	out := pulumi.Map{}
	for k, v := range pm {
		if in := toPulumiInput(v); in != nil {
			out[string(k)] = in
		}
	}
	return out
}

func toPulumiInput(v resource.PropertyValue) pulumi.Input {
	switch {
	case v.IsNull():
		return nil
	case v.IsBool():
		return pulumi.Bool(v.BoolValue())
	case v.IsNumber():
		return pulumi.Float64(v.NumberValue())
	case v.IsString():
		return pulumi.String(v.StringValue())
	case v.IsArray():
		arr := pulumi.Array{}
		for _, e := range v.ArrayValue() {
			arr = append(arr, toPulumiInput(e))
		}
		return arr
	case v.IsObject():
		return toPulumiMap(v.ObjectValue())
	case v.IsSecret():
		return secretOf(toPulumiInput(v.SecretValue().Element))
	case v.IsComputed():
		return pulumi.UnsafeUnknownOutput(nil)
	case v.IsOutput():
		o := v.OutputValue()
		switch {
		case !o.Known:
			return pulumi.UnsafeUnknownOutput(nil)
		case o.Secret:
			return secretOf(toPulumiInput(o.Element))
		case o.Element.IsNull():
			return nil
		}
		return pulumi.ToOutput(toPulumiInput(o.Element))
	case v.IsResourceReference():
		return pulumi.ToOutput(pulumi.String(string(v.ResourceReferenceValue().URN)))
	}
	return pulumi.ToOutput(pulumi.String("[asset]"))
}

func secretOf(in pulumi.Input) pulumi.Input {
	if in == nil {
		return pulumi.ToSecret(pulumi.String(""))
	}
	return pulumi.ToSecret(in)
}
