package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func prodInput(values map[string]string) Input {
	v := map[string]string{KeyEnvironment: "prod", KeyProtect: "true", KeyMonitoring: prodMonitoringJSON,
		KeyCluster: `{"deployerRoles": ["suoke-deploy-prod"]}`}
	for k, val := range values {
		v[k] = val
	}
	return Input{Project: Namespace, Stack: "test", Region: "cn-northwest-1", Values: v}
}

func TestDefaultsPlanProd(t *testing.T) {
	p, err := Parse(prodInput(nil))
	require.NoError(t, err)
	assert.Equal(t, "aws-cn", p.Region.Partition)
	assert.Equal(t, []string{"cn-northwest-1a", "cn-northwest-1b", "cn-northwest-1c"}, p.AZNames())
	// The sizing baseline, and the cheapest non-burstable types that meet it.
	want := map[Tier]struct {
		typ           string
		desired, vcpu int
		mem           float64
	}{
		TierGateway: {"c6i.xlarge", 2, 4, 8}, TierAgents: {"c6i.2xlarge", 4, 8, 16}, TierBusiness: {"c6i.xlarge", 6, 4, 8},
		TierDatabase: {"m6i.2xlarge", 1, 8, 32}, TierMonitoring: {"m6i.xlarge", 2, 4, 16},
	}
	cat, _ := CatalogFor("cn-northwest-1")
	for tier, w := range want {
		pool := p.NodePools[tier]
		assert.Equal(t, w.typ, pool.InstanceType, tier)
		assert.Equal(t, w.desired, pool.Desired, tier)
		it := cat.EC2[pool.InstanceType]
		assert.GreaterOrEqual(t, it.VCPU, w.vcpu, tier)
		assert.GreaterOrEqual(t, it.MemoryGiB, w.mem, tier)
	}
	assert.Equal(t, "cache.r6g.xlarge", p.Cache.NodeType, "4c16g class: m6g.xlarge has only 12.93 GiB")
	assert.Len(t, p.Services, 9)
}

func TestPickEC2IsCheapestFit(t *testing.T) {
	cat, _ := CatalogFor("us-east-1")
	it, err := cat.PickEC2(4, 16, ArchX86)
	require.NoError(t, err)
	assert.Equal(t, "m6i.xlarge", it.Name, "t3.xlarge is cheaper but burstable; c6i.xlarge has too little memory")
	it, err = cat.PickEC2(4, 8, ArchARM)
	require.NoError(t, err)
	assert.Equal(t, "c6g.xlarge", it.Name)
	_, err = cat.PickEC2(64, 512, ArchX86)
	assert.ErrorContains(t, err, "us-east-1 offers no x86_64 type with at least 64 vCPU")
}

// TestBadValues gives every config field a bad value and expects an error of the right type at the
// right path, naming the value.
func TestBadValues(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
		region string
		path   string
		typ    field.ErrorType
		value  string // text the message must contain
	}{
		{"environment", map[string]string{KeyEnvironment: "production"}, "", "environment", field.ErrorTypeNotSupported, `"production"`},
		{"protect not bool", map[string]string{KeyProtect: "yes"}, "", "protect", field.ErrorTypeInvalid, `"yes"`},
		{"protect off in prod", map[string]string{KeyProtect: "false"}, "", "protect", field.ErrorTypeInvalid, "false"},
		{"region unknown", nil, "eu-west-9", "aws:region", field.ErrorTypeNotSupported, `"eu-west-9"`},
		{"drRegion unknown", map[string]string{KeyDRRegion: "cn-south-1"}, "", "drRegion", field.ErrorTypeNotSupported, `"cn-south-1"`},
		{"drRegion same", map[string]string{KeyDRRegion: "cn-northwest-1"}, "", "drRegion", field.ErrorTypeInvalid, `"cn-northwest-1"`},
		{"drRegion other partition", map[string]string{KeyDRRegion: "us-west-2"}, "", "drRegion", field.ErrorTypeInvalid, `"us-west-2"`},
		{"vpcCidr garbage", map[string]string{KeyVPCCIDR: "10.40.0.0"}, "", "vpcCidr", field.ErrorTypeInvalid, `"10.40.0.0"`},
		{"vpcCidr too small", map[string]string{KeyVPCCIDR: "10.40.0.0/24"}, "", "vpcCidr", field.ErrorTypeInvalid, "10.40.0.0/24"},
		{"vpcCidr host bits", map[string]string{KeyVPCCIDR: "10.40.1.0/16"}, "", "vpcCidr", field.ErrorTypeInvalid, "did you mean 10.40.0.0/16"},
		{"vpcCidr public", map[string]string{KeyVPCCIDR: "8.8.0.0/16"}, "", "vpcCidr", field.ErrorTypeInvalid, "8.8.0.0/16"},
		{"vpcCidr too small for the pods", map[string]string{KeyVPCCIDR: "10.40.0.0/20", KeyNodePools: `{"business": {"max": 60}}`}, "", "vpcCidr", field.ErrorTypeInvalid, "need"},
		{"azs not int", map[string]string{KeyAvailabilityZones: "three"}, "", "availabilityZones", field.ErrorTypeInvalid, `"three"`},
		{"azs too many", map[string]string{KeyAvailabilityZones: "4"}, "", "availabilityZones", field.ErrorTypeInvalid, "4"},
		{"azs 2 in prod", map[string]string{KeyAvailabilityZones: "2"}, "", "availabilityZones", field.ErrorTypeInvalid, "must be 3"},
		{"nat unknown", map[string]string{KeyNATGateways: "none"}, "", "natGateways", field.ErrorTypeNotSupported, `"none"`},
		{"nat single in prod", map[string]string{KeyNATGateways: "single"}, "", "natGateways", field.ErrorTypeInvalid, `"single"`},
		{"flow log retention", map[string]string{KeyFlowLogRetentionDays: "45"}, "", "flowLogRetentionDays", field.ErrorTypeNotSupported, "45"},
		{"nodePools not object", map[string]string{KeyNodePools: `[1]`}, "", "nodePools", field.ErrorTypeInvalid, "[1]"},
		{"nodePools unknown tier", map[string]string{KeyNodePools: `{"agent": {"desired": 4}}`}, "", "nodePools.agent", field.ErrorTypeInvalid, `did you mean "agents"`},
		{"nodePools unknown field", map[string]string{KeyNodePools: `{"agents": {"desire": 4}}`}, "", "nodePools.agents.desire", field.ErrorTypeInvalid, `did you mean "desired"`},
		{"desired not int", map[string]string{KeyNodePools: `{"agents": {"desired": "four"}}`}, "", "nodePools.agents.desired", field.ErrorTypeInvalid, `"four"`},
		{"desired above max", map[string]string{KeyNodePools: `{"agents": {"desired": 9, "reason": "launch"}}`}, "", "nodePools.agents.desired", field.ErrorTypeInvalid, "must be between min (4) and max (8)"},
		{"desired below the baseline in prod", map[string]string{KeyNodePools: `{"agents": {"min": 2, "desired": 2}}`}, "", "nodePools.agents.desired", field.ErrorTypeInvalid, "sizing baseline's 4"},
		{"desired above the baseline without reason", map[string]string{KeyNodePools: `{"agents": {"desired": 5}}`}, "", "nodePools.agents.reason", field.ErrorTypeRequired, "exceeds the sizing baseline's 4"},
		{"min above max", map[string]string{KeyNodePools: `{"gateway": {"min": 5, "desired": 5, "max": 4, "reason": "x"}}`}, "", "nodePools.gateway.min", field.ErrorTypeInvalid, "must not exceed max (4)"},
		{"max zero", map[string]string{KeyNodePools: `{"monitoring": {"min": 0, "desired": 0, "max": 0}}`}, "", "nodePools.monitoring.max", field.ErrorTypeInvalid, "0"},
		{"database min zero", map[string]string{KeyNodePools: `{"database": {"min": 0}}`}, "", "nodePools.database.min", field.ErrorTypeInvalid, "at least 1"},
		{"vcpu zero", map[string]string{KeyNodePools: `{"business": {"vcpu": 0}}`}, "", "nodePools.business.vcpu", field.ErrorTypeInvalid, "0"},
		{"memory zero", map[string]string{KeyNodePools: `{"business": {"memoryGiB": 0}}`}, "", "nodePools.business.memoryGiB", field.ErrorTypeInvalid, "0"},
		{"arch", map[string]string{KeyNodePools: `{"business": {"arch": "riscv"}}`}, "", "nodePools.business.arch", field.ErrorTypeNotSupported, `"riscv"`},
		{"instance type unknown", map[string]string{KeyNodePools: `{"business": {"instanceType": "c9z.huge"}}`}, "", "nodePools.business.instanceType", field.ErrorTypeNotSupported, `"c9z.huge"`},
		{"instance type too small", map[string]string{KeyNodePools: `{"agents": {"instanceType": "c6i.xlarge"}}`}, "", "nodePools.agents.instanceType", field.ErrorTypeInvalid, "smaller than the pool's 8 vCPU / 16 GiB"},
		{"instance type wrong arch", map[string]string{KeyNodePools: `{"agents": {"instanceType": "c6g.2xlarge"}}`}, "", "nodePools.agents.instanceType", field.ErrorTypeInvalid, "is arm64"},
		{"no type fits", map[string]string{KeyNodePools: `{"agents": {"vcpu": 96}}`}, "", "nodePools.agents.instanceType", field.ErrorTypeInvalid, "cn-northwest-1 offers no x86_64 type"},
		{"cache not object", map[string]string{KeyCache: `"big"`}, "", "cache", field.ErrorTypeInvalid, "big"},
		{"cache unknown field", map[string]string{KeyCache: `{"node": 3}`}, "", "cache.node", field.ErrorTypeInvalid, `did you mean "nodes"`},
		{"cache nodes", map[string]string{KeyCache: `{"nodes": 7}`}, "", "cache.nodes", field.ErrorTypeInvalid, "7"},
		{"cache nodes below AZs in prod", map[string]string{KeyCache: `{"nodes": 2}`}, "", "cache.nodes", field.ErrorTypeInvalid, "one per AZ"},
		{"cache vcpu", map[string]string{KeyCache: `{"vcpu": 0}`}, "", "cache.vcpu", field.ErrorTypeInvalid, "0"},
		{"cache memory", map[string]string{KeyCache: `{"memoryGiB": -1}`}, "", "cache.memoryGiB", field.ErrorTypeInvalid, "-1"},
		{"cache node type unknown", map[string]string{KeyCache: `{"nodeType": "cache.x1.huge"}`}, "", "cache.nodeType", field.ErrorTypeNotSupported, `"cache.x1.huge"`},
		{"cache node type small", map[string]string{KeyCache: `{"nodeType": "cache.m6g.xlarge"}`}, "", "cache.nodeType", field.ErrorTypeInvalid, "smaller than the cache's 4 vCPU / 16 GiB"},
		{"cache engine", map[string]string{KeyCache: `{"engine": "memcached"}`}, "", "cache.engine", field.ErrorTypeNotSupported, `"memcached"`},
		{"cache valkey in China", map[string]string{KeyCache: `{"engine": "valkey", "engineVersion": "8.0"}`}, "", "cache.engine", field.ErrorTypeNotSupported, `"valkey"`},
		{"cache engine version", map[string]string{KeyCache: `{"engineVersion": "5.0"}`}, "", "cache.engineVersion", field.ErrorTypeNotSupported, `"5.0"`},
		{"services not list", map[string]string{KeyServices: `{"name": "x"}`}, "", "services", field.ErrorTypeInvalid, "must be a list of service objects"},
		{"services empty", map[string]string{KeyServices: `[]`}, "", "services", field.ErrorTypeRequired, "at least one"},
		{"service unknown field", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "slo": "core", "port": 8100, "db": true}]`}, "", "services[0].db", field.ErrorTypeInvalid, "unknown field"},
		{"service name", map[string]string{KeyServices: `[{"name": "Bad_Name", "tier": "business", "slo": "core", "port": 8100}]`}, "", "services[0].name", field.ErrorTypeInvalid, `"Bad_Name"`},
		{"service duplicate", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": 8100}, {"name": "a", "tier": "business", "port": 8101}]`}, "", "services[1].name", field.ErrorTypeDuplicate, `"a"`},
		{"service tier", map[string]string{KeyServices: `[{"name": "a", "tier": "database", "port": 8100}]`}, "", "services[0].tier", field.ErrorTypeNotSupported, `"database"`},
		{"service slo", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "slo": "gold", "port": 8100}]`}, "", "services[0].slo", field.ErrorTypeNotSupported, `"gold"`},
		{"service port", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": 80}]`}, "", "services[0].port", field.ErrorTypeInvalid, "80"},
		{"service port type", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": "8100"}]`}, "", "services[0].port", field.ErrorTypeInvalid, `"8100"`},
		{"service port duplicate", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": 8100}, {"name": "b", "tier": "business", "port": 8100}]`}, "", "services[1].port", field.ErrorTypeInvalid, `service "a"`},
		{"service database type", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": 8100, "database": "yes"}]`}, "", "services[0].database", field.ErrorTypeInvalid, `"yes"`},
		{"service cache type", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": 8100, "cache": 1}]`}, "", "services[0].cache", field.ErrorTypeInvalid, "1"},
		{"service awsAccess wildcard", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": 8100, "awsAccess": [{"actions": ["*"], "resources": ["arn:aws-cn:s3:::media/*"]}]}]`}, "", "services[0].awsAccess[0].actions[0]", field.ErrorTypeForbidden, `"*"`},
		{"service awsAccess iam", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": 8100, "awsAccess": [{"actions": ["iam:PassRole"], "resources": ["arn:aws-cn:iam::123456789012:role/x"]}]}]`}, "", "services[0].awsAccess[0].actions[0]", field.ErrorTypeForbidden, `"iam:PassRole"`},
		{"service awsAccess shape", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": 8100, "awsAccess": [{"actions": ["s3 GetObject"], "resources": ["arn:aws-cn:s3:::media/*"]}]}]`}, "", "services[0].awsAccess[0].actions[0]", field.ErrorTypeInvalid, `"s3 GetObject"`},
		{"service awsAccess type", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": 8100, "awsAccess": "s3:GetObject"}]`}, "", "services[0].awsAccess", field.ErrorTypeInvalid, `"s3:GetObject"`},
		{"service awsAccess old shape", map[string]string{KeyServices: `[{"name": "a", "tier": "business", "port": 8100, "awsAccess": ["s3:GetObject"]}]`}, "", "services[0].awsAccess[0]", field.ErrorTypeInvalid, `"s3:GetObject"`},
		{"unknown key", map[string]string{"nodePool": `{}`}, "", "suoke-platform:nodePool", field.ErrorTypeInvalid, "did you mean suoke-platform:nodePools?"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := prodInput(c.values)
			if c.region != "" {
				in.Region = c.region
			}
			_, err := Parse(in)
			require.Error(t, err)
			requireFieldError(t, err, c.path, c.typ, c.value)
		})
	}
}

// requireFieldError asserts that err is a *Error with an error of type typ at path whose message
// contains want: the type and the field, not a count (STYLE.md).
func requireFieldError(t *testing.T, err error, path string, typ field.ErrorType, want string) {
	t.Helper()
	var ce *Error
	require.True(t, errors.As(err, &ce), "want *config.Error, got %T: %v", err, err)
	var msgs []string
	for _, e := range ce.Errs {
		if e.Field == path && e.Type == typ {
			if strings.Contains(e.Error(), want) {
				return
			}
			msgs = append(msgs, e.Error())
		}
	}
	require.Failf(t, "missing field error", "no %s error at %s containing %q (same path and type: %q) in:\n%v", typ, path, want, msgs, err)
}

func TestAllErrorsReportedTogether(t *testing.T) {
	_, err := Parse(prodInput(map[string]string{KeyNATGateways: "single", KeyFlowLogRetentionDays: "45", KeyCache: `{"engine": "memcached"}`}))
	var ce *Error
	require.True(t, errors.As(err, &ce))
	assert.Len(t, ce.Errs, 3, err.Error())
	assert.True(t, strings.HasPrefix(err.Error(), `stack "test": invalid config (3 problems):`), err.Error())
}

func TestRegionRequired(t *testing.T) {
	in := prodInput(nil)
	in.Region = ""
	_, err := Parse(in)
	assert.ErrorContains(t, err, "aws:region: Required value")
}

func TestStagingIsAllowedSmaller(t *testing.T) {
	_, err := Parse(Input{Stack: "staging", Region: "cn-northwest-1", Values: map[string]string{
		KeyNATGateways: "single", KeyNodePools: `{"agents": {"min": 1, "desired": 1, "max": 2}}`, KeyCache: `{"nodes": 1}`,
	}})
	assert.NoError(t, err)
}

func TestExplicitTypeBiggerThanPlanIsFine(t *testing.T) {
	p, err := Parse(prodInput(map[string]string{KeyNodePools: `{"agents": {"instanceType": "m6i.2xlarge"}}`}))
	require.NoError(t, err)
	assert.Equal(t, "m6i.2xlarge", p.NodePools[TierAgents].InstanceType)
	assert.True(t, p.NodePools[TierAgents].InstanceTypeExplicit)
}

func TestGlobalPartitionAllowsValkey(t *testing.T) {
	in := prodInput(map[string]string{KeyDRRegion: "us-west-2", KeyCache: `{"engine": "valkey", "engineVersion": "8.0"}`})
	in.Region = "us-east-1"
	p, err := Parse(in)
	require.NoError(t, err)
	assert.Equal(t, "aws", p.Region.Partition)
	assert.Equal(t, "USD", p.Region.Currency)
}

func TestKeysDefaultsParseToDefaults(t *testing.T) {
	// Passing every declared default explicitly must give the same platform as passing nothing.
	values := map[string]string{}
	for _, k := range Keys() {
		values[k.Name] = k.DefaultJSON()
		if k.Type == "string" {
			values[k.Name] = k.Default.(string)
		}
	}
	withDefaults, err := Parse(Input{Stack: "s", Region: "cn-northwest-1", Values: values})
	require.NoError(t, err)
	bare, err := Parse(Input{Stack: "s", Region: "cn-northwest-1", Values: map[string]string{}})
	require.NoError(t, err)
	assert.Equal(t, bare, withDefaults)
}

func TestClosest(t *testing.T) {
	assert.Equal(t, "nodePools", closest("nodepools", keyNames()))
	assert.Equal(t, "", closest("completelyDifferent", keyNames()))
}

// TestAccountBaselineBadValue: the account-baseline flag is a boolean, named in the error.
func TestAccountBaselineBadValue(t *testing.T) {
	_, err := Parse(prodInput(map[string]string{KeyAccountBaseline: "prod"}))
	require.Error(t, err)
	requireFieldError(t, err, KeyAccountBaseline, field.ErrorTypeInvalid, `"prod"`)
}
