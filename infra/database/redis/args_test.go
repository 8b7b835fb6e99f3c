package redis

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// validArgs are the engine, sizing and network fields as the composition fills them.
func validArgs() Args {
	return Args{Engine: config.EngineRedis, EngineVersion: "7.1", NodeType: "cache.r6g.xlarge", Nodes: 3,
		Settings: config.DefaultRedis(), Users: []string{"xiaoai"},
		DataSubnetIDs: pulumi.StringArray{pulumi.String("subnet-a")}, DataSGID: pulumi.String("sg-data")}
}

// The paths are the component's: it validates this part under database.redis.
func TestArgsValidate(t *testing.T) {
	path := field.NewPath("database").Child("redis")
	require.Empty(t, validArgs().Validate(path, "prod"))
	cases := []struct {
		name  string
		edit  func(*Args)
		field string
		typ   field.ErrorType
	}{
		{"redis nodes", func(a *Args) { a.Nodes = 0 }, "database.redis.nodes", field.ErrorTypeInvalid},
		{"redis node type", func(a *Args) { a.NodeType = "" }, "database.redis.nodeType", field.ErrorTypeRequired},
		{"redis version", func(a *Args) { a.EngineVersion = "5.0" }, "database.redis.engineVersion", field.ErrorTypeInvalid},
		{"redis subnets", func(a *Args) { a.DataSubnetIDs = nil }, "database.redis.dataSubnetIds", field.ErrorTypeRequired},
		{"redis sg", func(a *Args) { a.DataSGID = nil }, "database.redis.dataSgId", field.ErrorTypeRequired},
		{"redis user too long", func(a *Args) { a.Users = []string{strings.Repeat("a", 40)} }, "database.redis.users[0]", field.ErrorTypeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			c.edit(&a)
			errs := a.Validate(path, "prod")
			var found bool
			for _, e := range errs {
				if e.Field == c.field && e.Type == c.typ {
					found = true
				}
			}
			assert.True(t, found, "no %s at %s in %v", c.typ, c.field, errs)
		})
	}
}

func TestRedisAuthAndFamily(t *testing.T) {
	assert.Equal(t, AuthIAM, authMode(config.EngineRedis, "7.1"))
	assert.Equal(t, AuthIAM, authMode(config.EngineValkey, "8.0"))
	assert.Equal(t, AuthToken, authMode(config.EngineRedis, "6.2"))
	for _, c := range []struct {
		engine  config.CacheEngine
		version string
		family  string
	}{{config.EngineRedis, "6.2", "redis6.x"}, {config.EngineRedis, "7.0", "redis7"}, {config.EngineValkey, "7.2", "valkey7"}, {config.EngineValkey, "8.0", "valkey8"}} {
		f, err := parameterGroupFamily(c.engine, c.version)
		require.NoError(t, err)
		assert.Equal(t, c.family, f)
	}
	_, err := parameterGroupFamily(config.EngineRedis, "x")
	assert.Error(t, err)
}
