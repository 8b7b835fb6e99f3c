package infra

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/account"
	"github.com/suoke-life/suoke-platform/infra/cluster"
	"github.com/suoke-life/suoke-platform/infra/cluster/nodegroups"
	"github.com/suoke-life/suoke-platform/infra/cluster/tenancy"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/monitoring"
	"github.com/suoke-life/suoke-platform/infra/network"
)

// platformRPO is the recovery point objective the backup plan states (5 minutes, config/backup.go):
// the WAL archive age at which the monitoring pages.
const platformRPO = 5 * time.Minute

// monitoringArgs are the monitoring's Args from the config, the network and the account, before the
// cluster exists: enough for its footprints (Args.Footprints). deployMonitoring adds the cluster's.
func monitoringArgs(cfg *config.Platform, env *identity.Env, net *network.Network, acct *account.Account, tags map[string]string) monitoring.Args {
	return monitoring.Args{
		Env:                    env,
		Namespace:              tenancy.NamespaceMonitoring,
		ClusterName:            clusterName(cfg),
		TierLabel:              nodegroups.TierLabel,
		DataSubnetIDs:          net.DataSubnetIDs,
		DataSecurityGroupID:    net.DataSGID.ToStringOutput(),
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
	}
}

// deployMonitoring builds the monitoring on the cluster's monitoring pool and the network's data
// subnets. findingRules are the audit component's EventBridge rules by region, nil where another
// stack owns the audit baseline.
func deployMonitoring(ctx *pulumi.Context, args monitoring.Args, cl *cluster.Cluster, findingRules map[string][]string, opts ...pulumi.ResourceOption) (*monitoring.Monitoring, error) {
	deps := []pulumi.Resource{cl.PrometheusOperatorCRDs}
	if ns, ok := cl.NamespaceResources[cl.Namespaces.Monitoring]; ok {
		deps = append(deps, ns)
	}
	args.Kubernetes, args.DependsOn, args.StorageClass = cl.Provider, deps, cl.StorageClasses.Default
	args.OIDCProviderARN, args.OIDCIssuer, args.Registries = cl.OIDCProviderARN, cl.OIDCIssuerURL, cl.Registries
	args.FindingRules = findingRules
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
