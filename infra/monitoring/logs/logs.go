// Package logs is the monitoring's log pipeline: Fluent Bit on every node ships container logs to an
// Amazon OpenSearch Service domain (the hot, searchable copy) and to an archive bucket (kept for the
// legal minimum); a bootstrap Job sets up what no Pulumi resource covers (the index policy, the
// writer's role mapping). Bodies, scripts and values are data built in Go (bootstrap.go,
// archive.go, values.go) and tested without Pulumi; New creates the resources under the monitoring
// component.
package logs

import (
	"fmt"

	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/monitoring/pod"
	"github.com/suoke-life/suoke-platform/infra/monitoring/scope"
	"github.com/suoke-life/suoke-platform/infra/pins"
)

// Args configure the log pipeline.
type Args struct {
	// RetentionDays is how long OpenSearch keeps an index; ArchiveDays how long the archive bucket and
	// the domain's own log group keep theirs (logRetentionMinimumDays).
	RetentionDays int
	ArchiveDays   int
	OpenSearch    config.OpenSearch
	// AZs is the number of AZs the domain spans (zone awareness) and the shards of each index.
	AZs int
	// DataSubnetIDs and DataSecurityGroupID place the domain (one subnet per AZ).
	DataSubnetIDs       pulumi.StringArrayInput
	DataSecurityGroupID pulumi.StringInput
	// AccountReady are the account-wide prerequisites (the OpenSearch service-linked role) the domain
	// waits on; empty where another stack owns them.
	AccountReady []pulumi.Resource
	// Scheduling places the bootstrap Job on the monitoring pool (Fluent Bit runs on every node).
	Scheduling pod.Scheduling
	// After is what Fluent Bit waits for besides its own role and the bootstrap: the metrics stack,
	// whose ServiceMonitor CRD and webhooks its chart's objects meet.
	After []pulumi.Resource
}

// Validate checks what config has not.
func (a Args) Validate() error {
	if a.AZs < 2 || a.AZs > 3 {
		return fmt.Errorf("logs: azs: Invalid value: %d: OpenSearch zone awareness spans 2 or 3 AZs", a.AZs)
	}
	if a.RetentionDays < 1 {
		return fmt.Errorf("logs: retentionDays: Invalid value: %d: at least a day", a.RetentionDays)
	}
	if a.ArchiveDays < 1 {
		return fmt.Errorf("logs: archiveDays: Invalid value: %d: the archive's expiry, at least a day (config.Monitoring.LogArchiveDays follows logRetentionMinimumDays)", a.ArchiveDays)
	}
	if a.DataSubnetIDs == nil || a.DataSecurityGroupID == nil {
		return fmt.Errorf("logs: dataSubnetIds, dataSecurityGroupId: Required value: from the network component")
	}
	return nil
}

// Logs are the pipeline's outputs.
type Logs struct {
	// DomainEndpoint and DomainARN are the OpenSearch domain's.
	DomainEndpoint pulumi.StringOutput
	DomainARN      pulumi.StringOutput
	// ArchiveBucket is the application-log archive's bucket.
	ArchiveBucket string
}

// bootstrapAccount is the bootstrap Job's service account.
const bootstrapAccount = "logs-bootstrap"

// New creates the domain, the pipeline's roles and archive, runs the OpenSearch bootstrap Job, then
// installs Fluent Bit.
func New(s scope.Scope, a Args) (*Logs, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	env := s.Env
	l := &Logs{ArchiveBucket: logArchiveBucketName(s.ClusterName, env.AccountID)}
	d, err := newDomain(s, a)
	if err != nil {
		return nil, err
	}
	l.DomainEndpoint, l.DomainARN = d.domain.Endpoint, d.domain.Arn
	domainARN := env.ARN("es", env.Region, env.AccountID, "domain/"+DomainName(s.ClusterName))

	// IRSA roles: one per workload, each with only what it does.
	fluentBitRole, fluentBitARN, err := s.IRSARole("fluent-bit", "fluent-bit", append([]iam.Statement{
		iam.Allow([]string{"es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut"}, domainARN, domainARN+"/*"),
	}, logArchiveStatements(env.ARN("s3", "", "", l.ArchiveBucket))...))
	if err != nil {
		return nil, err
	}
	// The bootstrap Job's role only becomes the master role (role chaining); the domain's requests
	// are signed with the master role's session.
	bootstrapRole, _, err := s.IRSARole("logs-bootstrap", bootstrapAccount, []iam.Statement{
		iam.Allow([]string{"sts:AssumeRole"}, d.masterRoleARN),
	})
	if err != nil {
		return nil, err
	}
	archive, err := newArchive(s, l.ArchiveBucket, a.ArchiveDays)
	if err != nil {
		return nil, err
	}

	files, err := BootstrapFiles(LogsInput{RetentionDays: a.RetentionDays, Shards: a.AZs, Replicas: 1, WriterRoleARN: fluentBitARN,
		MasterRoleARN: d.masterRoleARN, SourceRoleARN: d.bootstrapRoleARN})
	if err != nil {
		return nil, err
	}
	sa, err := corev1.NewServiceAccount(s.Ctx, s.Child("logs-bootstrap"), &corev1.ServiceAccountArgs{
		Metadata: func() *metav1.ObjectMetaArgs {
			md := s.Meta(bootstrapAccount, nil)
			md.Annotations = pulumi.StringMap{pod.IRSAAnnotation: pulumi.String(d.bootstrapRoleARN)}
			return md
		}(),
	}, s.K8s(bootstrapRole)...)
	if err != nil {
		return nil, err
	}
	data := pulumi.StringMap{}
	for k, v := range files {
		data[k] = pulumi.String(v)
	}
	cm, err := corev1.NewConfigMap(s.Ctx, s.Child("logs-bootstrap-files"), &corev1.ConfigMapArgs{
		Metadata: s.Meta("logs-bootstrap", nil), Data: data,
	}, s.K8s()...)
	if err != nil {
		return nil, err
	}
	sch := a.Scheduling
	// The Job passes Pod Security "restricted" (the namespace warns and audits at that level): non-root,
	// no privilege escalation, every capability dropped, the runtime's seccomp profile, a read-only
	// root file system. HOME is an emptyDir because the AWS CLI caches the assumed roles' credentials
	// under $HOME/.aws/cli/cache. Kubernetes, "Pod Security Standards", Restricted
	// (https://kubernetes.io/docs/concepts/security/pod-security-standards/, read 2026-12-02).
	const home = "/home/bootstrap"
	job, err := batchv1.NewJob(s.Ctx, s.Child("logs-bootstrap-job"), &batchv1.JobArgs{
		Metadata: s.Meta("logs-bootstrap-"+Checksum(files)[:8], nil),
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
					ServiceAccountName: pulumi.String(bootstrapAccount),
					RestartPolicy:      pulumi.String("OnFailure"),
					NodeSelector:       pulumi.StringMap{sch.Key: pulumi.String(sch.Pool)},
					Tolerations: corev1.TolerationArray{&corev1.TolerationArgs{
						Key: pulumi.String(sch.Key), Operator: pulumi.String("Equal"), Value: pulumi.String(sch.Pool), Effect: pulumi.String("NoSchedule"),
					}},
					SecurityContext: &corev1.PodSecurityContextArgs{RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(65534), RunAsGroup: pulumi.Int(65534),
						SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")}},
					Containers: corev1.ContainerArray{&corev1.ContainerArgs{
						Name:    pulumi.String("bootstrap"),
						Image:   pulumi.String(s.Registries.Image(pins.Ref(pins.ImageAWSCLI))),
						Command: pulumi.StringArray{pulumi.String("/bin/bash"), pulumi.String(bootstrapMountDir + "/bootstrap.sh")},
						Env: corev1.EnvVarArray{
							&corev1.EnvVarArgs{Name: pulumi.String("ENDPOINT"), Value: d.domain.Endpoint},
							&corev1.EnvVarArgs{Name: pulumi.String("AWS_REGION"), Value: pulumi.String(s.Env.Region)},
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
	}, s.K8s(sa, cm, d.domain)...)
	if err != nil {
		return nil, err
	}
	// Fluent Bit starts once its role may write: before the role mapping it would only collect 403s.
	_, err = s.Release("fluentbit", pins.ReleaseFluentBit, FluentBitValues(s.Env.Region, fluentBitARN, s.Registries, l.ArchiveBucket),
		pulumi.Map{"env": pulumi.Array{pulumi.Map{"name": pulumi.String("OPENSEARCH_HOST"), "value": d.domain.Endpoint}}},
		append([]pulumi.Resource{job, fluentBitRole, archive}, a.After...)...)
	return l, err
}
