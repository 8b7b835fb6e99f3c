package platform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/cluster/internal/graphtest"
)

// These tests ask questions of the recorded graph of the staging stack (graphtest.Record).

var record, byName, ofType = graphtest.Record, graphtest.ByName, graphtest.OfType

func TestPlatformReleasesOnTheMonitoringPool(t *testing.T) {
	g := record(t, nil)
	n := 0
	for _, r := range ofType(g, "kubernetes:helm.sh/v3:Release") {
		if !strings.HasPrefix(r.Name, "cluster-") {
			continue
		}
		n++
		assert.NotEmpty(t, r.Inputs["version"], r.Name)
		if r.Name == "cluster-prometheus-operator-crds" {
			continue
		}
		js, _ := json.Marshal(r.Inputs["values"])
		assert.Contains(t, string(js), `"nodeSelector":{"suoke.life/tier":"monitoring"}`, r.Name)
		assert.Contains(t, string(js), `{"effect":"NoSchedule","key":"suoke.life/tier","operator":"Equal","value":"monitoring"}`, r.Name)
	}
	assert.Equal(t, 6, n)
	cm := byName(g, "kubernetes:helm.sh/v3:Release", "cluster-cert-manager").Inputs["values"].(map[string]any)
	assert.Equal(t, map[string]any{"enabled": true, "keep": true}, cm["crds"])
	vpa := byName(g, "kubernetes:helm.sh/v3:Release", "cluster-vpa").Inputs["values"].(map[string]any)
	assert.Equal(t, false, vpa["updater"].(map[string]any)["enabled"], "recommendation mode")
	assert.Equal(t, false, vpa["admissionController"].(map[string]any)["enabled"], "recommendation mode")
}

func TestCapacityCoversTheClustersReleases(t *testing.T) {
	g := record(t, nil)
	b, _ := json.Marshal(g.Outputs["capacity"])
	var pools []struct {
		Tier  string `json:"tier"`
		Items []struct {
			Name      string `json:"name"`
			Replicas  int    `json:"replicas"`
			CPUMilli  int    `json:"cpuMilli"`
			MemoryMiB int    `json:"memoryMiB"`
		} `json:"items"`
	}
	require.NoError(t, json.Unmarshal(b, &pools))
	require.Len(t, pools, 5)
	var ca bool
	for _, p := range pools {
		if p.Tier != "monitoring" {
			continue
		}
		for _, it := range p.Items {
			if it.Name == "kube-system/cluster-autoscaler" {
				ca = true
				assert.Equal(t, 2, it.Replicas)
				vals := byName(g, "kubernetes:helm.sh/v3:Release", "cluster-cluster-autoscaler").Inputs["values"].(map[string]any)
				assert.Equal(t, float64(it.Replicas), vals["replicaCount"])
				assert.Equal(t, "100m", vals["resources"].(map[string]any)["requests"].(map[string]any)["cpu"])
			}
		}
	}
	assert.True(t, ca, "the autoscaler's footprint is in the monitoring pool's capacity")
}
