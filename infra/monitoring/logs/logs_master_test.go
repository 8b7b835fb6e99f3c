package logs

import (
	"bufio"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// iniSections reads an AWS config file: section name → key → value.
func iniSections(t *testing.T, text string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	var cur map[string]string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			cur = map[string]string{}
			out[strings.TrimSpace(line[1:len(line)-1])] = cur
		default:
			k, v, ok := strings.Cut(line, "=")
			require.True(t, ok, "line %q is not key = value", line)
			require.NotNil(t, cur, "key %q outside a section", k)
			cur[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

// TestBootstrapChainsToTheMasterRole: the Job's AWS config assumes the master role with the
// credentials of its own IRSA role, which it gets from the token EKS projects into the pod.
func TestBootstrapChainsToTheMasterRole(t *testing.T) {
	files, err := BootstrapFiles(testLogs)
	require.NoError(t, err)
	cfg := iniSections(t, files[awsConfigFile])
	// The profile the Job selects (AWS_PROFILE=logs-master in its pod spec, checked over the
	// rendered Job by TestLogsMasterRole), written out rather than read from the package's constant;
	// the AWS CLI reads a named profile from the section "[profile <name>]" of the config file.
	master := cfg["profile logs-master"]
	require.NotNil(t, master, "profile logs-master")
	assert.Equal(t, testLogs.MasterRoleARN, master["role_arn"])
	source := cfg["profile "+master["source_profile"]]
	require.NotNil(t, source, "the source profile exists")
	assert.Equal(t, testLogs.SourceRoleARN, source["role_arn"])
	assert.Equal(t, "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", source["web_identity_token_file"])
	assert.NotContains(t, source, "source_profile", "the chain ends at the web identity")

	// A config whose profile is named otherwise leaves the Job's AWS_PROFILE without a profile.
	renamed := strings.Replace(files[awsConfigFile], "[profile logs-master]", "[profile master]", 1)
	require.NotEqual(t, files[awsConfigFile], renamed)
	assert.Nil(t, iniSections(t, renamed)["profile logs-master"])

	// The config is in the checksum: another master role reruns the Job.
	other := testLogs
	other.MasterRoleARN = "arn:aws-cn:iam::123456789012:role/other"
	files2, err := BootstrapFiles(other)
	require.NoError(t, err)
	assert.NotEqual(t, Checksum(files), Checksum(files2))

	// Without the roles there is nothing to sign with: refuse rather than render a broken chain.
	missing := testLogs
	missing.MasterRoleARN = ""
	_, err = BootstrapFiles(missing)
	assert.Error(t, err)
}
