package cost

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// A hand-built graph of the types the cluster, data and monitoring components register, with the
// provider's real input names, so that the real resources are priced when they land.

const stackURN = "urn:pulumi:prod::suoke-platform::pulumi:pulumi:Stack::suoke-platform-prod"

func urnOf(typ, name string) string { return "urn:pulumi:prod::suoke-platform::" + typ + "::" + name }

func res(typ, name string, inputs map[string]any, deps ...string) Resource {
	return Resource{URN: urnOf(typ, name), Type: typ, Name: name, Parent: stackURN, Custom: true, Inputs: inputs, Dependencies: deps}
}

const (
	tNodeGroup  = "aws:eks/nodeGroup:NodeGroup"
	tLaunchTmpl = "aws:ec2/launchTemplate:LaunchTemplate"
	tCluster    = "aws:eks/cluster:Cluster"
	tRedis      = "aws:elasticache/replicationGroup:ReplicationGroup"
	tDomain     = "aws:opensearch/domain:Domain"
	tCNPG       = "kubernetes:postgresql.cnpg.io/v1:Cluster"
	tSC         = "kubernetes:storage.k8s.io/v1:StorageClass"
	tPVC        = "kubernetes:core/v1:PersistentVolumeClaim"
	tNAT        = "aws:ec2/natGateway:NatGateway"
	tEndpoint   = "aws:ec2/vpcEndpoint:VpcEndpoint"
	tIngress    = "kubernetes:networking.k8s.io/v1:Ingress"
	tIngClass   = "kubernetes:networking.k8s.io/v1:IngressClass"
)

func launchTemplate(name string) Resource {
	return res(tLaunchTmpl, name, map[string]any{
		"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda",
			"ebs": map[string]any{"volumeSize": 50.0, "volumeType": "gp3", "encrypted": "true", "iops": 3000.0, "throughput": 125.0}}},
	})
}

func nodeGroupOf(name, tier, itype string, desired float64, lt string) Resource {
	return res(tNodeGroup, name, map[string]any{
		"clusterName":    "suoke-prod",
		"instanceTypes":  []any{itype},
		"scalingConfig":  map[string]any{"desiredSize": desired, "minSize": desired, "maxSize": desired * 2},
		"labels":         map[string]any{TierKey: tier},
		"launchTemplate": map[string]any{"id": "lt-0123", "version": "1"},
	}, urnOf(tLaunchTmpl, lt), urnOf(tCluster, "cluster"))
}

func platformGraph(agentsDesired float64) []Resource {
	return []Resource{
		res(tCluster, "cluster", map[string]any{"name": "suoke-prod", "version": "1.33"}),
		launchTemplate("lt-agents"),
		nodeGroupOf("ng-agents", "agents", "m6i.2xlarge", agentsDesired, "lt-agents"),
		launchTemplate("lt-gateway"),
		nodeGroupOf("ng-gateway", "gateway", "c6i.xlarge", 2, "lt-gateway"),
		res(tRedis, "redis", map[string]any{"nodeType": "cache.m6g.xlarge", "numCacheClusters": 3.0, "tags": map[string]any{TierKey: "cache"}}),
		res(tDomain, "logs", map[string]any{
			"clusterConfig": map[string]any{"instanceType": "r6g.large.search", "instanceCount": 3.0,
				"dedicatedMasterEnabled": true, "dedicatedMasterType": "m6g.large.search", "dedicatedMasterCount": 3.0},
			"ebsOptions": map[string]any{"ebsEnabled": true, "volumeSize": 100.0, "volumeType": "gp3"},
		}),
		res(tSC, "gp3-retain", map[string]any{"metadata": map[string]any{"name": "gp3-retain"}, "provisioner": "ebs.csi.aws.com",
			"parameters": map[string]any{"type": "gp3", "encrypted": "true"}, "reclaimPolicy": "Retain"}),
		res(tCNPG, "postgres", map[string]any{"spec": map[string]any{"instances": 3.0,
			"storage":    map[string]any{"size": "100Gi", "storageClass": "gp3-retain"},
			"walStorage": map[string]any{"size": "20Gi", "storageClass": "gp3-retain"}}}),
		res(tNAT, "nat-a", map[string]any{}), res(tNAT, "nat-b", map[string]any{}),
		res(tEndpoint, "ecr-api", map[string]any{"vpcEndpointType": "Interface", "subnetIds": []any{"subnet-a", "subnet-b", "subnet-c"}}),
		res(tEndpoint, "s3", map[string]any{"vpcEndpointType": "Gateway"}),
		res(tIngClass, "alb", map[string]any{"metadata": map[string]any{"name": "suoke-alb"}, "spec": map[string]any{"controller": "ingress.k8s.aws/alb"}}),
		res(tIngress, "gateway", map[string]any{"spec": map[string]any{"ingressClassName": "suoke-alb"}}),
		res("aws:ec2/subnet:Subnet", "private-a", map[string]any{"cidrBlock": "10.40.0.0/19"}),
	}
}

func params(t *testing.T, region string) Params {
	t.Helper()
	p, err := ParamsFor(region, config.DefaultCostUsage())
	require.NoError(t, err)
	return p
}

func price(t *testing.T, p Params, key string) float64 {
	t.Helper()
	pr, ok := p.Prices.Lookup(key)
	require.True(t, ok, "catalog lacks %s", key)
	return pr.Amount
}

func itemsOf(rep Report, resource, meter string) []Item {
	var out []Item
	for _, it := range rep.Items {
		if strings.HasSuffix(it.Resource, "::"+resource) && it.Meter == meter {
			out = append(out, it)
		}
	}
	return out
}

func TestNodeCountDoubledDoublesTierCompute(t *testing.T) {
	p := params(t, "cn-northwest-1")
	one := Estimate(platformGraph(4), p)
	two := Estimate(platformGraph(8), p)
	require.Empty(t, one.Unknown)

	c1 := itemsOf(one, "ng-agents", "ec2:m6i.2xlarge")
	c2 := itemsOf(two, "ng-agents", "ec2:m6i.2xlarge")
	require.Len(t, c1, 1)
	require.Len(t, c2, 1)
	assert.InDelta(t, 2*c1[0].Monthly, c2[0].Monthly, 0.011)
	assert.InDelta(t, 4*730*price(t, p, "ec2:m6i.2xlarge"), c1[0].Monthly, 0.01)
	// The tier holds compute and the nodes' volumes: both scale with the count.
	assert.InDelta(t, 2*one.Monthly["agents"], two.Monthly["agents"], 0.02)
	// Other tiers do not move.
	for _, tier := range []string{"gateway", "cache", "logging", "database", "network", TierControlPlane} {
		assert.Equal(t, one.Monthly[tier], two.Monthly[tier], tier)
	}
}

func TestTiersComeFromTagsLabelsAndTypes(t *testing.T) {
	p := params(t, "us-east-1")
	rep := Estimate(platformGraph(4), p)
	require.Empty(t, rep.Unknown)
	want := map[string]float64{
		"agents":  4*730*price(t, p, "ec2:m6i.2xlarge") + 4*50*price(t, p, "ebs:gp3"),
		"gateway": 2*730*price(t, p, "ec2:c6i.xlarge") + 2*50*price(t, p, "ebs:gp3"),
		"cache":   3 * 730 * price(t, p, "elasticache:cache.m6g.xlarge"),
		TierLogging: 3*730*price(t, p, "opensearch:r6g.large.search") + 3*730*price(t, p, "opensearch:m6g.large.search") +
			3*100*price(t, p, "opensearch-ebs:gp3"),
		TierDatabase:     3 * (100 + 20) * price(t, p, "ebs:gp3"),
		TierControlPlane: 730 * price(t, p, "eks:cluster"),
		TierNetwork: 2*730*price(t, p, "vpc:nat-hour") + 500*price(t, p, "vpc:nat-gb") +
			3*730*price(t, p, "privatelink:endpoint-hour") + 300*price(t, p, "privatelink:endpoint-gb") +
			730*price(t, p, "elb:alb-hour") + 2*730*price(t, p, "elb:alb-lcu-hour"),
	}
	assert.Len(t, rep.Monthly, len(want), "tiers: %v", rep.Monthly)
	total := 0.0
	for tier, v := range want {
		assert.InDelta(t, v, rep.Monthly[tier], 0.05, tier)
		total += v
	}
	assert.InDelta(t, total, rep.Total, 0.1)
}

func TestMissingPriceIsUnknownNotZero(t *testing.T) {
	p := params(t, "us-east-1")
	graph := platformGraph(4)
	graph = append(graph, launchTemplate("lt-new"), nodeGroupOf("ng-new", "business", "m7i.xlarge", 3, "lt-new"))
	rep := Estimate(graph, p)

	require.Len(t, rep.Unknown, 1, "%v", rep.Unknown)
	u := rep.Unknown[0]
	assert.Equal(t, urnOf(tNodeGroup, "ng-new"), u.Resource)
	assert.Equal(t, "business", u.Tier)
	assert.Contains(t, u.Reason, "no price for ec2:m7i.xlarge in us-east-1")
	// The node group's volumes have a price; only the instances are unknown, and they count as nothing
	// in the figures rather than as zero-priced lines.
	assert.InDelta(t, 3*50*price(t, p, "ebs:gp3"), rep.Monthly["business"], 0.01)
	assert.Empty(t, itemsOf(rep, "ng-new", "ec2:m7i.xlarge"))
	assert.Contains(t, rep.Output()["unknown"].([]any)[0], "ng-new (aws:eks/nodeGroup:NodeGroup): no price for ec2:m7i.xlarge")

	// A price removed from the catalog is reported the same way.
	p.Prices = p.Prices.(config.PriceCatalog).Without("elasticache:cache.m6g.xlarge")
	rep = Estimate(platformGraph(4), p)
	require.Len(t, rep.Unknown, 1)
	assert.Equal(t, urnOf(tRedis, "redis"), rep.Unknown[0].Resource)
	_, has := rep.Monthly["cache"]
	assert.False(t, has, "a tier whose only price is missing has no figure, not zero")
}

func TestUnknownTypeAndUnknownInputsAreReported(t *testing.T) {
	p := params(t, "us-east-1")
	graph := []Resource{
		res("aws:rds/instance:Instance", "db", map[string]any{"instanceClass": "db.r6g.large"}),
		res(tNodeGroup, "ng", map[string]any{"instanceTypes": []any{"m6i.large"}, "scalingConfig": map[string]any{"desiredSize": "[unknown]"}}),
		res("aws:iam/role:Role", "role", map[string]any{}),
		res("kubernetes:core/v1:Namespace", "ns", map[string]any{}),
	}
	rep := Estimate(graph, p)
	require.Len(t, rep.Unknown, 2)
	reasons := map[string]string{}
	for _, u := range rep.Unknown {
		reasons[lastSegment(u.Resource)] = u.Reason
	}
	assert.Contains(t, reasons["db"], "no cost rule for this type")
	assert.Contains(t, reasons["ng"], "desiredSize is not known")
	assert.Zero(t, rep.Total)
}

func TestCurrencyFollowsThePartition(t *testing.T) {
	cp := params(t, "cn-northwest-1")
	china := Estimate(platformGraph(4), cp)
	global := Estimate(platformGraph(4), params(t, "us-east-1"))
	assert.Equal(t, "CNY", china.Currency)
	assert.Equal(t, "USD", global.Currency)
	assert.True(t, china.IsEstimate(), "China prices without a published or refreshed figure are estimates")
	assert.Contains(t, china.Estimates, "agents")
	assert.False(t, global.IsEstimate())
	assert.Contains(t, china.PriceSource, "estimate")
	// An item is an estimate exactly when its price is: published China figures (gp3 and EKS in
	// Ningxia) are not.
	published := 0
	for _, it := range china.Items {
		pr, ok := cp.Prices.Lookup(it.Meter)
		require.True(t, ok, it.Meter)
		assert.Equal(t, pr.Estimate, it.Estimate, it.Meter)
		if !pr.Estimate {
			published++
		}
	}
	assert.Positive(t, published, "some China items rest on published prices")
	assert.Equal(t, "CNY", china.Output()["currency"])
	assert.Equal(t, true, china.Output()["estimate"])
}

func TestUsageWithoutItsResourceIsNotPriced(t *testing.T) {
	p := params(t, "us-east-1")
	rep := Estimate([]Resource{res(tNAT, "nat", map[string]any{})}, p)
	p.Usage.NATProcessedGB = 0
	none := Estimate([]Resource{res(tNAT, "nat", map[string]any{})}, p)
	assert.InDelta(t, 500*price(t, p, "vpc:nat-gb"), rep.Total-none.Total, 0.01)
	// No bucket in the graph: the backup usage has nothing to be priced on.
	_, has := rep.Monthly[TierBackup]
	assert.False(t, has)
}

func TestIngressGroupSharesOneALB(t *testing.T) {
	p := params(t, "us-east-1")
	grouped := func(name string) Resource {
		return res(tIngress, name, map[string]any{"spec": map[string]any{"ingressClassName": "alb"},
			"metadata": map[string]any{"annotations": map[string]any{"alb.ingress.kubernetes.io/group.name": "public"}}})
	}
	rep := Estimate([]Resource{grouped("a"), grouped("b"), res(tIngress, "nginx", map[string]any{"spec": map[string]any{"ingressClassName": "nginx"}})}, p)
	albs := 0
	for _, it := range rep.Items {
		if it.Meter == "elb:alb-hour" {
			albs++
		}
	}
	assert.Equal(t, 1, albs)
}

func TestStorageClassResolution(t *testing.T) {
	p := params(t, "us-east-1")
	def := res(tSC, "default", map[string]any{"metadata": map[string]any{"name": "gp3",
		"annotations": map[string]any{"storageclass.kubernetes.io/is-default-class": "true"}}, "provisioner": "ebs.csi.aws.com",
		"parameters": map[string]any{"iops": "6000", "throughput": "250"}})
	claim := res(tPVC, "data", map[string]any{"spec": map[string]any{"resources": map[string]any{"requests": map[string]any{"storage": "200Gi"}}}})
	rep := Estimate([]Resource{def, claim}, p)
	require.Empty(t, rep.Unknown)
	want := 200*price(t, p, "ebs:gp3") + 3000*price(t, p, "ebs:gp3-iops") + 125*price(t, p, "ebs:gp3-throughput")
	assert.InDelta(t, want, rep.Total, 0.01)

	missing := res(tPVC, "x", map[string]any{"spec": map[string]any{"storageClassName": "fast",
		"resources": map[string]any{"requests": map[string]any{"storage": "10Gi"}}}})
	rep = Estimate([]Resource{missing}, p)
	require.Len(t, rep.Unknown, 1)
	assert.Contains(t, rep.Unknown[0].Reason, `storage class "fast" is not in the graph`)
}

func TestParseQuantityGiB(t *testing.T) {
	for q, want := range map[string]float64{"100Gi": 100, "1Ti": 1024, "512Mi": 0.5, "1G": 1e9 / (1 << 30), "1073741824": 1} {
		got, err := parseQuantityGiB(q)
		require.NoError(t, err, q)
		assert.InDelta(t, want, got, 1e-9, q)
	}
	for _, bad := range []string{"", "Gi", "ten", "-5Gi"} {
		_, err := parseQuantityGiB(bad)
		assert.Error(t, err, bad)
	}
}

func TestChartVolumesFollowTheirPodsPool(t *testing.T) {
	p := params(t, "us-east-1")
	sc := res(tSC, "gp3", map[string]any{"metadata": map[string]any{"name": "gp3"}, "provisioner": "ebs.csi.aws.com", "parameters": map[string]any{"type": "gp3"}})
	stack := res("kubernetes:helm.sh/v3:Release", "stack", map[string]any{"namespace": "monitoring", "values": map[string]any{
		"prometheus": map[string]any{"prometheusSpec": map[string]any{"replicas": 2.0, "nodeSelector": map[string]any{TierKey: "monitoring"},
			"storageSpec": map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{
				"storageClassName": "gp3", "resources": map[string]any{"requests": map[string]any{"storage": "50Gi"}}}}}}},
	}})
	tempo := res("kubernetes:helm.sh/v3:Release", "tempo", map[string]any{"namespace": "tracing", "values": map[string]any{
		"persistence": map[string]any{"enabled": true, "size": "20Gi", "storageClassName": "gp3"}}})
	disabled := res("kubernetes:helm.sh/v3:Release", "off", map[string]any{"values": map[string]any{
		"persistence": map[string]any{"enabled": false, "size": "20Gi"}}})
	ns := res("kubernetes:core/v1:Namespace", "tracing", map[string]any{"metadata": map[string]any{"name": "tracing", "labels": map[string]any{TierKey: "logging"}}})
	rep := Estimate([]Resource{sc, stack, tempo, disabled, ns}, p)
	require.Empty(t, rep.Unknown)
	assert.InDelta(t, 2*50*price(t, p, "ebs:gp3"), rep.Monthly["monitoring"], 0.01, "two Prometheus replicas on the monitoring pool")
	assert.InDelta(t, 20*price(t, p, "ebs:gp3"), rep.Monthly["logging"], 0.01, "the release's namespace gives the tier")
	assert.Len(t, rep.Monthly, 2)
}

func TestBucketsAreSizedByTheirRole(t *testing.T) {
	p := params(t, "us-east-1")
	backups := res("aws:s3/bucketV2:BucketV2", "backups", map[string]any{"tags": map[string]any{"suoke.life/bucket-role": "backups"}})
	replica := res("aws:s3/bucketV2:BucketV2", "replica", map[string]any{"tags": map[string]any{"suoke.life/bucket-role": "backups"}})
	logs := res("aws:s3/bucketV2:BucketV2", "logs", map[string]any{"tags": map[string]any{"suoke.life/bucket-role": "access-logs"}})
	rep := Estimate([]Resource{backups, replica, logs}, p)
	assert.InDelta(t, 2*1000*price(t, p, "s3:STANDARD"), rep.Monthly[TierBackup], 0.01, "each backup bucket holds a copy")
	require.Len(t, rep.Unknown, 1)
	assert.Equal(t, urnOf("aws:s3/bucketV2:BucketV2", "logs"), rep.Unknown[0].Resource)
	assert.Contains(t, rep.Unknown[0].Reason, `no usage figure for a bucket of role "access-logs"`)
}
