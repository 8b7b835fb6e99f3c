// Package traces is the monitoring's trace pipeline: the OpenTelemetry Collector services send OTLP
// to, Grafana Tempo behind it, and Tempo's S3 bucket and IRSA role. Its values are data built in Go
// (config.go, values.go) and tested without Pulumi; New creates the resources under the monitoring
// component.
package traces

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/monitoring/pod"
	"github.com/suoke-life/suoke-platform/infra/monitoring/scope"
	"github.com/suoke-life/suoke-platform/infra/pins"
)

// Args configure the trace pipeline.
type Args struct {
	// Sampling is the share of traces kept, 0 < s ≤ 1; RetentionDays how long Tempo keeps them.
	Sampling      float64
	RetentionDays int
	// StorageClass is Tempo's WAL volume's.
	StorageClass string
	// Scheduling places Tempo and the collector on the monitoring pool.
	Scheduling pod.Scheduling
	// CollectorReplicas is the collector's replica count (CollectorReplicas).
	CollectorReplicas int
}

// Validate checks what config has not: the collector needs a replica, sampling keeps something.
func (a Args) Validate() error {
	if a.Sampling <= 0 || a.Sampling > 1 {
		return fmt.Errorf("traces: sampling: Invalid value: %g: a share of the traces, 0 < s ≤ 1", a.Sampling)
	}
	if a.RetentionDays < 1 {
		return fmt.Errorf("traces: retentionDays: Invalid value: %d: at least one day", a.RetentionDays)
	}
	if a.CollectorReplicas < 1 {
		return fmt.Errorf("traces: collectorReplicas: Invalid value: %d: at least one", a.CollectorReplicas)
	}
	return nil
}

// Traces are the pipeline's outputs.
type Traces struct {
	// OTLPEndpoint is where services send traces (gRPC; HTTP on OTLPHTTPEndpoint).
	OTLPEndpoint     string
	OTLPHTTPEndpoint string
	// QueryURL is Tempo's query API, Grafana's data source.
	QueryURL string
	// Bucket is the S3 bucket Tempo stores traces in.
	Bucket string
}

// collectorService is the collector release's Service name, where services send their spans.
const collectorService = "otel-collector"

// CollectorReplicas: two in production, so a collector restart drops no spans.
func CollectorReplicas(productionLike bool) int {
	if productionLike {
		return 2
	}
	return 1
}

// New creates Tempo's bucket and role, and installs Tempo and the collector.
func New(s scope.Scope, a Args) (*Traces, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	env := s.Env
	t := &Traces{
		OTLPEndpoint:     fmt.Sprintf("%s.%s.svc.cluster.local:%d", collectorService, s.Namespace, CollectorOTLPGRPCPort),
		OTLPHTTPEndpoint: fmt.Sprintf("http://%s.%s.svc.cluster.local:%d", collectorService, s.Namespace, CollectorOTLPHTTPPort),
		QueryURL:         "http://" + tempoURL(s.Namespace, TempoHTTPPort),
		Bucket:           fmt.Sprintf("%s-traces-%s", strings.ToLower(s.ClusterName), env.AccountID),
	}
	bucketARN := env.ARN("s3", "", "", t.Bucket)
	role, roleARN, err := s.IRSARole("tempo", "tempo", []iam.Statement{
		iam.Allow([]string{"s3:ListBucket"}, bucketARN),
		iam.Allow([]string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"}, bucketARN+"/*"),
		scope.KeyStatement(),
	})
	if err != nil {
		return nil, err
	}
	// Tempo's bucket: private, encrypted with the monitoring key, HTTPS only, versioned like every
	// bucket of the platform (a stray delete is undone within a day). Tempo's compactor deletes traces
	// after the retention and rewrites blocks all the time, so superseded versions expire after one
	// day; the lifecycle rule also clears failed uploads.
	bucket, err := s.PrivateBucket("traces", t.Bucket, map[string]string{"suoke.life/role": "traces"},
		&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("abort-uploads-expire-old-versions"), Status: pulumi.String("Enabled"),
			Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(2)},
			NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(1)},
		})
	if err != nil {
		return nil, err
	}

	in := TracesInput{Namespace: s.Namespace, Sampling: a.Sampling, RetentionDays: a.RetentionDays,
		Bucket: t.Bucket, Region: env.Region, S3Endpoint: "s3." + env.Region + "." + env.DNSSuffix}
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
	if _, err := s.Release("tempo", pins.ReleaseTempo, TempoValues(in, roleARN, a.StorageClass, a.Scheduling, s.Registries), nil, role, bucket); err != nil {
		return nil, err
	}
	if _, err := s.Release("collector", pins.ReleaseCollector, CollectorValues(in, a.CollectorReplicas, a.Scheduling, s.Registries), nil); err != nil {
		return nil, err
	}
	return t, nil
}
