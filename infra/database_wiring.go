package infra

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	corev1 "k8s.io/api/core/v1"

	"github.com/suoke-life/suoke-platform/infra/cluster"
	"github.com/suoke-life/suoke-platform/infra/cluster/nodegroups"
	"github.com/suoke-life/suoke-platform/infra/cluster/tenancy"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/database"
	"github.com/suoke-life/suoke-platform/infra/database/postgres"
	"github.com/suoke-life/suoke-platform/infra/database/redis"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/network"
)

// databaseArgs are the data tier's Args from the config and the network, before the cluster exists:
// enough for its footprints (Args.Footprints), which size PostgreSQL from the database pool's node.
// The archive and restore locations come from the same config functions as the backup component's
// buckets. deployDatabase adds what the cluster and the backups built.
func databaseArgs(cfg *config.Platform, env *identity.Env, net *network.Network, tags map[string]string) database.Args {
	var dbs, caches []string
	for _, s := range cfg.Services {
		if s.Database {
			dbs = append(dbs, s.Name)
		}
		if s.Cache {
			caches = append(caches, s.Name)
		}
	}
	cat, _ := config.CatalogFor(cfg.Region.Name)
	alloc := nodegroups.Allocatable(cat.EC2[cfg.NodePools[config.TierDatabase].InstanceType])
	pg := &postgres.Args{
		Namespace:             tenancy.NamespaceData,
		OperatorNamespace:     tenancy.NamespaceCNPGSystem,
		Database:              placement(nodegroups.SchedulingFor(config.TierDatabase)),
		Platform:              placement(nodegroups.SchedulingFor(config.TierMonitoring)),
		NodeAllocatable:       alloc,
		Headroom:              nodegroups.Headroom,
		Archive:               cfg.PostgresArchive(env.AccountID),
		ArchiveTimeoutSeconds: cfg.Backup.ArchiveTimeoutSeconds,
		Settings:              cfg.Data.Postgres,
		Databases:             dbs,
	}
	// The pair's distributed topology (prod, and prod-dr in standby mode) sets the cluster's role
	// from backup.postgresPrimary; prod-dr in rebuild mode only bootstraps from prod's copy.
	if topo, ok := cfg.PostgresTopology(env.AccountID); ok {
		pg.Topology = &topo
	} else if restore, ok := cfg.PostgresRestore(env.AccountID); ok {
		pg.Restore = &restore
	}
	return database.Args{
		Env:     env,
		AZs:     net.AZs,
		Protect: cfg.Protect,
		Tags:    tags,
		Redis: redis.Args{
			Engine: cfg.Cache.Engine, EngineVersion: cfg.Cache.EngineVersion, NodeType: cfg.Cache.NodeType, Nodes: cfg.Cache.Nodes,
			Settings: cfg.Data.Redis, Users: caches,
			DataSubnetIDs: net.DataSubnetIDs, DataSGID: net.DataSGID.ToStringOutput(),
		},
		Postgres: pg,
	}
}

// deployDatabase builds the data tier on the network (Redis) and the cluster (PostgreSQL).
// archiveDeps are what the first WAL segment needs (the backup component's archive).
func deployDatabase(ctx *pulumi.Context, cfg *config.Platform, args database.Args, cl *cluster.Cluster, archiveDeps []pulumi.Resource, opts ...pulumi.ResourceOption) (*database.Database, error) {
	pg := *args.Postgres
	pg.KubeProvider, pg.StorageClass, pg.Registries = cl.Provider, cl.StorageClasses.Retain, cl.Registries
	pg.OIDCProviderARN, pg.OIDCIssuerURL = cl.OIDCProviderARN, cl.OIDCIssuerURL
	// The namespaces, cert-manager (the plugin's certificates) and the prometheus-operator CRDs (the
	// PodMonitors), named one by one: a DependsOn on the whole cluster component would expand to
	// whichever of its children happen to be registered by then.
	pg.DependsOn = present(cl.NamespaceResources[cl.Namespaces.Data], cl.NamespaceResources[cl.Namespaces.CNPGSystem], cl.CertManager, cl.PrometheusOperatorCRDs)
	pg.ClusterDependsOn = archiveDeps
	// Each database service's credentials go to its own namespace, which must exist first.
	pg.ServiceNamespaces, pg.CertManagerNamespace, pg.ClientDependsOn = map[string]string{}, cl.Namespaces.CertManager, nil
	seen := map[string]bool{}
	for _, s := range cfg.Services {
		if !s.Database {
			continue
		}
		ns := cl.Namespaces.Workloads[s.Tier]
		if !seen[ns] {
			seen[ns] = true
			pg.ClientDependsOn = append(pg.ClientDependsOn, present(cl.NamespaceResources[ns])...)
		}
		pg.ServiceNamespaces[s.Name] = ns
	}
	args.Postgres = &pg
	return database.New(ctx, "database", args, opts...)
}

// present drops the resources a stack does not have.
func present(rs ...pulumi.Resource) []pulumi.Resource {
	var out []pulumi.Resource
	for _, r := range rs {
		if r != nil {
			out = append(out, r)
		}
	}
	return out
}

func placement(s nodegroups.PoolScheduling) postgres.Placement {
	p := postgres.Placement{NodeSelector: s.NodeSelector}
	for _, t := range s.Tolerations {
		p.Tolerations = append(p.Tolerations, corev1.Toleration{Key: t.Key, Operator: corev1.TolerationOperator(t.Operator), Value: t.Value, Effect: corev1.TaintEffect(t.Effect)})
	}
	return p
}

// withDatabase adds the data tier's endpoints and the names of the secrets services read; no
// secret value.
func withDatabase(outs Outputs, db *database.Database) Outputs {
	outs["redisPrimaryEndpoint"] = db.RedisPrimaryEndpoint
	outs["redisReaderEndpoint"] = db.RedisReaderEndpoint
	outs["redisPort"] = pulumi.Int(db.RedisPort).ToIntOutput()
	outs["redisAuth"] = pulumi.String(db.RedisAuth).ToStringOutput()
	outs["redisUsers"] = pulumi.ToStringMap(db.RedisUsers).ToStringMapOutput()
	if db.RedisAuth == redis.AuthToken {
		outs["redisAuthSecretName"] = db.RedisAuthSecretName
	}
	if pg := db.Postgres; pg != nil {
		secrets := map[string]string{}
		for svc, s := range pg.Secrets {
			secrets[svc] = pg.SecretNamespaces[svc] + "/" + s
		}
		outs["postgresRwHost"] = pulumi.String(pg.RWHost).ToStringOutput()
		outs["postgresRoHost"] = pulumi.String(pg.ROHost).ToStringOutput()
		outs["postgresPoolerHost"] = pulumi.String(pg.PoolerHost).ToStringOutput()
		outs["postgresPort"] = pulumi.Int(postgres.Port).ToIntOutput()
		// The server CA's certificate only, as a ConfigMap of this name in each client namespace.
		outs["postgresServerCaConfigMap"] = pulumi.String(pg.ServerCAConfigMap).ToStringOutput()
		outs["postgresSecrets"] = pulumi.ToStringMap(secrets).ToStringMapOutput()
		outs["postgresDatabases"] = pulumi.ToStringMap(pg.Databases).ToStringMapOutput()
	}
	return outs
}
