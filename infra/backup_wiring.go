package infra

import (
	"fmt"
	"math"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/backup"
	"github.com/suoke-life/suoke-platform/infra/cluster"
	"github.com/suoke-life/suoke-platform/infra/cluster/nodegroups"
	"github.com/suoke-life/suoke-platform/infra/cluster/tenancy"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/promotion"
)

// NamespaceVelero is where Velero runs (platform software, on the monitoring pool); the cluster
// component creates it with the Pod Security labels.
const NamespaceVelero = tenancy.NamespaceVelero

// drIdentity builds the AWS provider of the DR region and asks AWS about it. Staging has no DR pair.
func drIdentity(ctx *pulumi.Context, cfg *config.Platform, tags map[string]string) (*identity.Env, error) {
	if !cfg.Environment.ProductionLike() {
		return nil, nil
	}
	p, err := aws.NewProvider(ctx, "aws-dr", &aws.ProviderArgs{
		Region:      pulumi.String(cfg.DRRegion.Name),
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(tags)},
	})
	if err != nil {
		return nil, fmt.Errorf("aws provider of %s: %w", cfg.DRRegion.Name, err)
	}
	return identity.Lookup(ctx, p)
}

// checkPromotion reads what this stack's last up and the pair's other stack's last up recorded of the
// PostgreSQL primary, and refuses a config that would undo a promotion (infra/promotion). It runs
// before anything else is registered, so a refused up changes nothing. Only the pair has a primary
// to protect; the other stack is read where pairStack names it.
func checkPromotion(ctx *pulumi.Context, cfg *config.Platform) error {
	if !cfg.Environment.ProductionLike() {
		return nil
	}
	own, err := promotion.Read(ctx, "promotion-self", cfg.Stack)
	if err != nil {
		return err
	}
	var peer promotion.Recorded
	if cfg.PairStack != "" {
		if peer, err = promotion.Read(ctx, "promotion-pair", cfg.PairStack); err != nil {
			return err
		}
	}
	b := cfg.Backup
	errs := promotion.Check(promotion.Args{Self: cfg.PostgresServerName(), Primary: b.PostgresPrimary, Epoch: b.PrimaryEpoch,
		Token: b.PromotionToken, Own: own, Peer: peer})
	if len(errs) > 0 {
		return fmt.Errorf("PostgreSQL primary: %w", errs.ToAggregate())
	}
	return nil
}

// backupArgs are the backups' Args from the config, before the cluster exists: enough for their
// footprints (Args.Footprints: Velero on the monitoring pool). Every name comes from
// cfg.BackupTopology, which the data tier's archive (cfg.PostgresArchive) and the DR stack's restore
// (cfg.PostgresRestore) share. deployBackup adds the DR region and what the cluster built.
func backupArgs(cfg *config.Platform, env *identity.Env) backup.Args {
	mon := nodegroups.SchedulingFor(config.TierMonitoring)
	var tolerations []map[string]string
	for _, t := range mon.Tolerations {
		tolerations = append(tolerations, map[string]string{"key": t.Key, "operator": t.Operator, "value": t.Value, "effect": t.Effect})
	}
	return backup.Args{
		Config:   cfg.Backup,
		Topology: cfg.BackupTopology(env.AccountID),
		Env:      env,
		Protect:  cfg.Protect,
		Velero:   &backup.VeleroArgs{Namespace: NamespaceVelero, NodeSelector: mon.NodeSelector, Tolerations: tolerations},
	}
}

// deployBackup builds the backups, with the DR region's identity (nil for staging).
func deployBackup(ctx *pulumi.Context, args backup.Args, drEnv *identity.Env, cl *cluster.Cluster, opts ...pulumi.ResourceOption) (*backup.Backup, error) {
	v := *args.Velero
	v.Provider, v.Registries = cl.Provider, cl.Registries
	v.OIDCProviderARN, v.OIDCIssuer = cl.OIDCProviderARN, cl.OIDCIssuerURL
	// No DependsOn on the cluster component: that waits on whichever of its children exist at the
	// time. cl.Provider already waits for the nodes and the deployer's access; the namespace is
	// named one by one.
	v.DependsOn = []pulumi.Resource{cl.NamespaceResources[cl.Namespaces.Velero]}
	args.DREnv, args.Velero = drEnv, &v
	return backup.New(ctx, "backup", args, opts...)
}

// withBackup adds the DR estimates: the RPO from its parts, and the RTO from its parts with the
// deploy critical path of this very program (the DR stack is this program in the DR region).
func withBackup(outs Outputs, cfg *config.Platform, b *backup.Backup, deployMinutes pulumi.Float64Output) Outputs {
	// How long the primary runs on if nothing can be archived: the WAL volume at the configured
	// write rate (config.WALHeadroomHours). Archiving is in the stack's own region, so the DR
	// region's reachability never draws on it; the PostgresWALVolumeHalfFull alert fires at half.
	outs["walHeadroomHours"] = pulumi.Float64(math.Round(cfg.WALHeadroomHours()*10) / 10).ToFloat64Output()
	if !cfg.Environment.ProductionLike() {
		return outs
	}
	outs[promotion.OutputPrimary] = pulumi.String(cfg.Backup.PostgresPrimary).ToStringOutput()
	outs[promotion.OutputEpoch] = pulumi.Int(cfg.Backup.PrimaryEpoch).ToIntOutput()
	outs["rpoMinutes"] = pulumi.Float64(b.RPO.Minutes).ToFloat64Output()
	outs["rtoMinutes"] = deployMinutes.ApplyT(func(d float64) float64 { return backup.RTO(cfg.Backup, d).Minutes }).(pulumi.Float64Output)
	outs["drMode"] = pulumi.String(string(cfg.Backup.DRMode)).ToStringOutput()
	outs["backupBuckets"] = pulumi.ToStringArray(b.Buckets).ToStringArrayOutput()
	return outs
}
