// Package workflows checks the GitHub Actions workflows with actionlint, used as a library, and holds
// the delivery rules that actionlint cannot know: actions pinned, deploys gated and serialised per
// stack, the Pulumi CLI pinned to the SDK's version, and every self-hosted job that runs Go or Pulumi
// taking the Go module proxy and Pulumi mirror from the repository's variables. Each check is also
// run on a deliberately broken input, so a check that stops catching anything fails too.
package workflows

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// root is the repository root, where .github lives.
const root = "../.."

func workflowFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(dir, ".github", "workflows", pattern))
		require.NoError(t, err)
		files = append(files, m...)
	}
	sort.Strings(files)
	require.NotEmpty(t, files, "no workflow files under %s", dir)
	return files
}

// lint runs actionlint over workflow files of the project at dir. Shellcheck checks the run: scripts
// where it is installed (GitHub's hosted runners have it); without it the rest of actionlint still runs.
func lint(t *testing.T, dir string, files []string) []*actionlint.Error {
	t.Helper()
	opts := &actionlint.LinterOptions{LogWriter: io.Discard}
	if path, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = path
	} else {
		t.Log("shellcheck is not installed: run: scripts are not shell-checked")
	}
	l, err := actionlint.NewLinter(io.Discard, opts)
	require.NoError(t, err)
	proj, err := actionlint.NewProject(dir)
	require.NoError(t, err)
	errs, err := l.LintFiles(files, proj)
	require.NoError(t, err)
	return errs
}

func describe(errs []*actionlint.Error) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n  %s:%d:%d: %s [%s]", e.Filepath, e.Line, e.Column, e.Message, e.Kind)
	}
	return b.String()
}

func TestWorkflowsPassActionlint(t *testing.T) {
	files := workflowFiles(t, root)
	errs := lint(t, root, files)
	assert.Empty(t, errs, "actionlint:%s", describe(errs))
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	assert.Subset(t, names, []string{"pull-request.yml", "plan-comment.yml", "deploy.yml", "pulumi-up.yml", "drift.yml"})
}

// project copies the repository's .github (workflows and local actions) into a temporary project, with
// one file replaced or added, so that a broken variant is linted exactly as the real ones are.
func project(t *testing.T, name, content string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	err := filepath.Walk(filepath.Join(root, ".github"), func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755))
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".github", "workflows", name), []byte(content), 0o644))
	return dir, []string{filepath.Join(dir, ".github", "workflows", name)}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, path))
	require.NoError(t, err)
	return string(b)
}

// mutate replaces one exact piece of a real workflow, failing if the piece is gone (so the case is
// not silently testing an unbroken file).
func mutate(t *testing.T, path, old, new string) string {
	t.Helper()
	s := read(t, path)
	require.Contains(t, s, old, "%s changed: update this broken case", path)
	return strings.Replace(s, old, new, 1)
}

func TestActionlintCatchesBrokenWorkflows(t *testing.T) {
	broken, err := os.ReadFile(filepath.Join("testdata", "broken.yml"))
	require.NoError(t, err)

	cases := []struct {
		name, file, content string
		kind, message       string
	}{
		{"a misspelt input of configure-aws-credentials", "broken.yml", string(broken), "action", `input "aws-regoin" is not defined`},
		{"a job that needs a job that does not exist", "pull-request.yml",
			mutate(t, ".github/workflows/pull-request.yml", "needs: plan\n", "needs: plans\n"), "job-needs", `needs job "plans" which does not exist`},
		{"a step id that does not exist", "drift.yml",
			mutate(t, ".github/workflows/drift.yml", "if: steps.setup.outputs.exists == 'true'", "if: steps.setpu.outputs.exists == 'true'"), "expression", `property "setpu" is not defined`},
		{"an input the reusable workflow does not declare", "deploy.yml",
			mutate(t, ".github/workflows/deploy.yml", "      stack: prod\n", "      stack: prod\n      region: cn-northwest-1\n"), "workflow-call", `input "region" is not defined`},
		{"an input the local composite action does not declare", "pulumi-up.yml",
			mutate(t, ".github/workflows/pulumi-up.yml", "          backend-url:", "          backend:"), "action", `input "backend" is not defined`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, files := project(t, c.file, c.content)
			errs := lint(t, dir, files)
			require.NotEmpty(t, errs, "actionlint accepted a broken workflow")
			found := slices.ContainsFunc(errs, func(e *actionlint.Error) bool {
				return e.Kind == c.kind && strings.Contains(e.Message, c.message)
			})
			assert.True(t, found, "want a %q error containing %q, got:%s", c.kind, c.message, describe(errs))
		})
	}
}

// usesLine finds `uses:` references in workflow and action files.
var usesLine = regexp.MustCompile(`^\s*(?:-\s+)?uses:\s*["']?([^"'\s#]+)`)

// pinned accepts a local path, or owner/repo[/path]@ref with ref a version tag (v6, v6.2, v6.2.3) or
// a full commit SHA: never a branch, whose content changes under the same name.
var pinned = regexp.MustCompile(`^(\./.+|[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40}))$`)

func unpinned(content string) []string {
	var bad []string
	sc := bufio.NewScanner(strings.NewReader(content))
	for n := 1; sc.Scan(); n++ {
		if m := usesLine.FindStringSubmatch(sc.Text()); m != nil && !pinned.MatchString(m[1]) {
			bad = append(bad, fmt.Sprintf("line %d: %s", n, m[1]))
		}
	}
	return bad
}

func TestActionsArePinned(t *testing.T) {
	var files []string
	require.NoError(t, filepath.Walk(filepath.Join(root, ".github"), func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && (strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
			files = append(files, path)
		}
		return err
	}))
	uses := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		uses += strings.Count(string(b), "uses:")
		assert.Empty(t, unpinned(string(b)), "%s: pin every action to a version tag or a commit SHA", f)
	}
	assert.Greater(t, uses, 10, "the scan found the workflows' actions")

	bad := unpinned("steps:\n  - uses: actions/checkout@main\n  - uses: pulumi/actions@v6\n  - uses: \"aws-actions/configure-aws-credentials@master\"\n  - uses: docker://alpine\n")
	assert.Equal(t, []string{"line 2: actions/checkout@main", "line 4: aws-actions/configure-aws-credentials@master", "line 5: docker://alpine"}, bad)
}

func parse(t *testing.T, content string) *actionlint.Workflow {
	t.Helper()
	w, errs := actionlint.Parse([]byte(content))
	require.Empty(t, errs, describe(errs))
	return w
}

func permission(j *actionlint.Job, scope string) string {
	if j.Permissions == nil || j.Permissions.Scopes[scope] == nil {
		return ""
	}
	return j.Permissions.Scopes[scope].Value.Value
}

func str(s *actionlint.String) string {
	if s == nil {
		return ""
	}
	return s.Value
}

// deployRules are the delivery rules on the workflows, as a list of problems (empty: all hold).
// prodStacks (prod and its DR copy) are also previewed, from main, before their approval gate.
func deployRules(up, deploy, drift *actionlint.Workflow, stacks, prodStacks []string) []string {
	var problems []string
	upJob := up.Jobs["up"]
	switch {
	case upJob == nil:
		problems = append(problems, "pulumi-up.yml: no job up")
	default:
		if str(upJob.Environment.Name) != "${{ inputs.stack }}" {
			problems = append(problems, "pulumi-up.yml: the up job must run in the environment named after the stack (required reviewers live there)")
		}
		if upJob.Concurrency == nil || str(upJob.Concurrency.Group) != "pulumi-${{ inputs.stack }}" {
			problems = append(problems, "pulumi-up.yml: the up job's concurrency group must be pulumi-${{ inputs.stack }}")
		} else if upJob.Concurrency.CancelInProgress == nil || upJob.Concurrency.CancelInProgress.Value {
			problems = append(problems, "pulumi-up.yml: cancel-in-progress must be false: a cancelled up leaves pending operations in the state")
		}
		if permission(upJob, "id-token") != "write" {
			problems = append(problems, "pulumi-up.yml: the up job needs id-token: write for OIDC")
		}
	}
	for _, s := range stacks {
		j := deploy.Jobs[s]
		if j == nil || j.WorkflowCall == nil || str(j.WorkflowCall.Uses) != "./.github/workflows/pulumi-up.yml" {
			problems = append(problems, fmt.Sprintf("deploy.yml: stack %s has no job %s calling pulumi-up.yml", s, s))
			continue
		}
		if in := j.WorkflowCall.Inputs["stack"]; in == nil || str(in.Value) != s {
			problems = append(problems, fmt.Sprintf("deploy.yml: job %s must pass stack: %s", s, s))
		}
		if permission(j, "id-token") != "write" {
			problems = append(problems, fmt.Sprintf("deploy.yml: job %s must grant id-token: write to pulumi-up.yml", s))
		}
	}
	for _, s := range prodStacks {
		id := "preview-" + s
		p := deploy.Jobs[id]
		if p == nil || p.WorkflowCall == nil || str(p.WorkflowCall.Uses) != "./.github/workflows/pulumi-preview.yml" {
			problems = append(problems, fmt.Sprintf("deploy.yml: stack %s has no job %s calling pulumi-preview.yml: its approvers must see its preview, from main", s, id))
			continue
		}
		if in := p.WorkflowCall.Inputs["stack"]; in == nil || str(in.Value) != s {
			problems = append(problems, fmt.Sprintf("deploy.yml: job %s must pass stack: %s", id, s))
		}
		j := deploy.Jobs[s]
		if j == nil {
			continue
		}
		needs := slices.ContainsFunc(j.Needs, func(n *actionlint.String) bool { return n.Value == id })
		if !needs || !strings.Contains(str(j.If), "needs."+id+".result == 'success'") {
			problems = append(problems, fmt.Sprintf("deploy.yml: %s must wait for a successful %s: the preview comes before the approval", s, id))
		}
	}
	if prod := deploy.Jobs["prod"]; prod != nil {
		needsStaging := slices.ContainsFunc(prod.Needs, func(n *actionlint.String) bool { return n.Value == "staging" })
		if !needsStaging || !strings.Contains(str(prod.If), "needs.staging.result == 'success'") {
			problems = append(problems, "deploy.yml: prod must follow a successful staging deploy on merge")
		}
	}
	if dr := deploy.Jobs["prod-dr"]; dr != nil {
		cond := str(dr.If)
		if !strings.Contains(cond, "workflow_dispatch") || strings.Contains(cond, "push") {
			problems = append(problems, "deploy.yml: prod-dr deploys only by workflow_dispatch, never on push")
		}
	}
	if j := drift.Jobs["drift"]; j == nil || j.Concurrency == nil || str(j.Concurrency.Group) != "pulumi-${{ matrix.stack }}" {
		problems = append(problems, "drift.yml: the drift job must share the stack's concurrency group pulumi-<stack>: refresh writes the state")
	}
	return problems
}

func stackNames(t *testing.T) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(root, "Pulumi.*.yaml"))
	require.NoError(t, err)
	var out []string
	for _, f := range m {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	require.Subset(t, out, []string{"prod", "staging", "prod-dr"})
	return out
}

// prodStackNames are the stacks whose suoke-platform:environment is prod or dr, read from their stack
// files: the stacks whose secrets no unreviewed code may decrypt.
func prodStackNames(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, s := range stackNames(t) {
		var f struct {
			Config map[string]any `json:"config"`
		}
		require.NoError(t, yaml.Unmarshal([]byte(read(t, "Pulumi."+s+".yaml")), &f))
		if env, _ := f.Config["suoke-platform:environment"].(string); env == "prod" || env == "dr" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	require.Equal(t, []string{"prod", "prod-dr"}, out, "the stack files name prod and its DR copy")
	return out
}

func TestDeploysAreGatedAndSerialised(t *testing.T) {
	up := parse(t, read(t, ".github/workflows/pulumi-up.yml"))
	deploy := parse(t, read(t, ".github/workflows/deploy.yml"))
	drift := parse(t, read(t, ".github/workflows/drift.yml"))
	prods := prodStackNames(t)
	assert.Empty(t, deployRules(up, deploy, drift, stackNames(t), prods))

	// The same rules on broken variants.
	cancel := parse(t, mutate(t, ".github/workflows/pulumi-up.yml", "cancel-in-progress: false", "cancel-in-progress: true"))
	noEnv := parse(t, mutate(t, ".github/workflows/pulumi-up.yml", "name: ${{ inputs.stack }}\n", "name: production\n"))
	prodFirst := parse(t, mutate(t, ".github/workflows/deploy.yml", "needs: [test, staging, preview-prod]", "needs: [test, preview-prod]"))
	drOnPush := parse(t, mutate(t, ".github/workflows/deploy.yml",
		"if: github.event_name == 'workflow_dispatch' && inputs.stack == 'prod-dr' && needs.preview-prod-dr.result == 'success'",
		"if: github.event_name == 'push' && needs.preview-prod-dr.result == 'success'"))
	prodUnpreviewed := parse(t, mutate(t, ".github/workflows/deploy.yml", "needs: [test, staging, preview-prod]", "needs: [test, staging]"))
	noDRPreview := parse(t, mutate(t, ".github/workflows/deploy.yml", "  preview-prod-dr:\n", "  plan-prod-dr:\n"))
	driftAlone := parse(t, mutate(t, ".github/workflows/drift.yml", "group: pulumi-${{ matrix.stack }}", "group: drift-${{ matrix.stack }}"))
	cases := []struct {
		name              string
		up, deploy, drift *actionlint.Workflow
		stacks            []string
		want              string
	}{
		{"up may be cancelled", cancel, deploy, drift, nil, "cancel-in-progress must be false"},
		{"up outside the stack's environment", noEnv, deploy, drift, nil, "environment named after the stack"},
		{"prod without staging first", up, prodFirst, drift, nil, "prod must follow a successful staging deploy"},
		{"prod-dr on push", up, drOnPush, drift, nil, "prod-dr deploys only by workflow_dispatch"},
		{"drift outside the stack's group", up, deploy, driftAlone, nil, "drift.yml: the drift job must share"},
		{"a stack without a deploy job", up, deploy, drift, []string{"qa"}, "stack qa has no job qa"},
		{"prod approved before its preview", up, prodUnpreviewed, drift, nil, "prod must wait for a successful preview-prod"},
		{"prod-dr without a preview from main", up, noDRPreview, drift, nil, "stack prod-dr has no job preview-prod-dr"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := deployRules(c.up, c.deploy, c.drift, c.stacks, prods)
			assert.True(t, slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, c.want) }),
				"want a problem containing %q, got %q", c.want, got)
		})
	}
}

func TestCommentWorkflowFollowsThePullRequestWorkflow(t *testing.T) {
	pr := parse(t, read(t, ".github/workflows/pull-request.yml"))
	comment := parse(t, read(t, ".github/workflows/plan-comment.yml"))
	var watched []string
	for _, e := range comment.On {
		if w, ok := e.(*actionlint.WebhookEvent); ok && w.Hook.Value == "workflow_run" {
			for _, s := range w.Workflows {
				watched = append(watched, s.Value)
			}
		}
	}
	require.NotNil(t, pr.Name)
	assert.Contains(t, watched, pr.Name.Value, "plan-comment.yml runs after the workflow named %q", pr.Name.Value)
	// The marker the comment workflow looks for is the one cmd/plancomment writes.
	assert.Contains(t, read(t, ".github/workflows/plan-comment.yml"), "'<!-- suoke:offline-plan -->'")
	assert.Contains(t, read(t, "cmd/plancomment/main.go"), "const Marker = \"<!-- suoke:offline-plan -->\"")
}

// The CI's Pulumi CLI is the version of the SDK the program is built with.
func TestPulumiCLIMatchesTheSDK(t *testing.T) {
	cli := strings.TrimSpace(read(t, ".pulumi-version"))
	sdk := regexp.MustCompile(`(?m)^\s*github\.com/pulumi/pulumi/sdk/v3 v(\S+)`).FindStringSubmatch(read(t, "go.mod"))
	require.NotNil(t, sdk, "go.mod requires github.com/pulumi/pulumi/sdk/v3")
	assert.Equal(t, sdk[1], cli, ".pulumi-version must name the SDK's version (go.mod)")
}

func TestShellcheckCatchesBrokenScripts(t *testing.T) {
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Skip("shellcheck is not installed: nothing to show")
	}
	content := mutate(t, ".github/workflows/pull-request.yml", `echo "$rc" > "$out.exit"`, `echo "$rc" > $out.exit`)
	dir, files := project(t, "pull-request.yml", content)
	errs := lint(t, dir, files)
	found := slices.ContainsFunc(errs, func(e *actionlint.Error) bool {
		return e.Kind == "shellcheck" && strings.Contains(e.Message, "SC2086")
	})
	assert.True(t, found, "want shellcheck's SC2086 (unquoted variable), got:%s", describe(errs))
}

// mirrorEnv is what every self-hosted job that runs Go or Pulumi takes from the repository's
// variables (README, Delivery). The self-hosted runners sit in the stacks' VPCs, in China for the
// China stacks, where neither Go's module proxy nor Pulumi's download hosts are in reliable reach;
// with the variables unset each value is Go's or Pulumi's own default, so nothing changes elsewhere.
var mirrorEnv = map[string]string{
	"GOPROXY":                              "${{ vars.GOPROXY || 'https://proxy.golang.org,direct' }}",
	"PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES": "${{ vars.PULUMI_MIRROR_URL && format('.*={0}/plugins', vars.PULUMI_MIRROR_URL) || '' }}",
	"PULUMI_SKIP_UPDATE_CHECK":             "true",
}

// toolchainsStep is the id of the step that puts Go and the Pulumi CLI on the runner from the mirrors
// before anything in the job installs or runs them; every job has the same copy of it.
const toolchainsStep = "toolchains"

// goOrPulumiCommand finds a go or pulumi command line in a script.
var goOrPulumiCommand = regexp.MustCompile(`(?m)(^|[\s;&|(])(go|pulumi)\s+[a-z]`)

// scriptRef finds a repository script that a run: step calls (bash .ci/run, ./scripts/x.sh).
var scriptRef = regexp.MustCompile(`(?m)(?:^|[\s;&|(])(?:bash\s+|sh\s+|\./)([\w.-]+/[\w./-]+)`)

// goOrPulumiActions are actions that install Go or the Pulumi CLI, or run Pulumi.
var goOrPulumiActions = []string{"actions/setup-go@", "pulumi/actions@"}

// actionStep is a step of a local composite action, as far as this file needs it.
type actionStep struct {
	Uses string `json:"uses"`
	Run  string `json:"run"`
}

// compositeAction is the part of a local action.yml that says what it runs.
type compositeAction struct {
	Runs struct {
		Steps []actionStep `json:"steps"`
	} `json:"runs"`
}

// scriptRunsGoOrPulumi says whether a shell script, or a repository script it calls, runs go or pulumi.
func scriptRunsGoOrPulumi(dir, script string) bool {
	if goOrPulumiCommand.MatchString(script) {
		return true
	}
	for _, m := range scriptRef.FindAllStringSubmatch(script, -1) {
		if b, err := os.ReadFile(filepath.Join(dir, m[1])); err == nil && goOrPulumiCommand.Match(b) {
			return true
		}
	}
	return false
}

// usesRunsGoOrPulumi says whether an action reference installs or runs Go or Pulumi; a local
// composite action does when one of its steps does.
func usesRunsGoOrPulumi(dir, uses string, depth int) bool {
	for _, p := range goOrPulumiActions {
		if strings.HasPrefix(uses, p) {
			return true
		}
	}
	if !strings.HasPrefix(uses, "./") || depth > 5 {
		return false
	}
	var a compositeAction
	for _, name := range []string{"action.yml", "action.yaml"} {
		if b, err := os.ReadFile(filepath.Join(dir, uses, name)); err == nil && yaml.Unmarshal(b, &a) == nil {
			break
		}
	}
	return slices.ContainsFunc(a.Runs.Steps, func(s actionStep) bool {
		return scriptRunsGoOrPulumi(dir, s.Run) || (s.Uses != "" && usesRunsGoOrPulumi(dir, s.Uses, depth+1))
	})
}

func stepRunsGoOrPulumi(dir string, s *actionlint.Step) bool {
	switch e := s.Exec.(type) {
	case *actionlint.ExecRun:
		return e.Run != nil && scriptRunsGoOrPulumi(dir, e.Run.Value)
	case *actionlint.ExecAction:
		return e.Uses != nil && usesRunsGoOrPulumi(dir, e.Uses.Value, 0)
	}
	return false
}

// selfHosted: a job whose labels are an expression may land anywhere, so it counts too.
func selfHosted(j *actionlint.Job) bool {
	if j.RunsOn == nil {
		return false
	}
	if j.RunsOn.LabelsExpr != nil {
		return true
	}
	return slices.ContainsFunc(j.RunsOn.Labels, func(l *actionlint.String) bool { return strings.EqualFold(l.Value, "self-hosted") })
}

// envValue is a job's or step's value of an environment variable ("" and false when unset).
func envValue(e *actionlint.Env, name string) (string, bool) {
	if e == nil || e.Vars[strings.ToLower(name)] == nil {
		return "", false
	}
	return str(e.Vars[strings.ToLower(name)].Value), true
}

// stepCopy is what has to be the same in every copy of the toolchains step.
func stepCopy(s *actionlint.Step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "if: %s\n", str(s.If))
	if s.Env != nil {
		var names []string
		for k := range s.Env.Vars {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(&b, "env %s: %s\n", k, str(s.Env.Vars[k].Value))
		}
	}
	if r, ok := s.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
		b.WriteString(r.Run.Value)
	}
	return b.String()
}

// mirrorRules are the delivery rules on mirrors, over every workflow (file name → workflow) of the
// project at dir: a self-hosted job that runs Go or Pulumi takes mirrorEnv at job level, no step
// overrides it, and the toolchains step comes before the first step that needs Go or Pulumi, the
// same in every job. It returns the problems and how many jobs it checked.
func mirrorRules(dir string, workflows map[string]*actionlint.Workflow) ([]string, int) {
	var problems []string
	checked := 0
	var first, firstWhere string
	names := make([]string, 0, len(workflows))
	for n := range workflows {
		names = append(names, n)
	}
	sort.Strings(names)
	vars := make([]string, 0, len(mirrorEnv))
	for k := range mirrorEnv {
		vars = append(vars, k)
	}
	sort.Strings(vars)
	for _, file := range names {
		w := workflows[file]
		ids := make([]string, 0, len(w.Jobs))
		for id := range w.Jobs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			j := w.Jobs[id]
			if j.WorkflowCall != nil || !selfHosted(j) {
				continue
			}
			needs := slices.IndexFunc(j.Steps, func(s *actionlint.Step) bool { return stepRunsGoOrPulumi(dir, s) })
			if needs < 0 {
				continue
			}
			checked++
			where := fmt.Sprintf("%s: job %s", file, id)
			for _, k := range vars {
				if got, ok := envValue(j.Env, k); !ok || got != mirrorEnv[k] {
					problems = append(problems, fmt.Sprintf("%s runs Go or Pulumi on a self-hosted runner but does not set %s: %s at job level (README, Delivery)", where, k, mirrorEnv[k]))
				}
				for _, s := range j.Steps {
					if got, ok := envValue(s.Env, k); ok && got != mirrorEnv[k] && str(s.ID) != toolchainsStep {
						problems = append(problems, fmt.Sprintf("%s: step %q overrides %s", where, str(s.Name), k))
					}
				}
			}
			at := slices.IndexFunc(j.Steps, func(s *actionlint.Step) bool { return str(s.ID) == toolchainsStep })
			switch {
			case at < 0:
				problems = append(problems, fmt.Sprintf("%s runs Go or Pulumi on a self-hosted runner without the %s step (Go and the Pulumi CLI from the mirrors)", where, toolchainsStep))
			case at > needs:
				problems = append(problems, fmt.Sprintf("%s: the %s step must come before step %d, the first that installs or runs Go or Pulumi", where, toolchainsStep, needs+1))
			case first == "":
				first, firstWhere = stepCopy(j.Steps[at]), where
			case stepCopy(j.Steps[at]) != first:
				problems = append(problems, fmt.Sprintf("%s: the %s step differs from the one in %s: keep every copy the same", where, toolchainsStep, firstWhere))
			}
		}
	}
	return problems, checked
}

// workflowsOf parses every workflow of the repository, with one file's content replaced (or none).
func workflowsOf(t *testing.T, replace, content string) map[string]*actionlint.Workflow {
	t.Helper()
	out := map[string]*actionlint.Workflow{}
	for _, f := range workflowFiles(t, root) {
		name := filepath.Base(f)
		text := read(t, filepath.Join(".github", "workflows", name))
		if name == replace {
			text = content
		}
		out[name] = parse(t, text)
	}
	return out
}

func TestSelfHostedJobsTakeTheMirrors(t *testing.T) {
	problems, checked := mirrorRules(root, workflowsOf(t, "", ""))
	assert.Empty(t, problems)
	// preview (pull-request.yml), preview (pulumi-preview.yml), up (pulumi-up.yml), drift (drift.yml).
	assert.Equal(t, 4, checked, "the rule finds every self-hosted job that runs Go or Pulumi")

	const up, drift, pr = ".github/workflows/pulumi-up.yml", ".github/workflows/drift.yml", ".github/workflows/pull-request.yml"
	goproxy := "      GOPROXY: ${{ vars.GOPROXY || 'https://proxy.golang.org,direct' }}\n"
	overrides := "      PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: ${{ vars.PULUMI_MIRROR_URL && format('.*={0}/plugins', vars.PULUMI_MIRROR_URL) || '' }}\n"
	cases := []struct {
		name, file, content, want string
	}{
		{"up without the Go module proxy", "pulumi-up.yml", mutate(t, up, goproxy, ""),
			"pulumi-up.yml: job up runs Go or Pulumi on a self-hosted runner but does not set GOPROXY"},
		{"drift with a fixed Go module proxy", "drift.yml", mutate(t, drift, goproxy, "      GOPROXY: https://proxy.golang.org,direct\n"),
			"drift.yml: job drift runs Go or Pulumi on a self-hosted runner but does not set GOPROXY"},
		{"preview without the plugin mirror", "pull-request.yml", mutate(t, pr, overrides, ""),
			"pull-request.yml: job preview runs Go or Pulumi on a self-hosted runner but does not set PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES"},
		{"up without the toolchains step", "pulumi-up.yml", mutate(t, up, "        id: toolchains\n", "        id: tools\n"),
			"pulumi-up.yml: job up runs Go or Pulumi on a self-hosted runner without the toolchains step"},
		{"a step that takes the public proxy back", "drift.yml", mutate(t, drift, "          REF: ${{ steps.setup.outputs.stack-ref }}\n",
			"          REF: ${{ steps.setup.outputs.stack-ref }}\n          GOPROXY: direct\n"),
			`drift.yml: job drift: step "pulumi preview --expect-no-changes" overrides GOPROXY`},
		{"a copy of the toolchains step that drifted", "pulumi-up.yml", mutate(t, up, "curl -fsSL --retry 3 -o \"$tmp/$file\"", "curl -fsSL -o \"$tmp/$file\""),
			"the toolchains step differs from the one in"},
		{"a new self-hosted job that runs .ci/run", "deploy.yml", mutate(t, ".github/workflows/deploy.yml", "    runs-on: ubuntu-latest\n", "    runs-on: [self-hosted, suoke-prod]\n"),
			"deploy.yml: job test runs Go or Pulumi on a self-hosted runner but does not set GOPROXY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := mirrorRules(root, workflowsOf(t, c.file, c.content))
			assert.True(t, slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, c.want) }),
				"want a problem containing %q, got %q", c.want, got)
		})
	}

	// The toolchains step must come before the stack setup, which installs Go and the CLI.
	moved := parse(t, read(t, up))
	steps := moved.Jobs["up"].Steps
	at := slices.IndexFunc(steps, func(s *actionlint.Step) bool { return str(s.ID) == toolchainsStep })
	require.GreaterOrEqual(t, at, 1)
	steps[at], steps[at+1] = steps[at+1], steps[at]
	all := workflowsOf(t, "", "")
	all["pulumi-up.yml"] = moved
	got, _ := mirrorRules(root, all)
	assert.True(t, slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, "the toolchains step must come before step") }), "got %q", got)
}
