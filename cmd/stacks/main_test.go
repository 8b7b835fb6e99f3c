package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// project copies the repository's Pulumi.yaml into a temporary directory beside the given stack files.
func project(t *testing.T, stacks map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	py, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), py, 0o644))
	for name, body := range stacks {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+name+".yaml"), []byte(body), 0o644))
	}
	return dir
}

func runStacks(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRepositoryStacks(t *testing.T) {
	code, out, errOut := runStacks("-dir", filepath.Join("..", ".."))
	require.Equal(t, 0, code, errOut)
	var got []Stack
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	byName := map[string]Stack{}
	for _, s := range got {
		byName[s.Stack] = s
	}
	// A private ECR registry is <account>.dkr.ecr.<region>.amazonaws.com, .com.cn in China (Amazon ECR
	// User Guide, "Private registry concepts"; docs.amazonaws.cn endpoints table, read 2026-12-03).
	assert.Equal(t, Stack{Stack: "prod", Environment: "prod", Region: "cn-northwest-1", Partition: "aws-cn",
		Audience: "sts.amazonaws.com.cn", ChartMirror: "ACCOUNT_ID.dkr.ecr.cn-northwest-1.amazonaws.com.cn"}, byName["prod"])
	assert.Equal(t, Stack{Stack: "prod-dr", Environment: "dr", Region: "cn-north-1", Partition: "aws-cn",
		Audience: "sts.amazonaws.com.cn", ChartMirror: "ACCOUNT_ID.dkr.ecr.cn-north-1.amazonaws.com.cn"}, byName["prod-dr"])
	assert.Equal(t, "staging", byName["staging"].Environment)
}

func TestAudienceFollowsPartition(t *testing.T) {
	dir := project(t, map[string]string{
		"global": "config:\n  aws:region: us-west-2\n  suoke-platform:environment: staging\n  suoke-platform:drRegion: us-east-1\n",
		"china":  "config:\n  aws:region: cn-north-1\n  suoke-platform:environment: prod\n",
	})
	code, out, errOut := runStacks("-dir", dir, "-stack", "global")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "stack=global\nenvironment=staging\nregion=us-west-2\npartition=aws\naudience=sts.amazonaws.com\nchart_mirror=\n", out)

	code, out, errOut = runStacks("-dir", dir, "-stack", "china")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "partition=aws-cn\naudience=sts.amazonaws.com.cn\n")
}

func TestEnvironmentFilter(t *testing.T) {
	dir := project(t, map[string]string{
		"a": "config:\n  aws:region: cn-northwest-1\n  suoke-platform:environment: prod\n",
		"b": "config:\n  aws:region: cn-northwest-1\n  suoke-platform:environment: staging\n",
		"c": "config:\n  aws:region: cn-north-1\n  suoke-platform:environment: dr\n",
	})
	code, out, errOut := runStacks("-dir", dir, "-environments", "prod,staging")
	require.Equal(t, 0, code, errOut)
	var got []Stack
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	var names []string
	for _, s := range got {
		names = append(names, s.Stack)
	}
	assert.Equal(t, []string{"a", "b"}, names)

	code, out, _ = runStacks("-dir", dir, "-environments", "qa")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
}

func TestBadStacks(t *testing.T) {
	dir := project(t, map[string]string{
		"moon":    "config:\n  aws:region: moon-base-1\n",
		"nowhere": "config:\n  suoke-platform:environment: prod\n",
	})
	code, _, errOut := runStacks("-dir", dir, "-stack", "moon")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `aws:region "moon-base-1": supported values:`)

	code, _, errOut = runStacks("-dir", dir, "-stack", "nowhere")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "aws:region is not set")

	code, _, errOut = runStacks("-dir", dir, "-stack", "missing")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no Pulumi.missing.yaml")
}

// TestChartMirrorNeedsALoginOnlyOnECR: the jobs log in to the chart mirror exactly when the stack's
// releases pull charts from ECR: the account's own registry (its ID filled in by the job), another
// account's ECR named in config, never upstream chart sites or a registry outside ECR.
func TestChartMirrorNeedsALoginOnlyOnECR(t *testing.T) {
	dir := project(t, map[string]string{
		"own":       "config:\n  aws:region: cn-north-1\n  suoke-platform:environment: staging\n",
		"upstream":  "config:\n  aws:region: cn-north-1\n  suoke-platform:environment: staging\n  suoke-platform:registries: '{\"mode\": \"upstream\"}'\n",
		"shared":    "config:\n  aws:region: cn-north-1\n  suoke-platform:environment: staging\n  suoke-platform:registries: '{\"mirrorRegistry\": \"111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn\"}'\n",
		"harbor":    "config:\n  aws:region: cn-north-1\n  suoke-platform:environment: staging\n  suoke-platform:registries: '{\"mirrorRegistry\": \"harbor.example.cn\"}'\n",
		"global":    "config:\n  aws:region: us-west-2\n  suoke-platform:environment: staging\n  suoke-platform:drRegion: us-east-1\n  suoke-platform:registries: '{\"mode\": \"mirror\"}'\n",
		"badmirror": "config:\n  aws:region: cn-north-1\n  suoke-platform:environment: staging\n  suoke-platform:registries: '{\"mode\": \"proxy\"}'\n",
	})
	for stack, want := range map[string]string{
		"own":      "ACCOUNT_ID.dkr.ecr.cn-north-1.amazonaws.com.cn",
		"upstream": "",
		"shared":   "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn",
		"harbor":   "",
		"global":   "ACCOUNT_ID.dkr.ecr.us-west-2.amazonaws.com",
	} {
		code, out, errOut := runStacks("-dir", dir, "-stack", stack)
		require.Equal(t, 0, code, "%s: %s", stack, errOut)
		assert.Contains(t, out, "\nchart_mirror="+want+"\n", stack)
	}
	code, _, errOut := runStacks("-dir", dir, "-stack", "badmirror")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "registries.mode")
}

// TestPlaceholderSecretsStopAJob: the repository's prod and prod-dr files ship placeholder
// ciphertexts; -stack (what every Pulumi job of the stack runs first) refuses them, naming each path
// as pulumi config set --path takes it, while the matrix and staging still work.
func TestPlaceholderSecretsStopAJob(t *testing.T) {
	code, _, errOut := runStacks("-dir", filepath.Join("..", ".."), "-stack", "prod")
	require.Equal(t, 1, code)
	assert.Contains(t, errOut, "Pulumi.prod.yaml holds 6 placeholder secret(s)")
	assert.Contains(t, errOut, "--secret --path 'suoke-platform:monitoring.deadMansSwitchUrl' <value>")
	assert.Contains(t, errOut, "--path 'suoke-platform:monitoring.receivers.oncall.webhooks[0].url'")

	code, _, errOut = runStacks("-dir", filepath.Join("..", ".."), "-stack", "staging")
	assert.Equal(t, 0, code, errOut)

	dir := project(t, map[string]string{"real": "config:\n  aws:region: cn-north-1\n  suoke-platform:environment: prod\n  suoke-platform:monitoring:\n    deadMansSwitchUrl:\n      secure: v1:AAABAGvG3d1+real+ciphertext\n"})
	code, _, errOut = runStacks("-dir", dir, "-stack", "real")
	assert.Equal(t, 0, code, "a real ciphertext passes: %s", errOut)
}
