package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/pins"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// TestFromTheRecordedPlan: what the render command reads from prod's plan: every release of the pin
// table with the program's values and the chart reference it fetches, the mirror's images, and the
// Pod Security level of the namespaces the program labels. With no chart pulled, each release is a
// finding that says what to pull from where.
func TestFromTheRecordedPlan(t *testing.T) {
	g, err := plan.Record("../..", "prod")
	require.NoError(t, err)
	rels, o, err := FromGraph(g, t.TempDir())
	require.NoError(t, err)
	require.Len(t, rels, len(pins.Charts), "one release per chart row")
	for _, r := range rels {
		pin, err := pins.ChartOf(r.Name)
		require.NoError(t, err)
		assert.Equal(t, pin.Version, r.Version, r.Name)
		assert.NotEmpty(t, r.Namespace, r.Name)
		assert.True(t, strings.HasPrefix(r.Ref, "oci://123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror/charts/"+pin.Name), "%s from the mirror: %s", r.Name, r.Ref)
	}
	assert.Equal(t, "1.35", o.KubeVersion)
	assert.Contains(t, o.Images, "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror/ghcr.io/cloudnative-pg/postgresql:18.4-standard-trixie")
	assert.Equal(t, "baseline", o.PodSecurity["velero"])
	assert.NotEmpty(t, o.PodSecurity["monitoring"])

	rep := Render(rels, o)
	missing := findings(rep, KindChart)
	require.Len(t, missing, len(rels))
	assert.Contains(t, missing[0].Detail, "helm pull oci://123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror/charts/")
}
