package cluster

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
)

func TestKubeconfigUsesExecCredentials(t *testing.T) {
	var k map[string]any
	require.NoError(t, json.Unmarshal([]byte(Kubeconfig("c1", "cn-north-1", "https://x", "Q0E=")), &k))
	user := k["users"].([]any)[0].(map[string]any)["user"].(map[string]any)["exec"].(map[string]any)
	assert.Equal(t, "aws", user["command"])
	assert.Equal(t, []any{"eks", "get-token", "--cluster-name", "c1", "--region", "cn-north-1"}, user["args"])
	assert.NotContains(t, Kubeconfig("c1", "cn-north-1", "https://x", "Q0E="), "token\":", "no stored token")
}

func TestArgsValidate(t *testing.T) {
	errs := Args{Name: "bad name!", Config: config.ClusterConfig{Version: "1.20"}}.Validate(field.NewPath("cluster"))
	fields := map[string]field.ErrorType{}
	for _, e := range errs {
		fields[e.Field] = e.Type
	}
	assert.Equal(t, field.ErrorTypeInvalid, fields["cluster.name"])
	assert.Equal(t, field.ErrorTypeNotSupported, fields["cluster.config.version"])
	assert.Equal(t, field.ErrorTypeRequired, fields["cluster.registries"])
	assert.Equal(t, field.ErrorTypeRequired, fields["cluster.env"])
	assert.Equal(t, field.ErrorTypeRequired, fields["cluster.nodePools.gateway"])
	assert.Equal(t, field.ErrorTypeInvalid, fields["cluster.scheduled"], "no footprints at all: the cluster's own are missing")

	var a Args
	a.Scheduled = append(a.Footprints(), footprint.Footprint{Tier: "batch", Name: "x/y", Source: "test"})
	fields = map[string]field.ErrorType{}
	for _, e := range a.Validate(field.NewPath("cluster")) {
		fields[e.Field] = e.Type
	}
	assert.NotContains(t, fields, "cluster.scheduled", "the cluster's own footprints are there")
	assert.Equal(t, field.ErrorTypeNotSupported, fields[fmt.Sprintf("cluster.scheduled[%d].tier", len(a.Scheduled)-1)])
}
