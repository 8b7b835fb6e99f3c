package tenancy_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/cluster/internal/graphtest"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

type policyDoc struct {
	Statement []struct {
		Effect   string
		Action   any
		Resource any
	}
}

var byName, global = graphtest.ByName, graphtest.Global

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, e.(string))
		}
		return out
	}
	return nil
}

// inputOf finds the resource of a type whose input key has the value.
func inputOf(g *plan.Graph, typ, key, value string) *plan.Resource {
	for _, r := range ofType(g, typ) {
		if r.Inputs[key] == value {
			return r
		}
	}
	return nil
}

// TestEveryServiceHasARoleAndConnectsToRedisAsItself: for every default service, from the recorded
// graph: a role only its own service account can assume, annotated on that account; for a Redis
// user, elasticache:Connect on exactly the replication group and its own user, as the data tier
// names them (the ARNs are checked against the recorded group and user, in the stack's partition,
// region and account); nothing else. blockchain does not use Redis and gets no policy at all.
func TestEveryServiceHasARoleAndConnectsToRedisAsItself(t *testing.T) {
	g := record(t, nil)
	group := ofType(g, "aws:elasticache/replicationGroup:ReplicationGroup")
	require.Len(t, group, 1)
	groupID := group[0].Inputs["replicationGroupId"].(string)
	const prefix = "arn:aws-cn:elasticache:cn-northwest-1:123456789012:"
	for _, s := range theServices {
		role := byName(g, "aws:iam/role:Role", "cluster-sa-"+s.name)
		require.NotNil(t, role, "%s has a role", s.name)
		trust := role.Inputs["assumeRolePolicy"].(string)
		assert.Contains(t, trust, `:sub":"system:serviceaccount:`+s.ns+`:`+s.name+`"`, s.name)

		var sa *plan.Resource
		for _, r := range ofType(g, "kubernetes:core/v1:ServiceAccount") {
			md := r.Inputs["metadata"].(map[string]any)
			if md["name"] == s.name && md["namespace"] == s.ns {
				sa = r
			}
		}
		require.NotNil(t, sa, "%s has a service account in %s", s.name, s.ns)
		ann := sa.Inputs["metadata"].(map[string]any)["annotations"].(map[string]any)
		assert.NotEmpty(t, ann["eks.amazonaws.com/role-arn"], "%s's account names its role", s.name)

		pol := byName(g, "aws:iam/rolePolicy:RolePolicy", "cluster-sa-"+s.name)
		if !s.cache {
			assert.Nil(t, pol, "%s uses no AWS service: its role has no policy", s.name)
			continue
		}
		require.NotNil(t, pol, s.name)
		user := inputOf(g, "aws:elasticache/user:User", "userName", "staging-"+s.name)
		require.NotNil(t, user, "the data tier has a Redis user for %s", s.name)
		assert.Equal(t, user.Inputs["userName"], user.Inputs["userId"])
		var d policyDoc
		require.NoError(t, json.Unmarshal([]byte(pol.Inputs["policy"].(string)), &d))
		require.Len(t, d.Statement, 1, "%s: Redis only", s.name)
		st := d.Statement[0]
		assert.Equal(t, "Allow", st.Effect)
		assert.Equal(t, []string{"elasticache:Connect"}, strs(st.Action), s.name)
		assert.ElementsMatch(t, []string{prefix + "replicationgroup:" + groupID, prefix + "user:" + user.Inputs["userId"].(string)}, strs(st.Resource), s.name)
	}
}

// TestAWSAccessStatementsAreRendered: configured statements land in the role as written, after the
// Redis statement, and never as Resource "*".
func TestAWSAccessStatementsAreRendered(t *testing.T) {
	g := record(t, func(v map[string]string) {
		svcs := config.DefaultServices()
		svcs[5].AWSAccess = []config.AWSGrant{{Actions: []string{"s3:GetObject", "s3:PutObject"}, Resources: []string{"arn:aws-cn:s3:::suoke-avatars-staging/users/*"}}}
		b, err := json.Marshal(servicesValue(svcs))
		require.NoError(t, err)
		v[config.Namespace+":"+config.KeyServices] = string(b)
	})
	pol := byName(g, "aws:iam/rolePolicy:RolePolicy", "cluster-sa-user-management")
	require.NotNil(t, pol)
	var d policyDoc
	require.NoError(t, json.Unmarshal([]byte(pol.Inputs["policy"].(string)), &d))
	require.Len(t, d.Statement, 2)
	assert.Equal(t, []string{"elasticache:Connect"}, strs(d.Statement[0].Action))
	assert.Equal(t, []string{"s3:GetObject", "s3:PutObject"}, strs(d.Statement[1].Action))
	assert.Equal(t, []string{"arn:aws-cn:s3:::suoke-avatars-staging/users/*"}, strs(d.Statement[1].Resource))
	for _, s := range theServices {
		if r := byName(g, "aws:iam/rolePolicy:RolePolicy", "cluster-sa-"+s.name); r != nil {
			assert.NotContains(t, r.Inputs["policy"], `"Resource":"*"`, r.Name)
		}
	}
}

// TestWildcardAWSAccessFailsThePlan: the whole program refuses a wildcard resource and s3:*, naming
// the field path and the value, before any resource is recorded.
func TestWildcardAWSAccessFailsThePlan(t *testing.T) {
	sc := graphtest.StackConfig(t)
	svcs := config.DefaultServices()
	svcs[5].AWSAccess = []config.AWSGrant{{Actions: []string{"s3:*"}, Resources: []string{"*"}}}
	b, err := json.Marshal(servicesValue(svcs))
	require.NoError(t, err)
	sc.Values[config.Namespace+":"+config.KeyServices] = string(b)
	_, err = plan.RecordConfig(sc)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `services[5].awsAccess[0].actions[0]: Forbidden: "s3:*"`)
	assert.Contains(t, err.Error(), `services[5].awsAccess[0].resources[0]: Forbidden: "*"`)
}

// TestRedisConnectFollowsThePartition: the same service in a global-region stack names the aws
// partition, its region and the same account; nothing of aws-cn remains in any service's policy.
func TestRedisConnectFollowsThePartition(t *testing.T) {
	g := record(t, global)
	pol := byName(g, "aws:iam/rolePolicy:RolePolicy", "cluster-sa-xiaoai")
	require.NotNil(t, pol)
	var d policyDoc
	require.NoError(t, json.Unmarshal([]byte(pol.Inputs["policy"].(string)), &d))
	require.Len(t, d.Statement, 1)
	assert.ElementsMatch(t, []string{
		"arn:aws:elasticache:us-east-1:123456789012:replicationgroup:suoke-staging",
		"arn:aws:elasticache:us-east-1:123456789012:user:staging-xiaoai",
	}, strs(d.Statement[0].Resource))
	for _, s := range theServices {
		if r := byName(g, "aws:iam/rolePolicy:RolePolicy", "cluster-sa-"+s.name); r != nil {
			assert.NotContains(t, r.Inputs["policy"], "aws-cn", s.name)
		}
	}
}
