package workflows

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// loginStep is the stack action's step that logs in to the chart mirror.
type loginStep struct {
	Name string            `json:"name"`
	If   string            `json:"if"`
	Uses string            `json:"uses"`
	Env  map[string]string `json:"env"`
	Run  string            `json:"run"`
}

func stackActionSteps(t *testing.T) []loginStep {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), ".github", "actions", "pulumi-stack", "action.yml"))
	require.NoError(t, err)
	var a struct {
		Runs struct {
			Steps []loginStep `json:"steps"`
		} `json:"runs"`
	}
	require.NoError(t, yaml.Unmarshal(b, &a))
	return a.Runs.Steps
}

func repoRoot(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return dir
}

// TestChartMirrorLoginWritesWhatTheProviderReads runs the stack action's login step with bash, an
// `aws` stand-in on PATH and the job's files in a temporary directory: the step must write a
// Docker-format credentials file (auths.<host>.auth = base64("AWS:" + token), the format Helm's
// registry client reads) for the job's own account, readable by the job's user only, and point
// PULUMI_K8S_HELM_REGISTRY_CONFIG_PATH at it; and it must come after the AWS credentials and before
// anything runs Pulumi.
func TestChartMirrorLoginWritesWhatTheProviderReads(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash to run the step with")
	}
	steps := stackActionSteps(t)
	login, creds, cli := -1, -1, -1
	for i, s := range steps {
		switch {
		case strings.Contains(s.Run, "PULUMI_K8S_HELM_REGISTRY_CONFIG_PATH"):
			login = i
		case strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@"):
			creds = i
		case strings.HasPrefix(s.Uses, "pulumi/actions@"):
			cli = i
		}
	}
	require.NotEqual(t, -1, login, "no step logs in to the chart mirror")
	assert.Less(t, creds, login, "the login needs the job's AWS credentials")
	assert.Less(t, login, cli, "the login comes before Pulumi runs")
	step := steps[login]
	assert.Equal(t, "${{ steps.stack.outputs.chart_mirror }}", step.Env["MIRROR"], "the registry cmd/stacks prints (chart_mirror=)")
	assert.Contains(t, step.If, "steps.stack.outputs.chart_mirror")

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	const token = "eyJwYXlsb2FkIjoiZmFrZSJ9"
	fakeAWS := "#!/usr/bin/env bash\n" +
		"case \"$1 $2\" in\n" +
		"  'sts get-caller-identity') echo 210987654321 ;;\n" +
		"  'ecr get-login-password') [ \"$4\" = cn-north-1 ] || { echo \"wrong region $4\" >&2; exit 1; }; echo " + token + " ;;\n" +
		"  *) echo \"unexpected: $*\" >&2; exit 1 ;;\n" +
		"esac\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "aws"), []byte(fakeAWS), 0o755))
	envFile := filepath.Join(tmp, "github_env")
	require.NoError(t, os.WriteFile(envFile, nil, 0o644))

	cmd := exec.Command("bash", "-c", step.Run)
	cmd.Env = append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"MIRROR=ACCOUNT_ID.dkr.ecr.cn-north-1.amazonaws.com.cn", "REGION=cn-north-1",
		"RUNNER_TEMP="+tmp, "GITHUB_ENV="+envFile)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.NotContains(t, strings.ReplaceAll(string(out), "::add-mask::"+token, ""), token, "the token is masked before anything prints it")

	env, err := os.ReadFile(envFile)
	require.NoError(t, err)
	path, ok := strings.CutPrefix(strings.TrimSpace(string(env)), "PULUMI_K8S_HELM_REGISTRY_CONFIG_PATH=")
	require.True(t, ok, "GITHUB_ENV: %s", env)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "credentials readable by the job's user only")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var cfg struct {
		Auths map[string]struct {
			Auth string `json:"auth"`
		} `json:"auths"`
	}
	require.NoError(t, json.Unmarshal(b, &cfg), "%s", b)
	require.Contains(t, cfg.Auths, "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn")
	pair, err := base64.StdEncoding.DecodeString(cfg.Auths["210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn"].Auth)
	require.NoError(t, err)
	assert.Equal(t, "AWS:"+token, string(pair))
}
