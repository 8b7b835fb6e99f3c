//go:build engine

package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"golang.org/x/mod/modfile"

	"github.com/suoke-life/suoke-platform/infra"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// cliVersion is the Pulumi CLI the workflows deploy with (.pulumi-version), which tools/pulumicli
// must pin: the engine under test is the engine that runs `pulumi up`. The Automation API refuses a
// CLI built without a version, so the build stamps it.
var cliVersion string

// pinnedCLI reads .pulumi-version and checks that tools/pulumicli builds that version.
func pinnedCLI(root string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(root, ".pulumi-version"))
	if err != nil {
		return "", err
	}
	want := "v" + strings.TrimPrefix(strings.TrimSpace(string(raw)), "v")
	mod, err := os.ReadFile(filepath.Join(root, "tools", "pulumicli", "go.mod"))
	if err != nil {
		return "", err
	}
	f, err := modfile.Parse("tools/pulumicli/go.mod", mod, nil)
	if err != nil {
		return "", err
	}
	for _, r := range f.Require {
		if r.Mod.Path == "github.com/pulumi/pulumi/pkg/v3" {
			if r.Mod.Version != want {
				return "", fmt.Errorf("tools/pulumicli builds the Pulumi CLI %s, but the workflows deploy with %s (.pulumi-version)", r.Mod.Version, want)
			}
			return want, nil
		}
	}
	return "", fmt.Errorf("tools/pulumicli/go.mod does not require github.com/pulumi/pulumi/pkg/v3")
}

// passphrase encrypts the test stacks' secrets (a test value, never a real stack's).
const passphrase = "engine-test-passphrase"

var (
	repoRoot string
	// binRoot holds bin/pulumi and the stand-ins bin/pulumi-resource-{aws,kubernetes}.
	binRoot string
)

// TestMain builds the CLI and the stand-ins once per machine into the user cache directory: Go's build
// cache makes every later build a link. ENGINE_BIN_ROOT names a directory to use instead.
func TestMain(m *testing.M) {
	wd, _ := os.Getwd()
	repoRoot = filepath.Clean(filepath.Join(wd, "..", ".."))
	binRoot = os.Getenv("ENGINE_BIN_ROOT")
	if binRoot == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		binRoot = filepath.Join(cache, "suoke-platform", "engine")
	}
	v, err := pinnedCLI(repoRoot)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cliVersion = v
	if err := build(); err != nil {
		fmt.Fprintln(os.Stderr, "building the CLI and stand-ins:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func goBuild(dir string, args ...string) error {
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func build() error {
	bin := filepath.Join(binRoot, "bin")
	start := time.Now()
	if err := goBuild(filepath.Join(repoRoot, "tools", "pulumicli"),
		"-ldflags", "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version="+cliVersion,
		"-o", filepath.Join(bin, "pulumi"), "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"); err != nil {
		return err
	}
	cli := time.Since(start)
	start = time.Now()
	// One binary, two names: the name decides the package it serves.
	aws := filepath.Join(bin, "pulumi-resource-aws")
	if err := goBuild(repoRoot, "-o", aws, "./tools/fakeprovider"); err != nil {
		return err
	}
	k8s := filepath.Join(bin, "pulumi-resource-kubernetes")
	_ = os.Remove(k8s)
	if err := os.Link(aws, k8s); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "engine tests: CLI built in %.1fs, stand-ins in %.1fs (%s)\n", cli.Seconds(), time.Since(start).Seconds(), bin)
	return nil
}

// env is one test's backend: a file:// state directory, its own PULUMI_HOME, the call log.
type env struct {
	t                         *testing.T
	dir, state, home, logsDir string
	vars                      map[string]string
	ws                        auto.Workspace
	log                       string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	tmp := t.TempDir()
	e := &env{t: t, dir: filepath.Join(tmp, "project"), state: filepath.Join(tmp, "state"),
		home: filepath.Join(tmp, "home"), logsDir: filepath.Join(tmp, "calls")}
	for _, d := range []string{e.dir, e.state, e.home, e.logsDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The project as the CLI would see it: Pulumi.yaml and the stack files (the program itself runs
	// inline, in this process: the Go language host is not served by the module proxy).
	files, _ := filepath.Glob(filepath.Join(repoRoot, "Pulumi*.yaml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(e.dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e.vars = map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + e.state,
		"PULUMI_CONFIG_PASSPHRASE":                    passphrase,
		"PULUMI_HOME":                                 e.home,
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING":        "true",
		"PATH":                                        filepath.Join(binRoot, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
	}
	return e
}

// phase points the stand-ins' call log at a new file and returns its path.
func (e *env) phase(name string) string {
	e.log = filepath.Join(e.logsDir, name+".jsonl")
	if e.ws != nil {
		e.ws.SetEnvVar("FAKEPROVIDER_LOG", e.log)
	}
	return e.log
}

func (e *env) calls() []Call {
	c, err := ReadCalls(e.log)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// stack creates or selects a stack of the project, the program running inline.
func (e *env) stack(ctx context.Context, name string) auto.Stack {
	e.t.Helper()
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: binRoot})
	if err != nil {
		e.t.Fatal(err)
	}
	vars := map[string]string{}
	for k, v := range e.vars {
		vars[k] = v
	}
	if e.log != "" {
		vars["FAKEPROVIDER_LOG"] = e.log
	}
	s, err := auto.UpsertStackInlineSource(ctx, name, "suoke-platform", infra.Program,
		auto.WorkDir(e.dir), auto.Pulumi(cmd), auto.PulumiHome(e.home), auto.EnvVars(vars),
		auto.SecretsProvider("passphrase"))
	if err != nil {
		e.t.Fatalf("stack %s: %v", name, err)
	}
	e.ws = s.Workspace()
	return s
}

// cli runs the built CLI in the project directory with the test's environment.
func (e *env) cli(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(binRoot, "bin", "pulumi"), append(args, "--non-interactive")...)
	cmd.Dir = e.dir
	cmd.Env = os.Environ()
	for k, v := range e.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if e.log != "" {
		cmd.Env = append(cmd.Env, "FAKEPROVIDER_LOG="+e.log)
	}
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("pulumi %s: %w\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), nil
}

// placeholderPaths are the config paths whose value in the stack file is a placeholder ciphertext.
func placeholderPaths(t *testing.T, stackFile string) []string {
	t.Helper()
	out, err := plan.Placeholders(stackFile)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testSecret is the value the test sets for a placeholder path: recognisable, so a leak is found.
func testSecret(path string) string {
	r := strings.NewReplacer(":", "-", ".", "-", "[", "-", "]", "")
	return "https://engine-test.invalid/secret/" + r.Replace(path)
}

// deployment is the stack's state, as pulumi stack export writes it.
func deployment(ctx context.Context, t *testing.T, s auto.Stack) apitype.DeploymentV3 {
	t.Helper()
	u, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(u.Deployment, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// dependencies maps each resource to what it depends on: input and explicit dependencies, and its
// parent and provider.
func dependencies(d apitype.DeploymentV3) map[string][]string {
	out := map[string][]string{}
	for _, r := range d.Resources {
		deps := map[string]bool{}
		for _, x := range r.Dependencies {
			deps[string(x)] = true
		}
		for _, xs := range r.PropertyDependencies {
			for _, x := range xs {
				deps[string(x)] = true
			}
		}
		if r.Parent != "" {
			deps[string(r.Parent)] = true
		}
		if r.DeletedWith != "" {
			deps[string(r.DeletedWith)] = true
		}
		for x := range deps {
			out[string(r.URN)] = append(out[string(r.URN)], x)
		}
	}
	return out
}

// steps collects the steps of an operation that are not "same" (or reads).
func steps(ch <-chan events.EngineEvent, done chan<- []apitype.StepEventMetadata) {
	var out []apitype.StepEventMetadata
	for ev := range ch {
		if ev.ResourcePreEvent == nil {
			continue
		}
		m := ev.ResourcePreEvent.Metadata
		if m.Op == apitype.OpSame || m.Op == apitype.OpRead {
			continue
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	done <- out
}

// describe is a step as a reviewer reads it in pulumi preview --diff.
func describe(ss []apitype.StepEventMetadata) []string {
	var out []string
	for _, m := range ss {
		out = append(out, fmt.Sprintf("%s %s (diffs %v, replace keys %v)", m.Op, m.URN, m.Diffs, m.Keys))
	}
	return out
}

// previewSteps runs a preview and returns its non-same steps.
func previewSteps(ctx context.Context, t *testing.T, s auto.Stack, opts ...optpreview.Option) ([]apitype.StepEventMetadata, error) {
	t.Helper()
	ch := make(chan events.EngineEvent)
	done := make(chan []apitype.StepEventMetadata)
	go steps(ch, done)
	_, err := s.Preview(ctx, append(opts, optpreview.EventStreams(ch))...)
	return <-done, err
}

// previewChanges runs a preview and returns its non-same steps, described.
func previewChanges(ctx context.Context, t *testing.T, s auto.Stack, opts ...optpreview.Option) ([]string, error) {
	t.Helper()
	ss, err := previewSteps(ctx, t, s, opts...)
	return describe(ss), err
}

func timed(t *testing.T, what string, f func() error) error {
	t.Helper()
	start := time.Now()
	err := f()
	t.Logf("%s: %.1fs", what, time.Since(start).Seconds())
	return err
}
