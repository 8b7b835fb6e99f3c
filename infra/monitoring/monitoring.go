package monitoring

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/credentials"
	"github.com/suoke-life/suoke-platform/infra/pins"
	"github.com/suoke-life/suoke-platform/infra/release"
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
	Alerts     []AlertSummary
	Dashboards []string
}

// New builds the monitoring.
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

// builder carries what every step needs.
type builder struct {
	ctx  *pulumi.Context
	name string
	args Args
	m    *Monitoring
	// aws and k8s are the options of AWS children and of Kubernetes children.
	aws, k8s []pulumi.ResourceOption
	keep     []pulumi.ResourceOption
}

func (b *builder) child(role string) string { return b.name + "-" + role }

func (b *builder) meta(name string, labels map[string]string) *metav1.ObjectMetaArgs {
	l := pulumi.StringMap{"app.kubernetes.io/managed-by": pulumi.String("pulumi"), "app.kubernetes.io/part-of": pulumi.String("suoke-monitoring")}
	for k, v := range labels {
		l[k] = pulumi.String(v)
	}
	return &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(b.args.Namespace), Labels: l}
}

func (b *builder) k8sOpts(deps ...pulumi.Resource) []pulumi.ResourceOption {
	all := append(append([]pulumi.Resource(nil), b.args.DependsOn...), deps...)
	return append(append([]pulumi.ResourceOption(nil), b.k8s...), pulumi.DependsOn(all))
}

func build(ctx *pulumi.Context, name string, args Args, m *Monitoring) error {
	b := &builder{ctx: ctx, name: name, args: args, m: m,
		aws:  []pulumi.ResourceOption{pulumi.Parent(m)},
		k8s:  []pulumi.ResourceOption{pulumi.Parent(m), pulumi.Provider(args.Kubernetes)},
		keep: []pulumi.ResourceOption{pulumi.Protect(args.Protect), pulumi.RetainOnDelete(args.Protect)},
	}
	p := args.params()
	objs := RuleObjects(p)
	m.Alerts, _ = Summarize(objs)
	m.OTLPEndpoint = fmt.Sprintf("%s.%s.svc.cluster.local:%d", collectorService, args.Namespace, CollectorOTLPGRPCPort)
	m.OTLPHTTPEndpoint = fmt.Sprintf("http://%s.%s.svc.cluster.local:%d", collectorService, args.Namespace, CollectorOTLPHTTPPort)

	aws, err := b.awsResources()
	if err != nil {
		return err
	}
	stack, err := b.stack(aws)
	if err != nil {
		return err
	}
	if err := b.rules(objs, stack); err != nil {
		return err
	}
	if err := b.monitors(stack); err != nil {
		return err
	}
	if err := b.dashboards(p); err != nil {
		return err
	}
	if err := b.logs(aws, stack); err != nil {
		return err
	}
	return b.traces(aws, stack)
}

// stack installs kube-prometheus-stack with its Alertmanager config and Grafana admin secrets.
func (b *builder) stack(aws *awsOut) (*helmv3.Release, error) {
	a := b.args
	amConfig, err := AlertmanagerConfig(a.Monitoring.Receivers, a.Monitoring.DeadMansSwitchURL)
	if err != nil {
		return nil, err
	}
	// The receivers are secrets: the rendered config enters the graph only as a Pulumi secret.
	amSecret, err := corev1.NewSecret(b.ctx, b.child("alertmanager-config"), &corev1.SecretArgs{
		Metadata:   b.meta(AlertmanagerSecret, nil),
		Type:       pulumi.String("Opaque"),
		StringData: pulumi.StringMap{"alertmanager.yaml": pulumi.ToSecret(pulumi.String(string(amConfig))).(pulumi.StringOutput)},
	}, b.k8sOpts()...)
	if err != nil {
		return nil, err
	}

	admin, err := credentials.New(b.ctx, b.child("grafana-admin"), credentials.Args{
		SecretName:  a.GrafanaAdminSecretName,
		Description: "Grafana admin password of " + a.ClusterName,
		Length:      32,
		// Grafana takes any printable password; shell-hostile characters are left out for operators.
		AllowedPunctuation: "-_.+=",
		KMSKeyID:           aws.key.Arn,
		Protect:            a.Protect,
		Tags:               a.Tags,
	}, pulumi.Parent(b.m))
	if err != nil {
		return nil, err
	}
	b.m.GrafanaAdminSecretARN = admin.SecretARN
	grafanaSecret, err := corev1.NewSecret(b.ctx, b.child("grafana-admin-secret"), &corev1.SecretArgs{
		Metadata: b.meta(GrafanaAdminSecret, nil),
		Type:     pulumi.String("Opaque"),
		StringData: pulumi.StringMap{
			"admin-user":     pulumi.String("admin"),
			"admin-password": pulumi.ToSecret(admin.Value).(pulumi.StringOutput),
		},
	}, b.k8sOpts()...)
	if err != nil {
		return nil, err
	}

	values := StackValues(StackInput{Monitoring: a.Monitoring, StorageClass: a.StorageClass, ClusterName: a.ClusterName,
		Environment: string(a.Environment), Namespace: a.Namespace, Scheduling: a.scheduling(), Registries: a.Registries})
	return b.release("stack", pins.ReleaseStack, values, nil, amSecret, grafanaSecret)
}

// release installs one chart of the pin table with Go-built values; extra adds values that are
// outputs. 15 minutes covers volume provisioning and image pulls through the mirror.
func (b *builder) release(key, releaseName string, values map[string]any, extra pulumi.Map, deps ...pulumi.Resource) (*helmv3.Release, error) {
	vals, err := release.Values(values)
	if err != nil {
		return nil, fmt.Errorf("%s values: %w", key, err)
	}
	for k, v := range extra {
		vals[k] = v
	}
	r, _, err := release.New(b.ctx, b.child(key), release.Args{Release: releaseName, Namespace: b.args.Namespace,
		Registries: b.args.Registries, Values: vals, Timeout: 900}, b.k8sOpts(deps...)...)
	return r, err
}

// rules creates our PrometheusRules from prometheus-operator's types. They wait for the release: the
// operator's admission webhook validates them.
func (b *builder) rules(objs []RuleObject, stack *helmv3.Release) error {
	for _, o := range objs {
		pr := o.PrometheusRule(b.args.Namespace)
		spec, err := plainJSON(pr.Spec)
		if err != nil {
			return err
		}
		if _, err := apiextensions.NewCustomResource(b.ctx, b.child("rules-"+o.Name), &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(pr.APIVersion),
			Kind:        pulumi.String(pr.Kind),
			Metadata:    b.meta(pr.Name, pr.Labels),
			OtherFields: kubernetes.UntypedArgs{"spec": spec},
		}, b.k8sOpts(stack)...); err != nil {
			return err
		}
	}
	return nil
}

// plainJSON renders a typed object as plain JSON values, the form CustomResource's OtherFields take.
func plainJSON(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(raw, &out)
}

// monitors creates a ServiceMonitor per service.
func (b *builder) monitors(stack *helmv3.Release) error {
	for _, obj := range Monitors(b.args.Services) {
		spec, err := plainJSON(obj.Spec)
		if err != nil {
			return err
		}
		if _, err := apiextensions.NewCustomResource(b.ctx, b.child(obj.Role), &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String(obj.APIVersion), Kind: pulumi.String(obj.Kind),
			Metadata:    b.meta(obj.Name, map[string]string{RulesLabel: "true"}),
			OtherFields: kubernetes.UntypedArgs{"spec": spec},
		}, b.k8sOpts(stack)...); err != nil {
			return err
		}
	}
	return nil
}

// dashboards creates one ConfigMap per dashboard, labelled for Grafana's sidecar.
func (b *builder) dashboards(p Params) error {
	for _, d := range Dashboards(p, b.args.Services) {
		js, err := d.JSON()
		if err != nil {
			return err
		}
		md := b.meta("dashboard-"+d.UID, map[string]string{DashboardLabel: "1"})
		md.Annotations = pulumi.StringMap{"grafana_folder": pulumi.String("Suoke")}
		if _, err := corev1.NewConfigMap(b.ctx, b.child("dashboard-"+d.UID), &corev1.ConfigMapArgs{
			Metadata: md,
			Data:     pulumi.StringMap{d.UID + ".json": pulumi.String(js)},
		}, b.k8sOpts()...); err != nil {
			return err
		}
		b.m.Dashboards = append(b.m.Dashboards, d.Title)
	}
	sort.Strings(b.m.Dashboards)
	return nil
}

// Kubernetes names of the pipelines' workloads.
const (
	collectorService     = "otel-collector"
	logsBootstrapAccount = "logs-bootstrap"
)

// logs runs the OpenSearch bootstrap Job, then Fluent Bit.
func (b *builder) logs(aws *awsOut, stack *helmv3.Release) error {
	a := b.args
	files, err := BootstrapFiles(LogsInput{RetentionDays: a.Monitoring.LogRetentionDays, Shards: a.AZs, Replicas: 1, WriterRoleARN: aws.fluentBitRoleARN,
		MasterRoleARN: aws.logsMasterRoleARN, SourceRoleARN: aws.bootstrapRoleARN})
	if err != nil {
		return err
	}
	sa, err := corev1.NewServiceAccount(b.ctx, b.child("logs-bootstrap"), &corev1.ServiceAccountArgs{
		Metadata: func() *metav1.ObjectMetaArgs {
			md := b.meta(logsBootstrapAccount, nil)
			md.Annotations = pulumi.StringMap{irsaAnnotation: pulumi.String(aws.bootstrapRoleARN)}
			return md
		}(),
	}, b.k8sOpts(aws.bootstrapRole)...)
	if err != nil {
		return err
	}
	data := pulumi.StringMap{}
	for k, v := range files {
		data[k] = pulumi.String(v)
	}
	cm, err := corev1.NewConfigMap(b.ctx, b.child("logs-bootstrap-files"), &corev1.ConfigMapArgs{
		Metadata: b.meta("logs-bootstrap", nil), Data: data,
	}, b.k8sOpts()...)
	if err != nil {
		return err
	}
	sch := a.scheduling()
	// The Job passes Pod Security "restricted" (the namespace warns and audits at that level): non-root,
	// no privilege escalation, every capability dropped, the runtime's seccomp profile, a read-only
	// root file system. HOME is an emptyDir because the AWS CLI caches the assumed roles' credentials
	// under $HOME/.aws/cli/cache. Kubernetes, "Pod Security Standards", Restricted
	// (https://kubernetes.io/docs/concepts/security/pod-security-standards/, read 2026-12-02).
	const home = "/home/bootstrap"
	job, err := batchv1.NewJob(b.ctx, b.child("logs-bootstrap-job"), &batchv1.JobArgs{
		Metadata: b.meta("logs-bootstrap-"+Checksum(files)[:8], nil),
		Spec: &batchv1.JobSpecArgs{
			BackoffLimit: pulumi.Int(4),
			// A bound the up can wait for: the bootstrap is a few API calls, and a Job that cannot
			// reach the domain fails in 15 minutes instead of holding the deploy until Pulumi's own
			// timeout. No ttlSecondsAfterFinished: the Job is a resource of the stack, and once the
			// TTL controller deleted it the next refresh would find it gone and the next up would
			// create and run it again (the same lifecycle as hashicorp/terraform-provider-kubernetes#2531).
			ActiveDeadlineSeconds: pulumi.Int(900),
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Annotations: pulumi.StringMap{"suoke.life/bootstrap-checksum": pulumi.String(Checksum(files))}},
				Spec: &corev1.PodSpecArgs{
					ServiceAccountName: pulumi.String(logsBootstrapAccount),
					RestartPolicy:      pulumi.String("OnFailure"),
					NodeSelector:       pulumi.StringMap{sch.Key: pulumi.String(sch.Pool)},
					Tolerations: corev1.TolerationArray{&corev1.TolerationArgs{
						Key: pulumi.String(sch.Key), Operator: pulumi.String("Equal"), Value: pulumi.String(sch.Pool), Effect: pulumi.String("NoSchedule"),
					}},
					SecurityContext: &corev1.PodSecurityContextArgs{RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(65534), RunAsGroup: pulumi.Int(65534),
						SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")}},
					Containers: corev1.ContainerArray{&corev1.ContainerArgs{
						Name:    pulumi.String("bootstrap"),
						Image:   pulumi.String(a.Registries.Image(pins.Ref(pins.ImageAWSCLI))),
						Command: pulumi.StringArray{pulumi.String("/bin/bash"), pulumi.String(bootstrapMountDir + "/bootstrap.sh")},
						Env: corev1.EnvVarArray{
							&corev1.EnvVarArgs{Name: pulumi.String("ENDPOINT"), Value: aws.domain.Endpoint},
							&corev1.EnvVarArgs{Name: pulumi.String("AWS_REGION"), Value: pulumi.String(a.Env.Region)},
							&corev1.EnvVarArgs{Name: pulumi.String("AWS_CONFIG_FILE"), Value: pulumi.String(bootstrapMountDir + "/" + awsConfigFile)},
							&corev1.EnvVarArgs{Name: pulumi.String("AWS_PROFILE"), Value: pulumi.String(masterProfile)},
							&corev1.EnvVarArgs{Name: pulumi.String("HOME"), Value: pulumi.String(home)},
						},
						VolumeMounts: corev1.VolumeMountArray{
							&corev1.VolumeMountArgs{Name: pulumi.String("files"), MountPath: pulumi.String(bootstrapMountDir), ReadOnly: pulumi.Bool(true)},
							&corev1.VolumeMountArgs{Name: pulumi.String("home"), MountPath: pulumi.String(home)},
						},
						Resources: &corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String("50m"), "memory": pulumi.String("128Mi")},
							Limits:   pulumi.StringMap{"memory": pulumi.String("256Mi")},
						},
						SecurityContext: &corev1.SecurityContextArgs{AllowPrivilegeEscalation: pulumi.Bool(false), ReadOnlyRootFilesystem: pulumi.Bool(true),
							Capabilities: &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}}},
					}},
					Volumes: corev1.VolumeArray{
						&corev1.VolumeArgs{Name: pulumi.String("files"), ConfigMap: &corev1.ConfigMapVolumeSourceArgs{Name: pulumi.String("logs-bootstrap")}},
						&corev1.VolumeArgs{Name: pulumi.String("home"), EmptyDir: &corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String("16Mi")}},
					},
				},
			},
		},
	}, b.k8sOpts(sa, cm, aws.domain)...)
	if err != nil {
		return err
	}
	// Fluent Bit starts once its role may write: before the role mapping it would only collect 403s.
	_, err = b.release("fluentbit", pins.ReleaseFluentBit, FluentBitValues(a.Env.Region, aws.fluentBitRoleARN, a.Registries, aws.archive.bucket),
		pulumi.Map{"env": pulumi.Array{pulumi.Map{"name": pulumi.String("OPENSEARCH_HOST"), "value": aws.domain.Endpoint}}},
		job, aws.fluentBitRole, stack, aws.archive.res)
	return err
}

// traces installs Tempo and the collector, and the CloudWatch exporter the alerts read.
func (b *builder) traces(aws *awsOut, stack *helmv3.Release) error {
	a := b.args
	in := TracesInput{Namespace: a.Namespace, Sampling: a.Monitoring.TraceSampling, RetentionDays: a.Monitoring.TraceRetentionDays,
		Bucket: aws.traceBucket, Region: a.Env.Region, S3Endpoint: "s3." + a.Env.Region + "." + a.Env.DNSSuffix}
	sch := a.scheduling()
	// Neither Tempo nor the collector waits for kube-prometheus-stack or for each other: each chart
	// adds only a ServiceMonitor besides its workload, whose CRD the cluster installs first (in
	// DependsOn) and which the operator's admission webhooks do not see (they match prometheusrules
	// only: prometheus-community/helm-charts charts/kube-prometheus-stack/templates/prometheus-operator/
	// admission-webhooks/validatingWebhookConfiguration.yaml and mutatingWebhookConfiguration.yaml,
	// read 2026-12-02); Prometheus picks a ServiceMonitor up whenever it appears. The collector is
	// ready on its health_check extension, not on reaching Tempo (the chart's default config:
	// open-telemetry/opentelemetry-helm-charts charts/opentelemetry-collector/values.yaml), and its
	// OTLP exporter queues and retries until Tempo answers (retry_on_failure and sending_queue on by
	// default: open-telemetry/opentelemetry-collector exporter/exporterhelper/README.md, read
	// 2026-12-02). Waiting put 2.6 minutes on the deploy's critical path.
	if _, err := b.release("tempo", pins.ReleaseTempo, TempoValues(in, aws.tempoRoleARN, a.StorageClass, sch, a.Registries), nil, aws.tempoRole, aws.traceBucketRes); err != nil {
		return err
	}
	if _, err := b.release("collector", pins.ReleaseCollector, CollectorValues(in, a.collectorReplicas(), sch, a.Registries), nil); err != nil {
		return err
	}
	yace, err := YACEValues(a.Env.Region, aws.yaceRoleARN, a.findingRules(), sch, a.Registries)
	if err != nil {
		return err
	}
	_, err = b.release("cloudwatch", pins.ReleaseCloudWatch, yace, nil, aws.yaceRole, stack)
	return err
}
