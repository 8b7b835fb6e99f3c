package infra

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	corev1 "k8s.io/api/core/v1"

	"github.com/suoke-life/suoke-platform/infra/cluster"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/database"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/network"
)

// deployDatabase builds the data tier on the network (Redis) and the cluster (PostgreSQL). The
// archive and restore locations come from the same config functions as the backup component's
// buckets, and what it schedules is reserved in the cluster's capacity ledger.
func deployDatabase(ctx *pulumi.Context, cfg *config.Platform, env *identity.Env, net *network.Network, cl *cluster.Cluster, archiveDeps []pulumi.Resource, tags map[string]string, opts ...pulumi.ResourceOption) (*database.Database, error) {
	var dbs, caches []string
	// Each database service's credentials go to its own namespace, which must exist first.
	serviceNS, seenNS := map[string]string{}, map[string]bool{}
	var clientNS []pulumi.Resource
	for _, s := range cfg.Services {
		if s.Database {
			dbs = append(dbs, s.Name)
			ns := cl.Namespaces.Workloads[s.Tier]
			if !seenNS[ns] {
				seenNS[ns] = true
				clientNS = append(clientNS, present(cl.NamespaceResources[ns])...)
			}
			serviceNS[s.Name] = ns
		}
		if s.Cache {
			caches = append(caches, s.Name)
		}
	}
	cat, _ := config.CatalogFor(cfg.Region.Name)
	alloc := cluster.Allocatable(cat.EC2[cfg.NodePools[config.TierDatabase].InstanceType])
	pg := &database.PostgresArgs{
		KubeProvider:          cl.Provider,
		Namespace:             cl.Namespaces.Data,
		OperatorNamespace:     cl.Namespaces.CNPGSystem,
		StorageClass:          cl.StorageClasses.Retain,
		OIDCProviderARN:       cl.OIDCProviderARN,
		OIDCIssuerURL:         cl.OIDCIssuerURL,
		Registries:            cl.Registries,
		Database:              placement(cl.Scheduling[config.TierDatabase]),
		Platform:              placement(cl.Scheduling[config.TierMonitoring]),
		NodeAllocatable:       database.Resources{CPUMilli: alloc.CPUMilli, MemoryMiB: alloc.MemoryMiB},
		Headroom:              cluster.Headroom,
		Archive:               cfg.PostgresArchive(env.AccountID),
		ArchiveTimeoutSeconds: cfg.Backup.ArchiveTimeoutSeconds,
		Settings:              cfg.Data.Postgres,
		Databases:             dbs,
		ServiceNamespaces:     serviceNS,
		CertManagerNamespace:  cl.Namespaces.CertManager,
		ClientDependsOn:       clientNS,
		// The namespaces, cert-manager (the plugin's certificates) and the prometheus-operator CRDs
		// (the PodMonitors), named one by one: a DependsOn on the whole cluster component would
		// expand to whichever of its children happen to be registered by then.
		DependsOn:        present(cl.NamespaceResources[cl.Namespaces.Data], cl.NamespaceResources[cl.Namespaces.CNPGSystem], cl.CertManager, cl.PrometheusOperatorCRDs),
		ClusterDependsOn: archiveDeps,
	}
	// The pair's distributed topology (prod, and prod-dr in standby mode) sets the cluster's role
	// from backup.postgresPrimary; prod-dr in rebuild mode only bootstraps from prod's copy.
	if topo, ok := cfg.PostgresTopology(env.AccountID); ok {
		pg.Topology = &topo
	} else if restore, ok := cfg.PostgresRestore(env.AccountID); ok {
		pg.Restore = &restore
	}
	db, err := database.New(ctx, "database", database.Args{
		Env:     env,
		AZs:     net.AZs,
		Protect: cfg.Protect,
		Tags:    tags,
		Redis: database.RedisArgs{
			Engine: cfg.Cache.Engine, EngineVersion: cfg.Cache.EngineVersion, NodeType: cfg.Cache.NodeType, Nodes: cfg.Cache.Nodes,
			Settings: cfg.Data.Redis, Users: caches,
			DataSubnetIDs: net.DataSubnetIDs, DataSGID: net.DataSGID.ToStringOutput(),
		},
		Postgres: pg,
	}, opts...)
	if err != nil {
		return nil, err
	}
	for _, f := range db.Postgres.Footprints {
		cl.Reserve(cluster.Footprint{Tier: f.Tier, Name: f.Name, Replicas: f.Replicas, CPUMilli: f.CPUMilli, MemoryMiB: f.MemoryMiB, Source: "database"})
	}
	return db, nil
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

func placement(s cluster.PoolScheduling) database.Placement {
	p := database.Placement{NodeSelector: s.NodeSelector}
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
	if db.RedisAuth == database.AuthToken {
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
		outs["postgresPort"] = pulumi.Int(database.PostgresPort).ToIntOutput()
		// The server CA's certificate only, as a ConfigMap of this name in each client namespace.
		outs["postgresServerCaConfigMap"] = pulumi.String(pg.ServerCAConfigMap).ToStringOutput()
		outs["postgresSecrets"] = pulumi.ToStringMap(secrets).ToStringMapOutput()
		outs["postgresDatabases"] = pulumi.ToStringMap(pg.Databases).ToStringMapOutput()
	}
	return outs
}
