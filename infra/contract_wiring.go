package infra

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/cluster"
	"github.com/suoke-life/suoke-platform/infra/cluster/tenancy"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/contract"
	"github.com/suoke-life/suoke-platform/infra/database"
	"github.com/suoke-life/suoke-platform/infra/database/postgres"
	"github.com/suoke-life/suoke-platform/infra/monitoring"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
)

// withServices adds the stack output `services`: each service's contract (infra/contract), built
// from the config and from what the cluster, the data tier and monitoring made for it. It names
// Secrets and endpoints; it holds no secret value.
func withServices(outs Outputs, cfg *config.Platform, cl *cluster.Cluster, db *database.Database, mon *monitoring.Monitoring) Outputs {
	in := contract.In{
		Metrics:      contract.Metrics{PortName: metrics.MetricsPort, Port: tenancy.MetricsPort, Path: "/metrics"},
		LabelKey:     tenancy.LabelService,
		RedisPort:    db.RedisPort,
		RedisAuth:    db.RedisAuth,
		OTLPEndpoint: mon.OTLPEndpoint,
	}
	if pg := db.Postgres; pg != nil {
		in.PostgresRW, in.PostgresRO, in.PostgresPooler, in.PostgresPort = pg.RWHost, pg.ROHost, pg.PoolerHost, postgres.Port
	}
	// The role ARNs and Redis endpoints are outputs: resolve them together, then build.
	outputs := []any{db.RedisPrimaryEndpoint, db.RedisReaderEndpoint}
	for _, s := range cfg.Services {
		outputs = append(outputs, cl.ServiceRoleARNs[s.Name])
	}
	outs["services"] = pulumi.All(outputs...).ApplyT(func(v []any) (any, error) {
		in := in
		in.RedisEndpoint, _ = v[0].(string)
		in.RedisReaderEndpoint, _ = v[1].(string)
		for i, s := range cfg.Services {
			arn, _ := v[2+i].(string)
			si := contract.ServiceIn{Name: s.Name, Namespace: cl.Namespaces.Workloads[s.Tier], ServiceAccount: s.Name,
				RoleARN: arn, SLO: string(s.SLO), Port: s.Port, RedisUser: db.RedisUsers[s.Name]}
			if pg := db.Postgres; pg != nil && s.Database {
				si.Database, si.PasswordAuth = pg.Databases[s.Name], pg.PasswordAuth[s.Name]
				si.CredentialsSecret = contract.SecretRef{Namespace: pg.SecretNamespaces[s.Name], Name: pg.Secrets[s.Name]}
				si.ServerCA = contract.SecretRef{Namespace: pg.SecretNamespaces[s.Name], Name: pg.ServerCAConfigMap}
			}
			in.Services = append(in.Services, si)
		}
		return plainJSON(contract.Build(in)), nil
	}).(pulumi.AnyOutput)
	return outs
}
