package postgres_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/database/internal/dbtest"
	"github.com/suoke-life/suoke-platform/infra/database/postgres"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

var at = dbtest.At

type deployed struct {
	dbtest.Deployed
	pg *postgres.Outputs
}

// deploy builds PostgreSQL under the mocks as the data tier component does: under a stand-in of the
// component, with its data key, from Args that pass Validate.
func deploy(t *testing.T, cfg *config.Platform, edit func(*postgres.Args)) deployed {
	t.Helper()
	var out *postgres.Outputs
	d := dbtest.Deploy(t, cfg, func(s dbtest.Stage) error {
		parent, key, err := s.Component()
		if err != nil {
			return err
		}
		a := dbtest.PostgresArgs(cfg, s.Env, s.K8s)
		a.Prefix, a.Parent, a.Env, a.Protect, a.Tags, a.Key = "database", parent, s.Env, cfg.Protect, dbtest.Tags, key
		if edit != nil {
			edit(a)
		}
		if errs := a.Validate(field.NewPath("postgres")); len(errs) > 0 {
			return errs.ToAggregate()
		}
		out, err = postgres.New(s.Ctx, *a)
		return err
	})
	return deployed{Deployed: d, pg: out}
}

func TestProdPostgresTopology(t *testing.T) {
	d := deploy(t, dbtest.PlatformFor(t, "cn-northwest-1", nil), nil)
	c := d.One(t, dbtest.TypeCluster)
	assert.Equal(t, "postgres", at(c, "metadata", "name"))
	assert.Equal(t, "data", at(c, "metadata", "namespace"))
	assert.Equal(t, 3.0, at(c, "spec", "instances"))
	assert.Equal(t, "topology.kubernetes.io/zone", at(c, "spec", "affinity", "topologyKey"))
	assert.Equal(t, "required", at(c, "spec", "affinity", "podAntiAffinityType"))
	assert.Equal(t, map[string]any{"suoke.life/tier": "database"}, at(c, "spec", "affinity", "nodeSelector"))
	assert.Equal(t, []any{map[string]any{"key": "suoke.life/tier", "operator": "Equal", "value": "database", "effect": "NoSchedule"}},
		at(c, "spec", "affinity", "tolerations"))
	assert.Equal(t, "gp3-retain", at(c, "spec", "storage", "storageClass"))
	assert.Equal(t, "100Gi", at(c, "spec", "storage", "size"))
	assert.Equal(t, "20Gi", at(c, "spec", "walStorage", "size"))
	assert.Equal(t, map[string]any{"method": "any", "number": 1.0, "dataDurability": "required"}, at(c, "spec", "postgresql", "synchronous"))
	assert.Equal(t, false, at(c, "spec", "enableSuperuserAccess"))
	// Sized from the m6i.2xlarge (see sizing.go for the arithmetic).
	assert.Equal(t, map[string]any{"cpu": "5700m", "memory": "23040Mi"}, at(c, "spec", "resources", "requests"))
	assert.Equal(t, at(c, "spec", "resources", "requests"), at(c, "spec", "resources", "limits"), "Guaranteed QoS")
	params := at(c, "spec", "postgresql", "parameters").(map[string]any)
	assert.Equal(t, "200", params["max_connections"])
	assert.Equal(t, "5760MB", params["shared_buffers"])
	assert.Equal(t, "17280MB", params["effective_cache_size"])
	assert.Equal(t, "28MB", params["work_mem"])
	assert.Equal(t, "60s", params["archive_timeout"])
	assert.Equal(t, "ghcr.io/cloudnative-pg/postgresql:18.4-standard-trixie", at(c, "spec", "imageName"))
	assert.Equal(t, []any{map[string]any{"name": "barman-cloud.cloudnative-pg.io", "isWALArchiver": true,
		"parameters": map[string]any{"barmanObjectName": "postgres-backups", "serverName": "prod"}}}, at(c, "spec", "plugins"))
	assert.NotNil(t, at(c, "spec", "bootstrap", "initdb"))
	assert.Nil(t, at(c, "spec", "replica"))
	assert.True(t, c.Protect, "the Cluster is protected in prod")
	assert.True(t, c.RetainOnDelete)
	// It waits for the operator's release (its CRD and webhook) and the plugin's.
	assert.Contains(t, c.Dependencies, d.URNOf(t, "database-cnpg-operator"))
	assert.Contains(t, c.Dependencies, d.URNOf(t, "database-barman-plugin"))
	assert.Equal(t, "arn:aws-cn:iam::123456789012:role/suoke-prod-postgres-backup",
		at(c, "spec", "serviceAccountTemplate", "metadata", "annotations", "eks.amazonaws.com/role-arn"))

	outs := d.pg
	require.NotNil(t, outs)
	assert.Equal(t, "postgres-rw.data.svc.cluster.local", outs.RWHost)
	assert.Equal(t, "postgres-ro.data.svc.cluster.local", outs.ROHost)
	assert.Equal(t, "postgres-pooler-rw.data.svc.cluster.local", outs.PoolerHost)
}

func TestOperatorsArePinnedAndOnThePlatformPool(t *testing.T) {
	d := deploy(t, dbtest.PlatformFor(t, "cn-northwest-1", nil), nil)
	releases := d.OfType(dbtest.TypeRelease)
	require.Len(t, releases, 2)
	for _, r := range releases {
		assert.Equal(t, "cnpg-system", r.Inputs["namespace"])
		assert.NotEmpty(t, r.Inputs["version"])
		assert.Equal(t, "https://cloudnative-pg.github.io/charts", at(r, "repositoryOpts", "repo"))
		assert.Equal(t, map[string]any{"suoke.life/tier": "monitoring"}, at(r, "values", "nodeSelector"))
		assert.NotEmpty(t, at(r, "values", "tolerations"))
	}
}

func TestMirrorRegistriesReachEveryImageAndChart(t *testing.T) {
	cfg := dbtest.PlatformFor(t, "cn-northwest-1", nil)
	reg := config.Registries{Mode: config.RegistryMirror, MirrorRegistry: "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn", MirrorPrefix: "mirror"}
	reg = reg.Resolve(cfg.Region, "123456789012")
	d := deploy(t, cfg, func(a *postgres.Args) { a.Registries = reg })
	b, err := json.Marshal(d.Resources)
	require.NoError(t, err)
	assert.NotContains(t, string(b), `"ghcr.io/`, "every image goes through the mirror")
	assert.NotContains(t, string(b), `"registry":"ghcr.io"`, "every image goes through the mirror")
	assert.NotContains(t, string(b), "cloudnative-pg.github.io", "every chart goes through the mirror")
	assert.Contains(t, string(at(d.One(t, dbtest.TypeCluster), "spec", "imageName").(string)), "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror/")
}

// What this package renders as custom resources is checked against the upstream CRD schemas of the
// pinned versions (CloudNativePG v1.30.0, the Barman Cloud plugin, cert-manager, prometheus-operator)
// by tests/crd_schema_test.go, with the API server's own validation: a decode into this package's
// own structs could not catch a field those structs got wrong, so that test replaced it here.

func TestEveryDatabaseServiceGetsARoleWithACertificate(t *testing.T) {
	cfg := dbtest.PlatformFor(t, "cn-northwest-1", nil)
	d := deploy(t, cfg, nil)
	roles := d.OfType(dbtest.TypeDatabaseRole)
	dbs := d.OfType(dbtest.TypeDatabase)
	want := 0
	for _, s := range cfg.Services {
		if s.Database {
			want++
		}
	}
	require.Equal(t, 8, want, "the sizing plan's services with a database")
	require.Len(t, roles, want)
	require.Len(t, dbs, want)
	hba := at(d.One(t, dbtest.TypeCluster), "spec", "postgresql", "pg_hba").([]any)
	assert.Equal(t, "hostnossl all all all reject", hba[0], "plain-text connections are refused first")
	tierOf := map[string]string{}
	for _, s := range cfg.Services {
		tierOf[s.Name] = string(s.Tier)
	}
	certs := map[string]plan.Resource{}
	for _, c := range d.OfType(dbtest.TypeCertificate) {
		certs[at(c, "spec", "commonName").(string)] = c
	}
	for _, r := range roles {
		role := at(r, "spec", "name").(string)
		assert.Equal(t, true, at(r, "spec", "login"))
		assert.Equal(t, true, at(r, "spec", "disablePassword"))
		assert.Nil(t, at(r, "spec", "superuser"))
		// The operator cannot sign with a CA whose key it lacks; cert-manager issues instead.
		assert.Nil(t, at(r, "spec", "clientCertificate"))
		assert.Equal(t, "retain", at(r, "spec", "databaseRoleReclaimPolicy"))
		assert.NotContains(t, role, "-", "a PostgreSQL identifier without quoting")
		assert.Contains(t, hba, "hostssl "+role+" "+role+" all cert")
		assert.Contains(t, r.Dependencies, d.URNOf(t, "database-postgres"))
		// pg_hba "cert" logs in the user named by the certificate's common name.
		c, ok := certs[role]
		require.True(t, ok, "no certificate with common name %s", role)
		svc := at(r, "metadata", "name").(string)
		assert.Equal(t, tierOf[svc], at(c, "metadata", "namespace"), "issued where %s's pods run", svc)
		assert.Equal(t, svc+"-postgres-client", at(c, "spec", "secretName"))
		assert.Equal(t, map[string]any{"name": "postgres-client", "kind": "ClusterIssuer", "group": "cert-manager.io"}, at(c, "spec", "issuerRef"))
		assert.ElementsMatch(t, []any{"client auth", "digital signature"}, at(c, "spec", "usages"))
	}
	assert.Len(t, certs, want)
	for _, db := range dbs {
		assert.Equal(t, at(db, "spec", "name"), at(db, "spec", "owner"))
		assert.Contains(t, db.Dependencies, d.URNOf(t, "database-role-"+at(db, "metadata", "name").(string)))
	}
	assert.Equal(t, "unified-health-data-postgres-client", d.pg.Secrets["unified-health-data"])
	assert.Equal(t, "business", d.pg.SecretNamespaces["unified-health-data"])
	assert.Equal(t, "unified_health_data", d.pg.Databases["unified-health-data"])
}

// The client CA is not the server CA: PostgreSQL trusts only the client CA for logins, the
// ClusterIssuer signs with the client CA's cert-manager copy, and clients receive the server CA's
// certificate only, never a key.
func TestClientCAIsNotTheServerCA(t *testing.T) {
	d := deploy(t, dbtest.PlatformFor(t, "cn-northwest-1", nil), nil)
	certsCfg := at(d.One(t, dbtest.TypeCluster), "spec", "certificates")
	assert.Equal(t, map[string]any{"serverCASecret": "postgres-server-ca", "clientCASecret": "postgres-client-ca",
		"serverAltDNSNames": []any{"postgres-pooler-rw", "postgres-pooler-rw.data", "postgres-pooler-rw.data.svc", "postgres-pooler-rw.data.svc.cluster.local"}}, certsCfg)
	issuer := d.One(t, "kubernetes:cert-manager.io/v1:ClusterIssuer")
	assert.Equal(t, "postgres-client-ca", at(issuer, "spec", "ca", "secretName"))
	secrets := map[string]plan.Resource{}
	for _, s := range d.OfType("kubernetes:core/v1:Secret") {
		secrets[at(s, "metadata", "namespace").(string)+"/"+at(s, "metadata", "name").(string)] = s
	}
	for _, key := range []string{"data/postgres-server-ca", "data/postgres-client-ca", "cert-manager/postgres-client-ca"} {
		s, ok := secrets[key]
		require.True(t, ok, "no Secret %s", key)
		assert.Equal(t, plan.Secret, at(s, "stringData"), "%s holds a CA key: masked in the plan", key)
	}
	assert.Equal(t, "kubernetes.io/tls", secrets["cert-manager/postgres-client-ca"].Inputs["type"], "cert-manager's CA issuer reads tls.crt and tls.key")
	for _, ns := range []string{"agents", "business"} {
		assert.NotContains(t, secrets, ns+"/postgres-server-ca")
	}
	maps := map[string]plan.Resource{}
	for _, c := range d.OfType("kubernetes:core/v1:ConfigMap") {
		maps[at(c, "metadata", "namespace").(string)] = c
		assert.Equal(t, "postgres-server-ca", at(c, "metadata", "name"))
		data := at(c, "data").(map[string]any)
		assert.Len(t, data, 1)
		assert.Contains(t, data, "ca.crt")
	}
	assert.ElementsMatch(t, []string{"agents", "business"}, keys(maps), "one per namespace with a database client (the config's services: agents and business)")
}

func TestPasswordServiceGetsASecretsManagerPassword(t *testing.T) {
	d := deploy(t, dbtest.PlatformFor(t, "cn-northwest-1", map[string]string{config.KeyPostgres: `{"passwordServices": ["soer"]}`}), nil)
	var soer plan.Resource
	for _, r := range d.OfType(dbtest.TypeDatabaseRole) {
		if at(r, "metadata", "name") == "soer" {
			soer = r
		}
	}
	assert.Equal(t, map[string]any{"name": "soer-password"}, at(soer, "spec", "passwordSecret"))
	assert.Nil(t, at(soer, "spec", "clientCertificate"))
	// The operator reads it in the cluster's namespace, the service in its own.
	var where []string
	for _, secret := range d.OfType("kubernetes:core/v1:Secret") {
		if secret.Inputs["type"] != "kubernetes.io/basic-auth" {
			continue
		}
		where = append(where, at(secret, "metadata", "namespace").(string)+"/"+at(secret, "metadata", "name").(string))
		assert.Equal(t, plan.Secret, at(secret, "stringData"), "the password reaches the plan only masked")
	}
	assert.ElementsMatch(t, []string{"data/soer-password", "agents/soer-postgres-password"}, where)
	for _, c := range d.OfType(dbtest.TypeCertificate) {
		assert.NotEqual(t, "soer", at(c, "spec", "commonName"), "a password role gets no certificate")
	}
	assert.NotContains(t, at(d.One(t, dbtest.TypeCluster), "spec", "postgresql", "pg_hba"), "hostssl soer soer all cert")
	assert.Equal(t, "soer-postgres-password", d.pg.Secrets["soer"])
	var names []string
	for _, s := range d.OfType("aws:secretsmanager/secret:Secret") {
		names = append(names, s.Inputs["name"].(string))
	}
	assert.Contains(t, names, "suoke/prod/postgres/soer")
}

func TestBackups(t *testing.T) {
	d := deploy(t, dbtest.PlatformFor(t, "cn-northwest-1", nil), nil)
	store := d.One(t, dbtest.TypeObjectStore)
	assert.Equal(t, "s3://suoke-prod-backup-123456789012-cn-northwest-1/", at(store, "spec", "configuration", "destinationPath"))
	assert.Equal(t, "https://s3.cn-northwest-1.amazonaws.com.cn", at(store, "spec", "configuration", "endpointURL"))
	assert.Equal(t, true, at(store, "spec", "configuration", "s3Credentials", "inheritFromIAMRole"))
	assert.Equal(t, "gzip", at(store, "spec", "configuration", "wal", "compression"))
	assert.Nil(t, at(store, "spec", "configuration", "wal", "encryption"), "the bucket's default SSE-KMS key encrypts")
	assert.Equal(t, "30d", at(store, "spec", "retentionPolicy"))
	sb := d.One(t, "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup")
	assert.Equal(t, "0 0 18 * * *", at(sb, "spec", "schedule"))
	assert.Len(t, strings.Fields(at(sb, "spec", "schedule").(string)), 6)
	assert.Equal(t, "plugin", at(sb, "spec", "method"))
	assert.Equal(t, "barman-cloud.cloudnative-pg.io", at(sb, "spec", "pluginConfiguration", "name"))
}

// TestBackupRoleInBothPartitions: the IRSA trust names the cluster's service account only, and
// every ARN and service endpoint carries the stack's partition.
func TestBackupRoleInBothPartitions(t *testing.T) {
	for _, c := range []struct{ region, partition, suffix string }{
		{"cn-northwest-1", "aws-cn", "amazonaws.com.cn"},
		{"us-east-1", "aws", "amazonaws.com"},
	} {
		t.Run(c.partition, func(t *testing.T) {
			d := deploy(t, dbtest.PlatformFor(t, c.region, nil), nil)
			var role plan.Resource
			for _, r := range d.OfType(dbtest.TypeRole) {
				if r.Name == "database-backup-role" {
					role = r
				}
			}
			var trust map[string]any
			require.NoError(t, json.Unmarshal([]byte(role.Inputs["assumeRolePolicy"].(string)), &trust))
			st := trust["Statement"].([]any)[0].(map[string]any)
			assert.Equal(t, "sts:AssumeRoleWithWebIdentity", st["Action"])
			assert.True(t, strings.HasPrefix(st["Principal"].(map[string]any)["Federated"].(string), "arn:"+c.partition+":iam::"))
			cond := st["Condition"].(map[string]any)["StringEquals"].(map[string]any)
			issuer := "oidc.eks." + c.region + "." + c.suffix + "/id/ABC"
			assert.Equal(t, "system:serviceaccount:data:postgres", cond[issuer+":sub"])
			assert.Equal(t, "sts.amazonaws.com", cond[issuer+":aud"])

			policy := d.One(t, dbtest.TypeRolePolicy).Inputs["policy"].(string)
			assert.Contains(t, policy, `"arn:`+c.partition+`:s3:::suoke-prod-backup-123456789012-`+c.region+`/prod/*"`)
			assert.Contains(t, policy, `"s3.`+c.region+`.`+c.suffix+`"`)
			other := map[string]string{"aws": "arn:aws-cn:", "aws-cn": "arn:aws:"}[c.partition]
			assert.NotContains(t, policy, other)
		})
	}
}

// topologyOf fills the args from the config's own topology, as the composition does.
func topologyOf(t *testing.T, cfg *config.Platform) func(*postgres.Args) {
	return func(a *postgres.Args) {
		a.Archive = cfg.PostgresArchive("123456789012")
		a.Restore = nil
		topo, ok := cfg.PostgresTopology("123456789012")
		require.True(t, ok)
		a.Topology = &topo
	}
}

func TestDRStandbyFollowsProd(t *testing.T) {
	cfg := dbtest.PlatformFor(t, "cn-north-1", map[string]string{config.KeyEnvironment: "dr", config.KeyDRRegion: "cn-northwest-1"})
	d := deploy(t, cfg, topologyOf(t, cfg))
	c := d.One(t, dbtest.TypeCluster)
	assert.Equal(t, "origin", at(c, "spec", "bootstrap", "recovery", "source"), "bootstrapped from the copy in its own region")
	assert.Nil(t, at(c, "spec", "bootstrap", "initdb"))
	assert.Equal(t, map[string]any{"self": "dr", "primary": "prod", "source": "prod"}, at(c, "spec", "replica"),
		"a replica in the distributed topology, never the standalone enabled flag (promoting that is irreversible)")
	ext := func(name, store, server string) map[string]any {
		return map[string]any{"name": name, "plugin": map[string]any{"name": "barman-cloud.cloudnative-pg.io",
			"parameters": map[string]any{"barmanObjectName": store, "serverName": server}}}
	}
	assert.Equal(t, []any{ext("dr", "postgres-backups", "dr"), ext("prod", "postgres-peer", "prod"), ext("origin", "postgres-origin", "prod")},
		at(c, "spec", "externalClusters"))
	stores := map[string]string{}
	for _, s := range d.OfType(dbtest.TypeObjectStore) {
		name := at(s, "metadata", "name").(string)
		stores[name], _ = at(s, "spec", "configuration", "destinationPath").(string)
		if name != "postgres-backups" {
			assert.Nil(t, at(s, "spec", "retentionPolicy"), "the DR copy never expires prod's history")
		}
	}
	assert.Equal(t, map[string]string{
		"postgres-backups": "s3://" + config.BackupBucketName(config.EnvProd, "123456789012", "cn-north-1") + "/",
		"postgres-peer":    "s3://" + config.BackupBucketName(config.EnvProd, "123456789012", "cn-northwest-1") + "/",
		"postgres-origin":  "s3://" + config.BackupBucketName(config.EnvProd, "123456789012", "cn-north-1") + "/",
	}, stores, "replays prod's own archive in prod's region; bootstraps from the copy in its own")
	policy := d.One(t, dbtest.TypeRolePolicy).Inputs["policy"].(string)
	assert.Contains(t, policy, "/prod/*", "reads prod's folder")
	assert.Contains(t, policy, "/dr/*", "writes its own")
	assert.Contains(t, policy, "s3.cn-northwest-1.amazonaws.com.cn", "reads prod's archive through prod's region's S3")
}

// TestPromotionAndFailBack: backup.postgresPrimary moves the primary; a token makes it a switchover.
func TestPromotionAndFailBack(t *testing.T) {
	replica := func(env, backup string) map[string]any {
		vals := map[string]string{config.KeyBackup: backup}
		region := "cn-northwest-1"
		if env == "dr" {
			region = "cn-north-1"
			vals[config.KeyEnvironment], vals[config.KeyDRRegion] = "dr", "cn-northwest-1"
		}
		cfg := dbtest.PlatformFor(t, region, vals)
		c := deploy(t, cfg, topologyOf(t, cfg)).One(t, dbtest.TypeCluster)
		r, _ := at(c, "spec", "replica").(map[string]any)
		return map[string]any{"replica": r, "bootstrap": at(c, "spec", "bootstrap", "recovery", "source"), "initdb": at(c, "spec", "bootstrap", "initdb")}
	}
	promoted := replica("dr", `{"postgresPrimary": "dr"}`)
	assert.Equal(t, map[string]any{"self": "dr", "primary": "dr", "source": "prod"}, promoted["replica"], "failover: no token")

	prodAfter := replica("prod", `{"postgresPrimary": "dr"}`)
	assert.Equal(t, map[string]any{"self": "prod", "primary": "dr", "source": "dr"}, prodAfter["replica"], "prod follows prod-dr")
	assert.Equal(t, "dr", prodAfter["bootstrap"], "re-cloned from prod-dr's archive")

	back := replica("prod", `{"postgresPrimary": "prod", "promotionToken": "eyJ0bCI6Mn0="}`)
	assert.Equal(t, map[string]any{"self": "prod", "primary": "prod", "source": "dr", "promotionToken": "eyJ0bCI6Mn0="}, back["replica"])
	assert.Equal(t, map[string]any{"self": "dr", "primary": "prod", "source": "prod"}, replica("dr", `{"postgresPrimary": "prod", "promotionToken": "eyJ0bCI6Mn0="}`)["replica"],
		"fail-back: prod-dr is demoted by naming prod primary, and takes no token")

	normal := replica("prod", `{}`)
	assert.Equal(t, map[string]any{"self": "prod", "primary": "prod", "source": "dr"}, normal["replica"])
	assert.NotNil(t, normal["initdb"], "prod, never failed over, is the initdb cluster")
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
