package logs

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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
	assert.Empty(t, indexProblems(fluentBitConfig("cn-northwest-1")["outputs"].(string), files))
}

// writtenIndex is the index Fluent Bit's opensearch output writes a record of the day to, read from
// the rendered [OUTPUT] section the way Fluent Bit reads it (fluent/fluent-bit-docs
// pipeline/outputs/opensearch.md: with Logstash_Format On the index is Logstash_Prefix, then
// Logstash_Prefix_Separator, default "-", then the date as Logstash_DateFormat, default %Y.%m.%d;
// without it, Index, default "fluent-bit").
func writtenIndex(outputs string, day time.Time) (string, error) {
	sections := strings.Split(outputs, "[OUTPUT]")
	if len(sections) < 2 {
		return "", fmt.Errorf("no [OUTPUT] section")
	}
	keys := map[string]string{}
	for _, line := range strings.Split(sections[1], "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
		keys[strings.ToLower(k)] = strings.TrimSpace(v)
	}
	if keys["name"] != "opensearch" {
		return "", fmt.Errorf("the first output is %q, not opensearch", keys["name"])
	}
	if !strings.EqualFold(keys["logstash_format"], "on") {
		if keys["index"] == "" {
			return "fluent-bit", nil
		}
		return keys["index"], nil
	}
	if _, set := keys["logstash_dateformat"]; set {
		return "", fmt.Errorf("a Logstash_DateFormat this test does not read")
	}
	prefix, sep := "logstash", "-"
	if p, ok := keys["logstash_prefix"]; ok {
		prefix = p
	}
	if s, ok := keys["logstash_prefix_separator"]; ok {
		sep = s
	}
	return prefix + sep + day.Format("2006.01.02"), nil
}

// indexProblems: the index Fluent Bit writes today is one the ISM retention policy attaches to, the
// index template (shards, replicas) applies to, and the writer role may write; index patterns read
// with OpenSearch's wildcard ("*" any run of characters), which path.Match agrees with for names
// without "/".
func indexProblems(outputs string, files map[string]string) []string {
	index, err := writtenIndex(outputs, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return []string{err.Error()}
	}
	var ism struct {
		Policy struct {
			ISMTemplate []struct {
				IndexPatterns []string `json:"index_patterns"`
			} `json:"ism_template"`
		}
	}
	var tmpl struct {
		IndexPatterns []string `json:"index_patterns"`
	}
	var role struct {
		IndexPermissions []struct {
			IndexPatterns []string `json:"index_patterns"`
		} `json:"index_permissions"`
	}
	var out []string
	covered := func(what string, patterns []string) {
		for _, p := range patterns {
			if ok, _ := path.Match(p, index); ok {
				return
			}
		}
		out = append(out, fmt.Sprintf("Fluent Bit writes %s, which %s (%v) does not cover", index, what, patterns))
	}
	if err := json.Unmarshal([]byte(files["ism-policy.json"]), &ism); err != nil || len(ism.Policy.ISMTemplate) == 0 {
		return append(out, fmt.Sprintf("ism-policy.json: no ism_template (%v)", err))
	}
	covered("the ISM policy's ism_template", ism.Policy.ISMTemplate[0].IndexPatterns)
	if err := json.Unmarshal([]byte(files["index-template.json"]), &tmpl); err != nil {
		return append(out, "index-template.json: "+err.Error())
	}
	covered("the index template", tmpl.IndexPatterns)
	if err := json.Unmarshal([]byte(files["writer-role.json"]), &role); err != nil || len(role.IndexPermissions) == 0 {
		return append(out, fmt.Sprintf("writer-role.json: no index_permissions (%v)", err))
	}
	covered("the writer role", role.IndexPermissions[0].IndexPatterns)
	return out
}

// TestIndexProblemsAreCaught: a prefix outside logs-*, the plain-index mode, and an index template
// for another pattern, each on a copy of the rendered configuration.
func TestIndexProblemsAreCaught(t *testing.T) {
	files, err := BootstrapFiles(testLogs)
	require.NoError(t, err)
	outputs := fluentBitConfig("cn-northwest-1")["outputs"].(string)
	require.Empty(t, indexProblems(outputs, files))
	prefix := regexp.MustCompile(`(?m)^(\s*Logstash_Prefix) .*$`)
	require.Regexp(t, prefix, outputs)
	assert.Contains(t, strings.Join(indexProblems(prefix.ReplaceAllString(outputs, "$1 k8s"), files), "\n"),
		"Fluent Bit writes k8s-2026.12.03, which the ISM policy's ism_template ([logs-*]) does not cover")
	assert.Contains(t, strings.Join(indexProblems(strings.Replace(outputs, "Logstash_Format On", "Logstash_Format Off", 1), files), "\n"),
		"Fluent Bit writes fluent-bit,")
	other := maps.Clone(files)
	other["index-template.json"] = strings.ReplaceAll(other["index-template.json"], `"logs-*"`, `"log-*"`)
	assert.Equal(t, []string{"Fluent Bit writes logs-k8s-2026.12.03, which the index template ([log-*]) does not cover"}, indexProblems(outputs, other))
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
