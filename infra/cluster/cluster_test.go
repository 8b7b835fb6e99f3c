package cluster

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/network"
)

// TestAllocatable checks the kubelet-reservation arithmetic on the plan's types.
func TestAllocatable(t *testing.T) {
	cat, _ := config.CatalogFor("cn-northwest-1")
	cases := map[string]Resources{
		// 4000 - (60+10+5+5); 8192×0.95 - (255+11×58) - 100
		"c6i.xlarge": {3920, 6789},
		// 8000 - (60+10+5+5+4×2.5); 16384×0.95 - (255+11×58) - 100
		"c6i.2xlarge": {7910, 14571},
		// 32768×0.95 - 893 - 100
		"m6i.2xlarge": {7910, 30136},
		// 2000 - 70; 8192×0.95 - (255+11×29) - 100
		"m6i.large": {1930, 7108},
	}
	for typ, want := range cases {
		assert.Equal(t, want, Allocatable(cat.EC2[typ]), typ)
	}
}

func TestCapacitySumsDaemonSetsPerNode(t *testing.T) {
	cat, _ := config.CatalogFor("cn-northwest-1")
	pools := map[config.Tier]config.NodePool{}
	for _, tier := range config.AllTiers() {
		pools[tier] = config.NodePool{Desired: 2, Max: 4, InstanceType: "c6i.xlarge"}
	}
	items := []footprint.Footprint{
		{Tier: config.TierMonitoring, Name: "a", Replicas: 2, CPUMilli: 100, MemoryMiB: 200},
		{Tier: config.TierMonitoring, Name: "ds", PerNode: true, CPUMilli: 10, MemoryMiB: 20},
		{Tier: config.TierDatabase, Name: "ds", PerNode: true, CPUMilli: 10, MemoryMiB: 20},
	}
	got := capacity(pools, 3, cat, items)
	require.Len(t, got, 5)
	mon := got[4]
	assert.Equal(t, config.TierMonitoring, mon.Tier)
	assert.Equal(t, 2*100+2*10, mon.RequestedCPUMilli)
	assert.Equal(t, 2*200+2*20, mon.RequestedMemoryMiB)
	assert.Equal(t, 2*3920, mon.AllocatableCPUMilli)
	assert.True(t, mon.Fits())
	db := got[3]
	assert.Equal(t, 6, db.Nodes, "database counts are per AZ")
	assert.Equal(t, 60, db.RequestedCPUMilli)

	heavy := capacity(pools, 3, cat, []footprint.Footprint{{Tier: config.TierGateway, Name: "big", Replicas: 2, CPUMilli: 3500, MemoryMiB: 100}})
	assert.False(t, heavy[0].Fits(), "7000m of 7840m leaves less than the 20% headroom")
}

func TestQuotaIsMaxCapacityLessOverheads(t *testing.T) {
	cat, _ := config.CatalogFor("cn-northwest-1")
	pool := config.NodePool{Desired: 2, Max: 4, InstanceType: "c6i.xlarge"}
	q := quotaFor(config.TierGateway, pool, cat, []footprint.Footprint{{Tier: config.TierGateway, Name: "ds", PerNode: true, CPUMilli: 100, MemoryMiB: 100}})
	assert.Equal(t, 12224, q.CPUMilli, "(4×3920 - 4×100) × 0.8")
	assert.Equal(t, 21404, q.MemoryMiB, "(4×6789 - 4×100) × 0.8, rounded down")
	assert.Equal(t, 4*58-4, q.Pods)
	assert.Equal(t, map[string]string{"requests.cpu": "12224m", "requests.memory": "21404Mi", "limits.memory": "42808Mi", "pods": "228"}, q.Hard())
}

func TestPoliciesForTheFlows(t *testing.T) {
	layout, err := network.Layout("10.40.0.0/16", []string{"a", "b", "c"})
	require.NoError(t, err)
	cidrs := map[network.Role][]string{}
	for _, s := range layout {
		cidrs[s.Role] = append(cidrs[s.Role], s.CIDR)
	}
	svcs := config.DefaultServices()
	names := func(ps []NetPolicy) map[string]NetPolicy {
		out := map[string]NetPolicy{}
		for _, p := range ps {
			out[p.Name] = p
		}
		return out
	}
	gw := names(policiesFor(config.TierGateway, svcs, cidrs, "10.40.0.0/16"))
	require.Contains(t, gw, "default-deny")
	assert.Empty(t, gw["default-deny"].Ingress)
	assert.Empty(t, gw["default-deny"].Egress)
	assert.Equal(t, []string{"Ingress", "Egress"}, gw["default-deny"].Types)
	assert.Equal(t, []netPeer{{CIDR: "10.40.96.0/22"}, {CIDR: "10.40.100.0/22"}, {CIDR: "10.40.104.0/22"}}, gw["allow-load-balancer"].Ingress[0].Peers, "the ALB lives in the public subnets")
	assert.Equal(t, []netPort{{"TCP", 8080}}, gw["allow-load-balancer"].Ingress[0].Ports)
	assert.Equal(t, tcp(8001, 8002, 8003, 8004), gw["allow-to-backends"].Egress[0].Ports, "gateway → agents on their ports")
	assert.Equal(t, tcp(8010, 8020, 8030, 8040), gw["allow-to-backends"].Egress[1].Ports, "gateway → business on their ports")
	assert.NotContains(t, gw, "allow-postgres", "no namespace-wide data flows: each service's own policy")
	gwEgress := gw["egress-api-gateway"]
	assert.Equal(t, map[string]string{LabelService: "api-gateway"}, gwEgress.Pods)
	require.Len(t, gwEgress.Egress, 2, "Redis and the AWS endpoints (STS for its Redis token); no database")
	assert.Equal(t, tcp(RedisPort), gwEgress.Egress[0].Ports)
	assert.Equal(t, []netPeer{{CIDR: "10.40.108.0/22"}, {CIDR: "10.40.112.0/22"}, {CIDR: "10.40.116.0/22"}}, gwEgress.Egress[0].Peers, "Redis lives in the data subnets")
	assert.Equal(t, tcp(HTTPSPort), gwEgress.Egress[1].Ports)

	biz := names(policiesFor(config.TierBusiness, svcs, cidrs, "10.40.0.0/16"))
	assert.Equal(t, []netPeer{{Namespace: "gateway"}}, biz["allow-from-gateway"].Ingress[0].Peers)
	chain := biz["egress-blockchain"]
	require.Len(t, chain.Egress, 1, "blockchain: PostgreSQL only (no cache, no AWS, no declared egress)")
	assert.Equal(t, tcp(PostgresPort), chain.Egress[0].Ports)
	assert.Equal(t, []netPeer{{Namespace: NamespaceData}}, chain.Egress[0].Peers)
	assert.Equal(t, tcp(OTLPGRPCPort, OTLPHTTPPort), biz["allow-telemetry"].Egress[0].Ports)
	assert.Equal(t, []netPort{{"UDP", 53}, {"TCP", 53}}, biz["allow-dns"].Egress[0].Ports)
	assert.Equal(t, tcp(MetricsPort), biz["allow-metrics-scrape"].Ingress[0].Ports)
	assert.Equal(t, []netPeer{{Namespace: NamespaceMonitoring, Pods: PrometheusPods}}, biz["allow-metrics-scrape"].Ingress[0].Peers)

	withAWS := append([]config.Service(nil), svcs...)
	withAWS[5].AWSAccess = []config.AWSGrant{{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws-cn:s3:::media/*"}}}
	withAWS[6].AWSAccess = []config.AWSGrant{{Actions: []string{"kms:Decrypt"}, Resources: []string{"arn:aws-cn:kms:cn-northwest-1:123456789012:key/k"}}}
	biz = names(policiesFor(config.TierBusiness, withAWS, cidrs, "10.40.0.0/16"))
	um := biz["egress-user-management"]
	assert.Equal(t, []netPeer{{CIDR: "0.0.0.0/0", Except: []string{"10.40.0.0/16"}}}, um.Egress[len(um.Egress)-1].Peers, "S3 is reached beyond the VPC (gateway endpoint)")
	hd := biz["egress-unified-health-data"]
	for _, r := range hd.Egress {
		assert.NotEqual(t, "0.0.0.0/0", r.Peers[0].CIDR, "KMS answers on its interface endpoint: nothing beyond the VPC")
	}
}

func TestKubeconfigUsesExecCredentials(t *testing.T) {
	var k map[string]any
	require.NoError(t, json.Unmarshal([]byte(Kubeconfig("c1", "cn-north-1", "https://x", "Q0E=")), &k))
	user := k["users"].([]any)[0].(map[string]any)["user"].(map[string]any)["exec"].(map[string]any)
	assert.Equal(t, "aws", user["command"])
	assert.Equal(t, []any{"eks", "get-token", "--cluster-name", "c1", "--region", "cn-north-1"}, user["args"])
	assert.NotContains(t, Kubeconfig("c1", "cn-north-1", "https://x", "Q0E="), "token\":", "no stored token")
}

func TestArgsValidate(t *testing.T) {
	errs := Args{Name: "bad name!", Config: config.ClusterConfig{Version: "1.20"}}.Validate(field.NewPath("cluster"))
	fields := map[string]field.ErrorType{}
	for _, e := range errs {
		fields[e.Field] = e.Type
	}
	assert.Equal(t, field.ErrorTypeInvalid, fields["cluster.name"])
	assert.Equal(t, field.ErrorTypeNotSupported, fields["cluster.config.version"])
	assert.Equal(t, field.ErrorTypeRequired, fields["cluster.registries"])
	assert.Equal(t, field.ErrorTypeRequired, fields["cluster.env"])
	assert.Equal(t, field.ErrorTypeRequired, fields["cluster.nodePools.gateway"])
	assert.Equal(t, field.ErrorTypeInvalid, fields["cluster.scheduled"], "no footprints at all: the cluster's own are missing")

	var a Args
	a.Scheduled = append(a.Footprints(), footprint.Footprint{Tier: "batch", Name: "x/y", Source: "test"})
	fields = map[string]field.ErrorType{}
	for _, e := range a.Validate(field.NewPath("cluster")) {
		fields[e.Field] = e.Type
	}
	assert.NotContains(t, fields, "cluster.scheduled", "the cluster's own footprints are there")
	assert.Equal(t, field.ErrorTypeNotSupported, fields[fmt.Sprintf("cluster.scheduled[%d].tier", len(a.Scheduled)-1)])
}

func TestSchedulingTaintsAllButBusiness(t *testing.T) {
	for _, tier := range config.AllTiers() {
		s := SchedulingFor(tier)
		assert.Equal(t, map[string]string{TierLabel: string(tier)}, s.NodeSelector)
		if tier == config.TierBusiness {
			assert.Empty(t, s.Tolerations)
		} else {
			assert.Equal(t, []Toleration{{Key: TierLabel, Operator: "Equal", Value: string(tier), Effect: "NoSchedule"}}, s.Tolerations)
		}
	}
}
