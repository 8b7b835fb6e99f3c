package monitoring

import (
	"regexp"
	"sort"
	"strings"
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

var (
	camelWord = regexp.MustCompile(`([a-z])([A-Z])`)
	nonWord   = regexp.MustCompile(`[^a-zA-Z0-9]+`)
)

// snake converts a CloudWatch metric name the way YACE does: "_" only where a lower-case letter meets
// an upper-case one (so EngineCPUUtilization gives engine_cpuutilization), every other character
// outside [a-zA-Z0-9] becomes "_", all lower-case.
func snake(s string) string {
	s = camelWord.ReplaceAllString(s, "${1}_${2}")
	s = nonWord.ReplaceAllString(s, "_")
	return strings.ToLower(strings.Trim(s, "_"))
}

// yaceServices are YACE's aliases of the namespaces (its supported-services table).
var yaceServices = map[string]string{"AWS/ElastiCache": "elasticache", "AWS/ES": "es", "AWS/S3": "s3"}

// SeriesNames are the Prometheus series YACE exports for the metric: aws_<service>_<metric>_<stat>.
func (m CloudWatchMetric) SeriesNames() []string {
	service := yaceServices[m.Namespace]
	var out []string
	for _, st := range m.Statistics {
		out = append(out, "aws_"+service+"_"+snake(m.Name)+"_"+strings.ToLower(st))
	}
	return out
}

// CloudWatchSeries lists every exported series name, sorted.
func CloudWatchSeries() []string {
	var out []string
	for _, m := range CloudWatchMetrics {
		out = append(out, m.SeriesNames()...)
	}
	sort.Strings(out)
	return out
}

// yaceConfig is the exporter's discovery config: one job per namespace, the metrics of the table.
func yaceConfig(region string) map[string]any {
	byNS := map[string][]map[string]any{}
	var namespaces []string
	for _, m := range CloudWatchMetrics {
		if _, ok := byNS[m.Namespace]; !ok {
			namespaces = append(namespaces, m.Namespace)
		}
		byNS[m.Namespace] = append(byNS[m.Namespace], map[string]any{
			"name": m.Name, "statistics": m.Statistics, "period": 60, "length": 300,
		})
	}
	var jobs []map[string]any
	for _, ns := range namespaces {
		jobs = append(jobs, map[string]any{"type": ns, "regions": []string{region}, "metrics": byNS[ns]})
	}
	return map[string]any{"apiVersion": "v1alpha1", "discovery": map[string]any{"jobs": jobs}}
}
