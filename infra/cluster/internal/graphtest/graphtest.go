// Package graphtest is what the cluster packages' tests share: it runs the whole program under the
// mock engine (plan.RecordConfig, the offline plan's own recorder) for the staging stack file, and
// finds resources in the recorded graph.
package graphtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// projectDir is the module's root, found from the test's working directory (its package's folder).
func projectDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the test's folder")
		dir = parent
	}
}

// StackConfig is the staging stack file's config.
func StackConfig(t *testing.T) *plan.StackConfig {
	t.Helper()
	sc, err := plan.LoadStackConfig(projectDir(t), "staging")
	require.NoError(t, err)
	return sc
}

// Record plans the staging stack, its config values first changed by edit (nil: as the file has them).
func Record(t *testing.T, edit func(values map[string]string)) *plan.Graph {
	t.Helper()
	sc := StackConfig(t)
	if edit != nil {
		edit(sc.Values)
	}
	g, err := plan.RecordConfig(sc)
	require.NoError(t, err)
	return g
}

// Global moves the stack to a global region (an edit for Record).
func Global(values map[string]string) {
	values[config.RegionKey] = "us-east-1"
	values[config.Namespace+":"+config.KeyDRRegion] = "us-west-2"
}

// ByName is the resource of the type and name, nil if there is none.
func ByName(g *plan.Graph, typ, name string) *plan.Resource {
	for i := range g.Resources {
		if g.Resources[i].Type == typ && g.Resources[i].Name == name {
			return &g.Resources[i]
		}
	}
	return nil
}

// OfType are the resources of the type.
func OfType(g *plan.Graph, typ string) []*plan.Resource {
	var out []*plan.Resource
	for i := range g.Resources {
		if g.Resources[i].Type == typ {
			out = append(out, &g.Resources[i])
		}
	}
	return out
}
