package monitoring

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/monitoring/alerting"
	"github.com/suoke-life/suoke-platform/infra/monitoring/dashboards"
	"github.com/suoke-life/suoke-platform/infra/monitoring/logs"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
	"github.com/suoke-life/suoke-platform/infra/monitoring/scope"
	"github.com/suoke-life/suoke-platform/infra/monitoring/traces"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// Monitoring is the component; its outputs are what other components and the stack export.
type Monitoring struct {
	pulumi.ResourceState

	Namespace string
	// OTLPEndpoint is where services send traces (gRPC; HTTP on OTLPHTTPEndpoint).
	OTLPEndpoint     string
	OTLPHTTPEndpoint string
	// LogDomainEndpoint and LogDomainARN are the OpenSearch domain's.
	LogDomainEndpoint pulumi.StringOutput
	LogDomainARN      pulumi.StringOutput
	// TraceBucket is the S3 bucket Tempo stores traces in.
	TraceBucket string
	// GrafanaAdminSecretARN is the Secrets Manager secret of Grafana's admin password.
	GrafanaAdminSecretARN pulumi.StringOutput
	// Alerts and Dashboards are what the rules and dashboards hold, for the plan.
	Alerts     []metrics.AlertSummary
	Dashboards []string
}

// New builds the monitoring: one component whose parts (metrics and alerts, alerting, dashboards,
// logs, traces) are created as its children.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Monitoring, error) {
	if errs := args.Validate(field.NewPath("monitoring")); len(errs) > 0 {
		return nil, fmt.Errorf("monitoring: %w", errs.ToAggregate())
	}
	m := &Monitoring{Namespace: args.Namespace}
	if err := ctx.RegisterComponentResource("suoke:monitoring:Monitoring", name, m, opts...); err != nil {
		return nil, err
	}
	if err := build(ctx, name, args, m); err != nil {
		return nil, fmt.Errorf("monitoring %s: %w", name, err)
	}
	return m, ctx.RegisterResourceOutputs(m, pulumi.Map{
		"logDomainEndpoint": m.LogDomainEndpoint,
		"logDomainArn":      m.LogDomainARN,
		"traceBucket":       pulumi.String(m.TraceBucket),
		"otlpEndpoint":      pulumi.String(m.OTLPEndpoint),
	})
}

// build creates the monitoring key, then the parts. Traces come before metrics because Grafana's
// trace data source is Tempo's query URL; logs after metrics because Fluent Bit waits for the stack.
func build(ctx *pulumi.Context, name string, a Args, m *Monitoring) error {
	s := scope.Scope{Ctx: ctx, Name: name, Parent: m, Env: a.Env, Kubernetes: a.Kubernetes, Namespace: a.Namespace,
		DependsOn: a.DependsOn, ClusterName: a.ClusterName, OIDCProviderARN: a.OIDCProviderARN, OIDCIssuer: a.OIDCIssuer,
		Registries: a.Registries, Protect: a.Protect, Tags: a.Tags}
	key, err := kms.NewKey(ctx, s.Child("kms"), &kms.KeyArgs{
		Description:          pulumi.String("Monitoring data of " + a.ClusterName + ": log domain, trace bucket, Grafana admin secret"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Tags:                 tags.Of(a.Tags, nil),
	}, s.Kept()...)
	if err != nil {
		return err
	}
	s.Key = key
	sch := a.scheduling()
	p := a.params()

	tr, err := traces.New(s, traces.Args{Sampling: a.Monitoring.TraceSampling, RetentionDays: a.Monitoring.TraceRetentionDays,
		StorageClass: a.StorageClass, Scheduling: sch, CollectorReplicas: a.collectorReplicas()})
	if err != nil {
		return fmt.Errorf("traces: %w", err)
	}
	m.OTLPEndpoint, m.OTLPHTTPEndpoint, m.TraceBucket = tr.OTLPEndpoint, tr.OTLPHTTPEndpoint, tr.Bucket

	al, err := alerting.New(s, alerting.Args{Receivers: a.Monitoring.Receivers, DeadMansSwitch: a.Monitoring.DeadMansSwitchURL})
	if err != nil {
		return fmt.Errorf("alerting: %w", err)
	}
	mt, err := metrics.New(s, metrics.Args{Params: p, Services: a.Services, GrafanaAdminSecretName: a.GrafanaAdminSecretName,
		After: []pulumi.Resource{al.Secret},
		Stack: metrics.StackInput{Monitoring: a.Monitoring, StorageClass: a.StorageClass, ClusterName: a.ClusterName,
			Environment: string(a.Environment), Namespace: a.Namespace, TempoURL: tr.QueryURL, Scheduling: sch, Registries: a.Registries}})
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	m.Alerts, m.GrafanaAdminSecretARN = mt.Alerts, mt.GrafanaAdminSecretARN

	ds, err := dashboards.New(s, dashboards.Args{Params: p, Services: a.Services})
	if err != nil {
		return fmt.Errorf("dashboards: %w", err)
	}
	m.Dashboards = ds.Titles

	lg, err := logs.New(s, logs.Args{RetentionDays: a.Monitoring.LogRetentionDays, ArchiveDays: a.Monitoring.LogArchiveDays,
		OpenSearch: a.Monitoring.OpenSearch, AZs: a.AZs, DataSubnetIDs: a.DataSubnetIDs, DataSecurityGroupID: a.DataSecurityGroupID,
		AccountReady: a.AccountReady, Scheduling: sch, After: []pulumi.Resource{mt.Stack}})
	if err != nil {
		return fmt.Errorf("logs: %w", err)
	}
	m.LogDomainEndpoint, m.LogDomainARN = lg.DomainEndpoint, lg.DomainARN
	return nil
}
