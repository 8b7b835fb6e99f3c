package tests

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

func withClusterVersion(t *testing.T, stack, version string) *plan.StackConfig {
	sc, err := plan.LoadStackConfig(projectDir, stack)
	require.NoError(t, err)
	cluster := map[string]any{}
	require.NoError(t, json.Unmarshal([]byte(sc.Values["suoke-platform:cluster"]), &cluster))
	cluster["version"] = version
	b, _ := json.Marshal(cluster)
	sc.Values["suoke-platform:cluster"] = string(b)
	return sc
}

// The program asks EKS which versions the region offers; 1.34 left standard support on 2026-12-02
// (EKS version calendar), so prod refuses it and staging plans with a warning.
func TestClusterVersionIsAskedOfTheRegion(t *testing.T) {
	_, err := plan.RecordConfig(withClusterVersion(t, "prod", "1.34"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cluster.version 1.34 is in EXTENDED_SUPPORT")
	_, err = plan.RecordConfig(withClusterVersion(t, "staging", "1.34"))
	assert.NoError(t, err)
}

// The add-ons come from the region's answer, and nothing installs the Pod Identity agent, which no
// workload uses (every role is IRSA).
func TestAddonsAreAskedOfTheRegion(t *testing.T) {
	g, _ := record(t, "prod")
	names := map[string]string{}
	for _, r := range g.Resources {
		if r.Type == "aws:eks/addon:Addon" {
			names[r.Inputs["addonName"].(string)] = r.Inputs["addonVersion"].(string)
		}
	}
	assert.NotContains(t, names, "eks-pod-identity-agent")
	assert.Len(t, names, 4)
	for n, v := range names {
		assert.Regexp(t, `^v\d+\.\d+\.\d+-eksbuild\.\d+$`, v, n)
	}
}
