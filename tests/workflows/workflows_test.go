// Package workflows checks the GitHub Actions workflows with actionlint, used as a library, and holds
// the delivery rules that actionlint cannot know: actions pinned, deploys gated and serialised per
// stack, and the Pulumi CLI pinned to the SDK's version. Each check is also run on a deliberately
// broken input, so a check that stops catching anything fails too.
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
func deployRules(up, deploy, drift *actionlint.Workflow, stacks []string) []string {
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

func TestDeploysAreGatedAndSerialised(t *testing.T) {
	up := parse(t, read(t, ".github/workflows/pulumi-up.yml"))
	deploy := parse(t, read(t, ".github/workflows/deploy.yml"))
	drift := parse(t, read(t, ".github/workflows/drift.yml"))
	assert.Empty(t, deployRules(up, deploy, drift, stackNames(t)))

	// The same rules on broken variants.
	cancel := parse(t, mutate(t, ".github/workflows/pulumi-up.yml", "cancel-in-progress: false", "cancel-in-progress: true"))
	noEnv := parse(t, mutate(t, ".github/workflows/pulumi-up.yml", "name: ${{ inputs.stack }}\n", "name: production\n"))
	prodFirst := parse(t, mutate(t, ".github/workflows/deploy.yml", "needs: [test, staging]", "needs: [test]"))
	drOnPush := parse(t, mutate(t, ".github/workflows/deploy.yml",
		"if: github.event_name == 'workflow_dispatch' && inputs.stack == 'prod-dr'", "if: github.event_name == 'push'"))
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
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := deployRules(c.up, c.deploy, c.drift, c.stacks)
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
