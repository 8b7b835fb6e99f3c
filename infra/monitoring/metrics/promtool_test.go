package metrics

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/suoke-life/suoke-platform/infra/monitoring/alerting"
	"sigs.k8s.io/yaml"
)

// The promtool unit-test file format (prometheus cmd/promtool/unittest.go).
type ptFile struct {
	RuleFiles          []string `json:"rule_files"`
	EvaluationInterval string   `json:"evaluation_interval"`
	// GroupEvalOrder evaluates the recording groups before the alerts that read them at the same
	// instant (a sample exactly one interval old falls outside the lookback window).
	GroupEvalOrder []string  `json:"group_eval_order,omitempty"`
	Tests          []ptGroup `json:"tests"`
}

type ptGroup struct {
	Name        string     `json:"name"`
	Interval    string     `json:"interval"`
	InputSeries []ptSeries `json:"input_series"`
	AlertTests  []ptAlert  `json:"alert_rule_test"`
}

type ptSeries struct {
	Series string `json:"series"`
	Values string `json:"values"`
}

type ptAlert struct {
	EvalTime  string     `json:"eval_time"`
	Alertname string     `json:"alertname"`
	ExpAlerts []ptExpect `json:"exp_alerts"`
}

type ptExpect struct {
	Labels      map[string]string `json:"exp_labels"`
	Annotations map[string]string `json:"exp_annotations"`
}

// fixture makes one alert fire (bad) and keeps it silent (good). want are the labels the expression
// keeps on each firing alert; the rule's own labels and annotations are added from the rule itself.
type fixture struct {
	bad, good []ptSeries
	evalAt    time.Duration
	want      []map[string]string
}

func s(series, values string) ptSeries { return ptSeries{Series: series, Values: values} }

// notYet drops a service's targets: it has not been deployed.
func notYet(service string, series []ptSeries) []ptSeries {
	var out []ptSeries
	for _, x := range series {
		if !strings.Contains(x.Series, fmt.Sprintf(`service=%q`, service)) {
			out = append(out, x)
		}
	}
	return out
}

const pg = `namespace="database", cluster="postgres"`

// fixtures are the synthetic series of every alert of ours. A new alert without one fails
// TestEveryAlertHasAFixture.
func fixtures(p Params) map[string]fixture {
	var allUp, allButTwo []ptSeries
	for _, svc := range p.Services {
		allUp = append(allUp, s(fmt.Sprintf(`up{service=%q, job=%q, instance="10.0.0.1:8080"}`, svc.Name, svc.Name), "1x5"))
		switch svc.Name {
		case "xiaoai":
			allButTwo = append(allButTwo, s(`up{service="xiaoai", job="xiaoai", instance="10.0.0.1:8080"}`, "0x5"))
		case "soer": // no target at all, while its Deployment asks for two replicas
			allButTwo = append(allButTwo, s(`kube_deployment_spec_replicas{namespace="agents", deployment="soer"}`, "2x5"))
		default:
			allButTwo = append(allButTwo, allUp[len(allUp)-1])
		}
	}
	http := func(code, values string) ptSeries {
		return s(fmt.Sprintf(`http_server_request_duration_seconds_count{service="xiaoai", http_response_status_code=%q}`, code), values)
	}
	bucket := func(le, values string) ptSeries {
		return s(fmt.Sprintf(`http_server_request_duration_seconds_bucket{service="xiaoai", le=%q}`, le), values)
	}
	container := func(metric, values string) ptSeries {
		return s(fmt.Sprintf(`%s{namespace="agents", pod="xiaoai-7d9f", container="xiaoai", image="xiaoai:1"}`, metric), values)
	}
	resource := func(metric, res, values string) ptSeries {
		return s(fmt.Sprintf(`%s{namespace="agents", pod="xiaoai-7d9f", container="xiaoai", resource=%q}`, metric, res), values)
	}
	nodes := func(n int) []ptSeries {
		var out []ptSeries
		for i := range n {
			out = append(out, s(fmt.Sprintf(`kube_node_labels{node="ip-10-40-0-%d", %s="agents"}`, i, KSMLabel(p.TierLabel)), "1x40"))
		}
		return out
	}
	agentsMax := 0
	for _, pool := range p.Pools {
		if pool.Tier == "agents" {
			agentsMax = pool.Max
		}
	}
	freeMB := p.LogVolumeGiB * 1024 / 5
	pgPod := func(metric, pod, values string) ptSeries {
		return s(fmt.Sprintf(`%s{%s, pod=%q}`, metric, pg, pod), values)
	}
	pgLabels := map[string]string{"namespace": "database", "cluster": "postgres"}
	withPod := func(pod string) map[string]string {
		m := maps.Clone(pgLabels)
		m["pod"] = pod
		return m
	}
	cert := func(values string) []ptSeries {
		return []ptSeries{s(`certmanager_certificate_expiration_timestamp_seconds{namespace="ingress", name="api-tls"}`, values)}
	}
	certLabels := map[string]string{"namespace": "ingress", "name": "api-tls"}

	return map[string]fixture{
		// Quiet: every deployed service up, and blockchain not deployed yet (no target, no Deployment).
		"ServiceDown": {bad: allButTwo, good: notYet("blockchain", allUp), evalAt: 2 * time.Minute,
			want: []map[string]string{{"service": "xiaoai"}, {"service": "soer"}}},
		"DatabaseConnectionFailure": {
			bad: []ptSeries{pgPod("cnpg_collector_up", "postgres-1", "0x5")}, good: []ptSeries{pgPod("cnpg_collector_up", "postgres-1", "1x5")},
			evalAt: 2 * time.Minute, want: []map[string]string{withPod("postgres-1")}},
		"HighErrorRate": {
			// 2 of 12 requests a second fail (17%); healthy: 0.5 of 10.5 (5%).
			bad: []ptSeries{http("200", "0+600x10"), http("500", "0+120x10")}, good: []ptSeries{http("200", "0+600x10"), http("500", "0+30x10")},
			evalAt: 6 * time.Minute, want: []map[string]string{{"service": "xiaoai"}}},
		"HighResponseTime": {
			bad:    []ptSeries{bucket("0.5", "0+10x15"), bucket("1.0", "0+20x15"), bucket("2.0", "0+30x15"), bucket("5.0", "0+100x15"), bucket("+Inf", "0+100x15")},
			good:   []ptSeries{bucket("0.5", "0+90x15"), bucket("1.0", "0+96x15"), bucket("2.0", "0+99x15"), bucket("5.0", "0+100x15"), bucket("+Inf", "0+100x15")},
			evalAt: 12 * time.Minute, want: []map[string]string{{"service": "xiaoai"}}},
		"HighMemoryUsage": {
			bad:    []ptSeries{container("container_memory_working_set_bytes", "900x10"), resource("kube_pod_container_resource_limits", "memory", "1000x10")},
			good:   []ptSeries{container("container_memory_working_set_bytes", "500x10"), resource("kube_pod_container_resource_limits", "memory", "1000x10")},
			evalAt: 7 * time.Minute, want: []map[string]string{{"namespace": "agents", "service": "xiaoai"}}},
		"HighCPUUsage": {
			// 0.9 of a requested core; healthy: 0.5.
			bad:    []ptSeries{container("container_cpu_usage_seconds_total", "0+54x20"), resource("kube_pod_container_resource_requests", "cpu", "1x20")},
			good:   []ptSeries{container("container_cpu_usage_seconds_total", "0+30x20"), resource("kube_pod_container_resource_requests", "cpu", "1x20")},
			evalAt: 16 * time.Minute, want: []map[string]string{{"namespace": "agents", "service": "xiaoai"}}},
		"PostgresReplicationLag": {
			bad: []ptSeries{pgPod("cnpg_pg_replication_lag", "postgres-2", "60x10")}, good: []ptSeries{pgPod("cnpg_pg_replication_lag", "postgres-2", "0x10")},
			evalAt: 7 * time.Minute, want: []map[string]string{withPod("postgres-2")}},
		"PostgresReplicasMissing": {
			bad:    []ptSeries{pgPod("cnpg_pg_replication_streaming_replicas", "postgres-1", fmt.Sprintf("%dx10", p.DatabaseInstances-2))},
			good:   []ptSeries{pgPod("cnpg_pg_replication_streaming_replicas", "postgres-1", fmt.Sprintf("%dx10", p.DatabaseInstances-1))},
			evalAt: 7 * time.Minute, want: []map[string]string{pgLabels}},
		"PostgresWALArchivingFailing": {
			bad: []ptSeries{pgPod("cnpg_pg_stat_archiver_failed_count", "postgres-1", "0+1x20")}, good: []ptSeries{pgPod("cnpg_pg_stat_archiver_failed_count", "postgres-1", "3x20")},
			evalAt: 16 * time.Minute, want: []map[string]string{pgLabels}},
		"PostgresWALArchiveStale": {
			bad:    []ptSeries{pgPod("cnpg_pg_stat_archiver_seconds_since_last_archival", "postgres-1", fmt.Sprintf("%gx10", 2*p.WALArchiveMaxAge.Seconds()))},
			good:   []ptSeries{pgPod("cnpg_pg_stat_archiver_seconds_since_last_archival", "postgres-1", fmt.Sprintf("%gx10", p.WALArchiveMaxAge.Seconds()/2))},
			evalAt: 7 * time.Minute, want: []map[string]string{pgLabels}},
		"PostgresWALVolumeHalfFull": {
			bad: []ptSeries{
				s(`kubelet_volume_stats_used_bytes{namespace="database", persistentvolumeclaim="postgres-1-wal"}`, "60x20"),
				s(`kubelet_volume_stats_capacity_bytes{namespace="database", persistentvolumeclaim="postgres-1-wal"}`, "100x20"),
				// The data volume half full is not the WAL volume.
				s(`kubelet_volume_stats_used_bytes{namespace="database", persistentvolumeclaim="postgres-1"}`, "60x20"),
				s(`kubelet_volume_stats_capacity_bytes{namespace="database", persistentvolumeclaim="postgres-1"}`, "100x20"),
			},
			good: []ptSeries{
				s(`kubelet_volume_stats_used_bytes{namespace="database", persistentvolumeclaim="postgres-1-wal"}`, "40x20"),
				s(`kubelet_volume_stats_capacity_bytes{namespace="database", persistentvolumeclaim="postgres-1-wal"}`, "100x20"),
			},
			evalAt: 12 * time.Minute, want: []map[string]string{{"namespace": "database", "persistentvolumeclaim": "postgres-1-wal"}}},
		"PostgresBackupTooOld": {
			// At eval time t, time() is t seconds: a timestamp below t - max age is too old.
			bad:    []ptSeries{pgPod("barman_cloud_cloudnative_pg_io_last_available_backup_timestamp", "postgres-1", fmt.Sprintf("%gx30", -p.BackupMaxAge.Seconds()))},
			good:   []ptSeries{pgPod("barman_cloud_cloudnative_pg_io_last_available_backup_timestamp", "postgres-1", "0x30")},
			evalAt: 20 * time.Minute, want: []map[string]string{pgLabels}},
		"RedisFailover": {
			bad:    []ptSeries{s(`aws_elasticache_is_master_average{dimension_CacheClusterId="suoke-redis-001"}`, "1 1 1 0 0 0"), s(`aws_elasticache_is_master_average{dimension_CacheClusterId="suoke-redis-002"}`, "0 0 0 1 1 1")},
			good:   []ptSeries{s(`aws_elasticache_is_master_average{dimension_CacheClusterId="suoke-redis-001"}`, "1x5"), s(`aws_elasticache_is_master_average{dimension_CacheClusterId="suoke-redis-002"}`, "0x5")},
			evalAt: 5 * time.Minute, want: []map[string]string{{}}},
		"CertificateExpiryImminent": {bad: cert("432000x80"), good: cert("1728000x80"), evalAt: 65 * time.Minute, want: []map[string]string{certLabels}},
		"LogStoreClusterRed": {
			bad: []ptSeries{s(`aws_es_cluster_status_red_maximum{dimension_DomainName="suoke-logs"}`, "1x10")}, good: []ptSeries{s(`aws_es_cluster_status_red_maximum{dimension_DomainName="suoke-logs"}`, "0x10")},
			evalAt: 7 * time.Minute, want: []map[string]string{{}}},
		"DiskSpaceLow": {
			bad: []ptSeries{
				s(`kubelet_volume_stats_used_bytes{namespace="monitoring", persistentvolumeclaim="prometheus-db-0"}`, "85x20"),
				s(`kubelet_volume_stats_capacity_bytes{namespace="monitoring", persistentvolumeclaim="prometheus-db-0"}`, "100x20"),
				s(`node_filesystem_avail_bytes{instance="10.40.0.9:9100", mountpoint="/", fstype="xfs"}`, "10x20"),
				s(`node_filesystem_size_bytes{instance="10.40.0.9:9100", mountpoint="/", fstype="xfs"}`, "100x20"),
			},
			good: []ptSeries{
				s(`kubelet_volume_stats_used_bytes{namespace="monitoring", persistentvolumeclaim="prometheus-db-0"}`, "50x20"),
				s(`kubelet_volume_stats_capacity_bytes{namespace="monitoring", persistentvolumeclaim="prometheus-db-0"}`, "100x20"),
				s(`node_filesystem_avail_bytes{instance="10.40.0.9:9100", mountpoint="/", fstype="xfs"}`, "60x20"),
				s(`node_filesystem_size_bytes{instance="10.40.0.9:9100", mountpoint="/", fstype="xfs"}`, "100x20"),
			},
			evalAt: 17 * time.Minute,
			want:   []map[string]string{{"namespace": "monitoring", "persistentvolumeclaim": "prometheus-db-0"}, {"instance": "10.40.0.9:9100", "mountpoint": "/"}}},
		"TooManyConnections": {
			bad: []ptSeries{
				s(fmt.Sprintf(`cnpg_backends_total{%s, pod="postgres-1", datname="app", usename="app", application_name="xiaoai", state="active"}`, pg), "60x10"),
				s(fmt.Sprintf(`cnpg_backends_total{%s, pod="postgres-1", datname="app", usename="app", application_name="xiaoai", state="idle"}`, pg), "30x10"),
				s(fmt.Sprintf(`cnpg_pg_settings_setting{%s, pod="postgres-1", name="max_connections"}`, pg), "100x10"),
			},
			good: []ptSeries{
				s(fmt.Sprintf(`cnpg_backends_total{%s, pod="postgres-1", datname="app", usename="app", application_name="xiaoai", state="active"}`, pg), "30x10"),
				s(fmt.Sprintf(`cnpg_backends_total{%s, pod="postgres-1", datname="app", usename="app", application_name="xiaoai", state="idle"}`, pg), "20x10"),
				s(fmt.Sprintf(`cnpg_pg_settings_setting{%s, pod="postgres-1", name="max_connections"}`, pg), "100x10"),
			},
			evalAt: 7 * time.Minute, want: []map[string]string{withPod("postgres-1")}},
		"RedisMemoryHigh": {
			bad:    []ptSeries{s(`aws_elasticache_database_memory_usage_percentage_average{dimension_CacheClusterId="suoke-redis-001"}`, "90x20")},
			good:   []ptSeries{s(`aws_elasticache_database_memory_usage_percentage_average{dimension_CacheClusterId="suoke-redis-001"}`, "50x20")},
			evalAt: 17 * time.Minute, want: []map[string]string{{"dimension_CacheClusterId": "suoke-redis-001"}}},
		"BackupReplicationBehind": {
			bad:    []ptSeries{s(`aws_s3_replication_latency_maximum{dimension_SourceBucket="suoke-prod-backup-1-cn-northwest-1", dimension_DestinationBucket="suoke-prod-backup-1-cn-north-1", dimension_RuleId="to-dr"}`, "1200x20")},
			good:   []ptSeries{s(`aws_s3_replication_latency_maximum{dimension_SourceBucket="suoke-prod-backup-1-cn-northwest-1", dimension_DestinationBucket="suoke-prod-backup-1-cn-north-1", dimension_RuleId="to-dr"}`, "60x20")},
			evalAt: 7 * time.Minute, want: []map[string]string{{"dimension_SourceBucket": "suoke-prod-backup-1-cn-northwest-1", "dimension_DestinationBucket": "suoke-prod-backup-1-cn-north-1"}}},
		"CertificateExpiringSoon": {bad: cert("864000x80"), good: cert("5184000x80"), evalAt: 65 * time.Minute, want: []map[string]string{certLabels}},
		"CertificateNotReady": {
			bad:    []ptSeries{s(`certmanager_certificate_ready_status{namespace="ingress", name="api-tls", condition="False"}`, "1x20"), s(`certmanager_certificate_ready_status{namespace="ingress", name="api-tls", condition="True"}`, "0x20")},
			good:   []ptSeries{s(`certmanager_certificate_ready_status{namespace="ingress", name="api-tls", condition="False"}`, "0x20"), s(`certmanager_certificate_ready_status{namespace="ingress", name="api-tls", condition="True"}`, "1x20")},
			evalAt: 17 * time.Minute, want: []map[string]string{certLabels}},
		"NodePoolAtMaxSize": {bad: nodes(agentsMax), good: nodes(agentsMax - 1), evalAt: 32 * time.Minute, want: []map[string]string{{"tier": "agents"}}},
		"LogStoreStorageLow": {
			bad:    []ptSeries{s(`aws_es_free_storage_space_minimum{dimension_DomainName="suoke-logs", dimension_NodeId="n1"}`, fmt.Sprintf("%dx20", freeMB/2))},
			good:   []ptSeries{s(`aws_es_free_storage_space_minimum{dimension_DomainName="suoke-logs", dimension_NodeId="n1"}`, fmt.Sprintf("%dx20", freeMB*2))},
			evalAt: 17 * time.Minute, want: []map[string]string{{}}},
		"LogShippingFailing": {
			bad:    []ptSeries{s(`fluentbit_output_retries_failed_total{pod="fluent-bit-x2x7q", name="opensearch.0"}`, "0+1x20")},
			good:   []ptSeries{s(`fluentbit_output_retries_failed_total{pod="fluent-bit-x2x7q", name="opensearch.0"}`, "0x20")},
			evalAt: 16 * time.Minute, want: []map[string]string{{"pod": "fluent-bit-x2x7q"}}},
		"SlowQueryIncrease": {
			bad:    []ptSeries{s(fmt.Sprintf(`cnpg_backends_max_tx_duration_seconds{%s, pod="postgres-1", datname="app", usename="app", application_name="xiaoke", state="active"}`, pg), "45x20")},
			good:   []ptSeries{s(fmt.Sprintf(`cnpg_backends_max_tx_duration_seconds{%s, pod="postgres-1", datname="app", usename="app", application_name="xiaoke", state="active"}`, pg), "5x20")},
			evalAt: 17 * time.Minute, want: []map[string]string{pgLabels}},
		// Labels as YACE's static jobs set them (name, dimension_*, region, account_id:
		// pkg/promutil/migrate.go, v0.62.1). EventBridge publishes nothing while a rule matches
		// nothing, so the quiet case is another account's rule, not a zero.
		"SecurityFinding": {
			bad:    []ptSeries{s(`aws_events_triggered_rules_sum{name="suoke-platform-guardduty-high", dimension_RuleName="suoke-platform-guardduty-high", region="cn-north-1", account_id="123456789012"}`, "2x10")},
			good:   []ptSeries{s(`aws_events_triggered_rules_sum{name="nightly-report", dimension_RuleName="nightly-report", region="cn-north-1", account_id="123456789012"}`, "1x10")},
			evalAt: 5 * time.Minute, want: []map[string]string{{"region": "cn-north-1", "dimension_RuleName": "suoke-platform-guardduty-high"}}},
		"TraceExportFailing": {
			bad:    []ptSeries{s(`otelcol_exporter_send_failed_spans_total{exporter="otlp/tempo"}`, "0+10x20")},
			good:   []ptSeries{s(`otelcol_exporter_send_failed_spans_total{exporter="otlp/tempo"}`, "0x20")},
			evalAt: 17 * time.Minute, want: []map[string]string{{}}},
	}
}

var labelRef = regexp.MustCompile(`\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}`)

// expand renders the rules' annotation templates for a label set; the templates use only
// {{ $labels.x }}, which the test checks by leaving nothing unexpanded.
func expand(t *testing.T, annotations, labels map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range annotations {
		out[k] = labelRef.ReplaceAllStringFunc(v, func(m string) string { return labels[labelRef.FindStringSubmatch(m)[1]] })
		require.NotContains(t, out[k], "{{", "annotation %s uses more than $labels: %s", k, v)
	}
	return out
}

// expected turns a fixture's labels into promtool's expected alerts, adding the rule's labels and
// expanding its annotations. Rules of one alert that differ in labels (one per pool) are matched by
// their extra labels.
func expected(t *testing.T, rules []monitoringv1.Rule, want []map[string]string) []ptExpect {
	var out []ptExpect
	for _, w := range want {
		r := rules[0]
		for _, cand := range rules {
			if matches(cand.Labels, w) {
				r = cand
			}
		}
		labels := maps.Clone(w)
		maps.Copy(labels, r.Labels)
		out = append(out, ptExpect{Labels: labels, Annotations: expand(t, r.Annotations, labels)})
	}
	return out
}

func matches(ruleLabels, want map[string]string) bool {
	for k, v := range want {
		if rv, ok := ruleLabels[k]; ok && rv != v {
			return false
		}
	}
	return true
}

func rulesByAlert(objs []RuleObject) map[string][]monitoringv1.Rule {
	out := map[string][]monitoringv1.Rule{}
	for _, o := range objs {
		for _, g := range o.Groups {
			for _, r := range g.Rules {
				if r.Alert != "" {
					out[r.Alert] = append(out[r.Alert], r)
				}
			}
		}
	}
	return out
}

func TestEveryAlertHasAFixture(t *testing.T) {
	p := testParams()
	fx := fixtures(p)
	for _, a := range Alerts() {
		assert.Contains(t, fx, a.Name, "alert %s has no promtool fixture", a.Name)
	}
	assert.Len(t, fx, len(Alerts()))
}

// alertTests builds the promtool tests of our alerts: each fires on its bad series and is silent on
// its good ones.
func alertTests(t *testing.T, p Params, rules map[string][]monitoringv1.Rule) []ptGroup {
	fx := fixtures(p)
	var out []ptGroup
	for _, a := range Alerts() {
		f := fx[a.Name]
		at := alerting.PromDuration(f.evalAt)
		out = append(out,
			ptGroup{Name: a.Name + " fires", Interval: "1m", InputSeries: f.bad,
				AlertTests: []ptAlert{{EvalTime: at, Alertname: a.Name, ExpAlerts: expected(t, rules[a.Name], f.want)}}},
			ptGroup{Name: a.Name + " stays silent", Interval: "1m", InputSeries: f.good,
				AlertTests: []ptAlert{{EvalTime: at, Alertname: a.Name, ExpAlerts: []ptExpect{}}}},
		)
	}
	return out
}

// sloCase is one burn-rate test: a steady error ratio for one service and kind, and the tiers that
// must fire at it.
type sloCase struct {
	name    string
	service ServiceSLO
	kind    SLOKind
	ratio   float64
	evalAt  time.Duration
	firing  []BurnTier
	// slow cases (tiers whose short window is 2h or more) sample every 5 minutes and are evaluated
	// every 30: the rates over hours and days need no finer grain, and promtool then runs in seconds.
	slow bool
}

// sloCases: for each tier, a ratio 5% above its threshold fires it (and every slower tier, whose
// thresholds are lower), and 5% below keeps it silent (the slower tiers still fire). Availability is
// tested for a service of every SLO class; latency, whose objective is the same for all, for one.
func sloCases(p Params) []sloCase {
	byClass := map[string]ServiceSLO{}
	for _, svc := range p.Services {
		if _, ok := byClass[svc.Class]; !ok {
			byClass[svc.Class] = svc
		}
	}
	classes := make([]string, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	var out []sloCase
	add := func(svc ServiceSLO, k SLOKind, objective float64) {
		for _, tier := range BurnTiers {
			evalAt := tier.Long + 10*time.Minute
			for _, f := range []struct {
				label string
				scale float64
			}{{"at", 1.05}, {"below", 0.95}} {
				ratio := f.scale * tier.Factor * (1 - objective)
				var firing []BurnTier
				for _, other := range BurnTiers {
					if ratio > other.Factor*(1-objective) {
						firing = append(firing, other)
					}
				}
				out = append(out, sloCase{name: fmt.Sprintf("%s %s %s %s× burn", svc.Name, k, f.label, tier.FactorLabel()),
					service: svc, kind: k, ratio: ratio, evalAt: evalAt, firing: firing, slow: tier.Short >= 2*time.Hour})
			}
		}
		out = append(out, sloCase{name: fmt.Sprintf("%s %s healthy", svc.Name, k), service: svc, kind: k, ratio: 0, evalAt: 70 * time.Minute})
	}
	for _, c := range classes {
		add(byClass[c], SLOAvailability, byClass[c].Objective)
	}
	add(byClass[classes[0]], SLOLatency, LatencyObjective)
	return out
}

func sloTests(t *testing.T, p Params, rules map[string][]monitoringv1.Rule, slow bool) []ptGroup {
	var out []ptGroup
	for _, c := range sloCases(p) {
		if c.slow != slow {
			continue
		}
		step := time.Minute
		if slow {
			step = 5 * time.Minute
		}
		steps := int((c.evalAt + 5*time.Minute) / step)
		perMinute := 600.0 * step.Minutes() // 10 requests a second, per sample step
		var series []ptSeries
		if c.kind == SLOLatency {
			series = []ptSeries{
				s(fmt.Sprintf(`http_server_request_duration_seconds_bucket{service=%q, le="2.0"}`, c.service.Name), fmt.Sprintf("0+%gx%d", perMinute*(1-c.ratio), steps)),
				s(fmt.Sprintf(`http_server_request_duration_seconds_count{service=%q, http_response_status_code="200"}`, c.service.Name), fmt.Sprintf("0+%gx%d", perMinute, steps)),
			}
		} else {
			series = []ptSeries{
				s(fmt.Sprintf(`http_server_request_duration_seconds_count{service=%q, http_response_status_code="200"}`, c.service.Name), fmt.Sprintf("0+%gx%d", perMinute*(1-c.ratio), steps)),
				s(fmt.Sprintf(`http_server_request_duration_seconds_count{service=%q, http_response_status_code="503"}`, c.service.Name), fmt.Sprintf("0+%gx%d", perMinute*c.ratio, steps)),
			}
		}
		name := SLOAlertName(c.kind)
		var want []map[string]string
		for _, tier := range c.firing {
			want = append(want, map[string]string{ServiceLabel: c.service.Name, "slo": string(c.kind), "burn_rate": tier.FactorLabel()})
		}
		exp := expected(t, rules[name], want)
		if exp == nil {
			exp = []ptExpect{}
		}
		out = append(out, ptGroup{Name: c.name, Interval: alerting.PromDuration(step), InputSeries: series,
			AlertTests: []ptAlert{{EvalTime: alerting.PromDuration(c.evalAt), Alertname: name, ExpAlerts: exp}}})
	}
	return out
}

// promtool runs the promtool of go.mod's tool line (the same Prometheus version as the parser the
// other tests use). Not finding it fails the test: CI must not pass by skipping the rule tests.
func promtool(t *testing.T, args ...string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command runs promtool (go tool promtool); it must be on PATH")
	// go tool finds the tool through go.mod: run it from the module root, with absolute file paths.
	modDir, err := filepath.Abs("../..")
	require.NoError(t, err)
	cmd := exec.Command(goBin, append([]string{"tool", "promtool"}, args...)...)
	cmd.Dir = modDir
	// Rule checks and rule unit tests use no service discovery: build promtool without Prometheus's
	// discovery plugins (their build tag, plugins/plugin_*.go of prometheus v0.316.0), which would
	// otherwise compile a dozen cloud SDKs into the first test run on a fresh machine.
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -tags=remove_all_sd"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Run(), "go tool promtool %s:\n%s", strings.Join(args, " "), out.String())
	return out.String()
}

func writeYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := yaml.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// TestRulesWithPromtool checks every rule file with `promtool check rules` and runs the generated
// unit tests with `promtool test rules`: each alert of ours fires on a bad series and stays silent on
// a healthy one; each burn-rate alert fires at its rate and not below it.
func TestRulesWithPromtool(t *testing.T) {
	p := testParams()
	objs := RuleObjects(p)
	rules := rulesByAlert(objs)
	dir := t.TempDir()

	var ruleFiles []string
	for _, o := range objs {
		b, err := RuleFile(o.Groups)
		require.NoError(t, err)
		path := filepath.Join(dir, o.Name+".yaml")
		require.NoError(t, os.WriteFile(path, b, 0o644))
		ruleFiles = append(ruleFiles, path)
	}
	out := promtool(t, append([]string{"check", "rules"}, ruleFiles...)...)
	assert.Contains(t, out, "SUCCESS")

	alerts := ptFile{RuleFiles: []string{filepath.Join(dir, "suoke-alerts.yaml")}, EvaluationInterval: "1m", Tests: alertTests(t, p, rules)}
	var order []string
	for _, g := range objs[1].Groups {
		order = append(order, g.Name)
	}
	sloFile := []string{filepath.Join(dir, "suoke-slos.yaml")}
	fast := ptFile{RuleFiles: sloFile, EvaluationInterval: "5m", GroupEvalOrder: order, Tests: sloTests(t, p, rules, false)}
	slow := ptFile{RuleFiles: sloFile, EvaluationInterval: "30m", GroupEvalOrder: order, Tests: sloTests(t, p, rules, true)}
	alertsTest, fastTest, slowTest := filepath.Join(dir, "alerts_test.yaml"), filepath.Join(dir, "slo_fast_test.yaml"), filepath.Join(dir, "slo_slow_test.yaml")
	writeYAML(t, alertsTest, alerts)
	writeYAML(t, fastTest, fast)
	writeYAML(t, slowTest, slow)

	start := time.Now()
	out = promtool(t, "test", "rules", alertsTest, fastTest, slowTest)
	t.Logf("promtool test rules: %d alert tests, %d burn-rate tests in %s", len(alerts.Tests), len(fast.Tests)+len(slow.Tests), time.Since(start).Round(time.Millisecond))
	assert.Equal(t, 3, strings.Count(out, "SUCCESS"), out)
}
