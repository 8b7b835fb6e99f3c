package infra

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/account"
	"github.com/suoke-life/suoke-platform/infra/cluster"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/monitoring"
	"github.com/suoke-life/suoke-platform/infra/network"
)

// platformRPO is the recovery point objective the backup plan states (5 minutes, config/backup.go):
// the WAL archive age at which the monitoring pages.
const platformRPO = 5 * time.Minute

// deployMonitoring builds the monitoring on the cluster's monitoring pool and the network's data
// subnets, and reserves what it schedules in the cluster's capacity ledger. findingRules are the
// audit component's EventBridge rules by region, nil where another stack owns the audit baseline.
func deployMonitoring(ctx *pulumi.Context, cfg *config.Platform, env *identity.Env, net *network.Network, cl *cluster.Cluster, acct *account.Account, findingRules map[string][]string, tags map[string]string, opts ...pulumi.ResourceOption) (*monitoring.Monitoring, error) {
	deps := []pulumi.Resource{cl.PrometheusOperatorCRDs}
	if ns, ok := cl.NamespaceResources[cl.Namespaces.Monitoring]; ok {
		deps = append(deps, ns)
	}
	args := monitoring.Args{
		Env:                    env,
		Kubernetes:             cl.Provider,
		Namespace:              cl.Namespaces.Monitoring,
		DependsOn:              deps,
		ClusterName:            cl.Name,
		StorageClass:           cl.StorageClasses.Default,
		TierLabel:              cluster.TierLabel,
		OIDCProviderARN:        cl.OIDCProviderARN,
		OIDCIssuer:             cl.OIDCIssuerURL,
		DataSubnetIDs:          net.DataSubnetIDs,
		DataSecurityGroupID:    net.DataSGID.ToStringOutput(),
		Registries:             cl.Registries,
		Environment:            cfg.Environment,
		Protect:                cfg.Protect,
		AccountReady:           acct.Ready,
		AZs:                    cfg.AvailabilityZones,
		Monitoring:             cfg.Monitoring,
		Services:               cfg.Services,
		NodePools:              cfg.NodePools,
		DatabaseInstances:      cfg.Data.Postgres.Instances,
		RPO:                    platformRPO,
		GrafanaAdminSecretName: fmt.Sprintf("suoke/%s/grafana-admin", cfg.Stack),
		Tags:                   tags,
		FindingRules:           findingRules,
	}
	for _, f := range args.Footprints() {
		cl.Reserve(cluster.Footprint{Tier: f.Tier, Name: f.Name, Replicas: f.Replicas, PerNode: f.PerNode,
			CPUMilli: f.Requests.CPUMilli, MemoryMiB: f.Requests.MemoryMiB, Source: "monitoring"})
	}
	return monitoring.New(ctx, "monitoring", args, opts...)
}

// withMonitoring adds the monitoring's outputs: where services send traces, the log domain, the
// Grafana admin secret (its ARN; the value stays in Secrets Manager).
func withMonitoring(outs Outputs, m *monitoring.Monitoring) Outputs {
	outs["otlpEndpoint"] = pulumi.String(m.OTLPEndpoint).ToStringOutput()
	outs["logDomainEndpoint"] = m.LogDomainEndpoint
	outs["traceBucket"] = pulumi.String(m.TraceBucket).ToStringOutput()
	outs["grafanaAdminSecretArn"] = m.GrafanaAdminSecretARN
	return outs
}
