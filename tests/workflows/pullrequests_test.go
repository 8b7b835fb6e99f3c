package workflows

// The delivery rule on pull requests and stack secrets: a `pulumi preview` decrypts the stack's secrets
// (the KMS secrets provider's key), and a pull request's code is not reviewed yet, so no job that a pull
// request starts may reach prod or prod-dr: not through a matrix, an environment, the stack it selects,
// the runner it lands on, or the role it assumes. Pull requests preview staging alone, with a role of
// their own; prod and prod-dr are previewed from main, in deploy.yml, before their approval gate.

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prRole is the only role a job started by a pull request may assume: the pull-request preview role,
// whose trust admits the `pull_request` subject and whose KMS decrypt is staging's secrets key alone
// (docs/runbooks/first-deploy.md, step 3).
const prRole = "${{ vars.AWS_PR_PREVIEW_ROLE_ARN }}"

// prForbidden are references that carry prod's credentials or roles: the preview and drift roles of
// every stack, the deploy role of an environment, and the Pulumi token that reads every stack (the
// Pulumi Cloud secrets provider decrypts for whoever may read a stack).
var prForbidden = []string{"AWS_PREVIEW_ROLES", "AWS_DRIFT_ROLES", "AWS_DEPLOY_ROLE_ARN", "secrets.PULUMI_ACCESS_TOKEN"}

// prTriggers are the events that run a pull request's code, or run with its data and the repository's
// secrets (pull_request_target).
var prTriggers = []string{"pull_request", "pull_request_target"}

// prWorkflows names the workflows a pull request starts: those on prTriggers, and workflow_run
// workflows that follow one of them.
func prWorkflows(workflows map[string]*actionlint.Workflow) map[string]string {
	out := map[string]string{}
	names := map[string]string{}
	for file, w := range workflows {
		if w.Name != nil {
			names[w.Name.Value] = file
		}
		for _, e := range w.On {
			if h, ok := e.(*actionlint.WebhookEvent); ok && slices.Contains(prTriggers, h.Hook.Value) {
				out[file] = h.Hook.Value
			}
		}
	}
	for file, w := range workflows {
		for _, e := range w.On {
			h, ok := e.(*actionlint.WebhookEvent)
			if !ok || h.Hook.Value != "workflow_run" {
				continue
			}
			for _, watched := range h.Workflows {
				if f, ok := names[watched.Value]; ok && out[f] != "" {
					out[file] = "workflow_run after " + f
				}
			}
		}
	}
	return out
}

// scope resolves the values a job can see: its env, its static matrix, the inputs of a called
// workflow, and its steps (for a stack-ref output).
type scope struct {
	env    map[string]string
	matrix map[string][]string // nil: the matrix is an expression
	inputs map[string]string
	steps  map[string]*actionlint.Step
}

var (
	onlyExpr  = regexp.MustCompile(`^\$\{\{\s*([\w.-]+)\s*\}\}$`)
	shellVar  = regexp.MustCompile(`^"?\$\{?(\w+)\}?"?$`)
	runnerKey = regexp.MustCompile(`^\$\{\{\s*fromJSON\(vars\.PULUMI_RUNNER_LABELS\)(?:\.([\w-]+)|\[\s*'([^']+)'\s*\]|\[\s*([\w.-]+)\s*\])\s*\}\}$`)
	// stackFlag finds the stack a pulumi command line names.
	stackFlag = regexp.MustCompile(`(?:--stack(?:=|\s+)|\s-s\s+|stack\s+(?:select|init)\s+)("[^"]*"|'[^']*'|\S+)`)
)

// stacks resolves a value to the stacks it may name; false when it cannot be resolved statically.
func (sc scope) stacks(v string, depth int) ([]string, bool) {
	v = strings.TrimSpace(v)
	if depth > 8 {
		return nil, false
	}
	if !strings.Contains(v, "${{") {
		return []string{v}, true
	}
	m := onlyExpr.FindStringSubmatch(v)
	if m == nil {
		return nil, false
	}
	path := strings.Split(m[1], ".")
	switch {
	case len(path) == 2 && path[0] == "env":
		if x, ok := sc.env[strings.ToLower(path[1])]; ok {
			return sc.stacks(x, depth+1)
		}
	case len(path) == 2 && path[0] == "matrix" && sc.matrix != nil:
		if vals, ok := sc.matrix[strings.ToLower(path[1])]; ok {
			return vals, true
		}
	case len(path) == 2 && path[0] == "inputs":
		if x, ok := sc.inputs[strings.ToLower(path[1])]; ok {
			return sc.stacks(x, depth+1)
		}
	case len(path) == 4 && path[0] == "steps" && path[2] == "outputs" && path[3] == "stack-ref":
		if s := sc.steps[path[1]]; s != nil {
			if a, ok := s.Exec.(*actionlint.ExecAction); ok && strings.HasPrefix(str(a.Uses), "./.github/actions/pulumi-stack") && a.Inputs["stack"] != nil {
				return sc.stacks(str(a.Inputs["stack"].Value), depth+1)
			}
		}
	}
	return nil, false
}

// rawStrings collects the scalars of a matrix value.
func rawStrings(v actionlint.RawYAMLValue, out *[]string) {
	switch x := v.(type) {
	case *actionlint.RawYAMLString:
		*out = append(*out, x.Value)
	case *actionlint.RawYAMLArray:
		for _, e := range x.Elems {
			rawStrings(e, out)
		}
	case *actionlint.RawYAMLObject:
		for _, e := range x.Props {
			rawStrings(e, out)
		}
	}
}

// matrixValues is a static matrix by key; nil when any part of it is an expression.
func matrixValues(j *actionlint.Job) (map[string][]string, bool) {
	out := map[string][]string{}
	if j.Strategy == nil || j.Strategy.Matrix == nil {
		return out, true
	}
	m := j.Strategy.Matrix
	if m.Expression != nil || (m.Include != nil && m.Include.ContainsExpression()) {
		return nil, false
	}
	for k, row := range m.Rows {
		if row.Expression != nil {
			return nil, false
		}
		for _, v := range row.Values {
			var vals []string
			rawStrings(v, &vals)
			out[k] = append(out[k], vals...)
		}
	}
	if m.Include != nil {
		for _, c := range m.Include.Combinations {
			for k, a := range c.Assigns {
				var vals []string
				rawStrings(a.Value, &vals)
				out[k] = append(out[k], vals...)
			}
		}
	}
	return out, true
}

// jobStrings are the values a job's definition holds (env, with, scripts, conditions, labels), where a
// forbidden reference would be.
func jobStrings(j *actionlint.Job) []string {
	var out []string
	add := func(s *actionlint.String) {
		if s != nil {
			out = append(out, s.Value)
		}
	}
	addEnv := func(e *actionlint.Env) {
		if e == nil {
			return
		}
		add(e.Expression)
		for _, v := range e.Vars {
			add(v.Value)
		}
	}
	add(j.If)
	addEnv(j.Env)
	if j.RunsOn != nil {
		add(j.RunsOn.LabelsExpr)
		for _, l := range j.RunsOn.Labels {
			add(l)
		}
	}
	if j.Environment != nil {
		add(j.Environment.Name)
	}
	if j.WorkflowCall != nil {
		for _, in := range j.WorkflowCall.Inputs {
			add(in.Value)
		}
		for _, s := range j.WorkflowCall.Secrets {
			add(s.Value)
		}
	}
	for _, s := range j.Steps {
		add(s.If)
		addEnv(s.Env)
		switch e := s.Exec.(type) {
		case *actionlint.ExecRun:
			add(e.Run)
		case *actionlint.ExecAction:
			for _, in := range e.Inputs {
				add(in.Value)
			}
		}
	}
	return out
}

// prRules are the rule's problems over every workflow (file name → workflow); empty: no job a pull
// request starts can reach a stack of prodStacks. allowed are the stacks it may reach (the others).
func prRules(workflows map[string]*actionlint.Workflow, prodStacks, allowed []string) []string {
	var problems []string
	triggered := prWorkflows(workflows)
	files := sortedMapKeys(triggered)
	for _, file := range files {
		w := workflows[file]
		for _, id := range sortedMapKeys(w.Jobs) {
			where := fmt.Sprintf("%s (%s): job %s", file, triggered[file], id)
			problems = append(problems, prJobRules(workflows, where, w, w.Jobs[id], nil, prodStacks, allowed, 0)...)
		}
	}
	return problems
}

func sortedMapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func prJobRules(workflows map[string]*actionlint.Workflow, where string, w *actionlint.Workflow, j *actionlint.Job, inputs map[string]string,
	prodStacks, allowed []string, depth int) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, where+": "+fmt.Sprintf(format, args...)) }
	matrix, static := matrixValues(j)
	sc := scope{env: map[string]string{}, matrix: matrix, inputs: inputs, steps: map[string]*actionlint.Step{}}
	for _, e := range []*actionlint.Env{w.Env, j.Env} {
		if e != nil {
			for k, v := range e.Vars {
				sc.env[k] = str(v.Value)
			}
		}
	}
	for _, s := range j.Steps {
		if s.ID != nil {
			sc.steps[s.ID.Value] = s
		}
	}
	// check says what a value that selects a stack may name: allowed stacks only, statically.
	check := func(what, v string, s scope) {
		got, ok := s.stacks(v, 0)
		if !ok {
			bad("%s %q cannot be shown to leave prod out: name a stack other than %s", what, v, strings.Join(prodStacks, " and "))
			return
		}
		for _, st := range got {
			if slices.Contains(prodStacks, st) {
				bad("%s reaches stack %s: pull requests preview %s only; prod is previewed from main (deploy.yml)", what, st, strings.Join(allowed, ", "))
			} else if !slices.Contains(allowed, st) {
				bad("%s %q is not a stack of this repository", what, st)
			}
		}
	}
	for _, s := range jobStrings(j) {
		for _, f := range prForbidden {
			if strings.Contains(s, f) {
				bad("references %s, which only main and the environments may use", f)
			}
		}
	}

	if c := j.WorkflowCall; c != nil {
		if c.InheritSecrets {
			bad("passes secrets: inherit to %s: it would hand on every secret (pass the pull-request ones by name)", str(c.Uses))
		}
		callee := strings.TrimPrefix(str(c.Uses), "./.github/workflows/")
		cw := workflows[callee]
		if cw == nil || depth > 3 {
			bad("calls %s, which this rule cannot follow", str(c.Uses))
			return problems
		}
		in := map[string]string{}
		for k, v := range c.Inputs {
			in[k] = str(v.Value)
			if got, ok := sc.stacks(in[k], 0); ok {
				in[k] = strings.Join(got, " ")
			}
		}
		for _, id := range sortedMapKeys(cw.Jobs) {
			problems = append(problems, prJobRules(workflows, fmt.Sprintf("%s → %s: job %s", where, callee, id), cw, cw.Jobs[id], in, prodStacks, allowed, depth+1)...)
		}
		return problems
	}

	if j.Environment != nil {
		check("environment", str(j.Environment.Name), sc)
	}
	if !static {
		bad("has a matrix built by an expression: it cannot be shown to leave prod out (name the stack)")
	}
	for k, vals := range matrix {
		for _, v := range vals {
			if slices.Contains(prodStacks, v) {
				bad("matrix %s includes stack %s", k, v)
			}
		}
	}
	for k, v := range sc.env {
		if slices.Contains(prodStacks, strings.TrimSpace(v)) {
			bad("env %s names stack %s", strings.ToUpper(k), v)
		}
	}
	if selfHosted(j) {
		var labels []*actionlint.String
		if j.RunsOn.LabelsExpr != nil {
			labels = append(labels, j.RunsOn.LabelsExpr)
		}
		labels = append(labels, j.RunsOn.Labels...)
		for _, l := range labels {
			if strings.EqualFold(l.Value, "self-hosted") {
				continue
			}
			m := runnerKey.FindStringSubmatch(l.Value)
			switch {
			case m == nil:
				bad("runs on runner label %q: a pull request's job picks its runner from PULUMI_RUNNER_LABELS by a stack other than prod's", l.Value)
			case m[1] != "" || m[2] != "":
				check("runner", m[1]+m[2], sc)
			default:
				check("runner", "${{ "+m[3]+" }}", sc)
			}
		}
	}
	for _, s := range j.Steps {
		ss := sc
		ss.env = map[string]string{}
		for k, v := range sc.env {
			ss.env[k] = v
		}
		name := str(s.Name)
		if s.Env != nil {
			for k, v := range s.Env.Vars {
				ss.env[k] = str(v.Value)
				if slices.Contains(prodStacks, strings.TrimSpace(str(v.Value))) {
					bad("step %q: env %s names stack %s", name, strings.ToUpper(k), str(v.Value))
				}
			}
		}
		switch e := s.Exec.(type) {
		case *actionlint.ExecAction:
			uses := str(e.Uses)
			if in := e.Inputs["role-to-assume"]; in != nil && str(in.Value) != prRole {
				bad("step %q assumes %q: the only role a pull request may assume is %s", name, str(in.Value), prRole)
			}
			if in := e.Inputs["stack"]; in != nil && strings.HasPrefix(uses, "./.github/actions/pulumi-stack") {
				check(fmt.Sprintf("step %q stack", name), str(in.Value), ss)
			}
			if in := e.Inputs["stack-name"]; in != nil && strings.HasPrefix(uses, "pulumi/actions@") {
				check(fmt.Sprintf("step %q stack-name", name), str(in.Value), ss)
			}
		case *actionlint.ExecRun:
			script := str(e.Run)
			if strings.Contains(script, "assume-role") {
				bad("step %q assumes a role from a script: use the stack setup with %s", name, prRole)
			}
			for _, line := range strings.Split(script, "\n") {
				if !regexp.MustCompile(`(^|[\s;&|(])pulumi\s`).MatchString(line) {
					continue
				}
				for _, m := range stackFlag.FindAllStringSubmatch(line, -1) {
					arg := m[1]
					if v := shellVar.FindStringSubmatch(arg); v != nil {
						x, ok := ss.env[strings.ToLower(v[1])]
						if !ok {
							bad("step %q: pulumi --stack %s is not set in the job's or step's env", name, arg)
							continue
						}
						arg = x
					}
					check(fmt.Sprintf("step %q pulumi stack", name), strings.Trim(arg, `"'`), ss)
				}
			}
		}
	}
	return problems
}

func TestPullRequestsNeverReachProd(t *testing.T) {
	prods := prodStackNames(t)
	var allowed []string
	for _, s := range stackNames(t) {
		if !slices.Contains(prods, s) {
			allowed = append(allowed, s)
		}
	}
	require.Equal(t, []string{"staging"}, allowed)
	all := workflowsOf(t, "", "")
	triggered := prWorkflows(all)
	assert.Equal(t, map[string]string{"pull-request.yml": "pull_request", "plan-comment.yml": "workflow_run after pull-request.yml"}, triggered,
		"the rule sees every workflow a pull request starts")
	assert.Empty(t, prRules(all, prods, allowed))

	// The preview the rule accepts is there: staging, on its runner, with the pull-request role.
	pv := all["pull-request.yml"].Jobs["preview"]
	require.NotNil(t, pv)
	assert.Equal(t, "write", permission(pv, "id-token"))
	assert.Contains(t, jobStrings(pv), prRole)

	const pr = ".github/workflows/pull-request.yml"
	role := "          role-to-assume: ${{ vars.AWS_PR_PREVIEW_ROLE_ARN }}\n"
	cases := []struct {
		name, file, content, want string
	}{
		{"the old matrix of every stack with a registered runner", "pull-request.yml",
			mutate(t, pr, "    timeout-minutes: 60\n    concurrency:\n      group: preview-",
				"    strategy:\n      matrix:\n        include: ${{ fromJSON(needs.plan.outputs.stacks) }}\n    timeout-minutes: 60\n    concurrency:\n      group: preview-"),
			"has a matrix built by an expression"},
		{"a static matrix with prod in it", "pull-request.yml",
			mutate(t, pr, "    timeout-minutes: 60\n    concurrency:\n      group: preview-",
				"    strategy:\n      matrix:\n        stack: [staging, prod]\n    timeout-minutes: 60\n    concurrency:\n      group: preview-"),
			"matrix stack includes stack prod"},
		{"the preview of prod-dr", "pull-request.yml", mutate(t, pr, "          stack: staging\n", "          stack: prod-dr\n"),
			`step "Stack setup" stack reaches stack prod-dr`},
		{"prod's runner", "pull-request.yml", mutate(t, pr, "fromJSON(vars.PULUMI_RUNNER_LABELS).staging }}", "fromJSON(vars.PULUMI_RUNNER_LABELS).prod }}"),
			"runner reaches stack prod"},
		{"a fixed runner label", "pull-request.yml", mutate(t, pr, `"${{ fromJSON(vars.PULUMI_RUNNER_LABELS).staging }}"`, `"suoke-prod"`),
			`runs on runner label "suoke-prod"`},
		{"the preview roles of every stack", "pull-request.yml", mutate(t, pr, role,
			"          role-to-assume: ${{ fromJSON(vars.AWS_PREVIEW_ROLES || '{}').staging }}\n"),
			"references AWS_PREVIEW_ROLES"},
		{"a role ARN written out", "pull-request.yml", mutate(t, pr, role,
			"          role-to-assume: arn:aws-cn:iam::123456789012:role/suoke-preview\n"),
			`assumes "arn:aws-cn:iam::123456789012:role/suoke-preview"`},
		{"the prod environment and its deploy role", "pull-request.yml",
			mutate(t, pr, "    timeout-minutes: 60\n    concurrency:\n      group: preview-", "    environment: prod\n    timeout-minutes: 60\n    concurrency:\n      group: preview-"),
			"environment reaches stack prod"},
		{"the token that reads every stack", "pull-request.yml", mutate(t, pr, "secrets.PULUMI_PR_ACCESS_TOKEN", "secrets.PULUMI_ACCESS_TOKEN"),
			"references secrets.PULUMI_ACCESS_TOKEN"},
		{"a stack in an env variable", "pull-request.yml", mutate(t, pr, "        run: |\n          echo \"### \\`staging\\`",
			"        env:\n          STACK: prod\n        run: |\n          echo \"### \\`staging\\`"),
			"env STACK names stack prod"},
		{"pulumi run by hand against prod", "pull-request.yml", mutate(t, pr, "        run: |\n          echo \"### \\`staging\\`",
			"        run: |\n          pulumi preview --stack prod\n          echo \"### \\`staging\\`"),
			"pulumi stack reaches stack prod"},
		{"the reusable preview of prod from a pull request", "pull-request.yml", strings.Replace(read(t, pr), "\n  preview:\n",
			"\n  preview-prod:\n    needs: plan\n    uses: ./.github/workflows/pulumi-preview.yml\n    with:\n      stack: prod\n    permissions:\n      contents: read\n      id-token: write\n\n  preview:\n", 1),
			"pulumi-preview.yml: job preview: runner reaches stack prod"},
		{"secrets inherited by a called workflow", "pull-request.yml", strings.Replace(read(t, pr), "\n  preview:\n",
			"\n  again:\n    needs: plan\n    uses: ./.github/workflows/pulumi-preview.yml\n    with:\n      stack: staging\n    secrets: inherit\n\n  preview:\n", 1),
			"passes secrets: inherit"},
		{"the deploy workflow run on pull requests", "deploy.yml", mutate(t, ".github/workflows/deploy.yml", "on:\n  push:\n", "on:\n  pull_request:\n  push:\n"),
			"deploy.yml (pull_request): job preview-prod"},
		{"pull_request_target", "drift.yml", mutate(t, ".github/workflows/drift.yml", "on:\n  schedule:\n", "on:\n  pull_request_target:\n  schedule:\n"),
			"drift.yml (pull_request_target): job drift"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := prRules(workflowsOf(t, c.file, c.content), prods, allowed)
			assert.True(t, slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, c.want) }),
				"want a problem containing %q, got %q", c.want, got)
		})
	}
}

// roleRow is one row of the CI roles table in docs/runbooks/first-deploy.md, step 3.
type roleRow struct{ role, sub, permissions, where string }

func roleRows(t *testing.T, runbook string) []roleRow {
	t.Helper()
	var rows []roleRow
	in := false
	for _, line := range strings.Split(runbook, "\n") {
		if strings.HasPrefix(line, "| role | `sub`") {
			in = true
			continue
		}
		if !in || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		require.Len(t, cells, 4, "a roles table row has four cells: %s", line)
		rows = append(rows, roleRow{strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2]), strings.TrimSpace(cells[3])})
	}
	require.NotEmpty(t, rows, "the runbook has the CI roles table")
	return rows
}

// stagingKey is staging's own secrets key: with one key for every stack, a role that decrypts
// staging's secrets decrypts prod's too.
const stagingKey = "`alias/suoke-pulumi-staging`"

// trustRules check the roles as the runbook defines them: a role whose trust admits pull requests is
// the pull-request preview role alone, named where the workflows take it, and decrypts staging's
// key only; the roles named in AWS_PREVIEW_ROLES trust main only.
func trustRules(rows []roleRow) []string {
	var problems []string
	prRoles := 0
	for _, r := range rows {
		prTrust := strings.Contains(r.sub, "pull_request")
		switch {
		case prTrust:
			prRoles++
			if !strings.Contains(r.where, "`AWS_PR_PREVIEW_ROLE_ARN`") || strings.Contains(r.where, "AWS_PREVIEW_ROLES") || strings.Contains(r.where, "AWS_DEPLOY_ROLE_ARN") {
				problems = append(problems, fmt.Sprintf("%s trusts pull requests: name it in AWS_PR_PREVIEW_ROLE_ARN alone", r.role))
			}
			if !strings.Contains(r.permissions, "`kms:Decrypt` only on "+stagingKey) {
				problems = append(problems, fmt.Sprintf("%s trusts pull requests: its kms:Decrypt must be staging's secrets key alone (%s)", r.role, stagingKey))
			}
		case strings.Contains(r.where, "AWS_PREVIEW_ROLES") && !strings.Contains(r.sub, "`repo:<org>/<repo>:ref:refs/heads/main`"):
			problems = append(problems, fmt.Sprintf("%s decrypts prod's secrets: its trust must admit main alone", r.role))
		}
	}
	if prRoles != 1 {
		problems = append(problems, fmt.Sprintf("want one role that trusts pull requests (the pull-request preview role), got %d", prRoles))
	}
	return problems
}

func TestOnlyThePullRequestRoleTrustsPullRequests(t *testing.T) {
	runbook := read(t, "docs/runbooks/first-deploy.md")
	assert.Empty(t, trustRules(roleRows(t, runbook)))

	rows := roleRows(t, runbook)
	at := slices.IndexFunc(rows, func(r roleRow) bool { return strings.Contains(r.where, "AWS_PREVIEW_ROLES") })
	require.GreaterOrEqual(t, at, 0)
	pr := slices.IndexFunc(rows, func(r roleRow) bool { return strings.Contains(r.sub, "pull_request") })
	require.GreaterOrEqual(t, pr, 0)
	mutated := func(f func([]roleRow)) []roleRow {
		c := slices.Clone(rows)
		f(c)
		return c
	}
	cases := []struct {
		name string
		rows []roleRow
		want string
	}{
		{"the prod preview role trusting pull requests again", mutated(func(r []roleRow) { r[at].sub = "`repo:<org>/<repo>:pull_request`" }),
			"name it in AWS_PR_PREVIEW_ROLE_ARN alone"},
		{"the pull-request role decrypting the shared key", mutated(func(r []roleRow) {
			r[pr].permissions = "ReadOnlyAccess, `kms:Decrypt` on `alias/suoke-pulumi`"
		}), "its kms:Decrypt must be staging's secrets key alone"},
		{"the prod preview role trusting any branch", mutated(func(r []roleRow) { r[at].sub = "`repo:<org>/<repo>:ref:refs/heads/*`" }),
			"its trust must admit main alone"},
		{"no pull-request role", mutated(func(r []roleRow) { r[pr].sub = "`repo:<org>/<repo>:ref:refs/heads/main`" }),
			"want one role that trusts pull requests"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := trustRules(c.rows)
			assert.True(t, slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, c.want) }),
				"want a problem containing %q, got %q", c.want, got)
		})
	}
}
