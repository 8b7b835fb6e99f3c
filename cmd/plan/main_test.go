package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// project makes a temporary project with the real Pulumi.yaml and one stack file.
func project(t *testing.T, stack, body string) string {
	dir := t.TempDir()
	b, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), b, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte(body), 0o644))
	return dir
}

// staging is the real staging stack file: its pools are what the capacity policy accepts.
func staging(t *testing.T) string {
	b, err := os.ReadFile("../../Pulumi.staging.yaml")
	require.NoError(t, err)
	require.Contains(t, string(b), "natGateways: single")
	return string(b)
}

func TestExitCodes(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run([]string{}, &out, &errOut), "no -stack")
	assert.Contains(t, errOut.String(), "-stack is required")

	errOut.Reset()
	assert.Equal(t, 2, run([]string{"-stack", "x", "-format", "html"}, &out, &errOut))
	assert.Contains(t, errOut.String(), `-format "html"`)

	dir := project(t, "bad", "config:\n  aws:region: cn-northwest-1\n  suoke-platform:natGateways: none\n")
	errOut.Reset()
	assert.Equal(t, 1, run([]string{"-dir", dir, "-stack", "bad"}, &out, &errOut))
	assert.Contains(t, errOut.String(), `natGateways: Unsupported value: "none"`)
}

func TestJSONAndDiff(t *testing.T) {
	body := staging(t)
	dir := project(t, "s", body)
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s", "-json"}, &out, &errOut), errOut.String())
	var doc map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	for _, k := range []string{"project", "stack", "region", "partition", "resources", "outputs", "policies"} {
		assert.Contains(t, doc, k, "the JSON contract names %s", k)
	}
	saved := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(saved, out.Bytes(), 0o644))

	// The same stack with a different NAT mode: the diff names the change.
	perAz := strings.Replace(body, "natGateways: single", "natGateways: perAz", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.s.yaml"), []byte(perAz), 0o644))
	out.Reset()
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s", "-diff", saved}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "4 to add", "a NAT gateway and its EIP in each of two more AZs")
	assert.Contains(t, out.String(), "+ urn:pulumi:s::suoke-platform::suoke:network:Network$aws:ec2/natGateway:NatGateway::network-nat-cn-northwest-1b")
	assert.Contains(t, out.String(), "output natGateways: 1 → 3")
}

func TestMarkdown(t *testing.T) {
	dir := project(t, "s", staging(t))
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s", "-format", "markdown"}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "### Offline plan: `s`")
	assert.Contains(t, out.String(), "```mermaid")
}

// TestSummaryFormat: -format summary prints the per-component summary the golden files hold.
func TestSummaryFormat(t *testing.T) {
	dir := project(t, "s", staging(t))
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s", "-format", "summary"}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "\ntype suoke:network:Network\n+ network #")
	assert.Contains(t, out.String(), "\n    cidrBlock: \"10.50.0.0/16\"\n")
}
