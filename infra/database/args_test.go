package database_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/database"
	"github.com/suoke-life/suoke-platform/infra/database/internal/dbtest"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

type fakeProvider struct{ pulumi.ProviderResourceState }

func validArgs(t *testing.T) database.Args {
	cfg := dbtest.PlatformFor(t, "cn-northwest-1", nil)
	env := &identity.Env{Partition: "aws-cn", Region: "cn-northwest-1", AccountID: "123456789012", DNSSuffix: "amazonaws.com.cn"}
	return database.Args{Env: env, AZs: cfg.AZNames(), Redis: dbtest.RedisArgs(cfg), Postgres: dbtest.PostgresArgs(cfg, env, &fakeProvider{})}
}

// TestArgsValidate: the component checks its own fields and each part's, under the part's path
// (the parts' own tests cover each of their checks).
func TestArgsValidate(t *testing.T) {
	require.Empty(t, validArgs(t).Validate(field.NewPath("database"), "prod"))
	cases := []struct {
		name  string
		edit  func(*database.Args)
		field string
		typ   field.ErrorType
	}{
		{"no env", func(a *database.Args) { a.Env = nil }, "database.env", field.ErrorTypeRequired},
		{"no AZs", func(a *database.Args) { a.AZs = nil }, "database.azs", field.ErrorTypeRequired},
		{"redis nodes", func(a *database.Args) { a.Redis.Nodes = 0 }, "database.redis.nodes", field.ErrorTypeInvalid},
		{"no provider", func(a *database.Args) { a.Postgres.KubeProvider = nil }, "database.postgres.kubeProvider", field.ErrorTypeRequired},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs(t)
			c.edit(&a)
			errs := a.Validate(field.NewPath("database"), "prod")
			var found bool
			for _, e := range errs {
				if e.Field == c.field && e.Type == c.typ {
					found = true
				}
			}
			assert.True(t, found, "no %s at %s in %v", c.typ, c.field, errs)
		})
	}
	// Before the cluster exists only Redis is there to check.
	a := validArgs(t)
	a.Postgres = nil
	assert.Empty(t, a.Validate(field.NewPath("database"), "prod"))
}
