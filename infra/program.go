// Package infra is the composition: it loads the typed config, builds the components in dependency
// order, and returns the stack outputs. main.go runs Program; the offline plan runs Build under mocks.
package infra

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/account"
	"github.com/suoke-life/suoke-platform/infra/audit"
	"github.com/suoke-life/suoke-platform/infra/backup"
	"github.com/suoke-life/suoke-platform/infra/cluster"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/cost"
	"github.com/suoke-life/suoke-platform/infra/database"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/monitoring"
	"github.com/suoke-life/suoke-platform/infra/network"
	"github.com/suoke-life/suoke-platform/infra/protection"
	"github.com/suoke-life/suoke-platform/infra/runner"
)

// Outputs are the stack outputs by name.
type Outputs map[string]pulumi.Output

// Program is the Pulumi program: Build, then export every output.
func Program(ctx *pulumi.Context) error {
	outs, err := Build(ctx)
	if err != nil {
		return err
	}
	for _, k := range SortedNames(outs) {
		ctx.Export(k, outs[k])
	}
	return nil
}

// SortedNames returns the output names in a stable order.
func SortedNames(outs Outputs) []string {
	names := make([]string, 0, len(outs))
	for k := range outs {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Build validates the whole config first (nothing is registered on a bad value), then deploys.
func Build(ctx *pulumi.Context) (Outputs, error) {
	cfg, err := config.Load(ctx)
	if err != nil {
		return nil, err
	}
	return Deploy(ctx, cfg)
}

// CommonTags go on every AWS resource through the provider's default tags. DataClassification marks
// the platform as processing personal health information (PIPL "sensitive personal information").
func CommonTags(cfg *config.Platform) map[string]string {
	return map[string]string{
		"Project":            cfg.Project,
		"Environment":        string(cfg.Environment),
		"Stack":              cfg.Stack,
		"ManagedBy":          "pulumi",
		"DataClassification": "health-sensitive",
	}
}

// Deploy builds the platform from a validated config.
func Deploy(ctx *pulumi.Context, cfg *config.Platform) (Outputs, error) {
	// Which PostgreSQL cluster is the primary is checked against the stacks' records first: a refused
	// up must not have changed anything (backup_wiring.go).
	if err := checkPromotion(ctx, cfg); err != nil {
		return nil, err
	}
	// The cost collector describes every resource registered after it, for the cost and deploy-time
	// outputs; sealed when Deploy returns, after the last component.
	collector, err := cost.NewCollector(ctx)
	if err != nil {
		return nil, err
	}
	defer collector.Seal()
	// What protect means is decided by type in one place (infra/protection), for every component.
	if err := ctx.RegisterResourceTransform(protection.Transform(cfg.Protect)); err != nil {
		return nil, fmt.Errorf("protection transform: %w", err)
	}
	tags := CommonTags(cfg)
	awsProvider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
		Region:      pulumi.String(cfg.Region.Name),
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(tags)},
	})
	if err != nil {
		return nil, fmt.Errorf("aws provider: %w", err)
	}
	env, err := identity.Lookup(ctx, awsProvider)
	if err != nil {
		return nil, err
	}
	if env.Partition != cfg.Region.Partition {
		return nil, fmt.Errorf("aws:region %s belongs to partition %s, but the credentials are for %s: use an account of the region's partition",
			cfg.Region.Name, cfg.Region.Partition, env.Partition)
	}

	// Account-wide prerequisites first: created by the owner of the account baseline, looked up
	// (and so checked to exist) by every other stack before anything is registered that needs them.
	acct, err := account.New(ctx, "account", account.Args{Owner: cfg.AccountBaseline}, pulumi.Providers(awsProvider))
	if err != nil {
		return nil, err
	}

	var gatewayPorts []int
	for _, s := range cfg.ServicesOn(config.TierGateway) {
		gatewayPorts = append(gatewayPorts, s.Port)
	}
	net, err := network.New(ctx, "network", network.Args{
		CIDR:                 cfg.VPCCIDR,
		AZs:                  cfg.AZNames(),
		NATPerAZ:             cfg.NATGateways == config.NATPerAZ,
		FlowLogRetentionDays: cfg.FlowLogRetentionDays,
		GatewayPorts:         gatewayPorts,
		Env:                  env,
	}, pulumi.Providers(awsProvider))
	if err != nil {
		return nil, err
	}

	// Every component's Args first, from the config and the network: each states what it schedules on
	// the pools from its Args (Footprints), and the cluster computes its quotas and the capacity output
	// from the sum of all of them. What the cluster builds is added to the others' Args after it.
	clArgs := clusterArgs(cfg, env, net, tags)           // cluster_wiring.go
	monArgs := monitoringArgs(cfg, env, net, acct, tags) // monitoring_wiring.go
	dbArgs := databaseArgs(cfg, env, net, tags)          // database_wiring.go
	bkArgs := backupArgs(cfg, env)                       // backup_wiring.go
	clArgs.Scheduled = scheduled(clArgs, monArgs, dbArgs, bkArgs)
	cl, err := cluster.New(ctx, "cluster", clArgs, pulumi.Providers(awsProvider))
	if err != nil {
		return nil, err
	}

	var run *runner.Runner
	if cfg.Cluster.Runner.Enabled {
		run, err = runner.New(ctx, "runner", runner.Args{
			Name: cl.Name, InstanceType: cfg.Cluster.Runner.InstanceType, VolumeGiB: cfg.Cluster.Runner.VolumeGiB,
			SubnetIDs: net.PrivateSubnetIDs, SecurityGroupID: net.RunnerSGID.ToStringOutput(), Env: env, Tier: cost.TierControlPlane,
		}, pulumi.Providers(awsProvider))
		if err != nil {
			return nil, err
		}
	}

	drEnv, err := drIdentity(ctx, cfg, tags) // backup_wiring.go
	if err != nil {
		return nil, err
	}
	// Audit and detection (infra/audit) are one per account and region: only the owner of the account
	// baseline builds them, in its region and its DR region (through the DR provider; a stack with no
	// DR pair gets one for the audit alone), protected and kept on destroy.
	var aud *audit.Audit
	if cfg.AccountBaseline {
		auditDR := drEnv
		if auditDR == nil {
			p, err := aws.NewProvider(ctx, "aws-audit-dr", &aws.ProviderArgs{
				Region: pulumi.String(cfg.DRRegion.Name), DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(tags)},
			})
			if err != nil {
				return nil, fmt.Errorf("aws provider of %s: %w", cfg.DRRegion.Name, err)
			}
			if auditDR, err = identity.Lookup(ctx, p); err != nil {
				return nil, err
			}
		}
		var emails []pulumi.StringInput
		for _, e := range cfg.Monitoring.Receivers.OnCall.Emails {
			emails = append(emails, pulumi.ToSecret(pulumi.String(e.Reveal())).(pulumi.StringOutput))
		}
		aud, err = audit.New(ctx, "audit", audit.Args{Name: cfg.Project, Home: env, Others: []*identity.Env{auditDR}, AlertEmails: emails},
			pulumi.Providers(awsProvider))
		if err != nil {
			return nil, err
		}
	}
	bk, err := deployBackup(ctx, bkArgs, drEnv, cl, pulumi.Providers(awsProvider))
	if err != nil {
		return nil, err
	}
	db, err := deployDatabase(ctx, cfg, dbArgs, cl, bk.ArchiveReady, pulumi.Providers(awsProvider))
	if err != nil {
		return nil, err
	}

	var findingRules map[string][]string
	if aud != nil {
		findingRules = aud.FindingRules
	}
	mon, err := deployMonitoring(ctx, monArgs, cl, findingRules, pulumi.Providers(awsProvider))
	if err != nil {
		return nil, err
	}

	costs, err := cost.New(ctx, "cost", cost.Args{Collector: collector, Region: cfg.Region.Name, Usage: cfg.Cost})
	if err != nil {
		return nil, err
	}

	outs := withCost(withCluster(withMonitoring(withDatabase(Outputs{
		"environment":       pulumi.String(string(cfg.Environment)).ToStringOutput(),
		"region":            pulumi.String(cfg.Region.Name).ToStringOutput(),
		"drRegion":          pulumi.String(cfg.DRRegion.Name).ToStringOutput(),
		"partition":         pulumi.String(env.Partition).ToStringOutput(),
		"availabilityZones": pulumi.ToStringArray(cfg.AZNames()).ToStringArrayOutput(),
		"vpcId":             net.VpcID.ToStringOutput(),
		"vpcCidr":           pulumi.String(net.VpcCIDR).ToStringOutput(),
		"publicSubnetIds":   net.PublicSubnetIDs,
		"privateSubnetIds":  net.PrivateSubnetIDs,
		"dataSubnetIds":     net.DataSubnetIDs,
		"natGateways":       pulumi.Int(net.NATGatewayCount).ToIntOutput(),
		"nodePools":         nodePoolsOutput(cfg),
	}, db), mon), cl), costs)
	outs = withServices(outs, cfg, cl, db, mon)
	if run != nil {
		// What the first-deploy runbook reads to find the host (aws autoscaling describe-auto-scaling-groups).
		outs["runner"] = pulumi.Map{
			"autoScalingGroupName": run.AutoScalingGroupName, "roleArn": run.RoleARN, "securityGroupId": run.SecurityGroupID,
		}.ToMapOutput()
	}
	if aud != nil {
		outs["audit"] = pulumi.Map{"trailArn": aud.TrailARN, "bucket": pulumi.String(aud.Bucket),
			"findingTopics": pulumi.ToStringMapOutput(aud.FindingTopics)}.ToMapOutput()
	}
	return withBackup(outs, cfg, bk, costs.DeployEstimateMinutes), nil
}

// scheduled is everything the components schedule on the pools, the sum the cluster's quotas and
// capacity output are computed from. Every component with pods is listed here.
func scheduled(cl cluster.Args, mon monitoring.Args, db database.Args, bk backup.Args) []footprint.Footprint {
	return footprint.Sum(cl.Footprints(), mon.Footprints(), db.Footprints(), bk.Footprints())
}

// nodePoolsOutput exports the resolved sizing: tier → type and counts, for reviews and dashboards.
func nodePoolsOutput(cfg *config.Platform) pulumi.Output {
	m := pulumi.Map{}
	for _, t := range config.AllTiers() {
		p := cfg.NodePools[t]
		m[string(t)] = pulumi.Map{
			"instanceType": pulumi.String(p.InstanceType),
			"min":          pulumi.Int(p.Min),
			"desired":      pulumi.Int(p.Desired),
			"max":          pulumi.Int(p.Max),
			"perAz":        pulumi.Bool(t == config.TierDatabase),
		}
	}
	return m.ToMapOutput()
}

// withCost adds the cost component's outputs: monthly cost by tier and the deploy-time estimate.
func withCost(outs Outputs, c *cost.Cost) Outputs {
	outs["monthlyCost"] = c.MonthlyCost
	outs["deployEstimateMinutes"] = c.DeployEstimateMinutes
	return outs
}
