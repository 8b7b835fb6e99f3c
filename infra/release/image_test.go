package release

import (
	"testing"

	"github.com/distribution/reference"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/pins"
)

// TestImageShapesAgreeWithDockerReferences: both shapes a chart composes back into a reference must
// name what the distribution project's reference parser (the grammar container runtimes pull by) reads
// from the resolved reference: the same domain, path and tag, for the mirror and for upstream.
func TestImageShapesAgreeWithDockerReferences(t *testing.T) {
	mirror := config.Registries{Images: map[string]string{
		"quay.io":         "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/quay",
		"cr.fluentbit.io": "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn",
	}}
	for _, reg := range []config.Registries{{}, mirror} {
		for _, key := range []string{pins.ImagePrometheus, pins.ImageFluentBit, pins.ImageNodeExporter} {
			img := Image(reg, key)
			named, err := reference.ParseNormalizedNamed(reg.Image(pins.Ref(key)))
			require.NoError(t, err, key)
			tagged, ok := named.(reference.Tagged)
			require.True(t, ok, "%s: pinned images are tagged", key)

			split := img.Split()
			assert.Equal(t, reference.Domain(named), split["registry"], key)
			assert.Equal(t, reference.Path(named), split["repository"], key)
			assert.Equal(t, tagged.Tag(), split["tag"], key)

			joined := img.Joined()
			assert.Equal(t, named.Name(), joined["repository"], key)
			assert.Equal(t, tagged.Tag(), joined["tag"], key)
		}
	}
}
