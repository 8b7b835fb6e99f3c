package monitoring

import (
	"strings"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// Chart is a pinned Helm chart: its upstream repository, name and version. The repository actually
// used comes from config.Registries (an ECR mirror in China, upstream elsewhere).
type Chart struct {
	Key     string
	Repo    string
	Name    string
	Version string
	Purpose string
}

// Charts are the charts this component installs (versions pinned here, reviewed on upgrade; each
// chart's own default image tags are kept, so the image versions move only with the chart).
var Charts = []Chart{
	{Key: "stack", Repo: "https://prometheus-community.github.io/helm-charts", Name: "kube-prometheus-stack", Version: "81.6.2",
		Purpose: "Prometheus, Alertmanager, Grafana, the operator, kube-state-metrics, node-exporter"},
	// 0.39.1 was published as yet-another-cloudwatch-exporter; the prometheus- name starts at 0.39.2.
	// 0.39.5 is the last 0.39.x, app v0.62.1 (prometheus-community/helm-charts, charts/
	// prometheus-yet-another-cloudwatch-exporter/Chart.yaml at 7703b05, 2025-03-05, read 2026-12-03).
	{Key: "cloudwatch", Repo: "https://prometheus-community.github.io/helm-charts", Name: "prometheus-yet-another-cloudwatch-exporter", Version: "0.39.5",
		Purpose: "CloudWatch metrics of ElastiCache, OpenSearch, S3 replication and the security-finding rules"},
	{Key: "fluentbit", Repo: "https://fluent.github.io/helm-charts", Name: "fluent-bit", Version: "0.53.0",
		Purpose: "container logs to OpenSearch"},
	{Key: "collector", Repo: "https://open-telemetry.github.io/opentelemetry-helm-charts", Name: "opentelemetry-collector", Version: "0.140.1",
		Purpose: "OTLP receiver, sampling, export to Tempo"},
	{Key: "tempo", Repo: "https://grafana.github.io/helm-charts", Name: "tempo", Version: "1.24.1",
		Purpose: "trace store on S3"},
}

// ChartByKey returns a chart of the table.
func ChartByKey(key string) Chart {
	for _, c := range Charts {
		if c.Key == key {
			return c
		}
	}
	return Chart{}
}

// Upstream images the charts run, by the chart values that name them. Tags stay the charts' own.
const (
	imgPrometheus       = "quay.io/prometheus/prometheus"
	imgAlertmanager     = "quay.io/prometheus/alertmanager"
	imgOperator         = "quay.io/prometheus-operator/prometheus-operator"
	imgConfigReloader   = "quay.io/prometheus-operator/prometheus-config-reloader"
	imgWebhookCertgen   = "registry.k8s.io/ingress-nginx/kube-webhook-certgen"
	imgGrafana          = "docker.io/grafana/grafana"
	imgGrafanaSidecar   = "quay.io/kiwigrid/k8s-sidecar"
	imgKubeStateMetrics = "registry.k8s.io/kube-state-metrics/kube-state-metrics"
	imgNodeExporter     = "quay.io/prometheus/node-exporter"
	imgYACE             = "quay.io/prometheuscommunity/yet-another-cloudwatch-exporter"
	imgFluentBit        = "cr.fluentbit.io/fluent/fluent-bit"
	imgCollector        = "docker.io/otel/opentelemetry-collector-contrib"
	imgTempo            = "docker.io/grafana/tempo"
	imgAWSCLI           = "public.ecr.aws/aws-cli/aws-cli:2.27.50"
)

// image splits the registry's reference for an upstream repository into the registry host and the
// repository path, the two fields charts take.
func image(reg config.Registries, upstream string) map[string]any {
	ref := reg.Image(upstream)
	host, repo, _ := strings.Cut(ref, "/")
	return map[string]any{"registry": host, "repository": repo}
}

// fullImage is the registry's reference for an upstream repository, for charts that take one string.
func fullImage(reg config.Registries, upstream string) string { return reg.Image(upstream) }
