// Package tests runs the whole program for every stack file as it is, and checks what reviewers and
// users rely on: the sizing baseline, the policies, the outputs, the partitions, and the golden plan summaries.
package tests

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
	"github.com/suoke-life/suoke-platform/infra/report"
)

var update = flag.Bool("update", false, "rewrite the golden plans and the README's config reference")

// projectDir is the repository root, where Pulumi.yaml lives.
const projectDir = ".."

func stacks(t *testing.T) []string {
	names := plan.StackNames(projectDir)
	require.Subset(t, names, []string{"prod", "staging", "prod-dr"})
	return names
}

func record(t *testing.T, stack string) (*plan.Graph, *report.Document) {
	t.Helper()
	g, err := plan.Record(projectDir, stack)
	require.NoError(t, err)
	return g, report.Build(g, policy.Evaluate(g))
}

func TestEveryStackPlansAndPassesPolicies(t *testing.T) {
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			_, doc := record(t, s)
			assert.NotEmpty(t, doc.Resources)
			for _, r := range policy.Failed(doc.Policies) {
				t.Errorf("policy %s failed on %s: %s", r.ID, r.Resource, r.Message)
			}
		})
	}
}

func TestProdMatchesSizingPlan(t *testing.T) {
	g, doc := record(t, "prod")
	assert.Equal(t, "prod", g.Environment)
	want := map[string]int{"gateway": 2, "agents": 4, "business": 6, "database": 3, "monitoring": 2}
	require.Len(t, doc.NodePools, len(want))
	for _, p := range doc.NodePools {
		assert.Equal(t, want[p.Tier], p.TotalDesired(), p.Tier)
		assert.GreaterOrEqual(t, p.VCPU, p.PlanVCPU, p.Tier)
		assert.GreaterOrEqual(t, p.MemoryGiB, float64(p.PlanMemoryGiB), p.Tier)
	}
	n := report.Network(doc.Resources)
	assert.Equal(t, 3, n.NATs, "one NAT gateway per AZ in prod")
	assert.Len(t, n.Subnets, 9)
}

func TestStagingIsSmallerButComplete(t *testing.T) {
	_, prod := record(t, "prod")
	_, staging := record(t, "staging")
	prodNodes, stagingNodes := 0, 0
	for i := range prod.NodePools {
		prodNodes += prod.NodePools[i].TotalDesired()
		stagingNodes += staging.NodePools[i].TotalDesired()
		assert.Equal(t, prod.NodePools[i].Tier, staging.NodePools[i].Tier, "staging keeps every tier")
	}
	assert.Less(t, stagingNodes, prodNodes)
	assert.Equal(t, 1, report.Network(staging.Resources).NATs)
	assert.Len(t, report.Network(staging.Resources).Subnets, 9, "staging still spans 3 AZs")
}

func TestProdDRIsInTheDRRegion(t *testing.T) {
	prod, _ := record(t, "prod")
	dr, _ := record(t, "prod-dr")
	assert.Equal(t, prod.Config.DRRegion.Name, dr.Region, "prod-dr runs where prod sends its backups")
	assert.Equal(t, "dr", dr.Environment)
}

// TestPartitions: the China stacks carry no global ARN, and the same program in a global region
// carries no China ARN, suffix or region.
func TestPartitions(t *testing.T) {
	for _, s := range stacks(t) {
		_, doc := record(t, s)
		b, _ := json.Marshal(doc)
		assert.NotContains(t, string(b), `arn:aws:`, "stack %s has a global-partition ARN", s)
	}

	sc, err := plan.LoadStackConfig(projectDir, "prod")
	require.NoError(t, err)
	sc.Values[config.RegionKey] = "us-east-1"
	sc.Values[config.Namespace+":"+config.KeyDRRegion] = "us-west-2"
	g, err := plan.RecordConfig(sc)
	require.NoError(t, err)
	doc := report.Build(g, policy.Evaluate(g))
	assert.Equal(t, "aws", doc.Partition)
	assert.Empty(t, policy.Failed(doc.Policies))
	b, _ := json.Marshal(doc)
	for _, bad := range []string{"aws-cn", "amazonaws.com.cn", "cn.com.amazonaws", "cn-north"} {
		assert.NotContains(t, string(b), bad)
	}
	assert.Contains(t, string(b), "arn:aws:")
}

// goldenLimit is the size a golden summary must stay under to be read in a pull request: past it,
// summaryFields in infra/report shows too much.
const goldenLimit = 100_000

// TestGoldenPlans compares each stack's plan summary (report.Summary: per component, each resource's
// type, name and the inputs a reviewer reads) with tests/testdata/<stack>.summary, and prints their
// diff on a mismatch; `go test ./tests -update` rewrites them. The full plan is cmd/plan -json (CI
// keeps it as an artifact).
//
// It also checks that every type the summary table has a row for is one some stack registers, so a
// renamed type does not leave its row behind unused.
func TestGoldenPlans(t *testing.T) {
	registered, ran := map[string]bool{}, 0
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			_, doc := record(t, s)
			ran++
			for _, r := range doc.Resources {
				registered[r.Type] = true
			}
			got := report.Summary(doc)
			path := filepath.Join("testdata", s+".summary")
			assert.Less(t, len(got), goldenLimit, "the summary of %s is %d bytes: too long to review", s, len(got))
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden summary: run go test ./tests -update and review it")
			assert.Less(t, len(want), goldenLimit, "%s is over the limit", path)
			if string(want) != got {
				t.Fatalf("the plan of %s differs from %s (go test ./tests -update rewrites it after review):\n%s",
					s, path, report.SummaryDiff(string(want), got, path, "plan of "+s))
			}
		})
	}
	if ran == len(stacks(t)) {
		for _, typ := range report.SummaryTypes() {
			assert.True(t, registered[typ], "infra/report's summary table has a row for %s, which no stack registers", typ)
		}
	}
}
