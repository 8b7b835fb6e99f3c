package nodegroups_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/suoke-life/suoke-platform/infra/cluster/internal/graphtest"
)

// These tests ask questions of the recorded graph of the staging stack (graphtest.Record).

var record, byName, ofType = graphtest.Record, graphtest.ByName, graphtest.OfType

func TestNodePools(t *testing.T) {
	g := record(t, nil)
	key := byName(g, "aws:kms/key:Key", "cluster-key")
	for _, ng := range ofType(g, "aws:eks/nodeGroup:NodeGroup") {
		tier := ng.Inputs["labels"].(map[string]any)["suoke.life/tier"].(string)
		subnets := ng.Inputs["subnetIds"].([]any)
		taints, _ := ng.Inputs["taints"].([]any)
		if tier == "database" {
			assert.Len(t, subnets, 1, ng.Name)
		} else {
			assert.Len(t, subnets, 3, ng.Name)
		}
		assert.Equal(t, tier != "business", len(taints) == 1, "%s taint", ng.Name)
		assert.Equal(t, "AL2023_x86_64_STANDARD", ng.Inputs["amiType"])
	}
	for _, lt := range ofType(g, "aws:ec2/launchTemplate:LaunchTemplate") {
		if !strings.HasPrefix(lt.Name, "cluster-") {
			continue // the runner host's (infra/runner), not a node pool's
		}
		md := lt.Inputs["metadataOptions"].(map[string]any)
		assert.Equal(t, "required", md["httpTokens"])
		assert.Equal(t, 1.0, md["httpPutResponseHopLimit"])
		ebs := lt.Inputs["blockDeviceMappings"].([]any)[0].(map[string]any)["ebs"].(map[string]any)
		assert.Equal(t, "true", ebs["encrypted"])
		assert.Equal(t, "gp3", ebs["volumeType"])
		assert.Contains(t, ebs["kmsKeyId"], key.ID)
		tags := lt.Inputs["tagSpecifications"].([]any)
		assert.Len(t, tags, 3, "instances, volumes and ENIs carry the common tags")
	}
}
