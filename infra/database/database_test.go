package database_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/database"
	"github.com/suoke-life/suoke-platform/infra/database/internal/dbtest"
	"github.com/suoke-life/suoke-platform/infra/footprint"
)

var at = dbtest.At

type deployed struct {
	dbtest.Deployed
	db *database.Database
}

// deploy runs the component under the offline plan's mocks, its Args filled as the composition
// fills them (stand-ins for the network's and the cluster's outputs).
func deploy(t *testing.T, cfg *config.Platform, edit func(*database.Args)) deployed {
	t.Helper()
	var db *database.Database
	d := dbtest.Deploy(t, cfg, func(s dbtest.Stage) error {
		args := database.Args{Env: s.Env, AZs: cfg.AZNames(), Protect: cfg.Protect, Tags: dbtest.Tags,
			Redis: dbtest.RedisArgs(cfg), Postgres: dbtest.PostgresArgs(cfg, s.Env, s.K8s)}
		if edit != nil {
			edit(&args)
		}
		var err error
		db, err = database.New(s.Ctx, "database", args, s.Providers)
		return err
	})
	return deployed{Deployed: d, db: db}
}

func TestStagingIsSmallerButComplete(t *testing.T) {
	cfg, err := config.Parse(config.Input{Project: config.Namespace, Stack: "staging", Region: "cn-northwest-1", Values: map[string]string{
		config.KeyNodePools: `{"database": {"min": 1, "desired": 1, "max": 1, "vcpu": 2, "memoryGiB": 8}}`,
		config.KeyCache:     `{"vcpu": 2, "memoryGiB": 6}`,
	}})
	require.NoError(t, err)
	d := deploy(t, cfg, func(a *database.Args) {
		a.Postgres.NodeAllocatable = footprint.Resources{CPUMilli: 1930, MemoryMiB: 7108} // m6i.large
	})
	c := d.One(t, dbtest.TypeCluster)
	assert.Equal(t, 3.0, at(c, "spec", "instances"), "still one per AZ")
	assert.Equal(t, map[string]any{"cpu": "900m", "memory": "4608Mi"}, at(c, "spec", "resources", "requests"))
	assert.False(t, c.Protect)
	rg := d.One(t, dbtest.TypeRG)
	assert.Equal(t, "cache.m6g.large", rg.Inputs["nodeType"])
	assert.Len(t, rg.Inputs["preferredCacheClusterAzs"], 3)
}

func TestRedisOnlyWithoutTheCluster(t *testing.T) {
	d := deploy(t, dbtest.PlatformFor(t, "cn-northwest-1", nil), func(a *database.Args) { a.Postgres = nil })
	for _, r := range d.Resources {
		assert.False(t, strings.HasPrefix(r.Type, "kubernetes:") && r.Type != "pulumi:providers:kubernetes", r.Type)
	}
	assert.Nil(t, d.db.Postgres)
	assert.Len(t, d.OfType(dbtest.TypeRG), 1)
	key := d.One(t, dbtest.TypeKey)
	assert.True(t, key.Protect)
	assert.Equal(t, true, key.Inputs["enableKeyRotation"])
}

// TestThePartsAreTheComponentsChildren: the parts register every resource under the component
// (they have no component of their own, so the URNs are those of its children), and Redis uses the
// component's key.
func TestThePartsAreTheComponentsChildren(t *testing.T) {
	d := deploy(t, dbtest.PlatformFor(t, "cn-northwest-1", nil), nil)
	component := d.URNOf(t, "database")
	parents := map[string]string{}
	for _, r := range d.Resources {
		parents[r.URN] = r.Parent
	}
	under := func(urn string) bool {
		for p := parents[urn]; p != ""; p = parents[p] {
			if p == component {
				return true
			}
		}
		return false
	}
	for _, r := range d.Resources {
		if r.URN == component || strings.HasPrefix(r.Type, "pulumi:") {
			continue
		}
		assert.True(t, under(r.URN), "%s (%s) is not under the component", r.Name, r.Type)
	}
	assert.NotEmpty(t, d.OfType(dbtest.TypeCluster))
	key := d.One(t, dbtest.TypeKey)
	assert.Equal(t, component, key.Parent)
	assert.Contains(t, d.One(t, dbtest.TypeRG).Dependencies, key.URN, "Redis is encrypted with the component's key")
	assert.Equal(t, "postgres-rw.data.svc.cluster.local", d.db.Postgres.RWHost)
}
