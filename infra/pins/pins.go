// Package pins is the one table of what the platform runs: every Helm chart it installs and every
// container image a pod of the platform pulls, whether the program names the image (PostgreSQL, the
// bootstrap Job) or a chart brings it by default (hooks, sidecars, subcharts). Each row says where
// its version was read and when.
//
// Components take charts and images only from here, and the mirror list (what the mirror job copies
// into ECR before an up) is derived from these rows, so an upgrade is a change to a row and to
// nothing else. `go run ./cmd/render` renders every release with Helm's engine and fails when a
// rendered pod names an image that is not a row here.
//
// No digests: the upstream registries are not reachable from where these rows were written, and a
// digest copied from a release note could not be checked. The mirror job resolves each tag once and
// ECR keeps the copy immutable (the repositories are created with tag immutability).
package pins

import (
	"fmt"
	"slices"
	"strings"
)

// Chart is one pinned Helm chart.
type Chart struct {
	// Release is the release name, which is also how components ask for the chart.
	Release string
	// Repo is the repository the chart is published in (https:// or oci://), Name its name there.
	Repo, Name string
	// Version is the chart version; AppVersion what its Chart.yaml says it runs.
	Version, AppVersion string
	// Source is where Version and AppVersion were read (repository, path, commit) and when.
	Source string
}

// Image is one pinned container image.
type Image struct {
	// Key is how code asks for the image.
	Key string
	// Repository is the upstream repository with its registry host; Tag its pinned tag.
	Repository, Tag string
	// Release is the release whose pods run it; empty when the program's own objects name it.
	Release string
	// Kubernetes is the Kubernetes minor the image is for, when it must match the cluster's
	// (the cluster autoscaler); empty for any.
	Kubernetes string
	// Source is where the tag was read, and when.
	Source string
}

// Ref is the image's full upstream reference.
func (i Image) Ref() string { return i.Repository + ":" + i.Tag }

// Host is the registry the image is published on.
func (i Image) Host() string { h, _, _ := strings.Cut(i.Repository, "/"); return h }

// Release names: each is also the key of the chart's row.
const (
	ReleasePrometheusCRDs = "prometheus-operator-crds"
	ReleaseCertManager    = "cert-manager"
	ReleaseLBController   = "aws-load-balancer-controller"
	ReleaseAutoscaler     = "cluster-autoscaler"
	ReleaseMetricsServer  = "metrics-server"
	ReleaseVPA            = "vpa"
	ReleaseStack          = "kube-prometheus-stack"
	ReleaseCloudWatch     = "cloudwatch-exporter"
	ReleaseFluentBit      = "fluent-bit"
	ReleaseCollector      = "otel-collector"
	ReleaseTempo          = "tempo"
	ReleaseCNPG           = "cnpg"
	ReleaseBarmanPlugin   = "barman-cloud"
	ReleaseVelero         = "velero"
)

// Upstream chart repositories.
const (
	repoPrometheusCommunity = "https://prometheus-community.github.io/helm-charts"
	repoCNPG                = "https://cloudnative-pg.github.io/charts"
)

// Charts are every chart the platform installs.
var Charts = []Chart{
	// The operator's CRDs and the operator must be one release of prometheus-operator, and the Go
	// types this program builds PrometheusRules and monitors with (go.mod) the same: a test holds
	// the three together.
	{ReleasePrometheusCRDs, repoPrometheusCommunity, "prometheus-operator-crds", "31.0.1", "v0.93.1",
		"prometheus-community/helm-charts charts/prometheus-operator-crds/Chart.yaml @4529d7b (2026-08-10), read 2026-12-03"},
	{ReleaseStack, repoPrometheusCommunity, "kube-prometheus-stack", "88.5.3", "v0.93.1",
		"prometheus-community/helm-charts charts/kube-prometheus-stack/Chart.yaml @ea930ba; subcharts kube-state-metrics 8.4.0, prometheus-node-exporter 4.56.1, grafana 12.11.1 (grafana-community); read 2026-12-03"},
	// 0.39.1 was published as yet-another-cloudwatch-exporter; the prometheus- name starts at 0.39.2.
	{ReleaseCloudWatch, repoPrometheusCommunity, "prometheus-yet-another-cloudwatch-exporter", "0.39.5", "v0.62.1",
		"prometheus-community/helm-charts charts/prometheus-yet-another-cloudwatch-exporter/Chart.yaml @7703b05 (2025-03-05), read 2026-12-03"},
	{ReleaseCertManager, "https://charts.jetstack.io", "cert-manager", "v1.21.1", "v1.21.1",
		"cert-manager/cert-manager tag v1.21.1, deploy/charts/cert-manager, read 2026-11-25"},
	{ReleaseLBController, "https://aws.github.io/eks-charts", "aws-load-balancer-controller", "3.5.0", "v3.5.0",
		"aws/eks-charts stable/aws-load-balancer-controller/Chart.yaml @5239609 (2026-08-03), read 2026-12-03"},
	{ReleaseAutoscaler, "https://kubernetes.github.io/autoscaler", "cluster-autoscaler", "9.59.0", "1.35.0",
		"kubernetes/autoscaler cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml @5a0b98e, read 2026-12-03; the image follows the cluster's minor (rows below)"},
	{ReleaseMetricsServer, "https://kubernetes-sigs.github.io/metrics-server", "metrics-server", "3.13.1", "0.8.1",
		"kubernetes-sigs/metrics-server charts/metrics-server/Chart.yaml @8b17dfc, read 2026-12-03"},
	// The autoscaler repository's own VPA chart is marked not production-ready.
	{ReleaseVPA, "https://charts.fairwinds.com/stable", "vpa", "5.0.0", "1.7.1",
		"FairwindsOps/charts stable/vpa/Chart.yaml @5f478fc (2026-08-11), read 2026-12-03"},
	{ReleaseFluentBit, "https://fluent.github.io/helm-charts", "fluent-bit", "0.53.0", "4.0.7",
		"fluent/helm-charts charts/fluent-bit/Chart.yaml @770dee2 (2025-09-05), read 2026-12-03"},
	{ReleaseCollector, "https://open-telemetry.github.io/opentelemetry-helm-charts", "opentelemetry-collector", "0.140.1", "0.140.1",
		"open-telemetry/opentelemetry-helm-charts charts/opentelemetry-collector/Chart.yaml @c3b3da3 (2025-12-04), read 2026-12-03"},
	{ReleaseTempo, "https://grafana.github.io/helm-charts", "tempo", "1.24.1", "2.9.0",
		"grafana/helm-charts charts/tempo/Chart.yaml @7c19e10, read 2026-12-03"},
	{ReleaseCNPG, repoCNPG, "cloudnative-pg", "0.29.0", "1.30.0",
		"cloudnative-pg/charts charts/cloudnative-pg/Chart.yaml @d1b5ad6 (2026-06-29), read 2026-12-03"},
	{ReleaseBarmanPlugin, repoCNPG, "plugin-barman-cloud", "0.7.0", "v0.13.0",
		"cloudnative-pg/charts charts/plugin-barman-cloud/Chart.yaml @83bd9c5 (2026-06-10), read 2026-12-03"},
	{ReleaseVelero, "https://vmware-tanzu.github.io/helm-charts", "velero", "12.1.0", "1.18.1",
		"vmware-tanzu/helm-charts charts/velero/Chart.yaml @73466ca, read 2026-12-03"},
}

// Image keys.
const (
	ImagePrometheus        = "prometheus"
	ImageAlertmanager      = "alertmanager"
	ImageOperator          = "prometheus-operator"
	ImageConfigReloader    = "prometheus-config-reloader"
	ImageWebhookCertgen    = "kube-webhook-certgen"
	ImageGrafana           = "grafana"
	ImageGrafanaSidecar    = "k8s-sidecar"
	ImageKubeStateMetrics  = "kube-state-metrics"
	ImageNodeExporter      = "node-exporter"
	ImageYACE              = "yace"
	ImageFluentBit         = "fluent-bit"
	ImageCollector         = "otel-collector"
	ImageTempo             = "tempo"
	ImageCertManager       = "cert-manager-controller"
	ImageCertManagerHook   = "cert-manager-webhook"
	ImageCAInjector        = "cert-manager-cainjector"
	ImageACMESolver        = "cert-manager-acmesolver"
	ImageStartupAPICheck   = "cert-manager-startupapicheck"
	ImageLBController      = "aws-load-balancer-controller"
	ImageAutoscaler        = "cluster-autoscaler"
	ImageMetricsServer     = "metrics-server"
	ImageVPARecommender    = "vpa-recommender"
	ImageCNPGOperator      = "cloudnative-pg"
	ImageBarmanPlugin      = "plugin-barman-cloud"
	ImageBarmanSidecar     = "plugin-barman-cloud-sidecar"
	ImagePostgres          = "postgresql"
	ImagePgBouncer         = "pgbouncer"
	ImageVelero            = "velero"
	ImageVeleroPluginAWS   = "velero-plugin-for-aws"
	ImageAWSCLI            = "aws-cli"
	ImageThanos            = "thanos"
	kpsSource              = "kube-prometheus-stack 88.5.3 values.yaml @ea930ba, read 2026-12-03"
	certManagerSource      = "cert-manager v1.21.1 chart values (image tags default to the app version), read 2026-11-25"
	cnpgSource             = "cloudnative-pg pkg/versions/versions.go at v1.30.0 and cloudnative-pg/charts, read 2026-11-25"
	veleroSource           = "velero 12.1.0 values.yaml; plugin-for-aws v1.14.x is the pair documented for Velero 1.18 (velero-io/velero discussion #10563), read 2026-11-25"
	kubeStateMetricsSource = "kube-state-metrics chart 8.4.0 @1982f1c: appVersion 2.20.0, tag v<appVersion>; read 2026-12-03"
)

// Images are every image the platform's pods pull.
var Images = []Image{
	{ImagePrometheus, "quay.io/prometheus/prometheus", "v3.14.0-distroless", ReleaseStack, "", kpsSource},
	{ImageAlertmanager, "quay.io/prometheus/alertmanager", "v0.34.0", ReleaseStack, "", kpsSource},
	{ImageOperator, "quay.io/prometheus-operator/prometheus-operator", "v0.93.1", ReleaseStack, "", kpsSource + " (tag: the chart's appVersion)"},
	{ImageConfigReloader, "quay.io/prometheus-operator/prometheus-config-reloader", "v0.93.1", ReleaseStack, "", kpsSource + " (tag: the chart's appVersion)"},
	{ImageWebhookCertgen, "ghcr.io/jkroepke/kube-webhook-certgen", "1.8.7", ReleaseStack, "", kpsSource},
	{ImageGrafana, "docker.io/grafana/grafana", "13.2.0", ReleaseStack, "", "grafana-community/helm-charts charts/grafana 12.11.1 @864f779: appVersion 13.2.0; read 2026-12-03"},
	{ImageGrafanaSidecar, "quay.io/kiwigrid/k8s-sidecar", "2.10.1", ReleaseStack, "", "grafana chart 12.11.1 values.yaml @864f779, read 2026-12-03"},
	{ImageKubeStateMetrics, "registry.k8s.io/kube-state-metrics/kube-state-metrics", "v2.20.0", ReleaseStack, "", kubeStateMetricsSource},
	// The distroless build, as kube-prometheus-stack chooses (its values set the subchart's
	// image.distroless); the program passes the whole tag and turns the chart's suffixing off.
	{ImageNodeExporter, "quay.io/prometheus/node-exporter", "v1.12.1-distroless", ReleaseStack, "", "prometheus-node-exporter chart 4.56.1 @8b8e639: appVersion 1.12.1, tag v<appVersion>[-distroless]; read 2026-12-03"},
	// Named by the operator as its default Thanos sidecar image; pulled only if a Prometheus asks
	// for a sidecar, which this platform's does not. Pinned so that one never pulls from quay.io.
	{ImageThanos, "quay.io/thanos/thanos", "v0.42.4", ReleaseStack, "", kpsSource},
	{ImageYACE, "quay.io/prometheuscommunity/yet-another-cloudwatch-exporter", "v0.62.1", ReleaseCloudWatch, "", "its chart 0.39.5 appVersion"},
	{ImageFluentBit, "cr.fluentbit.io/fluent/fluent-bit", "4.0.7", ReleaseFluentBit, "", "fluent-bit chart 0.53.0 appVersion"},
	{ImageCollector, "docker.io/otel/opentelemetry-collector-contrib", "0.140.1", ReleaseCollector, "", "opentelemetry-collector chart 0.140.1 appVersion"},
	{ImageTempo, "docker.io/grafana/tempo", "2.9.0", ReleaseTempo, "", "tempo chart 1.24.1 appVersion"},
	{ImageCertManager, "quay.io/jetstack/cert-manager-controller", "v1.21.1", ReleaseCertManager, "", certManagerSource},
	{ImageCertManagerHook, "quay.io/jetstack/cert-manager-webhook", "v1.21.1", ReleaseCertManager, "", certManagerSource},
	{ImageCAInjector, "quay.io/jetstack/cert-manager-cainjector", "v1.21.1", ReleaseCertManager, "", certManagerSource},
	{ImageACMESolver, "quay.io/jetstack/cert-manager-acmesolver", "v1.21.1", ReleaseCertManager, "", certManagerSource},
	{ImageStartupAPICheck, "quay.io/jetstack/cert-manager-startupapicheck", "v1.21.1", ReleaseCertManager, "", certManagerSource},
	// In the China regions the controller's image comes from AWS's in-region ECR instead (the
	// cluster component names the account), with the same tag.
	{ImageLBController, "public.ecr.aws/eks/aws-load-balancer-controller", "v3.5.0", ReleaseLBController, "", "aws-load-balancer-controller chart 3.5.0 values.yaml"},
	// The cluster autoscaler's minor must be the cluster's (kubernetes/autoscaler releases
	// cluster-autoscaler-1.35.2 and -1.34.3, read 2026-11-25).
	{ImageAutoscaler, "registry.k8s.io/autoscaling/cluster-autoscaler", "v1.34.3", ReleaseAutoscaler, "1.34", "kubernetes/autoscaler release cluster-autoscaler-1.34.3, read 2026-11-25"},
	{ImageAutoscaler, "registry.k8s.io/autoscaling/cluster-autoscaler", "v1.35.2", ReleaseAutoscaler, "1.35", "kubernetes/autoscaler release cluster-autoscaler-1.35.2, read 2026-11-25"},
	{ImageMetricsServer, "registry.k8s.io/metrics-server/metrics-server", "v0.8.1", ReleaseMetricsServer, "", "metrics-server chart 3.13.1 appVersion"},
	{ImageVPARecommender, "registry.k8s.io/autoscaling/vpa-recommender", "1.7.1", ReleaseVPA, "", "vpa chart 5.0.0 appVersion"},
	{ImageCNPGOperator, "ghcr.io/cloudnative-pg/cloudnative-pg", "1.30.0", ReleaseCNPG, "", cnpgSource},
	{ImageBarmanPlugin, "ghcr.io/cloudnative-pg/plugin-barman-cloud", "v0.13.0", ReleaseBarmanPlugin, "", cnpgSource},
	{ImageBarmanSidecar, "ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar", "v0.13.0", ReleaseBarmanPlugin, "", cnpgSource},
	// The "standard" PostgreSQL image: backups go through the plugin's sidecar, not the barman
	// tools the "system" image carries.
	{ImagePostgres, "ghcr.io/cloudnative-pg/postgresql", "18.4-standard-trixie", "", "", cnpgSource + " (PostgreSQL 18.4 on Debian trixie)"},
	{ImagePgBouncer, "ghcr.io/cloudnative-pg/pgbouncer", "1.25.1", "", "", cnpgSource + " (default PgBouncer)"},
	// Velero's CRD-upgrade hook runs the server image (velero 12.1.0 templates/upgrade-crds/);
	// the chart's kubectl image serves only the CRD clean-up hook, which cleanUpCRDs (off) enables.
	{ImageVelero, "docker.io/velero/velero", "v1.18.1", ReleaseVelero, "", veleroSource},
	{ImageVeleroPluginAWS, "docker.io/velero/velero-plugin-for-aws", "v1.14.4", ReleaseVelero, "", veleroSource},
	{ImageAWSCLI, "public.ecr.aws/aws-cli/aws-cli", "2.27.50", "", "", "aws/aws-cli tag 2.27.50, read 2026-11-25"},
}

// ChartOf returns the chart of a release.
func ChartOf(release string) (Chart, error) {
	for _, c := range Charts {
		if c.Release == release {
			return c, nil
		}
	}
	return Chart{}, fmt.Errorf("pins: no chart for release %q", release)
}

// ImageOf returns an image for any Kubernetes minor.
func ImageOf(key string) (Image, error) { return ImageFor(key, "") }

// ImageFor returns an image for a Kubernetes minor: the row for that minor, or the row for any.
func ImageFor(key, kubernetes string) (Image, error) {
	for _, i := range Images {
		if i.Key == key && (i.Kubernetes == "" || i.Kubernetes == kubernetes) {
			return i, nil
		}
	}
	return Image{}, fmt.Errorf("pins: no image %q for Kubernetes %q", key, kubernetes)
}

// Ref is the upstream reference of an image for any Kubernetes minor; "" for an unknown key
// (TestEveryKeyHasARow holds every key to a row).
func Ref(key string) string {
	i, err := ImageOf(key)
	if err != nil {
		return ""
	}
	return i.Ref()
}

// KubernetesMinors are the minors the table has minor-bound images for: the cluster versions the
// platform supports.
func KubernetesMinors() []string {
	var out []string
	for _, i := range Images {
		if i.Kubernetes != "" && !slices.Contains(out, i.Kubernetes) {
			out = append(out, i.Kubernetes)
		}
	}
	return out
}

// For returns the images a cluster of a Kubernetes minor runs.
func For(kubernetes string) []Image {
	var out []Image
	for _, i := range Images {
		if i.Kubernetes == "" || i.Kubernetes == kubernetes {
			out = append(out, i)
		}
	}
	return out
}
