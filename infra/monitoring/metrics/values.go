package metrics

import (
	"fmt"
	"maps"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/monitoring/alerting"
	"github.com/suoke-life/suoke-platform/infra/monitoring/pod"
	"github.com/suoke-life/suoke-platform/infra/pins"
	"github.com/suoke-life/suoke-platform/infra/release"
)

// Names of objects the chart values point at, created by the component beside the release.
const (
	// GrafanaAdminSecret holds Grafana's admin user and password, taken from Secrets Manager.
	GrafanaAdminSecret = "grafana-admin"
	// DashboardLabel is the label Grafana's sidecar watches for dashboard ConfigMaps.
	DashboardLabel = "grafana_dashboard"
	// stackRelease is the kube-prometheus-stack release name (its objects are named after it).
	stackRelease = "kps"
)

// StackInput are the facts the kube-prometheus-stack values come from.
type StackInput struct {
	Monitoring   config.Monitoring
	StorageClass string
	ClusterName  string
	Environment  string
	Namespace    string
	// TempoURL is Tempo's query API, Grafana's trace data source.
	TempoURL string
	// Scheduling places every pod on the monitoring pool.
	Scheduling pod.Scheduling
	Registries config.Registries
}

// Workload requests on the monitoring pool. Prometheus: a ~25-node cluster with nine services keeps
// some 200k series (node-exporter, cAdvisor and kube-state-metrics dominate); at about 8 KiB per
// series of head and query memory that is ~1.6 GiB, so 2 GiB requested and 4 GiB as the limit.
var (
	PrometheusRequests   = footprint.Resources{CPUMilli: 500, MemoryMiB: 2048}
	AlertmanagerRequests = footprint.Resources{CPUMilli: 50, MemoryMiB: 128}
	GrafanaRequests      = footprint.Resources{CPUMilli: 100, MemoryMiB: 256}
	OperatorRequests     = footprint.Resources{CPUMilli: 100, MemoryMiB: 128}
	KSMRequests          = footprint.Resources{CPUMilli: 50, MemoryMiB: 256}
	NodeExporterRequests = footprint.Resources{CPUMilli: 20, MemoryMiB: 64}
	YACERequests         = footprint.Resources{CPUMilli: 50, MemoryMiB: 128}
)

// StackValues are the kube-prometheus-stack values.
func StackValues(in StackInput) map[string]any {
	m := in.Monitoring
	sch := in.Scheduling
	reg := in.Registries
	pvc := func(gib int) map[string]any {
		return map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{
			"storageClassName": in.StorageClass, "accessModes": []string{"ReadWriteOnce"},
			"resources": map[string]any{"requests": map[string]any{"storage": fmt.Sprintf("%dGi", gib)}},
		}}}
	}
	// Keep 10% of the volume free for compaction: retentionSize stops TSDB before the disk fills.
	retentionSize := fmt.Sprintf("%dGB", m.StorageGiB*9/10)

	return map[string]any{
		"fullnameOverride": stackRelease,
		// The cluster component installs the operator's CRDs before any component (several use them).
		"crds": map[string]any{"enabled": false},
		// EKS runs the control plane: its scheduler, controller manager and etcd cannot be scraped, and
		// kube-proxy's metrics port listens on localhost. Their targets and rules would alert forever.
		"kubeControllerManager": map[string]any{"enabled": false},
		"kubeScheduler":         map[string]any{"enabled": false},
		"kubeEtcd":              map[string]any{"enabled": false},
		"kubeProxy":             map[string]any{"enabled": false},
		"defaultRules": map[string]any{
			"rules": map[string]any{
				"etcd": false, "kubeControllerManager": false, "kubeSchedulerAlerting": false, "kubeSchedulerRecording": false, "kubeProxy": false,
			},
			"runbookUrl": "https://runbooks.prometheus-operator.dev/runbooks",
		},
		"alertmanager": map[string]any{
			"alertmanagerSpec": sch.Place(map[string]any{
				"replicas":          m.AlertmanagerReplicas,
				"useExistingSecret": true,
				"configSecret":      alerting.AlertmanagerSecret,
				"image":             image(reg, pins.ImageAlertmanager),
				"storage":           pvc(2),
				"podAntiAffinity":   "soft",
				"resources":         AlertmanagerRequests.Values(),
			}),
		},
		"prometheus": map[string]any{
			"prometheusSpec": sch.Place(map[string]any{
				"replicas":       m.PrometheusReplicas,
				"retention":      m.Retention,
				"retentionSize":  retentionSize,
				"storageSpec":    pvc(m.StorageGiB),
				"image":          image(reg, pins.ImagePrometheus),
				"externalLabels": map[string]any{"cluster": in.ClusterName, "environment": in.Environment},
				// Select every rule, ServiceMonitor, PodMonitor and Probe in the cluster: ours, the chart's,
				// and those other components ship (cert-manager, CloudNativePG, Fluent Bit, the collector).
				"ruleSelectorNilUsesHelmValues":           false,
				"serviceMonitorSelectorNilUsesHelmValues": false,
				"podMonitorSelectorNilUsesHelmValues":     false,
				"probeSelectorNilUsesHelmValues":          false,
				"scrapeConfigSelectorNilUsesHelmValues":   false,
				"podAntiAffinity":                         "soft",
				"resources":                               PrometheusRequests.Values(),
				"walCompression":                          true,
			}),
		},
		"prometheusOperator": sch.Place(map[string]any{
			"image":                    image(reg, pins.ImageOperator),
			"prometheusConfigReloader": map[string]any{"image": image(reg, pins.ImageConfigReloader)},
			"thanosImage":              image(reg, pins.ImageThanos),
			"admissionWebhooks":        map[string]any{"patch": sch.Place(map[string]any{"image": image(reg, pins.ImageWebhookCertgen)})},
			"resources":                OperatorRequests.Values(),
			"kubeletService":           map[string]any{"enabled": true},
			"networkPolicy":            map[string]any{"enabled": false},
			"serviceMonitor":           map[string]any{"selfMonitor": true},
			"tls":                      map[string]any{"enabled": true},
		}),
		"grafana": sch.Place(map[string]any{
			"image":                     image(reg, pins.ImageGrafana),
			"admin":                     map[string]any{"existingSecret": GrafanaAdminSecret, "userKey": "admin-user", "passwordKey": "admin-password"},
			"testFramework":             map[string]any{"enabled": false},
			"initChownData":             map[string]any{"enabled": false},
			"defaultDashboardsTimezone": "Asia/Shanghai",
			"sidecar": map[string]any{
				"image": image(reg, pins.ImageGrafanaSidecar),
				"dashboards": map[string]any{
					"enabled": true, "label": DashboardLabel, "labelValue": "1", "searchNamespace": in.Namespace,
					"folderAnnotation": "grafana_folder", "provider": map[string]any{"foldersFromFilesStructure": true},
				},
				"datasources": map[string]any{"enabled": true},
			},
			"additionalDataSources": []any{map[string]any{
				"name": "Tempo", "uid": "tempo", "type": "tempo", "access": "proxy",
				"url":      in.TempoURL,
				"jsonData": map[string]any{"serviceMap": map[string]any{"datasourceUid": "prometheus"}, "nodeGraph": map[string]any{"enabled": true}},
			}},
			"resources": GrafanaRequests.Values(),
		}),
		"kube-state-metrics": sch.Place(map[string]any{
			"image": image(reg, pins.ImageKubeStateMetrics),
			// NodePoolAtMaxSize and the capacity dashboard count nodes by their pool label.
			"metricLabelsAllowlist": []string{fmt.Sprintf("nodes=[%s]", sch.Key)},
			"resources":             KSMRequests.Values(),
		}),
		"prometheus-node-exporter": map[string]any{
			// The pinned tag is the whole tag (distroless included): the chart must not add its
			// suffix again.
			"image":       with(image(reg, pins.ImageNodeExporter), map[string]any{"distroless": false}),
			"tolerations": pod.Everywhere(),
			"resources":   NodeExporterRequests.Values(),
		},
	}
}

// YACEValues are the CloudWatch exporter's values: its IAM role, the metric table and the finding
// rules, the monitoring pool. The chart composes its image as registry/repository:tag
// (templates/deployment.yaml at 0.39.5), so the mirror's host goes in registry, not in front of the
// repository.
func YACEValues(region, roleARN string, findings []FindingRule, sch pod.Scheduling, reg config.Registries) (map[string]any, error) {
	cfg, err := yaceConfig(region, findings)
	if err != nil {
		return nil, err
	}
	return sch.Place(pod.Restricted(map[string]any{
		"image":          image(reg, pins.ImageYACE),
		"serviceAccount": map[string]any{"create": true, "name": "cloudwatch-exporter", "annotations": map[string]any{pod.IRSAAnnotation: roleARN}},
		"config":         cfg,
		"serviceMonitor": map[string]any{"enabled": true, "interval": "60s"},
		"resources":      YACERequests.Values(),
	}, yaceUser)), nil
}

// yaceUser is the user the YACE image runs as: nobody.
const yaceUser = 65534

// image is a pinned image for charts that compose registry/repository:tag (kube-prometheus-stack and
// its subcharts, YACE).
func image(reg config.Registries, key string) map[string]any {
	return release.Image(reg, key).Split().Plain()
}

// with is a with b's keys added.
func with(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}
