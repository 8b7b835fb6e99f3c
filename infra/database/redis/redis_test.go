package redis_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/database/internal/dbtest"
	"github.com/suoke-life/suoke-platform/infra/database/redis"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

var at = dbtest.At

type deployed struct {
	dbtest.Deployed
	redis *redis.Outputs
}

// deploy builds the replication group under the mocks as the data tier component does: under a
// stand-in of the component, with its data key, from Args that pass Validate.
func deploy(t *testing.T, cfg *config.Platform) deployed {
	t.Helper()
	var out *redis.Outputs
	d := dbtest.Deploy(t, cfg, func(s dbtest.Stage) error {
		parent, key, err := s.Component()
		if err != nil {
			return err
		}
		a := dbtest.RedisArgs(cfg)
		a.Prefix, a.Parent, a.AZs, a.Protect, a.Tags, a.Key = "database", parent, cfg.AZNames(), cfg.Protect, dbtest.Tags, key
		if errs := a.Validate(field.NewPath("redis"), cfg.Stack); len(errs) > 0 {
			return errs.ToAggregate()
		}
		out, err = redis.New(s.Ctx, a)
		return err
	})
	return deployed{Deployed: d, redis: out}
}

func TestRedisWithIAMUsers(t *testing.T) {
	cfg := dbtest.PlatformFor(t, "cn-northwest-1", nil)
	d := deploy(t, cfg)
	rg := d.One(t, dbtest.TypeRG)
	assert.Equal(t, 3.0, rg.Inputs["numCacheClusters"])
	assert.ElementsMatch(t, []any{"cn-northwest-1a", "cn-northwest-1b", "cn-northwest-1c"}, rg.Inputs["preferredCacheClusterAzs"])
	assert.Equal(t, true, rg.Inputs["multiAzEnabled"])
	assert.Equal(t, true, rg.Inputs["automaticFailoverEnabled"])
	assert.Equal(t, true, rg.Inputs["atRestEncryptionEnabled"])
	assert.Contains(t, rg.Inputs["kmsKeyId"], "arn:aws-cn:kms:cn-northwest-1:123456789012:key/")
	assert.Equal(t, true, rg.Inputs["transitEncryptionEnabled"])
	assert.Equal(t, "required", rg.Inputs["transitEncryptionMode"])
	assert.Equal(t, []any{"sg-data"}, rg.Inputs["securityGroupIds"])
	assert.Equal(t, "cache.r6g.xlarge", rg.Inputs["nodeType"])
	assert.Equal(t, 7.0, rg.Inputs["snapshotRetentionLimit"])
	// The final snapshot carries the ID AWS gave the data key in this build (the mocks' ID here).
	key := d.One(t, dbtest.TypeKey)
	require.NotEmpty(t, key.ID)
	assert.Equal(t, "suoke-prod-final-"+key.ID, rg.Inputs["finalSnapshotIdentifier"])
	assert.Contains(t, rg.Dependencies, key.URN)
	assert.NotContains(t, rg.Inputs, "authToken", "IAM authentication: no static password")
	assert.Equal(t, []any{"suoke-prod-redis"}, rg.Inputs["userGroupIds"])
	assert.True(t, rg.Protect)
	assert.Equal(t, redis.AuthIAM, d.redis.Auth)

	users := d.OfType(dbtest.TypeUser)
	caches := 0
	for _, s := range cfg.Services {
		if s.Cache {
			caches++
		}
	}
	require.Len(t, users, caches+1, "one per cache service, plus the disabled default user")
	for _, u := range users {
		if u.Inputs["userName"] == "default" {
			assert.Equal(t, "off -@all", u.Inputs["accessString"])
			assert.Equal(t, []any{plan.Secret}, at(u, "authenticationMode", "passwords"), "masked")
			continue
		}
		assert.Equal(t, "iam", at(u, "authenticationMode", "type"))
		assert.Equal(t, u.Inputs["userId"], u.Inputs["userName"], "IAM users' ID and name are equal")
		assert.Contains(t, u.Inputs["accessString"], "-@dangerous")
	}
	assert.Equal(t, "prod-xiaoai", d.redis.Users["xiaoai"])
	params := d.One(t, "aws:elasticache/parameterGroup:ParameterGroup")
	assert.Equal(t, "redis7", params.Inputs["family"])
	assert.Equal(t, []any{map[string]any{"name": "maxmemory-policy", "value": "volatile-lru"}}, params.Inputs["parameters"])
}

func TestRedisTokenWhereIAMIsNotOffered(t *testing.T) {
	d := deploy(t, dbtest.PlatformFor(t, "cn-northwest-1", map[string]string{config.KeyCache: `{"engineVersion": "6.2"}`}))
	rg := d.One(t, dbtest.TypeRG)
	assert.Equal(t, plan.Secret, rg.Inputs["authToken"], "the AUTH token reaches the plan only masked")
	assert.NotContains(t, rg.Inputs, "userGroupIds")
	assert.Empty(t, d.OfType(dbtest.TypeUser))
	assert.Equal(t, redis.AuthToken, d.redis.Auth)
	assert.Equal(t, "redis6.x", d.One(t, "aws:elasticache/parameterGroup:ParameterGroup").Inputs["family"])
	var token *plan.Resource
	for _, v := range d.OfType("aws:secretsmanager/secretVersion:SecretVersion") {
		if v.Name == "database-redis-auth-value" {
			token = &v
		}
	}
	require.NotNil(t, token, "the AUTH token's secret version")
	assert.Equal(t, []string{"secretString"}, token.IgnoreChanges)
}
