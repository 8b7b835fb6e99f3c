package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
	"github.com/suoke-life/suoke-platform/infra/report"
)

func doc(stack string, subnets int, passed bool) *report.Document {
	d := &report.Document{Project: "suoke-platform", Stack: stack, Region: "cn-northwest-1", Partition: "aws-cn",
		Outputs: map[string]any{"region": "cn-northwest-1"}}
	for i := 0; i < subnets; i++ {
		name := fmt.Sprintf("network-private-%d", i)
		d.Resources = append(d.Resources, plan.Resource{
			URN:  "urn:pulumi:" + stack + "::suoke-platform::aws:ec2/subnet:Subnet::" + name,
			Type: "aws:ec2/subnet:Subnet", Name: name, Custom: true,
			Inputs: map[string]any{"cidrBlock": fmt.Sprintf("10.40.%d.0/24", i)},
		})
	}
	d.Policies = []policy.Result{{ID: "network.flow-logs", Severity: "high", Resource: "network-vpc", Passed: passed, Message: "flow logs on"}}
	return d
}

// write saves a plan as cmd/plan -json would, optionally with the contract's cost section.
func write(t *testing.T, dir, stack string, d *report.Document, total float64) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	var buf bytes.Buffer
	require.NoError(t, report.WriteJSON(&buf, d))
	if total > 0 {
		var m map[string]any
		require.NoError(t, json.Unmarshal(buf.Bytes(), &m))
		m["cost"] = map[string]any{"currency": "CNY", "monthly": map[string]any{"gateway": total}, "total": total}
		b, err := json.Marshal(m)
		require.NoError(t, err)
		buf.Reset()
		buf.Write(b)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, stack+".json"), buf.Bytes(), 0o644))
}

func writeText(t *testing.T, dir, name, body string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
}

func TestCommentShowsEveryStackAgainstTheBase(t *testing.T) {
	root := t.TempDir()
	head, base := filepath.Join(root, "head"), filepath.Join(root, "base")
	// prod gains a subnet and its cost goes up; staging is unchanged; qa is new; old is removed;
	// broken fails to plan.
	write(t, base, "prod", doc("prod", 2, true), 1000)
	write(t, head, "prod", doc("prod", 3, true), 1250.5)
	writeText(t, head, "prod.md", "### Offline plan: `prod`\n\nthe prod plan body\n")
	writeText(t, head, "prod.exit", "0\n")
	write(t, base, "staging", doc("staging", 1, true), 0)
	write(t, head, "staging", doc("staging", 1, true), 0)
	writeText(t, head, "staging.exit", "0")
	write(t, head, "qa", doc("qa", 1, false), 0)
	writeText(t, head, "qa.exit", "1")
	writeText(t, head, "qa.log", "plan: 1 policy check(s) failed\n")
	write(t, base, "old", doc("old", 1, true), 0)
	write(t, base, "broken", doc("broken", 1, true), 0)
	writeText(t, head, "broken.exit", "1")
	writeText(t, head, "broken.log", "plan: stack \"broken\": invalid config (1 problem):\n  - vpcCidr: Invalid value: \"10.0.0.0/8\"\n")

	var out, errOut bytes.Buffer
	code := run([]string{"-head", head, "-base", base, "-head-sha", "0123456789abcdef", "-base-sha", "fedcba9876543210",
		"-preview", "skipped: this pull request comes from a fork, which gets no credentials"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	c := out.String()

	assert.True(t, strings.HasPrefix(c, Marker+"\n"), "the marker opens the comment, so the workflow can find it")
	assert.Contains(t, c, "`0123456` · against the base `fedcba9`")
	assert.Contains(t, c, "| `prod` | ✅ | 3 | +1 ~0 −0 | CNY 1,250.50 (+250.50) |")
	assert.Contains(t, c, "| `staging` | ✅ | 1 | no changes | — |")
	assert.Contains(t, c, "**`staging`**: no changes against the base.")
	assert.Contains(t, c, "| `qa` | ❌ 1 failed policy | 1 | new stack | — |")
	assert.Contains(t, c, "| `old` | removed | — | — | — |")
	assert.Contains(t, c, "| `broken` | ❌ exit 1 | — | — | — |")
	assert.Contains(t, c, "**Preview** (`pulumi preview --diff`): skipped: this pull request comes from a fork")
	// The diff is report.Diff's, printed as cmd/plan -diff prints it.
	assert.Contains(t, c, "<code>prod</code>: 1 to add, 0 to change, 0 to remove against the base")
	assert.Contains(t, c, "+ urn:pulumi:prod::suoke-platform::aws:ec2/subnet:Subnet::network-private-2")
	assert.Contains(t, c, "the prod plan body")
	assert.Contains(t, c, `vpcCidr: Invalid value: "10.0.0.0/8"`)
	assert.Contains(t, c, "plan: 1 policy check(s) failed")
	assert.Contains(t, c, "**`qa`**: the base branch has no plan of this stack")
	assert.Contains(t, c, "**`old`**: the pull request removes this stack's file")
	assert.Less(t, strings.Index(c, "`broken`"), strings.Index(c, "`staging`"), "stacks are sorted")
}

func TestLongCommentsShrinkToFit(t *testing.T) {
	root := t.TempDir()
	head, base := filepath.Join(root, "head"), filepath.Join(root, "base")
	write(t, base, "prod", doc("prod", 1, true), 0)
	write(t, head, "prod", doc("prod", 400, true), 0)
	writeText(t, head, "prod.md", strings.Repeat("a very long plan line\n", 2000))
	writeText(t, head, "prod.exit", "0")
	plans, err := load(head, base)
	require.NoError(t, err)

	full := Comment(plans, Options{HeadDir: head, Max: 1 << 20})
	assert.Contains(t, full, "a very long plan line")
	assert.NotContains(t, full, "more lines")

	noPlans := Comment(plans, Options{HeadDir: head, Max: len(full) - 1})
	assert.NotContains(t, noPlans, "a very long plan line", "the full plans go first")
	assert.Contains(t, noPlans, "The full plans are left out")
	assert.Contains(t, noPlans, "network-private-399", "the diff stays whole while it fits")

	short := Comment(plans, Options{HeadDir: head, Max: 6000})
	assert.LessOrEqual(t, len(short), 6000)
	assert.Contains(t, short, "more lines: see the run's job summary")
	assert.Equal(t, 0, strings.Count(short, "```")%2, "every code fence of the shortened diff is closed")

	tiny := Comment(plans, Options{HeadDir: head, Max: 300})
	assert.LessOrEqual(t, len(tiny), 300)
	assert.Contains(t, tiny, "cut to fit a pull-request comment")
}

func TestUsageAndBadInput(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run(nil, &out, &errOut))
	assert.Contains(t, errOut.String(), "-head is required")

	empty := t.TempDir()
	errOut.Reset()
	assert.Equal(t, 1, run([]string{"-head", empty}, &out, &errOut))
	assert.Contains(t, errOut.String(), "no plans in")

	bad := t.TempDir()
	writeText(t, bad, "prod.json", "{not json")
	errOut.Reset()
	assert.Equal(t, 1, run([]string{"-head", bad}, &out, &errOut))
	assert.Contains(t, errOut.String(), "is not a saved plan")

	badExit := t.TempDir()
	writeText(t, badExit, "prod.exit", "segfault")
	errOut.Reset()
	assert.Equal(t, 1, run([]string{"-head", badExit}, &out, &errOut))
	assert.Contains(t, errOut.String(), `prod.exit: "segfault" is not an exit code`)
}

func TestMoney(t *testing.T) {
	for in, want := range map[float64]string{0: "0.00", 999.5: "999.50", 1234567.891: "1,234,567.89", -4321: "-4,321.00"} {
		assert.Equal(t, want, money(in), in)
	}
}
