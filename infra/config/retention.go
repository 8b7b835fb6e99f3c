package config

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// KeyLogRetentionMinimumDays is the one floor every log sink of the platform keeps its logs for.
//
// Why: the Cybersecurity Law of the PRC, Art. 21(3), requires network operators to keep network logs
// "not less than six months" (网络安全法 第二十一条（三）: "…留存相关的网络日志不少于六个月"; the article the
// audit baseline cites too, infra/policy/audit.go; no official copy was read for this change, the
// brief of issue #14 states the requirement), counted as 180 days as the audit baseline counts it. A
// stack may raise the floor, never lower it below the law, and staging is held to it too: the law
// binds the operator of the service, not an environment, staging is reachable from the internet
// through its own ALB, and its flow logs cost little next to a finding that staging's traffic was
// not kept.
//
// What it governs: the VPC flow log group (flowLogRetentionDays), the control-plane log group
// (cluster.logRetentionDays), the log domain's own CloudWatch log group, the ALB's access-log bucket
// (lifecycle expiry at the floor) and the application-log archive in S3 (Fluent Bit writes every
// container log to OpenSearch, kept hot for monitoring.logRetentionDays, and to the archive bucket,
// kept for the floor, so the two together reach it however short the hot period is).
//
// What it does not govern: traces (monitoring.traceRetentionDays) and metrics (monitoring.retention).
// Traces are sampled request timings for debugging (10% by default), not a record of the network's
// operation or of security events: the ALB access logs and the flow logs are that record, kept for the
// floor, and traces carry request attributes of a health platform that are better kept short.
const KeyLogRetentionMinimumDays = "logRetentionMinimumDays"

// LawMinimumLogRetentionDays is six months as 180 days (Art. 21(3), above); the key cannot go below it.
const LawMinimumLogRetentionDays = 180

// DefaultLogRetentionMinimumDays is the floor a stack gets when it sets none.
const DefaultLogRetentionMinimumDays = LawMinimumLogRetentionDays

func retentionSection() section {
	return section{
		keys: []KeySpec{
			{KeyLogRetentionMinimumDays, "integer", "Days every log sink keeps logs at least (Cybersecurity Law Art. 21: six months): flow logs, control-plane logs, the ALB's access logs, the application-log archive in S3 behind OpenSearch's hot period. A CloudWatch Logs retention value of at least 180; stacks may raise it, not lower it.", DefaultLogRetentionMinimumDays},
		},
		decode:   decodeRetention,
		validate: []func(*Platform) field.ErrorList{validateRetention},
	}
}

// decodeRetention reads the floor and hands it to the sinks whose retention follows it rather than
// being set on their own: the application-log archive and the ALB's access-log bucket expire at it.
// It runs after every other section's decode (sections() lists it last).
func decodeRetention(d *decoder, v map[string]string, p *Platform) {
	if raw, ok := v[KeyLogRetentionMinimumDays]; ok {
		d.scalarInt(field.NewPath(KeyLogRetentionMinimumDays), raw, &p.LogRetentionMinimumDays)
	}
	p.applyLogRetentionMinimum()
}

func (p *Platform) applyLogRetentionMinimum() {
	p.Monitoring.LogArchiveDays = p.LogRetentionMinimumDays
	p.Cluster.Ingress.AccessLogDays = p.LogRetentionMinimumDays
}

// validateRetention checks the floor, then every retention set in config against it. The floor must be
// a CloudWatch Logs retention value, so that a log group can keep exactly it.
func validateRetention(p *Platform) field.ErrorList {
	var errs field.ErrorList
	min := p.LogRetentionMinimumDays
	path := field.NewPath(KeyLogRetentionMinimumDays)
	switch {
	case !containsInt(flowLogRetentions, min):
		return append(errs, field.NotSupported(path, min, intStrings(cloudWatchRetentionsFrom(LawMinimumLogRetentionDays))))
	case min < LawMinimumLogRetentionDays:
		return append(errs, field.Invalid(path, min, fmt.Sprintf(
			"must be at least %d: the Cybersecurity Law (Art. 21) keeps network logs six months, in every environment", LawMinimumLogRetentionDays)))
	}
	why := fmt.Sprintf("must be at least %s (%d days): network logs are kept six months (Cybersecurity Law Art. 21)", KeyLogRetentionMinimumDays, min)
	if containsInt(flowLogRetentions, p.FlowLogRetentionDays) && p.FlowLogRetentionDays < min {
		errs = append(errs, field.Invalid(field.NewPath(KeyFlowLogRetentionDays), p.FlowLogRetentionDays, why))
	}
	if c := p.Cluster.LogRetentionDays; containsInt(flowLogRetentions, c) && c < min {
		errs = append(errs, field.Invalid(field.NewPath(KeyCluster, FieldClusterLogRetentionDays), c, why))
	}
	// monitoring.logRetentionDays is OpenSearch's hot period and may be shorter: the archive keeps the
	// same logs for the floor (LogArchiveDays). Only a hot period beyond the archive would be odd, and
	// harmless, so it is not checked.
	return errs
}

// cloudWatchRetentionsFrom lists the CloudWatch Logs retention values of at least n.
func cloudWatchRetentionsFrom(n int) []int {
	var out []int
	for _, v := range flowLogRetentions {
		if v >= n {
			out = append(out, v)
		}
	}
	return out
}
