package pins

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"
)

// TestVersionsThatMustAgree: the operator's CRDs chart, the operator kube-prometheus-stack runs and
// the Go API types (as go.mod selects them, not as this table says) are one prometheus-operator
// release; each image a chart runs at its own version has the chart's app version as its tag.
func TestVersionsThatMustAgree(t *testing.T) {
	crds, err := ChartOf(ReleasePrometheusCRDs)
	require.NoError(t, err)
	stack, err := ChartOf(ReleaseStack)
	require.NoError(t, err)
	assert.Equal(t, crds.AppVersion, stack.AppVersion, "the operator and its CRDs")

	raw, err := os.ReadFile("../../go.mod")
	require.NoError(t, err)
	mod, err := modfile.Parse("go.mod", raw, nil)
	require.NoError(t, err)
	goTypes := ""
	for _, r := range mod.Require {
		if r.Mod.Path == "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring" {
			goTypes = r.Mod.Version
		}
	}
	for _, r := range mod.Replace {
		if r.Old.Path == "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring" {
			goTypes = r.New.Version
		}
	}
	assert.Equal(t, crds.AppVersion, goTypes, "the Go API types (go.mod) and the CRDs they describe")

	// image key -> the release whose app version it is.
	atAppVersion := map[string]string{
		ImageOperator: ReleaseStack, ImageConfigReloader: ReleaseStack,
		ImageCertManager: ReleaseCertManager, ImageCertManagerHook: ReleaseCertManager, ImageCAInjector: ReleaseCertManager,
		ImageACMESolver: ReleaseCertManager, ImageStartupAPICheck: ReleaseCertManager,
		ImageLBController: ReleaseLBController, ImageMetricsServer: ReleaseMetricsServer, ImageVPARecommender: ReleaseVPA,
		ImageYACE: ReleaseCloudWatch, ImageFluentBit: ReleaseFluentBit, ImageCollector: ReleaseCollector, ImageTempo: ReleaseTempo,
		ImageCNPGOperator: ReleaseCNPG, ImageBarmanPlugin: ReleaseBarmanPlugin, ImageBarmanSidecar: ReleaseBarmanPlugin,
		ImageVelero: ReleaseVelero,
	}
	for key, rel := range atAppVersion {
		img, err := ImageOf(key)
		require.NoError(t, err)
		c, err := ChartOf(rel)
		require.NoError(t, err)
		assert.Equal(t, strings.TrimPrefix(c.AppVersion, "v"), strings.TrimPrefix(img.Tag, "v"), "%s runs %s %s's app version", key, rel, c.Version)
	}
}

// TestAutoscalerMatchesEachMinor: the cluster autoscaler's minor must be the cluster's
// (kubernetes/autoscaler README: "use the Cluster Autoscaler version that matches the Kubernetes
// minor version"), for every minor the table supports.
func TestAutoscalerMatchesEachMinor(t *testing.T) {
	minors := KubernetesMinors()
	require.NotEmpty(t, minors)
	for _, v := range minors {
		img, err := ImageFor(ImageAutoscaler, v)
		require.NoError(t, err)
		assert.Regexp(t, `^v`+regexp.QuoteMeta(v)+`\.\d+$`, img.Tag, v)
	}
	_, err := ImageFor(ImageAutoscaler, "1.20")
	assert.Error(t, err, "no autoscaler for a minor the table does not cover")
}

// TestRowsAreWellFormed: every row is complete, keys are unique (per Kubernetes minor), every image
// names a chart row or none, and every reference is fully qualified with a tag.
func TestRowsAreWellFormed(t *testing.T) {
	releases := map[string]bool{}
	for _, c := range Charts {
		assert.False(t, releases[c.Release], "release %s twice", c.Release)
		releases[c.Release] = true
		for _, f := range []string{c.Release, c.Repo, c.Name, c.Version, c.AppVersion, c.Source} {
			assert.NotEmpty(t, f, "%+v", c)
		}
		assert.Regexp(t, `^(https|oci)://`, c.Repo)
	}
	seen := map[string]bool{}
	for _, i := range Images {
		id := i.Key + "@" + i.Kubernetes
		assert.False(t, seen[id], "image %s twice", id)
		seen[id] = true
		assert.NotEmpty(t, i.Source, i.Key)
		assert.Regexp(t, `^[a-z0-9.-]+\.[a-z]+(:\d+)?/[a-z0-9._/-]+$`, i.Repository, "fully qualified: %s", i.Key)
		assert.Regexp(t, `^[\w][\w.-]{0,127}$`, i.Tag, "a tag: %s", i.Key)
		if i.Release != "" {
			assert.True(t, releases[i.Release], "%s names release %s, which has no chart row", i.Key, i.Release)
		}
		if i.Kubernetes == "" {
			assert.Equal(t, i.Ref(), Ref(i.Key))
		}
	}
	assert.Equal(t, "", Ref("no-such-image"))
	_, err := ChartOf("no-such-release")
	assert.Error(t, err)
}
