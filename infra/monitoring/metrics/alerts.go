package metrics

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/suoke-life/suoke-platform/infra/monitoring/alerting"
)

// Metric names the rules and dashboards read, defined once. Sources, read 2026-11-25:
//   - services: the OpenTelemetry HTTP server semantic conventions (stable), as the Prometheus
//     exporters name them: http_server_request_duration_seconds{http_response_status_code}, a
//     histogram in seconds. The histogram must have a bucket boundary at 2 s for the latency SLO (the
//     SDK defaults have 2.5 s, not 2 s): that is part of the service contract (see the report).
//   - PostgreSQL: CloudNativePG's default monitoring queries (config/manager/default-monitoring.yaml)
//     under the cnpg_ prefix, and the Barman Cloud plugin's backup metrics.
//   - Redis and OpenSearch: CloudWatch metrics through YACE, named aws_<namespace>_<metric>_<stat>.
//   - nodes, pods, volumes: the chart's node-exporter, cAdvisor (kubelet), kube-state-metrics.
//   - certificates: cert-manager's controller metrics.
const (
	MetricHTTPDuration = "http_server_request_duration_seconds"
	LabelHTTPStatus    = "http_response_status_code"

	// LatencyThresholdSeconds is the latency SLO's threshold: 95% of requests under 2 s.
	LatencyThresholdSeconds = 2.0
	// LatencyObjective is the share of requests that must be faster than the threshold.
	LatencyObjective = 0.95
)

// ServiceLabel is the label every alert about one service carries. prometheus-operator sets it to the
// Kubernetes Service's name on ServiceMonitor targets, and our services' Services are named after
// them; rules about shared dependencies set it to the dependency (postgresql, redis, opensearch).
const ServiceLabel = "service"

// Dependency service names, for the `service` label of alerts about shared infrastructure.
const (
	ServicePostgres   = "postgresql"
	ServiceRedis      = "redis"
	ServiceBackup     = "backup"
	ServiceOpenSearch = "opensearch"
	ServiceLogging    = "logging"
	ServiceTracing    = "tracing"
	ServiceSecurity   = "security"
)

// Params are the facts the rules are generated from: the service list and the sizes that set
// thresholds. The component fills them from its Args.
type Params struct {
	// Services are the workloads' names (config.Platform.Services), each with its SLO objective.
	Services []ServiceSLO
	// Pools are the node pools with their maximum node count (across AZs).
	Pools []PoolMax
	// TierLabel is the node label that names a node's pool (suoke.life/tier).
	TierLabel string
	// DatabaseInstances is the PostgreSQL cluster's instance count (primary + replicas).
	DatabaseInstances int
	// WALArchiveMaxAge is the RPO: an un-archived WAL segment older than this loses data in a disaster.
	WALArchiveMaxAge time.Duration
	// BackupMaxAge is how old the newest base backup may get (daily schedule plus margin).
	BackupMaxAge time.Duration
	// LogVolumeGiB is the OpenSearch data volume per node, for the free-space threshold.
	LogVolumeGiB int
	// RunbookBaseURL prefixes every runbook_url.
	RunbookBaseURL string
	// FindingRules are the EventBridge rules whose matches are security findings for the on-call.
	FindingRules []FindingRule
}

// ServiceSLO is one service and its monthly availability objective.
type ServiceSLO struct {
	Name      string
	Class     string
	Objective float64
}

// PoolMax is a node pool's maximum size.
type PoolMax struct {
	Tier string
	Max  int
}

// AlertSpec is one alert of ours: a row of the table below. One spec may yield several rules of the
// same name (one per service or per pool).
type AlertSpec struct {
	Name     string
	Severity alerting.Severity
	For      time.Duration
	// Service is the fixed `service` label of alerts about a dependency; "" when the expression
	// carries the label itself (per-service alerts) or the alert is about no service (nodes, certs).
	Service     string
	Summary     string
	Description string
	// Exprs returns the rule expressions with their extra labels.
	Exprs func(p Params) []RuleExpr
}

// RuleExpr is one generated expression of an alert and the labels it adds.
type RuleExpr struct {
	Expr   string
	Labels map[string]string
}

func one(expr string) []RuleExpr { return []RuleExpr{{Expr: expr}} }

// serviceRegex matches our services' names exactly.
func (p Params) serviceRegex() string {
	names := make([]string, 0, len(p.Services))
	for _, s := range p.Services {
		names = append(names, regexp.QuoteMeta(s.Name))
	}
	sort.Strings(names)
	return strings.Join(names, "|")
}

// KSMLabel is the label kube-state-metrics gives a Kubernetes label on kube_node_labels: "label_"
// plus the name with every character outside [a-zA-Z0-9_] replaced by "_".
func KSMLabel(k8sLabel string) string {
	return "label_" + regexp.MustCompile(`[^a-zA-Z0-9_]`).ReplaceAllString(k8sLabel, "_")
}

func seconds(d time.Duration) string { return fmt.Sprintf("%g", d.Seconds()) }

// Alerts is our alerting plan beyond what kube-prometheus-stack ships (its rules already cover the
// Kubernetes control plane it can see, kubelets, node exporters, crash loops, HPA limits, Prometheus
// and Alertmanager themselves). Thresholds and durations come from the alerting plan where it gives
// them, and otherwise say why in the description.
func Alerts() []AlertSpec {
	return []AlertSpec{
		// P0: service unavailable, database connection failure, high error rate.
		{
			Name: "ServiceDown", Severity: alerting.P0, For: time.Minute,
			Summary:     "{{ $labels.service }} is down",
			Description: "No instance of {{ $labels.service }} has answered a scrape for a minute: every target is down, or its Deployment asks for replicas and none is a target.",
			// A missing target pages only once the service's Deployment exists and asks for replicas
			// (kube-state-metrics' kube_deployment_spec_replicas; the Deployment is named after the
			// service, as its Service is): the services are deployed by their own pipelines after the
			// platform, and absent(up) alone would page P0 for every one of them after the first up.
			Exprs: func(p Params) []RuleExpr {
				var out []RuleExpr
				for _, s := range p.Services {
					sel := fmt.Sprintf(`up{service=%q}`, s.Name)
					wanted := fmt.Sprintf(`max(kube_deployment_spec_replicas{deployment=%q}) > 0`, s.Name)
					out = append(out, RuleExpr{Expr: fmt.Sprintf(`sum by (service) (%s) == 0 or (absent(%s) and on () (%s))`, sel, sel, wanted)})
				}
				return out
			},
		},
		{
			Name: "DatabaseConnectionFailure", Severity: alerting.P0, For: 30 * time.Second, Service: ServicePostgres,
			Summary:     "PostgreSQL instance {{ $labels.pod }} refuses connections",
			Description: "CloudNativePG's exporter on {{ $labels.namespace }}/{{ $labels.pod }} cannot connect to its PostgreSQL instance (cnpg_collector_up is 0).",
			Exprs:       func(Params) []RuleExpr { return one(`max by (namespace, cluster, pod) (cnpg_collector_up) == 0`) },
		},
		{
			Name: "HighErrorRate", Severity: alerting.P0, For: 2 * time.Minute,
			Summary:     "{{ $labels.service }} answers more than 10% of requests with 5xx",
			Description: "Over the last 5 minutes more than 10% of {{ $labels.service }}'s requests failed with a 5xx status (with at least 3 requests a minute, so that one failure of two is no page).",
			Exprs: func(p Params) []RuleExpr {
				re := p.serviceRegex()
				total := fmt.Sprintf(`sum by (service) (rate(%s_count{service=~%q}[5m]))`, MetricHTTPDuration, re)
				errors := fmt.Sprintf(`sum by (service) (rate(%s_count{service=~%q, %s=~"5.."}[5m]))`, MetricHTTPDuration, re, LabelHTTPStatus)
				return one(fmt.Sprintf(`(%s / %s > 0.10) and %s > 0.05`, errors, total, total))
			},
		},

		// P1: slow responses, memory or CPU too high, and what threatens the data.
		{
			Name: "HighResponseTime", Severity: alerting.P1, For: 5 * time.Minute,
			Summary:     "{{ $labels.service }} p95 latency above 2 s",
			Description: "The 95th percentile of {{ $labels.service }}'s request duration has been above 2 seconds for 5 minutes.",
			Exprs: func(p Params) []RuleExpr {
				return one(fmt.Sprintf(`histogram_quantile(0.95, sum by (service, le) (rate(%s_bucket{service=~%q}[5m]))) > %g`,
					MetricHTTPDuration, p.serviceRegex(), LatencyThresholdSeconds))
			},
		},
		{
			Name: "HighMemoryUsage", Severity: alerting.P1, For: 5 * time.Minute,
			Summary:     "{{ $labels.service }} uses more than 85% of its memory limit",
			Description: "A container of {{ $labels.service }} in {{ $labels.namespace }} has used more than 85% of its memory limit for 5 minutes; at 100% it is OOM-killed.",
			Exprs: func(p Params) []RuleExpr {
				return one(containerRatio(p, `container_memory_working_set_bytes{container=~%q, image!=""}`, "kube_pod_container_resource_limits", "memory", 0.85))
			},
		},
		{
			Name: "HighCPUUsage", Severity: alerting.P1, For: 10 * time.Minute,
			Summary:     "{{ $labels.service }} uses more than 80% of its CPU request",
			Description: "A container of {{ $labels.service }} in {{ $labels.namespace }} has used more than 80% of its requested CPU for 10 minutes: autoscaling is at its limit or not keeping up. Measured against requests, since our pods run without CPU limits.",
			Exprs: func(p Params) []RuleExpr {
				return one(containerRatio(p, `rate(container_cpu_usage_seconds_total{container=~%q, image!=""}[5m])`, "kube_pod_container_resource_requests", "cpu", 0.80))
			},
		},
		{
			Name: "PostgresReplicationLag", Severity: alerting.P1, For: 5 * time.Minute, Service: ServicePostgres,
			Summary:     "PostgreSQL replica {{ $labels.pod }} lags more than 30 s",
			Description: "Replica {{ $labels.namespace }}/{{ $labels.pod }} has replayed nothing newer than 30 seconds ago for 5 minutes; a failover to it would lose that much.",
			Exprs:       func(Params) []RuleExpr { return one(`max by (namespace, cluster, pod) (cnpg_pg_replication_lag) > 30`) },
		},
		{
			Name: "PostgresReplicasMissing", Severity: alerting.P1, For: 5 * time.Minute, Service: ServicePostgres,
			Summary:     "PostgreSQL cluster {{ $labels.cluster }} has fewer streaming replicas than planned",
			Description: "The primary of {{ $labels.namespace }}/{{ $labels.cluster }} streams to fewer replicas than the plan's instances minus one; one more failure leaves no failover target.",
			Exprs: func(p Params) []RuleExpr {
				return one(fmt.Sprintf(`max by (namespace, cluster) (cnpg_pg_replication_streaming_replicas) < %d`, max(p.DatabaseInstances-1, 1)))
			},
		},
		{
			Name: "PostgresWALArchivingFailing", Severity: alerting.P1, For: 10 * time.Minute, Service: ServicePostgres,
			Summary:     "WAL archiving of {{ $labels.cluster }} keeps failing",
			Description: "The primary of {{ $labels.namespace }}/{{ $labels.cluster }} has failed to archive WAL to the backup bucket for 10 minutes; point-in-time recovery stops at the last archived segment.",
			Exprs: func(Params) []RuleExpr {
				return one(`sum by (namespace, cluster) (increase(cnpg_pg_stat_archiver_failed_count[5m])) > 0`)
			},
		},
		{
			Name: "PostgresWALArchiveStale", Severity: alerting.P1, For: 5 * time.Minute, Service: ServicePostgres,
			Summary:     "Last archived WAL of {{ $labels.cluster }} is older than the RPO",
			Description: "The primary of {{ $labels.namespace }}/{{ $labels.cluster }} archived its last WAL segment longer ago than the RPO; a regional disaster now loses more than the RPO allows.",
			Exprs: func(p Params) []RuleExpr {
				return one(fmt.Sprintf(`max by (namespace, cluster) (cnpg_pg_stat_archiver_seconds_since_last_archival) > %s`, seconds(p.WALArchiveMaxAge)))
			},
		},
		{
			// Half the WAL volume's headroom (stack output walHeadroomHours, config.WALHeadroomHours)
			// is gone: at the configured write rate the other half lasts as long again, and
			// PostgreSQL stops when pg_wal is full. The cause is usually archiving (the two alerts
			// above), sometimes a replication slot held by a replica that is down. CloudNativePG
			// names a WAL volume's claim <pod>-wal (api/v1 WalArchiveVolumeSuffix, v1.30.0); its
			// cnpg_collector_pg_wal_archive_status{value="ready"} counts the segments still to
			// archive (pkg/management/postgres/webserver/metricserver, v1.30.0; read 2026-12-02).
			Name: "PostgresWALVolumeHalfFull", Severity: alerting.P1, For: 10 * time.Minute, Service: ServicePostgres,
			Summary:     "The WAL volume {{ $labels.persistentvolumeclaim }} is more than half full",
			Description: "{{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has been more than half full for 10 minutes: half of the WAL headroom (stack output walHeadroomHours) is used, and the primary stops when the rest is. Check archiving (cnpg_collector_pg_wal_archive_status{value=\"ready\"}) and replication slots.",
			Exprs: func(Params) []RuleExpr {
				wal := `persistentvolumeclaim=~".+-[0-9]+-wal"`
				return one(fmt.Sprintf(`max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{%s} / kubelet_volume_stats_capacity_bytes{%s}) > 0.5`, wal, wal))
			},
		},
		{
			Name: "RedisFailover", Severity: alerting.P1, Service: ServiceRedis,
			Summary:     "Redis changed its primary",
			Description: "An ElastiCache node changed role (IsMaster) in the last 15 minutes: a failover happened. Clients reconnect; check that the old primary came back as a replica.",
			Exprs: func(Params) []RuleExpr {
				return one(`sum(changes(aws_elasticache_is_master_average[15m])) > 0`)
			},
		},
		{
			Name: "CertificateExpiryImminent", Severity: alerting.P1, For: time.Hour,
			Summary:     "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires within 7 days",
			Description: "cert-manager renews 30 days before expiry; a certificate 7 days from expiry means renewal has failed for three weeks.",
			Exprs: func(Params) []RuleExpr {
				return one(`max by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds) - time() < 7 * 86400`)
			},
		},
		{
			Name: "LogStoreClusterRed", Severity: alerting.P1, For: 5 * time.Minute, Service: ServiceOpenSearch,
			Summary:     "The log store's OpenSearch domain is red",
			Description: "At least one primary shard of the OpenSearch domain is unassigned: some logs cannot be written or searched.",
			Exprs:       func(Params) []RuleExpr { return one(`max(aws_es_cluster_status_red_maximum) >= 1`) },
		},

		// P2: disk space low, too many connections, and what will hurt within hours.
		{
			Name: "DiskSpaceLow", Severity: alerting.P2, For: 15 * time.Minute,
			Summary:     "Disk space above 80% used",
			Description: "A persistent volume or a node's root filesystem has been more than 80% full for 15 minutes.",
			Exprs: func(Params) []RuleExpr {
				return []RuleExpr{
					{Expr: `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes) > 0.80`},
					{Expr: `max by (instance, mountpoint) (1 - node_filesystem_avail_bytes{fstype=~"ext4|xfs"} / node_filesystem_size_bytes{fstype=~"ext4|xfs"}) > 0.80`},
				}
			},
		},
		{
			Name: "TooManyConnections", Severity: alerting.P2, For: 5 * time.Minute, Service: ServicePostgres,
			Summary:     "PostgreSQL instance {{ $labels.pod }} uses more than 80% of max_connections",
			Description: "Backends on {{ $labels.namespace }}/{{ $labels.pod }} have exceeded 80% of max_connections for 5 minutes; new connections will soon be refused.",
			Exprs: func(Params) []RuleExpr {
				return one(`sum by (namespace, cluster, pod) (cnpg_backends_total) / on (namespace, cluster, pod) max by (namespace, cluster, pod) (cnpg_pg_settings_setting{name="max_connections"}) > 0.80`)
			},
		},
		{
			Name: "PostgresBackupTooOld", Severity: alerting.P2, For: 15 * time.Minute, Service: ServicePostgres,
			Summary:     "Newest base backup of {{ $labels.cluster }} is too old",
			Description: "The newest available base backup of {{ $labels.namespace }}/{{ $labels.cluster }} is older than a day and its margin: the scheduled backup is failing, and recovery will replay ever more WAL.",
			Exprs: func(p Params) []RuleExpr {
				return one(fmt.Sprintf(`time() - max by (namespace, cluster) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp) > %s`, seconds(p.BackupMaxAge)))
			},
		},
		{
			Name: "RedisMemoryHigh", Severity: alerting.P2, For: 15 * time.Minute, Service: ServiceRedis,
			Summary:     "Redis node {{ $labels.dimension_CacheClusterId }} uses more than 80% of its memory",
			Description: "DatabaseMemoryUsagePercentage has been above 80% for 15 minutes; past 100% Redis evicts keys and the services fall back to PostgreSQL.",
			Exprs: func(Params) []RuleExpr {
				return one(`max by (dimension_CacheClusterId) (aws_elasticache_database_memory_usage_percentage_average) > 80`)
			},
		},
		{
			// S3 Replication Time Control promises 99.99% of objects within 15 minutes; past that the
			// DR region's copy (rebuild mode's RPO, and the local copy of a standby archive) is behind.
			Name: "BackupReplicationBehind", Severity: alerting.P1, For: 5 * time.Minute, Service: ServiceBackup,
			Summary:     "Backup replication {{ $labels.dimension_SourceBucket }} → {{ $labels.dimension_DestinationBucket }} is more than 15 minutes behind",
			Description: "S3 ReplicationLatency has exceeded the 15 minutes Replication Time Control promises: the DR region's copy of the backups is older than the RPO the plan states.",
			Exprs: func(Params) []RuleExpr {
				return one(`max by (dimension_SourceBucket, dimension_DestinationBucket) (aws_s3_replication_latency_maximum) > 900`)
			},
		},
		{
			// The audit component's EventBridge rules match GuardDuty and Security Hub findings of high
			// severity and Config rules turning non-compliant; EventBridge counts each match in
			// CloudWatch, and the exporter brings the counts in. Paging from here rather than from
			// the SNS topic gives findings Alertmanager's routes, silences and inhibitions, and
			// reaches the webhook receivers SNS cannot subscribe.
			Name: "SecurityFinding", Severity: alerting.P1, Service: ServiceSecurity,
			Summary:     "Security finding matched {{ $labels.dimension_RuleName }} in {{ $labels.region }}",
			Description: "EventBridge rule {{ $labels.dimension_RuleName }} matched an event in the last five minutes: a GuardDuty or Security Hub finding of high severity, or a Config rule that turned non-compliant. The finding itself is in the region's console and on the security-findings topic.",
			Exprs: func(p Params) []RuleExpr {
				if len(p.FindingRules) == 0 {
					return nil // another stack owns the account's audit baseline, and pages for it
				}
				seen := map[string]bool{}
				var names []string
				for _, f := range p.FindingRules {
					if !seen[f.Name] {
						seen[f.Name] = true
						names = append(names, regexp.QuoteMeta(f.Name))
					}
				}
				return one(fmt.Sprintf("max by (region, dimension_RuleName) (aws_events_triggered_rules_sum{dimension_RuleName=~`%s`}) > 0", strings.Join(names, "|")))
			},
		},
		{
			Name: "CertificateExpiringSoon", Severity: alerting.P2, For: time.Hour,
			Summary:     "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires within 21 days",
			Description: "cert-manager should have renewed it 30 days before expiry; renewal has failed for more than a week.",
			Exprs: func(Params) []RuleExpr {
				return one(`max by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds) - time() < 21 * 86400`)
			},
		},
		{
			Name: "CertificateNotReady", Severity: alerting.P2, For: 15 * time.Minute,
			Summary:     "Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready",
			Description: "cert-manager reports the certificate not ready for 15 minutes: issuance or renewal is failing.",
			Exprs: func(Params) []RuleExpr {
				return one(`max by (namespace, name) (certmanager_certificate_ready_status{condition="False"}) == 1`)
			},
		},
		{
			Name: "NodePoolAtMaxSize", Severity: alerting.P2, For: 30 * time.Minute,
			Summary:     "Node pool {{ $labels.tier }} is at its maximum size",
			Description: "The {{ $labels.tier }} pool has run at its configured maximum for 30 minutes: the autoscaler cannot add nodes, and pending pods stay pending. Raise nodePools.{{ $labels.tier }}.max or find the load.",
			Exprs: func(p Params) []RuleExpr {
				var out []RuleExpr
				label := KSMLabel(p.TierLabel)
				for _, pool := range p.Pools {
					// The tier label comes from the series, not from rule labels: annotations see only
					// the expression's labels.
					out = append(out, RuleExpr{Expr: fmt.Sprintf(`count by (tier) (label_replace(kube_node_labels{%s=%q}, "tier", "$1", %q, "(.+)")) >= %d`,
						label, pool.Tier, label, pool.Max)})
				}
				return out
			},
		},
		{
			Name: "LogStoreStorageLow", Severity: alerting.P2, For: 15 * time.Minute, Service: ServiceOpenSearch,
			Summary:     "A log store node has less than 20% of its volume free",
			Description: "FreeStorageSpace of an OpenSearch data node is below 20% of its volume; at 15% OpenSearch stops allocating shards to it, and at 5% it blocks writes.",
			Exprs: func(p Params) []RuleExpr {
				// FreeStorageSpace is reported in megabytes (CloudWatch metrics for OpenSearch Service).
				return one(fmt.Sprintf(`min(aws_es_free_storage_space_minimum) < %d`, p.LogVolumeGiB*1024/5))
			},
		},
		{
			Name: "LogShippingFailing", Severity: alerting.P2, For: 10 * time.Minute, Service: ServiceLogging,
			Summary:     "Fluent Bit drops log records on {{ $labels.pod }}",
			Description: "Fluent Bit on {{ $labels.pod }} gave up retrying some chunks for 10 minutes: their logs are lost.",
			Exprs: func(Params) []RuleExpr {
				return one(`sum by (pod) (rate(fluentbit_output_retries_failed_total[5m])) > 0`)
			},
		},

		// P3: slow queries increasing, and similar.
		{
			Name: "SlowQueryIncrease", Severity: alerting.P3, For: 15 * time.Minute, Service: ServicePostgres,
			Summary:     "Queries on {{ $labels.cluster }} keep running longer than 30 s",
			Description: "For 15 minutes there has always been an active transaction older than 30 seconds on {{ $labels.namespace }}/{{ $labels.cluster }} (cnpg_backends_max_tx_duration_seconds; per-statement statistics are not among CloudNativePG's default metrics).",
			Exprs: func(Params) []RuleExpr {
				return one(`max by (namespace, cluster) (cnpg_backends_max_tx_duration_seconds{state="active"}) > 30`)
			},
		},
		{
			Name: "TraceExportFailing", Severity: alerting.P3, For: 15 * time.Minute, Service: ServiceTracing,
			Summary:     "The OpenTelemetry Collector fails to export spans",
			Description: "The collector has failed to send spans to the trace backend for 15 minutes; traces of that period are incomplete.",
			Exprs: func(Params) []RuleExpr {
				return one(`sum(rate(otelcol_exporter_send_failed_spans_total[5m])) > 0`)
			},
		},
	}
}

// containerRatio is a per-service ratio of container usage to its resource request or limit. The
// container is named after the service (the delivery contract), which label_replace copies into the
// `service` label.
func containerRatio(p Params, usageFmt, resourceMetric, resource string, threshold float64) string {
	re := p.serviceRegex()
	usage := fmt.Sprintf(usageFmt, re)
	return fmt.Sprintf(`max by (namespace, service) (label_replace(sum by (namespace, pod, container) (%s) / on (namespace, pod, container) sum by (namespace, pod, container) (%s{resource=%q, container=~%q}), "service", "$1", "container", "(.+)")) > %g`,
		usage, resourceMetric, resource, re, threshold)
}
