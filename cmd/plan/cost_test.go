package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCostDiff: more NAT gateways show as a cost change of the network tier and of the total, in the
// form reviewers read ("+1,234.00 CNY/month, +3.1%").
func TestCostDiff(t *testing.T) {
	body := staging(t)
	dir := project(t, "s", body)
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s", "-json"}, &out, &errOut), errOut.String())
	saved := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(saved, out.Bytes(), 0o644))

	perAz := strings.Replace(body, "natGateways: single", "natGateways: perAz", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.s.yaml"), []byte(perAz), 0o644))
	out.Reset()
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s", "-diff", saved}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "Cost change against the saved plan")
	assert.Regexp(t, `network: \+[0-9,]+\.\d\d CNY/month, \+\d+\.\d%`, out.String())
	assert.Regexp(t, `total: \+[0-9,]+\.\d\d CNY/month, \+\d+\.\d%`, out.String())

	out.Reset()
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s", "-diff", saved, "-format", "markdown"}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "**Cost change** (CNY/month)")
}

// TestCostInEveryFormat: the text plan has the cost table and the deploy estimate, the markdown one a
// Mermaid pie chart of cost by tier.
func TestCostInEveryFormat(t *testing.T) {
	dir := project(t, "s", staging(t))
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s"}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "Monthly cost by tier (CNY)")
	assert.Contains(t, out.String(), "Deploy estimate from an empty account:")
	assert.Contains(t, out.String(), "critical path:")
	out.Reset()
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s", "-format", "markdown"}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "pie showData title Monthly cost by tier (CNY)")
}
