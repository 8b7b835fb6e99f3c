package metrics

import (
	"fmt"

	"sigs.k8s.io/yaml"
)

// CloudWatchMetric is one CloudWatch metric the exporter (YACE, prometheus-community's
// yet-another-cloudwatch-exporter) brings into Prometheus. ElastiCache and OpenSearch Service publish
// their health only to CloudWatch, and running redis_exporter against ElastiCache would need the AUTH
// token in the monitoring namespace.
type CloudWatchMetric struct {
	Namespace  string
	Name       string
	Statistics []string
}

// CloudWatchMetrics are the metrics the alerts and dashboards read (metric names from "Monitoring
// use with CloudWatch Metrics" for ElastiCache and "Monitoring OpenSearch cluster metrics with Amazon
// CloudWatch", read 2026-11-25). A test holds every aws_* series of the rules and dashboards to this
// table.
var CloudWatchMetrics = []CloudWatchMetric{
	{Namespace: "AWS/ElastiCache", Name: "DatabaseMemoryUsagePercentage", Statistics: []string{"Average"}},
	{Namespace: "AWS/ElastiCache", Name: "EngineCPUUtilization", Statistics: []string{"Average"}},
	{Namespace: "AWS/ElastiCache", Name: "IsMaster", Statistics: []string{"Average"}},
	{Namespace: "AWS/ElastiCache", Name: "CurrConnections", Statistics: []string{"Average"}},
	{Namespace: "AWS/ElastiCache", Name: "Evictions", Statistics: []string{"Sum"}},
	{Namespace: "AWS/ElastiCache", Name: "ReplicationLag", Statistics: []string{"Average"}},
	{Namespace: "AWS/ElastiCache", Name: "CacheHitRate", Statistics: []string{"Average"}},
	{Namespace: "AWS/S3", Name: "ReplicationLatency", Statistics: []string{"Maximum"}},
	{Namespace: "AWS/ES", Name: "ClusterStatus.red", Statistics: []string{"Maximum"}},
	{Namespace: "AWS/ES", Name: "ClusterStatus.yellow", Statistics: []string{"Maximum"}},
	{Namespace: "AWS/ES", Name: "FreeStorageSpace", Statistics: []string{"Minimum"}},
	{Namespace: "AWS/ES", Name: "SearchableDocuments", Statistics: []string{"Average"}},
	{Namespace: "AWS/ES", Name: "CPUUtilization", Statistics: []string{"Average"}},
	{Namespace: "AWS/ES", Name: "JVMMemoryPressure", Statistics: []string{"Maximum"}},
}

// FindingMetric is what EventBridge publishes for each rule that matches an event: AWS/Events
// TriggeredRules, dimension RuleName alone for rules on the default bus, sent only when it is not
// zero ("Monitoring Amazon EventBridge", docs.amazonaws.cn/eventbridge/latest/userguide/
// eb-monitoring.html, read 2026-12-03). The audit component's finding rules (GuardDuty and Security
// Hub high severity, Config non-compliance) are default-bus rules, so a count above zero is a finding
// for the on-call.
var FindingMetric = CloudWatchMetric{Namespace: "AWS/Events", Name: "TriggeredRules", Statistics: []string{"Sum"}}

// FindingRule is one EventBridge rule of the audit component, in the region where it lives.
type FindingRule struct {
	Region string
	Name   string
}

// yaceConfig is the exporter's config file, as text: the chart passes its `config` value through
// `tpl` into a ConfigMap, so it must be a string (charts/prometheus-yet-another-cloudwatch-exporter/
// templates/configmap.yaml at 0.39.5: `tpl .Values.config $`; a map there fails the render).
//
// The metric table becomes discovery jobs, one per namespace, in the stack's region. The finding
// rules become static jobs, one per rule and region, because discovery cannot find them: YACE maps
// AWS/Events metrics to rules by the ARN pattern rule/<bus>/<rule> (pkg/config/services.go of
// yet-another-cloudwatch-exporter v0.62.1), which default-bus rules (rule/<rule>) do not have. A
// static job names the dimension itself and needs neither tags nor ARNs. Jobs without roles use the
// pod's own IAM role (ScrapeConf.Load, pkg/config/config.go, same version).
func yaceConfig(region string, findings []FindingRule) (string, error) {
	byNS := map[string][]map[string]any{}
	var namespaces []string
	for _, m := range CloudWatchMetrics {
		if _, ok := byNS[m.Namespace]; !ok {
			namespaces = append(namespaces, m.Namespace)
		}
		byNS[m.Namespace] = append(byNS[m.Namespace], yaceMetric(m, 60))
	}
	jobs := []map[string]any{}
	for _, ns := range namespaces {
		jobs = append(jobs, map[string]any{"type": ns, "regions": []string{region}, "metrics": byNS[ns]})
	}
	doc := map[string]any{"apiVersion": "v1alpha1", "discovery": map[string]any{"jobs": jobs}}
	var static []map[string]any
	for _, f := range findings {
		static = append(static, map[string]any{
			"name": f.Name, "namespace": FindingMetric.Namespace, "regions": []string{f.Region},
			"dimensions": []map[string]any{{"name": "RuleName", "value": f.Name}},
			// five-minute periods: a finding keeps the series above zero for one period, long
			// enough for two scrapes at the ServiceMonitor's interval.
			"metrics": []map[string]any{yaceMetric(FindingMetric, 300)},
		})
	}
	if len(static) > 0 {
		doc["static"] = static
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("cloudwatch exporter config: %w", err)
	}
	return string(out), nil
}

func yaceMetric(m CloudWatchMetric, period int) map[string]any {
	return map[string]any{"name": m.Name, "statistics": m.Statistics, "period": period, "length": 300}
}
