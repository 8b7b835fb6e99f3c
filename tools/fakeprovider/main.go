// Command fakeprovider is the engine tests' stand-in for the AWS and Kubernetes provider plugins: a real
// Pulumi resource provider (gRPC, started by the engine like any plugin) with no cloud behind it. It
// is built twice, as pulumi-resource-aws and pulumi-resource-kubernetes; the executable's name decides
// which package it serves, and its version is the one the program's SDK of that package has in go.mod
// (the engine asks for exactly that version).
//
// What it does, per call:
//   - CheckConfig/Configure: accepts the provider's config; the AWS region configured picks the region
//     the invokes and computed outputs answer for.
//   - Check: echoes the inputs, failing only on an input the engine could never send (none is known
//     here beyond the type's required inputs in required.go).
//   - Diff/DiffConfig: a real property diff of the old inputs against the new ones, with ignoreChanges
//     applied, unknowns counted as changes and the replacements of replace.go (what AWS and Kubernetes
//     cannot change in place).
//   - Create/Update: a deterministic ID and outputs, from the same source as the offline plan's mocks
//     (infra/plan.Answer); Update keeps the ID and raises a launch template's version.
//   - Read: the state as recorded: nothing drifts, unless FAKEPROVIDER_DRIFT names the resource's
//     type, whose inputs and outputs then come back with a tag the program did not set (a change made
//     outside Pulumi, which refresh records and the next preview undoes).
//   - FAKEPROVIDER_UNSTABLE naming a type makes Check add an input that changes with every call, as a
//     program input derived from the clock would (so tests can show their idempotency check fails).
//   - Invoke: infra/plan's mocks answer it (plan.Mocks.Call), for the configured region.
//
// Every call is appended as one JSON line to the file FAKEPROVIDER_LOG names (when set), with its
// start and end times, so tests can check the order of the engine's calls across plugin processes.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	platform "github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// sdkModules are the Go SDK modules whose version each stand-in reports as its own.
var sdkModules = map[string]string{
	"aws":        "github.com/pulumi/pulumi-aws/sdk/v6",
	"kubernetes": "github.com/pulumi/pulumi-kubernetes/sdk/v4",
}

// PackageOf is the package an executable named pulumi-resource-<pkg> serves.
func PackageOf(exe string) string {
	base := strings.TrimSuffix(filepath.Base(exe), ".exe")
	return strings.TrimPrefix(base, "pulumi-resource-")
}

// VersionOf is the version of the package's Go SDK this binary was built with (no "v").
func VersionOf(pkg string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path == sdkModules[pkg] {
			return strings.TrimPrefix(d.Version, "v")
		}
	}
	return ""
}

func main() {
	pkg := PackageOf(os.Args[0])
	if _, ok := sdkModules[pkg]; !ok {
		fmt.Fprintf(os.Stderr, "fakeprovider: built as %s; build it as pulumi-resource-aws or pulumi-resource-kubernetes\n", filepath.Base(os.Args[0]))
		os.Exit(2)
	}
	if err := serve(New(pkg, VersionOf(pkg), os.Getenv("FAKEPROVIDER_LOG"))); err != nil {
		fmt.Fprintln(os.Stderr, "fakeprovider:", err)
		os.Exit(1)
	}
}

// serve speaks the plugin protocol: listen on a free port, print it, serve until the engine sends
// SIGINT or stops answering its health check (the engine's address is the one argument that is not a
// flag). sdk's provider.Main does the same, but needs modules the platform's go.mod does not have.
func serve(p *Provider) error {
	var engine string
	for _, a := range os.Args[1:] {
		if !strings.HasPrefix(a, "-") {
			engine = a
		}
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	if engine != "" {
		if err := rpcutil.Healthcheck(ctx, engine, 5*time.Minute, cancel); err != nil {
			return err
		}
	}
	done := make(chan bool)
	go func() {
		<-ctx.Done()
		close(done)
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{Cancel: done, Init: func(srv *grpc.Server) error {
		pulumirpc.RegisterResourceProviderServer(srv, p)
		return nil
	}})
	if err != nil {
		return err
	}
	fmt.Printf("%d\n", handle.Port)
	return <-handle.Done
}

// Provider serves one package.
type Provider struct {
	pulumirpc.UnimplementedResourceProviderServer
	pkg, version, logPath string

	mu     sync.Mutex
	region platform.Region
	mocks  *plan.Mocks
}

// New returns a provider for a package, logging calls to logPath (none when empty).
func New(pkg, version, logPath string) *Provider {
	p := &Provider{pkg: pkg, version: version, logPath: logPath}
	p.setRegion(os.Getenv("AWS_REGION"))
	return p
}

func (p *Provider) setRegion(name string) {
	r, ok := platform.LookupRegion(name)
	if !ok {
		r, _ = platform.LookupRegion("cn-northwest-1")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.region, p.mocks = r, plan.NewMocks(r)
}

// Call is one logged call.
type Call struct {
	Package string `json:"package"`
	PID     int    `json:"pid"`
	Method  string `json:"method"`
	URN     string `json:"urn,omitempty"`
	Type    string `json:"type,omitempty"`
	ID      string `json:"id,omitempty"`
	Token   string `json:"token,omitempty"`
	Preview bool   `json:"preview,omitempty"`
	// Changes, Replaces and Diffs are a Diff's answer.
	Changes  string   `json:"changes,omitempty"`
	Replaces []string `json:"replaces,omitempty"`
	Diffs    []string `json:"diffs,omitempty"`
	Error    string   `json:"error,omitempty"`
	// Start and End are Unix nanoseconds.
	Start int64 `json:"start"`
	End   int64 `json:"end"`
}

var logMu sync.Mutex

func (p *Provider) log(c Call, start time.Time, err error) {
	if p.logPath == "" {
		return
	}
	c.Package, c.PID, c.Start, c.End = p.pkg, os.Getpid(), start.UnixNano(), time.Now().UnixNano()
	if err != nil {
		c.Error = err.Error()
	}
	line, _ := json.Marshal(c)
	logMu.Lock()
	defer logMu.Unlock()
	f, ferr := os.OpenFile(p.logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if ferr != nil {
		return
	}
	defer f.Close()
	_, _ = f.Write(append(line, '\n')) // one write: appends from several plugin processes do not interleave
}

var (
	unmarshal = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}
	marshal   = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}
)

func props(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, unmarshal)
}

func (p *Provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: p.version}, nil
}

func (p *Provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	s, _ := json.Marshal(map[string]any{"name": p.pkg, "version": p.version})
	return &pulumirpc.GetSchemaResponse{Schema: string(s)}, nil
}

func (p *Provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	start := time.Now()
	p.log(Call{Method: "CheckConfig", URN: req.GetUrn()}, start, nil)
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *Provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return p.diff("DiffConfig", req)
}

func (p *Provider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	start := time.Now()
	region := req.GetVariables()["aws:config:region"]
	if args, err := props(req.GetArgs()); err == nil {
		if v, ok := args["region"]; ok && v.IsString() {
			region = v.StringValue()
		}
	}
	if p.pkg == "aws" && region != "" {
		p.setRegion(region)
	}
	p.log(Call{Method: "Configure", Token: region}, start, nil)
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

func (p *Provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	start := time.Now()
	args, err := props(req.GetArgs())
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	mocks := p.mocks
	p.mu.Unlock()
	out, err := mocks.Call(pulumi.MockCallArgs{Token: req.GetTok(), Args: args})
	p.log(Call{Method: "Invoke", Token: req.GetTok(), Preview: req.GetPreview()}, start, err)
	if err != nil {
		return nil, err
	}
	ret, err := plugin.MarshalProperties(out, marshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

func (p *Provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	start := time.Now()
	news, err := props(req.GetNews())
	if err != nil {
		return nil, err
	}
	typ := typeOf(req.GetUrn(), req.GetType())
	var failures []*pulumirpc.CheckFailure
	for _, k := range Required[typ] {
		if v, ok := news[resource.PropertyKey(k)]; !ok || v.IsNull() {
			failures = append(failures, &pulumirpc.CheckFailure{Property: k, Reason: fmt.Sprintf("Missing required argument: %s", k)})
		}
	}
	p.log(Call{Method: "Check", URN: req.GetUrn(), Type: typ}, start, nil)
	if typ != "" && typ == os.Getenv("FAKEPROVIDER_UNSTABLE") {
		news["unstable"] = resource.NewStringProperty(time.Now().Format(time.RFC3339Nano))
		out, err := plugin.MarshalProperties(news, marshal)
		if err != nil {
			return nil, err
		}
		return &pulumirpc.CheckResponse{Inputs: out, Failures: failures}, nil
	}
	return &pulumirpc.CheckResponse{Inputs: req.GetNews(), Failures: failures}, nil
}

func (p *Provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return p.diff("Diff", req)
}

func (p *Provider) diff(method string, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	start := time.Now()
	olds := req.GetOldInputs()
	if olds == nil {
		olds = req.GetOlds()
	}
	oldMap, err := props(olds)
	if err != nil {
		return nil, err
	}
	newMap, err := props(req.GetNews())
	if err != nil {
		return nil, err
	}
	typ := typeOf(req.GetUrn(), req.GetType())
	var replaceable []string
	if method == "Diff" {
		replaceable = Replacements[typ]
		if p.pkg == "kubernetes" && !strings.HasPrefix(typ, "pulumi:providers:") {
			replaceable = append(replaceable, kubernetesReplacements...)
		}
	}
	d := DiffInputs(oldMap, newMap, req.GetIgnoreChanges(), replaceable)
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true,
		DetailedDiff: map[string]*pulumirpc.PropertyDiff{}}
	if len(d.Changed) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	for _, path := range d.Changed {
		kind := d.Kinds[path]
		resp.DetailedDiff[path] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
		top := string(rootKey(path))
		if !slices.Contains(resp.Diffs, top) {
			resp.Diffs = append(resp.Diffs, top)
		}
	}
	resp.Replaces = d.Replaces
	p.log(Call{Method: method, URN: req.GetUrn(), Type: typ, ID: req.GetId(), Changes: resp.Changes.String(),
		Replaces: resp.Replaces, Diffs: resp.Diffs}, start, nil)
	return resp, nil
}

func rootKey(path string) resource.PropertyKey {
	pp, err := resource.ParsePropertyPath(path)
	if err != nil || len(pp) == 0 {
		return resource.PropertyKey(path)
	}
	if k, ok := pp[0].(string); ok {
		return resource.PropertyKey(k)
	}
	return resource.PropertyKey(path)
}

// typeOf is the resource type from the request, or from the URN for engines that do not send it.
func typeOf(urn, typ string) string {
	if typ != "" {
		return typ
	}
	if u := resource.URN(urn); u.IsValid() {
		return string(u.Type())
	}
	return ""
}

func (p *Provider) answer(urn, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap) {
	p.mu.Lock()
	region := p.region
	p.mu.Unlock()
	u := resource.URN(urn)
	return plan.Answer(pulumi.MockResourceArgs{TypeToken: typ, Name: u.Name(), Inputs: inputs, Custom: true}, urn, region)
}

func (p *Provider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	start := time.Now()
	news, err := props(req.GetProperties())
	if err != nil {
		return nil, err
	}
	typ := typeOf(req.GetUrn(), req.GetType())
	id, state := p.answer(req.GetUrn(), typ, news)
	p.log(Call{Method: "Create", URN: req.GetUrn(), Type: typ, ID: id, Preview: req.GetPreview()}, start, nil)
	out, err := plugin.MarshalProperties(state, marshal)
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		id = ""
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: out}, nil
}

func (p *Provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	start := time.Now()
	news, err := props(req.GetNews())
	if err != nil {
		return nil, err
	}
	olds, err := props(req.GetOlds())
	if err != nil {
		return nil, err
	}
	typ := typeOf(req.GetUrn(), req.GetType())
	_, state := p.answer(req.GetUrn(), typ, news)
	// A changed launch template is a new version of it (EC2 CreateLaunchTemplateVersion).
	if v, ok := olds["latestVersion"]; ok && v.IsNumber() {
		state["latestVersion"] = resource.NewNumberProperty(v.NumberValue() + 1)
	}
	p.log(Call{Method: "Update", URN: req.GetUrn(), Type: typ, ID: req.GetId(), Preview: req.GetPreview()}, start, nil)
	out, err := plugin.MarshalProperties(state, marshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: out}, nil
}

func (p *Provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	start := time.Now()
	typ := typeOf(req.GetUrn(), req.GetType())
	p.log(Call{Method: "Read", URN: req.GetUrn(), Type: typ, ID: req.GetId()}, start, nil)
	if typ != "" && typ == os.Getenv("FAKEPROVIDER_DRIFT") {
		var drifted [2]*structpb.Struct
		for i, s := range []*structpb.Struct{req.GetProperties(), req.GetInputs()} {
			m, err := props(s)
			if err != nil {
				return nil, err
			}
			tags := resource.PropertyMap{}
			if t, ok := m["tags"]; ok && t.IsObject() {
				tags = t.ObjectValue().Copy()
			}
			tags["changed-outside-pulumi"] = resource.NewStringProperty("true")
			m["tags"] = resource.NewObjectProperty(tags)
			if drifted[i], err = plugin.MarshalProperties(m, marshal); err != nil {
				return nil, err
			}
		}
		return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: drifted[0], Inputs: drifted[1]}, nil
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (p *Provider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	start := time.Now()
	// Long enough that a delete the engine ran beside one it should have waited for overlaps it.
	time.Sleep(5 * time.Millisecond)
	typ := typeOf(req.GetUrn(), req.GetType())
	p.log(Call{Method: "Delete", URN: req.GetUrn(), Type: typ, ID: req.GetId()}, start, nil)
	return &emptypb.Empty{}, nil
}

func (p *Provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}
