package traces

import (
	"fmt"
	"strconv"
)

// The trace pipeline: services send OTLP to the OpenTelemetry Collector; it keeps monitoring.traceSampling
// of the traces (decided per trace ID, so a trace is kept or dropped whole across services) and
// exports them to Grafana Tempo, which stores them in an S3 bucket of ours. Grafana reads Tempo as a
// data source, next to Prometheus.
//
// Why Tempo on S3 rather than Jaeger v2 on the OpenSearch domain (the plan names Jaeger): the
// OpenSearch domain is sized for 30 days of logs, and traces are the larger stream; object storage
// costs a fraction of OpenSearch's gp3 volumes and instance hours and grows without resizing a
// domain; a trace backend outside the log store keeps a log-store outage from taking traces with it;
// and Grafana, already deployed, searches and shows Tempo's traces as Jaeger's UI would (the
// collector also accepts Jaeger's protocol, so Jaeger-instrumented code needs no change).
const (
	// TempoOTLPPort is Tempo's OTLP gRPC receiver, where the collector exports.
	TempoOTLPPort = 4317
	// TempoHTTPPort is Tempo's query API, Grafana's data source.
	TempoHTTPPort = 3200
	// CollectorOTLPGRPCPort and CollectorOTLPHTTPPort are where services send their spans.
	CollectorOTLPGRPCPort = 4317
	CollectorOTLPHTTPPort = 4318
)

// TracesInput is what the trace pipeline's values need.
type TracesInput struct {
	Namespace string
	// Sampling is the share of traces kept, 0 < s ≤ 1.
	Sampling      float64
	RetentionDays int
	Bucket        string
	Region        string
	// S3Endpoint is the regional S3 endpoint (s3.cn-northwest-1.amazonaws.com.cn in China).
	S3Endpoint string
}

// tempoService is the Tempo release's Service name, which the collector and Grafana address.
const tempoService = "tempo"

func tempoURL(namespace string, port int) string {
	return fmt.Sprintf("%s.%s.svc.cluster.local:%d", tempoService, namespace, port)
}

// collectorConfig is the collector's whole configuration: OTLP in, memory limit, sampling, batching,
// OTLP out to Tempo; the health check the chart's probes call; its own metrics for Prometheus.
//
// It is complete because the chart takes it as alternateConfig, which replaces the chart's default
// configuration instead of merging over it (charts/opentelemetry-collector values.yaml and
// templates/_config.tpl at 0.140.1, read 2026-12-03). Merged over `config`, the defaults stay: the
// Jaeger, Zipkin and Prometheus receivers, and logs and metrics pipelines into the debug exporter,
// which would print whatever a service sends as OTLP logs (health data included) to the collector's
// stdout, and from there into the log store. Deleting them needs null values, which the Pulumi Go
// SDK drops from a map before the provider sees them (pulumi/pulumi#22713; pulumi-kubernetes#3178);
// a render of the chart with the values the program recorded showed all of them.
func collectorConfig(in TracesInput) map[string]any {
	return map[string]any{
		"receivers": map[string]any{
			"otlp": map[string]any{"protocols": map[string]any{
				"grpc": map[string]any{"endpoint": fmt.Sprintf("${env:MY_POD_IP}:%d", CollectorOTLPGRPCPort)},
				"http": map[string]any{"endpoint": fmt.Sprintf("${env:MY_POD_IP}:%d", CollectorOTLPHTTPPort)},
			}},
		},
		"processors": map[string]any{
			"memory_limiter": map[string]any{"check_interval": "1s", "limit_percentage": 80, "spike_limit_percentage": 25},
			// Trace-ID ratio sampling: every collector replica keeps the same traces.
			"probabilistic_sampler": map[string]any{"sampling_percentage": SamplingPercent(in.Sampling), "hash_seed": 22},
			"batch":                 map[string]any{"send_batch_size": 8192, "timeout": "5s"},
		},
		"exporters": map[string]any{
			"otlp/tempo": map[string]any{"endpoint": tempoURL(in.Namespace, TempoOTLPPort), "tls": map[string]any{"insecure": true}},
		},
		// The chart's liveness and readiness probes call the health check on this port.
		"extensions": map[string]any{
			"health_check": map[string]any{"endpoint": fmt.Sprintf("${env:MY_POD_IP}:%d", collectorHealthPort)},
		},
		"service": map[string]any{
			"extensions": []string{"health_check"},
			// The collector's own metrics on the chart's metrics port, for its ServiceMonitor.
			"telemetry": map[string]any{"metrics": map[string]any{
				"level": "normal",
				"readers": []any{map[string]any{"pull": map[string]any{"exporter": map[string]any{"prometheus": map[string]any{
					"host": "${env:MY_POD_IP}", "port": collectorMetricsPort,
				}}}}},
			}},
			"pipelines": map[string]any{
				"traces": map[string]any{
					"receivers":  []string{"otlp"},
					"processors": []string{"memory_limiter", "probabilistic_sampler", "batch"},
					"exporters":  []string{"otlp/tempo"},
				},
			},
		},
	}
}

// The chart's health-check and metrics ports (its probes and its `metrics` port, values.yaml at
// 0.140.1).
const (
	collectorHealthPort  = 13133
	collectorMetricsPort = 8888
)

// SamplingPercent turns the sampling fraction into the processor's percentage.
func SamplingPercent(fraction float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(fraction*100, 'f', 4, 64), 64)
	return v
}

// tempoConfig is Tempo's storage and retention: traces in S3 (SSE with our key, set on the bucket),
// compacted and deleted after the retention.
func tempoConfig(in TracesInput) map[string]any {
	return map[string]any{
		"retention": fmt.Sprintf("%dh", in.RetentionDays*24),
		"storage": map[string]any{"trace": map[string]any{
			"backend": "s3",
			"s3": map[string]any{
				"bucket": in.Bucket, "endpoint": in.S3Endpoint, "region": in.Region,
				// Credentials come from the pod's IRSA web identity.
				"insecure": false,
			},
		}},
		"receivers": map[string]any{"otlp": map[string]any{"protocols": map[string]any{
			"grpc": map[string]any{"endpoint": fmt.Sprintf("0.0.0.0:%d", TempoOTLPPort)},
		}}},
	}
}
