package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

var (
	recordedMu sync.Mutex
	recorded   = map[string]*plan.Graph{}
)

// stackGraph records a stack of the repository once per test binary.
func stackGraph(t *testing.T, stack string) *plan.Graph {
	t.Helper()
	recordedMu.Lock()
	defer recordedMu.Unlock()
	if g := recorded[stack]; g != nil {
		return g
	}
	g, err := plan.Record("../..", stack)
	require.NoError(t, err)
	recorded[stack] = g
	return g
}

// graphCopy is a deep copy of a graph's resources and outputs, through JSON as the plan's contract
// carries them, so that a case can break it without touching the others.
func graphCopy(t *testing.T, g *plan.Graph) ([]plan.Resource, map[string]any) {
	t.Helper()
	var rs []plan.Resource
	var outs map[string]any
	b, err := json.Marshal(g.Resources)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &rs))
	b, err = json.Marshal(g.Outputs)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &outs))
	return rs, outs
}

// resource finds the one resource of a type and name, failing when the graph has changed under the case.
func resource(t *testing.T, rs []plan.Resource, typ, name string) *plan.Resource {
	t.Helper()
	for i := range rs {
		if rs[i].Type == typ && rs[i].Name == name {
			return &rs[i]
		}
	}
	require.Failf(t, "no such resource", "%s %s: the graph changed, update this case", typ, name)
	return nil
}

// pool finds a tier's entry in the capacity output.
func pool(t *testing.T, outs map[string]any, tier string) map[string]any {
	t.Helper()
	pools, _ := outs["capacity"].([]any)
	for _, p := range pools {
		if m, _ := p.(map[string]any); m["tier"] == tier {
			return m
		}
	}
	require.Failf(t, "no pool", "capacity has no %s pool", tier)
	return nil
}

func problemsOf(z *ZoneLoss, az string) []string {
	for _, o := range z.Zones {
		if o.AZ == az {
			return o.Problems
		}
	}
	return []string{"no zone " + az}
}

// The zone-loss answer of the stacks that must survive one AZ: prod and its DR copy.
func TestProdSurvivesTheLossOfAnyOneZone(t *testing.T) {
	for _, stack := range []string{"prod", "prod-dr"} {
		t.Run(stack, func(t *testing.T) {
			g := stackGraph(t, stack)
			z := ZoneLossOf(g.Resources, g.Outputs)
			require.NotNil(t, z)
			require.Len(t, z.AZs, 3)
			require.Len(t, z.Zones, 3)
			for _, o := range z.Zones {
				assert.Empty(t, o.Problems, "%s: losing %s", stack, o.AZ)
				require.Len(t, o.Tiers, 5)
				for _, tl := range o.Tiers {
					assert.True(t, tl.Fits && tl.Left > 0 && tl.Left < tl.Nodes, "%s %s: %+v", o.AZ, tl.Tier, tl)
				}
				require.Len(t, o.Postgres, 1)
				assert.Equal(t, 3, o.Postgres[0].Instances)
				assert.Equal(t, 2, o.Postgres[0].Left, "one instance per zone: the lost zone's")
				assert.True(t, o.Postgres[0].SyncStandby)
				require.Len(t, o.Redis, 1)
				assert.Equal(t, 2, o.Redis[0].Left)
				require.NotNil(t, o.NAT)
				assert.Equal(t, 3, o.NAT.Gateways)
				assert.Empty(t, o.NAT.EgressLost)
			}
			assert.True(t, z.Survives)
			// The database pool is one group per AZ: losing one loses exactly its node.
			assert.Equal(t, TierZoneLoss{Tier: "database", Nodes: 3, Lost: 1, Left: 2}, TierZoneLoss{Tier: z.Zones[0].Tiers[3].Tier,
				Nodes: z.Zones[0].Tiers[3].Nodes, Lost: z.Zones[0].Tiers[3].Lost, Left: z.Zones[0].Tiers[3].Left})
		})
	}
}

// Each case breaks prod's recorded graph the way a config or code change would, and the answer must
// name the zone loss it no longer survives.
func TestZoneLossFindsWhatALostZoneBreaks(t *testing.T) {
	g := stackGraph(t, "prod")
	const a, b = "cn-northwest-1a", "cn-northwest-1b"
	const ng, sub = "aws:eks/nodeGroup:NodeGroup", "aws:ec2/subnet:Subnet"
	cases := []struct {
		name   string
		break_ func(t *testing.T, rs []plan.Resource, outs map[string]any)
		az     string
		want   string
	}{
		{"a single NAT gateway (natGateways: single)", func(t *testing.T, rs []plan.Resource, outs map[string]any) {
			natA := resource(t, rs, "aws:ec2/natGateway:NatGateway", "network-nat-"+a).ID
			for i := range rs {
				if rs[i].Type == "aws:ec2/route:Route" && rs[i].Inputs["natGatewayId"] != nil {
					rs[i].Inputs["natGatewayId"] = natA
				}
			}
		}, a, "NAT: the private subnets of cn-northwest-1b, cn-northwest-1c route through the NAT gateway here"},
		{"a tier whose nodes are all in one AZ", func(t *testing.T, rs []plan.Resource, outs map[string]any) {
			resource(t, rs, ng, "cluster-agents").Inputs["subnetIds"] = []any{resource(t, rs, sub, "network-private-"+b).ID}
		}, b, "agents: no node left (at minimum size, 4 of its 4 node(s) may be in cn-northwest-1b)"},
		{"PostgreSQL with 2 instances", func(t *testing.T, rs []plan.Resource, outs map[string]any) {
			spec := resource(t, rs, "kubernetes:postgresql.cnpg.io/v1:Cluster", "database-postgres").Inputs["spec"].(map[string]any)
			spec["instances"] = 2.0
			for _, it := range pool(t, outs, "database")["items"].([]any) {
				if m := it.(map[string]any); m["name"] == "data/postgres" {
					m["replicas"] = 2.0
				}
			}
		}, a, "PostgreSQL data/postgres: 1 of 2 instance(s) left, no synchronous standby; writes pause"},
		{"a database node too small for an instance", func(t *testing.T, rs []plan.Resource, outs map[string]any) {
			pool(t, outs, "database")["perNodeCpuMilli"] = 4000.0
		}, a, "PostgreSQL data/postgres: 0 of 3 instance(s) left"},
		{"a monitoring pool with no room for one node's share", func(t *testing.T, rs []plan.Resource, outs map[string]any) {
			pool(t, outs, "monitoring")["perNodeCpuMilli"] = 3000.0
		}, a, "monitoring: what it runs does not fit the 1 node(s) left"},
		{"a pool at minimum size one", func(t *testing.T, rs []plan.Resource, outs map[string]any) {
			resource(t, rs, ng, "cluster-gateway").Inputs["scalingConfig"].(map[string]any)["minSize"] = 1.0
		}, a, "gateway: no node left"},
		{"Redis without automatic failover", func(t *testing.T, rs []plan.Resource, outs map[string]any) {
			resource(t, rs, "aws:elasticache/replicationGroup:ReplicationGroup", "database-redis").Inputs["automaticFailoverEnabled"] = false
		}, a, "Redis suoke-prod: writes stop if the primary was here"},
		{"log indices without replicas", func(t *testing.T, rs []plan.Resource, outs map[string]any) {
			data := resource(t, rs, "kubernetes:core/v1:ConfigMap", "monitoring-logs-bootstrap-files").Inputs["data"].(map[string]any)
			tmpl := data["index-template.json"].(string)
			require.Contains(t, tmpl, `"index.number_of_replicas": 1`)
			data["index-template.json"] = strings.Replace(tmpl, `"index.number_of_replicas": 1`, `"index.number_of_replicas": 0`, 1)
		}, a, "OpenSearch suoke-platform-prod-logs: the shards that were here are lost"},
		{"two dedicated masters", func(t *testing.T, rs []plan.Resource, outs map[string]any) {
			resource(t, rs, "aws:opensearch/domain:Domain", "monitoring-logs").Inputs["clusterConfig"].(map[string]any)["dedicatedMasterCount"] = 2.0
		}, a, "1 of 2 master-eligible node(s) left, under the quorum of 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, outs := graphCopy(t, g)
			c.break_(t, rs, outs)
			z := ZoneLossOf(rs, outs)
			require.NotNil(t, z)
			assert.False(t, z.Survives)
			got := problemsOf(z, c.az)
			assert.True(t, slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, c.want) }),
				"losing %s: want a problem containing %q, got %q", c.az, c.want, got)
		})
	}
	// The unbroken copy survives: the cases fail for what they break.
	rs, outs := graphCopy(t, g)
	assert.True(t, ZoneLossOf(rs, outs).Survives)
}

func TestSpreadPutsTheMostNodesInTheLostZone(t *testing.T) {
	azs := []string{"a", "b", "c"}
	assert.Equal(t, map[string]int{"a": 1, "b": 1, "c": 0}, spread(2, azs, "a"))
	assert.Equal(t, map[string]int{"a": 1, "b": 0, "c": 1}, spread(2, azs, "c"))
	assert.Equal(t, map[string]int{"a": 1, "b": 2, "c": 1}, spread(4, azs, "b"))
	assert.Equal(t, map[string]int{"a": 2, "b": 2, "c": 2}, spread(6, azs, "a"))
	assert.Equal(t, map[string]int{"a": 1}, spread(1, []string{"a"}, "b"))
}

func TestZoneLossSectionsRender(t *testing.T) {
	g := stackGraph(t, "prod")
	rs, outs := graphCopy(t, g)
	resource(t, rs, "aws:eks/nodeGroup:NodeGroup", "cluster-gateway").Inputs["scalingConfig"].(map[string]any)["minSize"] = 1.0
	d := doc(rs, outs, nil)
	d.ZoneLoss = ZoneLossOf(rs, outs)
	var text, md, js bytes.Buffer
	require.NoError(t, WriteText(&text, d))
	require.NoError(t, WriteMarkdown(&md, d))
	require.NoError(t, WriteJSON(&js, d))
	assert.Contains(t, text.String(), "Zone loss: each AZ lost in turn")
	assert.Contains(t, text.String(), "cn-northwest-1a lost: 1 problem(s)")
	assert.Contains(t, text.String(), "    gateway     1 → 0")
	assert.Contains(t, text.String(), "PROBLEM gateway: no node left")
	assert.Contains(t, md.String(), "**Zone loss** (pools at minimum size, before any replacement node): ❌")
	assert.Contains(t, md.String(), "| cn-northwest-1a | 1 → 0 ❌ | 4 → 2 ✅ |")
	var back struct {
		ZoneLoss ZoneLoss `json:"zoneLoss"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.False(t, back.ZoneLoss.Survives)
	assert.Equal(t, []string{"cn-northwest-1a", "cn-northwest-1b", "cn-northwest-1c"}, back.ZoneLoss.AZs)
	assert.Nil(t, ZoneLossOf(nil, nil), "no subnets, no section")
}
