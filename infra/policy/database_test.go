package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// dataTier is a minimal compliant data tier; edit changes the cluster's spec, the replication
// group's inputs or the data group's ingress before they are built.
type dataTier struct {
	spec     map[string]any
	redis    map[string]any
	ingress  map[string]any
	schedule bool
	store    bool
}

func goodDataTier() *dataTier {
	return &dataTier{
		spec: map[string]any{
			"instances":             3.0,
			"enableSuperuserAccess": false,
			"affinity":              map[string]any{"enablePodAntiAffinity": true, "topologyKey": "topology.kubernetes.io/zone", "podAntiAffinityType": "required"},
			"postgresql":            map[string]any{"synchronous": map[string]any{"method": "any", "number": 1.0, "dataDurability": "required"}},
			"plugins": []any{map[string]any{"name": barmanPlugin, "isWALArchiver": true,
				"parameters": map[string]any{"barmanObjectName": "postgres-backups", "serverName": "prod"}}},
		},
		redis: map[string]any{
			"multiAzEnabled": true, "automaticFailoverEnabled": true, "numCacheClusters": 3.0,
			"preferredCacheClusterAzs": []any{"cn-northwest-1a", "cn-northwest-1b", "cn-northwest-1c"},
			"atRestEncryptionEnabled":  true, "kmsKeyId": "arn:aws-cn:kms:cn-northwest-1:123456789012:key/k",
			"transitEncryptionEnabled": true, "transitEncryptionMode": "required",
			"securityGroupIds": []any{"sg-data"},
		},
		ingress:  map[string]any{"securityGroupId": "sg-data", "referencedSecurityGroupId": "sg-nodes", "ipProtocol": "tcp", "fromPort": 6379.0, "toPort": 6379.0},
		schedule: true,
		store:    true,
	}
}

func (d *dataTier) resources() []plan.Resource {
	meta := func(name string) map[string]any { return map[string]any{"name": name, "namespace": "database"} }
	rs := []plan.Resource{
		res(typePGCluster, "pg", "pg", map[string]any{"metadata": meta("postgres"), "spec": d.spec}),
		res(typeReplicationGroup, "redis", "redis", d.redis),
		res(typeSecurityGroup, "data", "sg-data", map[string]any{"tags": tags("suoke.life/sg-role", "data")}),
		res(typeSecurityGroup, "nodes", "sg-nodes", map[string]any{"tags": tags("suoke.life/sg-role", "nodes")}),
		res(typeIngressRule, "data-redis", "sgr-d", d.ingress),
	}
	if d.store {
		rs = append(rs, res(typeObjectStore, "store", "store", map[string]any{"metadata": meta("postgres-backups"),
			"spec": map[string]any{"configuration": map[string]any{"destinationPath": "s3://b/postgres"}}}))
	}
	if d.schedule {
		rs = append(rs, res(typePGScheduledBackup, "daily", "daily", map[string]any{"metadata": meta("postgres-daily"),
			"spec": map[string]any{"schedule": "0 0 18 * * *", "cluster": map[string]any{"name": "postgres"}}}))
	}
	return rs
}

func TestDatabaseRulesPassOnACompliantGraph(t *testing.T) {
	for _, env := range []string{"prod", "staging"} {
		for _, id := range []string{"DB-001", "DB-002", "DB-003", "DB-004", "DB-005", "DB-006", "DB-007"} {
			assert.Empty(t, failedOf(t, id, graph(env, goodDataTier().resources())), "%s in %s", id, env)
		}
	}
}

func TestDatabaseRulesFail(t *testing.T) {
	cases := []struct {
		rule string
		edit func(*dataTier)
		want string
	}{
		{"DB-001", func(d *dataTier) { d.spec["instances"] = 2.0 }, "2 instance(s)"},
		{"DB-001", func(d *dataTier) {
			d.spec["affinity"] = map[string]any{"topologyKey": "kubernetes.io/hostname", "podAntiAffinityType": "required"}
		}, `on "kubernetes.io/hostname"`},
		{"DB-001", func(d *dataTier) {
			d.spec["affinity"] = map[string]any{"topologyKey": "topology.kubernetes.io/zone", "podAntiAffinityType": "preferred"}
		}, `anti-affinity is "preferred"`},
		{"DB-001", func(d *dataTier) {
			d.spec["affinity"] = map[string]any{"enablePodAntiAffinity": false, "topologyKey": "topology.kubernetes.io/zone", "podAntiAffinityType": "required"}
		}, "anti-affinity is disabled"},
		{"DB-002", func(d *dataTier) { d.spec["postgresql"] = map[string]any{} }, "no synchronous replication"},
		{"DB-002", func(d *dataTier) {
			d.spec["postgresql"] = map[string]any{"synchronous": map[string]any{"method": "any", "number": 1.0, "dataDurability": "preferred"}}
		}, "dataDurability preferred"},
		{"DB-003", func(d *dataTier) { d.spec["plugins"] = []any{} }, "no WAL archiver"},
		{"DB-003", func(d *dataTier) { d.store = false }, `ObjectStore "postgres-backups", which this plan does not define`},
		{"DB-003", func(d *dataTier) { d.schedule = false }, "no ScheduledBackup"},
		{"DB-004", func(d *dataTier) { d.spec["enableSuperuserAccess"] = true }, "enableSuperuserAccess"},
		{"DB-004", func(d *dataTier) { delete(d.spec, "enableSuperuserAccess") }, "enableSuperuserAccess"},
		{"DB-005", func(d *dataTier) { d.redis["automaticFailoverEnabled"] = false }, "automaticFailoverEnabled"},
		{"DB-005", func(d *dataTier) {
			d.redis["preferredCacheClusterAzs"] = []any{"cn-northwest-1a", "cn-northwest-1a", "cn-northwest-1b"}
		}, "over 2 zone(s)"},
		{"DB-006", func(d *dataTier) { d.redis["atRestEncryptionEnabled"] = false }, "atRestEncryptionEnabled"},
		{"DB-006", func(d *dataTier) { delete(d.redis, "kmsKeyId") }, "kmsKeyId"},
		{"DB-006", func(d *dataTier) { d.redis["transitEncryptionMode"] = "preferred" }, "transitEncryptionMode"},
		{"DB-007", func(d *dataTier) {
			delete(d.ingress, "referencedSecurityGroupId")
			d.ingress["cidrIpv4"] = "10.0.0.0/8"
		}, "admits an address range (10.0.0.0/8"},
		{"DB-007", func(d *dataTier) { d.ingress["referencedSecurityGroupId"] = "sg-data" }, "not the node groups'"},
		{"DB-007", func(d *dataTier) { d.redis["securityGroupIds"] = []any{"sg-nodes"} }, "data security group only"},
	}
	for _, c := range cases {
		t.Run(c.rule+" "+c.want, func(t *testing.T) {
			d := goodDataTier()
			c.edit(d)
			failed := failedOf(t, c.rule, graph("prod", d.resources()))
			require.NotEmpty(t, failed)
			assert.Contains(t, failed[0].Message, c.want)
			assert.NotEmpty(t, failed[0].Resource, "a failure names its resource")
		})
	}
}

func TestProdOnlyDatabaseRulesSkipStaging(t *testing.T) {
	d := goodDataTier()
	d.spec["instances"] = 1.0
	d.spec["postgresql"] = map[string]any{}
	d.redis["multiAzEnabled"] = false
	for _, id := range []string{"DB-001", "DB-002", "DB-005"} {
		assert.Empty(t, failedOf(t, id, graph("staging", d.resources())), id)
		assert.NotEmpty(t, failedOf(t, id, graph("dr", d.resources())), id)
	}
}

func TestProdWithoutPostgresFails(t *testing.T) {
	failed := failedOf(t, "DB-001", graph("prod", without(goodDataTier().resources(), typePGCluster)))
	require.Len(t, failed, 1)
	assert.Contains(t, failed[0].Message, "no CloudNativePG Cluster")
}
