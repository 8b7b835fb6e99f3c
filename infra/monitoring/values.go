package monitoring

import (
	"fmt"
	"maps"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/pins"
)

// Names of objects the chart values point at, created by the component beside the release.
const (
	// AlertmanagerSecret holds alertmanager.yaml (receivers are secrets, so it is a Secret we own,
	// not chart values that would sit in the Helm release in clear text).
	AlertmanagerSecret = "suoke-alertmanager"
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
	// Scheduling places every pod on the monitoring pool.
	Scheduling Scheduling
	Registries config.Registries
}

// Scheduling pins pods to a node pool: a node selector on the pool's label and a toleration of its
// taint (the cluster taints every pool with the same key, so only the intended pods land on it).
type Scheduling struct {
	Key  string
	Pool string
}

func (s Scheduling) nodeSelector() map[string]any { return map[string]any{s.Key: s.Pool} }

func (s Scheduling) tolerations() []any {
	return []any{map[string]any{"key": s.Key, "operator": "Equal", "value": s.Pool, "effect": "NoSchedule"}}
}

// everywhere tolerates every taint: node-level agents (node-exporter, Fluent Bit) run on all pools.
func everywhere() []any { return []any{map[string]any{"operator": "Exists"}} }

func (s Scheduling) place(m map[string]any) map[string]any {
	m["nodeSelector"] = s.nodeSelector()
	m["tolerations"] = s.tolerations()
	return m
}

// Requests are what a workload asks of its pool; the memory limit is twice the request (CPU is not
// limited: throttling a scraper or a collector loses data).
type Requests struct {
	CPUMilli  int
	MemoryMiB int
}

func (r Requests) values() map[string]any {
	return map[string]any{
		"requests": map[string]any{"cpu": fmt.Sprintf("%dm", r.CPUMilli), "memory": fmt.Sprintf("%dMi", r.MemoryMiB)},
		"limits":   map[string]any{"memory": fmt.Sprintf("%dMi", 2*r.MemoryMiB)},
	}
}

// Workload requests on the monitoring pool. Prometheus: a ~25-node cluster with nine services keeps
// some 200k series (node-exporter, cAdvisor and kube-state-metrics dominate); at about 8 KiB per
// series of head and query memory that is ~1.6 GiB, so 2 GiB requested and 4 GiB as the limit.
var (
	reqPrometheus   = Requests{500, 2048}
	reqAlertmanager = Requests{50, 128}
	reqGrafana      = Requests{100, 256}
	reqOperator     = Requests{100, 128}
	reqKSM          = Requests{50, 256}
	reqNodeExporter = Requests{20, 64}
	reqYACE         = Requests{50, 128}
	reqFluentBit    = Requests{50, 128}
	reqCollector    = Requests{200, 512}
	reqTempo        = Requests{200, 512}
)

func resources(r Requests) map[string]any { return r.values() }

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
			"alertmanagerSpec": sch.place(map[string]any{
				"replicas":          m.AlertmanagerReplicas,
				"useExistingSecret": true,
				"configSecret":      AlertmanagerSecret,
				"image":             image(reg, pins.ImageAlertmanager),
				"storage":           pvc(2),
				"podAntiAffinity":   "soft",
				"resources":         resources(reqAlertmanager),
			}),
		},
		"prometheus": map[string]any{
			"prometheusSpec": sch.place(map[string]any{
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
				"resources":                               resources(reqPrometheus),
				"walCompression":                          true,
			}),
		},
		"prometheusOperator": sch.place(map[string]any{
			"image":                    image(reg, pins.ImageOperator),
			"prometheusConfigReloader": map[string]any{"image": image(reg, pins.ImageConfigReloader)},
			"thanosImage":              image(reg, pins.ImageThanos),
			"admissionWebhooks":        map[string]any{"patch": sch.place(map[string]any{"image": image(reg, pins.ImageWebhookCertgen)})},
			"resources":                resources(reqOperator),
			"kubeletService":           map[string]any{"enabled": true},
			"networkPolicy":            map[string]any{"enabled": false},
			"serviceMonitor":           map[string]any{"selfMonitor": true},
			"tls":                      map[string]any{"enabled": true},
		}),
		"grafana": sch.place(map[string]any{
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
				"url":      "http://" + tempoURL(in.Namespace, TempoHTTPPort),
				"jsonData": map[string]any{"serviceMap": map[string]any{"datasourceUid": "prometheus"}, "nodeGraph": map[string]any{"enabled": true}},
			}},
			"resources": resources(reqGrafana),
		}),
		"kube-state-metrics": sch.place(map[string]any{
			"image": image(reg, pins.ImageKubeStateMetrics),
			// NodePoolAtMaxSize and the capacity dashboard count nodes by their pool label.
			"metricLabelsAllowlist": []string{fmt.Sprintf("nodes=[%s]", sch.Key)},
			"resources":             resources(reqKSM),
		}),
		"prometheus-node-exporter": map[string]any{
			// The pinned tag is the whole tag (distroless included): the chart must not add its
			// suffix again.
			"image":       mergeMaps(image(reg, pins.ImageNodeExporter), map[string]any{"distroless": false}),
			"tolerations": everywhere(),
			"resources":   resources(reqNodeExporter),
		},
	}
}

// YACEValues are the CloudWatch exporter's values: its IAM role, the metric table and the finding
// rules, the monitoring pool. The chart composes its image as registry/repository:tag
// (templates/deployment.yaml at 0.39.5), so the mirror's host goes in registry, not in front of the
// repository.
func YACEValues(region, roleARN string, findings []FindingRule, sch Scheduling, reg config.Registries) (map[string]any, error) {
	cfg, err := yaceConfig(region, findings)
	if err != nil {
		return nil, err
	}
	return sch.place(restricted(map[string]any{
		"image":          image(reg, pins.ImageYACE),
		"serviceAccount": map[string]any{"create": true, "name": "cloudwatch-exporter", "annotations": map[string]any{irsaAnnotation: roleARN}},
		"config":         cfg,
		"serviceMonitor": map[string]any{"enabled": true, "interval": "60s"},
		"resources":      resources(reqYACE),
	}, yaceUser)), nil
}

// restricted is what a chart's pod and container take to pass Pod Security "restricted": a fixed
// non-root user (numeric, so the kubelet can check runAsNonRoot whatever the image names), the
// runtime's seccomp profile, no privilege escalation, no capabilities, a read-only root. Both charts
// that take it pass their podSecurityContext and securityContext through unchanged (values.yaml of
// prometheus-yet-another-cloudwatch-exporter 0.39.5 and opentelemetry-collector 0.140.1). Checked
// with k8s.io/pod-security-admission on the charts rendered with these values, read 2026-12-03.
func restricted(values map[string]any, uid int) map[string]any {
	values["podSecurityContext"] = map[string]any{
		"runAsNonRoot": true, "runAsUser": uid, "runAsGroup": uid,
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}
	values["securityContext"] = map[string]any{
		"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
		"capabilities": map[string]any{"drop": []string{"ALL"}},
	}
	return values
}

// Users the images run as: nobody for YACE, the collector image's own 10001 (its Dockerfile's USER).
const (
	yaceUser      = 65534
	collectorUser = 10001
)

// irsaAnnotation binds a service account to an IAM role (IAM roles for service accounts).
const irsaAnnotation = "eks.amazonaws.com/role-arn"

// FluentBitValues are Fluent Bit's values: a DaemonSet on every node, its IAM role, the pipeline:
// OpenSearch (the hot, searchable copy) and the archive bucket (LogArchiveOutput, kept for
// logRetentionMinimumDays).
func FluentBitValues(region, roleARN string, reg config.Registries, archiveBucket string) map[string]any {
	pipeline := fluentBitConfig(region)
	pipeline["outputs"] = pipeline["outputs"].(string) + LogArchiveOutput(region, archiveBucket)
	return map[string]any{
		"kind":           "DaemonSet",
		"image":          repoImage(reg, pins.ImageFluentBit),
		"serviceAccount": map[string]any{"create": true, "name": "fluent-bit", "annotations": map[string]any{irsaAnnotation: roleARN}},
		"tolerations":    everywhere(),
		"config":         pipeline,
		"serviceMonitor": map[string]any{"enabled": true},
		"resources":      resources(reqFluentBit),
		"testFramework":  map[string]any{"enabled": false},
		// Chunks buffered on disk survive a restart instead of being lost.
		"extraVolumes":      []any{map[string]any{"name": "state", "hostPath": map[string]any{"path": "/var/fluent-bit/state"}}},
		"extraVolumeMounts": []any{map[string]any{"name": "state", "mountPath": "/var/fluent-bit/state"}},
	}
}

// CollectorValues are the OpenTelemetry Collector's values: a Deployment on the monitoring pool.
func CollectorValues(in TracesInput, replicas int, sch Scheduling, reg config.Registries) map[string]any {
	return sch.place(restricted(map[string]any{
		"mode":            "deployment",
		"replicaCount":    replicas,
		"image":           repoImage(reg, pins.ImageCollector),
		"alternateConfig": collectorConfig(in),
		"ports": map[string]any{
			"otlp":           map[string]any{"enabled": true, "containerPort": CollectorOTLPGRPCPort, "servicePort": CollectorOTLPGRPCPort, "protocol": "TCP"},
			"otlp-http":      map[string]any{"enabled": true, "containerPort": CollectorOTLPHTTPPort, "servicePort": CollectorOTLPHTTPPort, "protocol": "TCP"},
			"jaeger-compact": map[string]any{"enabled": false}, "jaeger-thrift": map[string]any{"enabled": false},
			"jaeger-grpc": map[string]any{"enabled": false}, "zipkin": map[string]any{"enabled": false},
			"metrics": map[string]any{"enabled": true},
		},
		"serviceMonitor": map[string]any{"enabled": true},
		"resources":      resources(reqCollector),
	}, collectorUser))
}

// TempoValues are Tempo's values: single binary with a WAL volume, S3 storage, its IAM role.
func TempoValues(in TracesInput, roleARN, storageClass string, sch Scheduling, reg config.Registries) map[string]any {
	return sch.place(map[string]any{
		"fullnameOverride": tempoService,
		"tempo": mergeMaps(image(reg, pins.ImageTempo), map[string]any{
			"retention": tempoConfig(in)["retention"],
			"storage":   tempoConfig(in)["storage"],
			"receivers": tempoConfig(in)["receivers"],
			"resources": resources(reqTempo),
		}),
		"serviceAccount": map[string]any{"create": true, "name": "tempo", "annotations": map[string]any{irsaAnnotation: roleARN}},
		"persistence":    map[string]any{"enabled": true, "storageClassName": storageClass, "size": "20Gi"},
		"serviceMonitor": map[string]any{"enabled": true},
	})
}

// Footprints lists what this component schedules, from its Args alone (the composition sums them
// before the cluster is built): the stack and the pipelines on the monitoring pool, node-exporter and
// Fluent Bit on every node of every pool.
func (a Args) Footprints() []footprint.Footprint {
	m := a.Monitoring
	mon := config.TierMonitoring
	f := func(name string, tier config.Tier, replicas int, perNode bool, r Requests) footprint.Footprint {
		return footprint.Footprint{Tier: tier, Name: name, Replicas: replicas, PerNode: perNode, CPUMilli: r.CPUMilli, MemoryMiB: r.MemoryMiB, Source: "monitoring"}
	}
	out := []footprint.Footprint{
		f("prometheus", mon, m.PrometheusReplicas, false, reqPrometheus),
		f("alertmanager", mon, m.AlertmanagerReplicas, false, reqAlertmanager),
		f("grafana", mon, 1, false, reqGrafana),
		f("prometheus-operator", mon, 1, false, reqOperator),
		f("kube-state-metrics", mon, 1, false, reqKSM),
		f("cloudwatch-exporter", mon, 1, false, reqYACE),
		f("otel-collector", mon, a.collectorReplicas(), false, reqCollector),
		f("tempo", mon, 1, false, reqTempo),
	}
	for _, t := range config.AllTiers() {
		out = append(out, f("node-exporter", t, 0, true, reqNodeExporter), f("fluent-bit", t, 0, true, reqFluentBit))
	}
	return out
}

// collectorReplicas: two in production, so a collector restart drops no spans.
func (a Args) collectorReplicas() int {
	if a.Environment.ProductionLike() {
		return 2
	}
	return 1
}

// mergeMaps is a with b's keys added (b wins).
func mergeMaps(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}
