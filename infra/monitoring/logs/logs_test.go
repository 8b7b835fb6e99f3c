package logs

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testLogs = LogsInput{RetentionDays: 30, Shards: 3, Replicas: 1, WriterRoleARN: "arn:aws-cn:iam::123456789012:role/suoke-prod-fluent-bit",
	MasterRoleARN: "arn:aws-cn:iam::123456789012:role/suoke-prod-logs-master", SourceRoleARN: "arn:aws-cn:iam::123456789012:role/suoke-prod-logs-bootstrap"}

func TestBootstrapBodies(t *testing.T) {
	files, err := BootstrapFiles(testLogs)
	require.NoError(t, err)
	for _, r := range BootstrapRequests(testLogs) {
		var body map[string]any
		require.NoError(t, json.Unmarshal([]byte(files[r.File]), &body), r.File)
		assert.Contains(t, files["bootstrap.sh"], r.Path, "the script sends %s", r.File)
		assert.Contains(t, files["bootstrap.sh"], r.File)
	}
	var ism struct {
		Policy struct {
			States []struct {
				Name        string
				Transitions []struct {
					StateName  string `json:"state_name"`
					Conditions map[string]string
				}
			}
			ISMTemplate []struct {
				IndexPatterns []string `json:"index_patterns"`
			} `json:"ism_template"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(files["ism-policy.json"]), &ism))
	assert.Equal(t, "30d", ism.Policy.States[0].Transitions[0].Conditions["min_index_age"], "retention from config")
	assert.Equal(t, "delete", ism.Policy.States[0].Transitions[0].StateName)
	assert.Equal(t, []string{"logs-*"}, ism.Policy.ISMTemplate[0].IndexPatterns)

	var mapping struct {
		BackendRoles []string `json:"backend_roles"`
	}
	require.NoError(t, json.Unmarshal([]byte(files["writer-role-mapping.json"]), &mapping))
	assert.Equal(t, []string{testLogs.WriterRoleARN}, mapping.BackendRoles)
	assert.Contains(t, files["index-template.json"], `"index.number_of_shards": 3`)
	// Fluent Bit writes where the policy, the template and the role apply.
	assert.Contains(t, fluentBitConfig("cn-northwest-1")["outputs"], "Logstash_Prefix "+logIndexName)
	assert.True(t, strings.HasPrefix(logIndexName, LogIndexPrefix))
}

func TestBootstrapRetentionChangesTheChecksum(t *testing.T) {
	a, err := BootstrapFiles(testLogs)
	require.NoError(t, err)
	other := testLogs
	other.RetentionDays = 90
	b, err := BootstrapFiles(other)
	require.NoError(t, err)
	assert.NotEqual(t, Checksum(a), Checksum(b), "a new retention replaces the Job, so it runs again")
	assert.Equal(t, Checksum(a), Checksum(a))
}

// TestBootstrapScriptIsValidBash runs bash's own parser over the script.
func TestBootstrapScriptIsValidBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	require.NoError(t, err, "bash checks the bootstrap script's syntax")
	files, err := BootstrapFiles(testLogs)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "bootstrap.sh")
	require.NoError(t, os.WriteFile(path, []byte(files["bootstrap.sh"]), 0o755))
	out, err := exec.Command(bash, "-n", path).CombinedOutput()
	assert.NoError(t, err, string(out))
	assert.Contains(t, files["bootstrap.sh"], "set -euo pipefail")
	assert.Contains(t, files["bootstrap.sh"], `--aws-sigv4 "aws:amz:${AWS_REGION}:es"`)
}

func TestDomainName(t *testing.T) {
	assert.Equal(t, "suoke-platform-prod-logs", DomainName("suoke-platform-prod"))
	assert.LessOrEqual(t, len(DomainName("suoke-platform-prod-dr-extra-long")), 28)
	assert.False(t, strings.HasSuffix(DomainName("suoke-platform-prod-dr-extra"), "-"))
}
