package tenancy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/network"
)

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
