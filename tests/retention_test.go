package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// TestEveryStackKeepsLogsSixMonths: planned as the stack files are, every stack passes the retention
// rules, and each kind of sink they check is there to check (a rule that finds nothing passes): the
// flow-log group at 180 days or more, the ALB's access-log attributes and bucket, the application-log
// archive beside OpenSearch.
func TestEveryStackKeepsLogsSixMonths(t *testing.T) {
	for _, s := range []string{"prod", "staging", "prod-dr"} {
		t.Run(s, func(t *testing.T) {
			g, err := plan.Record(projectDir, s)
			require.NoError(t, err)
			results := policy.Evaluate(g)
			checked := map[string]int{}
			for _, r := range results {
				if !strings.HasPrefix(r.ID, "RET-") {
					continue
				}
				assert.True(t, r.Passed, "%s %s: %s", r.ID, r.Resource, r.Message)
				if r.Resource != "" {
					checked[r.ID]++
				}
			}
			for _, id := range []string{"RET-001", "RET-002", "RET-003", "RET-004"} {
				assert.Positive(t, checked[id], "%s checked nothing in %s", id, s)
			}
			assert.GreaterOrEqual(t, g.Config.LogRetentionMinimumDays, 180, "the law's six months hold in %s too", s)
			flow := false
			for _, r := range g.Resources {
				if r.Type == "aws:cloudwatch/logGroup:LogGroup" && strings.HasSuffix(r.Inputs["name"].(string), "/vpc-flow-logs") {
					flow = true
					assert.GreaterOrEqual(t, r.Inputs["retentionInDays"], 180.0, "flow logs of %s", s)
				}
			}
			assert.True(t, flow, "%s has no flow-log group", s)
		})
	}
}

// TestRaisedFloorReachesEverySink: a stack that raises logRetentionMinimumDays gets its log buckets'
// expiry raised with it, and is refused while a retention it sets stays below it.
func TestRaisedFloorReachesEverySink(t *testing.T) {
	sc, err := plan.LoadStackConfig(projectDir, "staging")
	require.NoError(t, err)
	sc.Values["suoke-platform:logRetentionMinimumDays"] = "365"
	_, err = plan.RecordConfig(sc)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "flowLogRetentionDays: Invalid value: 180: must be at least logRetentionMinimumDays (365 days)")

	sc.Values["suoke-platform:flowLogRetentionDays"] = "365"
	g, err := plan.RecordConfig(sc)
	require.NoError(t, err)
	expiries := map[string]float64{}
	for _, r := range g.Resources {
		if r.Type != "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2" {
			continue
		}
		for _, rule := range r.Inputs["rules"].([]any) {
			exp, _ := rule.(map[string]any)["expiration"].(map[string]any)
			if d, ok := exp["days"].(float64); ok {
				expiries[r.Name] = d
			}
		}
	}
	assert.Equal(t, 365.0, expiries["cluster-alb-logs"], "ALB access logs")
	assert.Equal(t, 365.0, expiries["monitoring-log-archive"], "application-log archive")
	for _, r := range policy.Evaluate(g) {
		if strings.HasPrefix(r.ID, "RET-") {
			assert.True(t, r.Passed, "%s %s: %s", r.ID, r.Resource, r.Message)
		}
	}
}
