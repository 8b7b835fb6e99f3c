package report

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

func dataTierResources(durability string) []plan.Resource {
	meta := func(name string) map[string]any { return map[string]any{"name": name, "namespace": "data"} }
	cr := func(kind, name string, spec map[string]any) plan.Resource {
		return plan.Resource{URN: "urn:" + kind + ":" + name, Type: "kubernetes:postgresql.cnpg.io/v1:" + kind, Custom: true,
			Inputs: map[string]any{"metadata": meta(name), "spec": spec}}
	}
	return []plan.Resource{
		cr("Cluster", "postgres", map[string]any{
			"instances":  3.0,
			"affinity":   map[string]any{"podAntiAffinityType": "required", "topologyKey": "topology.kubernetes.io/zone", "nodeSelector": map[string]any{"suoke.life/tier": "database"}},
			"postgresql": map[string]any{"synchronous": map[string]any{"method": "any", "number": 1.0, "dataDurability": durability}},
			"resources":  map[string]any{"requests": map[string]any{"cpu": "5700m", "memory": "23040Mi"}},
			"storage":    map[string]any{"size": "100Gi", "storageClass": "gp3-retain"}, "walStorage": map[string]any{"size": "20Gi"},
			"bootstrap": map[string]any{"recovery": map[string]any{"source": "prod"}}, "replica": map[string]any{"enabled": true, "source": "prod"},
			"plugins": []any{map[string]any{"name": "barman-cloud.cloudnative-pg.io", "isWALArchiver": true,
				"parameters": map[string]any{"barmanObjectName": "postgres-backups", "serverName": "dr"}}},
		}),
		{URN: "urn:store", Type: "kubernetes:barmancloud.cnpg.io/v1:ObjectStore", Custom: true, Inputs: map[string]any{"metadata": meta("postgres-backups"),
			"spec": map[string]any{"configuration": map[string]any{"destinationPath": "s3://b/"}, "retentionPolicy": "30d"}}},
		cr("ScheduledBackup", "postgres-daily", map[string]any{"schedule": "0 0 18 * * *", "cluster": map[string]any{"name": "postgres"}}),
		cr("DatabaseRole", "a", map[string]any{"cluster": map[string]any{"name": "postgres"}, "clientCertificate": map[string]any{"enabled": true}}),
		cr("DatabaseRole", "b", map[string]any{"cluster": map[string]any{"name": "postgres"}, "passwordSecret": map[string]any{"name": "b-password"}}),
		cr("Pooler", "postgres-pooler-rw", map[string]any{"cluster": map[string]any{"name": "postgres"}, "type": "rw", "instances": 2.0, "pgbouncer": map[string]any{"poolMode": "transaction"}}),
		{URN: "urn:rg", Type: "aws:elasticache/replicationGroup:ReplicationGroup", Custom: true, Inputs: map[string]any{
			"replicationGroupId": "suoke-prod", "engine": "redis", "engineVersion": "7.1", "nodeType": "cache.r6g.xlarge", "numCacheClusters": 3.0,
			"preferredCacheClusterAzs": []any{"a", "b", "c"}, "multiAzEnabled": true, "automaticFailoverEnabled": true,
			"atRestEncryptionEnabled": true, "kmsKeyId": "k", "transitEncryptionEnabled": true, "transitEncryptionMode": "required",
			"authToken": "[secret]", "snapshotRetentionLimit": 7.0}},
	}
}

func TestDataTierIsReadFromTheGraph(t *testing.T) {
	d := Data(dataTierResources("required"))
	require.NotNil(t, d)
	require.Len(t, d.Postgres, 1)
	pg := d.Postgres[0]
	assert.Equal(t, 3, pg.Instances)
	assert.Equal(t, "required on topology.kubernetes.io/zone", pg.AntiAffinity)
	assert.Equal(t, "suoke.life/tier=database", pg.Pool)
	assert.Equal(t, "quorum any 1, durability required", pg.Sync)
	assert.Equal(t, "standby replaying prod", pg.Bootstrap)
	assert.Equal(t, "s3://b/ (server dr)", pg.Archive)
	assert.Equal(t, "30d", pg.Retention)
	assert.Equal(t, "0 0 18 * * *", pg.Schedule)
	assert.Equal(t, 1, pg.CertRoles)
	assert.Equal(t, 1, pg.PassRoles)
	assert.Equal(t, "rw × 2 (transaction)", pg.Pooler)
	require.Len(t, d.Redis, 1)
	r := d.Redis[0]
	assert.Equal(t, []string{"a", "b", "c"}, r.AZs)
	assert.Equal(t, "KMS key", r.AtRest)
	assert.Equal(t, "TLS required", r.InTransit)
	assert.Equal(t, "AUTH token (Secrets Manager)", r.Auth)

	assert.Nil(t, Data(nil), "no data tier, no section")
}

func TestDataTierSectionsRender(t *testing.T) {
	dd := doc(dataTierResources("preferred"), map[string]any{}, nil)
	dd.DataTier = Data(dd.Resources)
	var text, md bytes.Buffer
	require.NoError(t, WriteText(&text, dd))
	require.NoError(t, WriteMarkdown(&md, dd))
	assert.Contains(t, text.String(), "3 instances (1 primary + 2 replicas)")
	assert.Contains(t, text.String(), "durability preferred")
	assert.Contains(t, md.String(), "| `suoke-prod` | redis 7.1 | `cache.r6g.xlarge` | 3 |")
}
