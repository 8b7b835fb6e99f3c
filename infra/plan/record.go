// Package plan runs the Pulumi program under Pulumi's mock engine, with a stack's config, and records
// the resource graph: what `pulumi preview` would register, offline, with no account and no CLI.
package plan

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra"
	platform "github.com/suoke-life/suoke-platform/infra/config"
)

// Secret is how every secret value appears in a recorded graph and its outputs.
const Secret = "[secret]"

// Resource is one registration, as DESIGN.md's JSON contract names its fields.
type Resource struct {
	URN          string         `json:"urn"`
	Type         string         `json:"type"`
	Name         string         `json:"name"`
	Parent       string         `json:"parent,omitempty"`
	Custom       bool           `json:"custom"`
	ID           string         `json:"id,omitempty"`
	Provider     string         `json:"provider,omitempty"`
	Inputs       map[string]any `json:"inputs"`
	Dependencies []string       `json:"dependencies"`
	// DependsOn are the dependencies no input flows through (explicit DependsOn): ordering only.
	DependsOn               []string `json:"dependsOn,omitempty"`
	Protect                 bool     `json:"protect"`
	RetainOnDelete          bool     `json:"retainOnDelete"`
	IgnoreChanges           []string `json:"ignoreChanges"`
	DeleteBeforeReplace     bool     `json:"deleteBeforeReplace"`
	AdditionalSecretOutputs []string `json:"additionalSecretOutputs,omitempty"`
}

// Graph is a recorded program run.
type Graph struct {
	Project     string         `json:"project"`
	Stack       string         `json:"stack"`
	Region      string         `json:"region"`
	Partition   string         `json:"partition"`
	Environment string         `json:"environment"`
	Resources   []Resource     `json:"resources"`
	Outputs     map[string]any `json:"outputs"`
	// Config is the validated, typed config the run used (not part of the JSON contract).
	Config *platform.Platform `json:"-"`
}

func recordResource(args pulumi.MockResourceArgs, project, stack string) Resource {
	rpc := args.RegisterRPC
	r := Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Provider: args.Provider,
		Inputs: plainMap(args.Inputs), Dependencies: []string{}, IgnoreChanges: []string{}}
	if rpc != nil {
		r.Parent = rpc.GetParent()
		r.Protect = rpc.GetProtect()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		r.AdditionalSecretOutputs = rpc.GetAdditionalSecretOutputs()
		deps := map[string]bool{}
		for _, d := range rpc.GetDependencies() {
			deps[d] = true
		}
		for _, pd := range rpc.GetPropertyDependencies() {
			for _, d := range pd.GetUrns() {
				deps[d] = true
			}
		}
		dataDeps := map[string]bool{}
		for _, pd := range rpc.GetPropertyDependencies() {
			for _, d := range pd.GetUrns() {
				dataDeps[d] = true
			}
		}
		for d := range deps {
			r.Dependencies = append(r.Dependencies, d)
			if !dataDeps[d] {
				r.DependsOn = append(r.DependsOn, d)
			}
		}
		sort.Strings(r.Dependencies)
		sort.Strings(r.DependsOn)
		if ic := rpc.GetIgnoreChanges(); len(ic) > 0 {
			r.IgnoreChanges = append([]string(nil), ic...)
		}
	}
	r.URN = urnOf(r.Parent, args.TypeToken, args.Name, project, stack)
	return r
}

// urnOf rebuilds the URN the mock monitor assigns, so a resource is known by it when recorded. The
// stack and project come from the parent's URN (every resource has the root stack or a component as
// parent), else from the mocks' own fields.
func urnOf(parent, typ, name, project, stack string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" {
		if p.IsValid() {
			project, stack = string(p.Project()), string(p.Stack())
		}
		if p.QualifiedType() != resource.RootStackType {
			parentType = p.QualifiedType()
		}
	}
	return string(resource.NewURN(tokens.QName(stack), tokens.PackageName(project), parentType, tokens.Type(typ), name))
}

// plainMap turns recorded properties into JSON-ready values with every secret masked.
func plainMap(pm resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range pm {
		if p, ok := plain(v); ok {
			out[string(k)] = p
		}
	}
	return out
}

func plain(v resource.PropertyValue) (any, bool) {
	switch {
	case v.IsSecret():
		return Secret, true
	case v.IsNull():
		return nil, false
	case v.IsComputed():
		return "[unknown]", true
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return Secret, true
		}
		if !o.Known {
			return "[unknown]", true
		}
		return plain(o.Element)
	case v.IsBool():
		return v.BoolValue(), true
	case v.IsNumber():
		return v.NumberValue(), true
	case v.IsString():
		return v.StringValue(), true
	case v.IsArray():
		arr := []any{}
		for _, e := range v.ArrayValue() {
			if p, ok := plain(e); ok {
				arr = append(arr, p)
			} else {
				arr = append(arr, nil)
			}
		}
		return arr, true
	case v.IsObject():
		return plainMap(v.ObjectValue()), true
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN), true
	case v.IsAsset() || v.IsArchive():
		return "[asset]", true
	}
	return fmt.Sprint(v), true
}

// runMu serialises recordings: the mock engine's RunInfo is per process.
var runMu sync.Mutex

// Record runs the program for a stack of the project in dir.
func Record(dir, stack string) (*Graph, error) {
	sc, err := LoadStackConfig(dir, stack)
	if err != nil {
		return nil, err
	}
	return RecordConfig(sc)
}

// RecordConfig runs the program under mocks with the given config and returns the recorded graph.
// A config error is returned as is (a *config.Error naming every bad field).
func RecordConfig(sc *StackConfig) (*Graph, error) {
	runMu.Lock()
	defer runMu.Unlock()

	region, _ := platform.LookupRegion(sc.Values[platform.RegionKey])
	mocks := NewMocks(region)
	mocks.Project, mocks.Stack, mocks.StackOutputs = sc.Project, sc.Stack, sc.StackOutputs

	g := &Graph{Project: sc.Project, Stack: sc.Stack, Region: region.Name, Partition: region.Partition, Outputs: map[string]any{}}
	var outMu sync.Mutex
	var pending sync.WaitGroup
	var buildErr error
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		cfg, err := platform.Load(ctx)
		if err != nil {
			buildErr = err
			return err
		}
		g.Config = cfg
		g.Environment = string(cfg.Environment)
		outs, err := infra.Deploy(ctx, cfg)
		if err != nil {
			buildErr = err
			return err
		}
		for _, name := range infra.SortedNames(outs) {
			name, o := name, outs[name]
			ctx.Export(name, o)
			secret := pulumi.IsSecret(o)
			pending.Add(1)
			o.ApplyT(func(v any) any {
				defer pending.Done()
				outMu.Lock()
				defer outMu.Unlock()
				if secret {
					g.Outputs[name] = Secret
				} else {
					g.Outputs[name] = v
				}
				return nil
			})
		}
		return nil
	}, pulumi.WithMocks(sc.Project, sc.Stack, mocks), func(info *pulumi.RunInfo) {
		info.Config = sc.Values
		info.ConfigSecretKeys = sc.SecretKeys
	})
	if buildErr != nil {
		return nil, buildErr
	}
	if err != nil {
		var ce *platform.Error
		if errors.As(err, &ce) {
			return nil, ce
		}
		return nil, fmt.Errorf("offline plan of %s: %w", sc.Stack, err)
	}
	// An output made with pulumi.ToOutput belongs to no context, so RunErr does not wait for what is
	// applied to it: wait here until every output is recorded (under CPU load the apply can still be
	// pending when RunErr returns, and a reader would find the output missing).
	done := make(chan struct{})
	go func() { pending.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		return nil, fmt.Errorf("offline plan of %s: stack outputs did not resolve", sc.Stack)
	}
	g.Resources = mocks.Resources()
	sort.Slice(g.Resources, func(i, j int) bool { return g.Resources[i].URN < g.Resources[j].URN })
	return g, nil
}
