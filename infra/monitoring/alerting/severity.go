package alerting

import (
	"time"

	"github.com/prometheus/common/model"
)

// Severity is an alert level of the alerting plan (DESIGN.md "Monitoring content"). Our rules carry it
// in the `severity` label; kube-prometheus-stack's own rules carry critical, warning or info there,
// and the Alertmanager routes below cover both vocabularies.
type Severity string

const (
	// P0: service unavailable, database connection failure, high error rate. First response 5 min.
	P0 Severity = "P0"
	// P1: slow responses, memory or CPU too high. First response 30 min.
	P1 Severity = "P1"
	// P2: disk space low, too many connections. First response 2 h.
	P2 Severity = "P2"
	// P3: slow queries increasing, and similar. First response 1 business day.
	P3 Severity = "P3"
)

// AllSeverities lists the plan's levels, most urgent first.
func AllSeverities() []Severity { return []Severity{P0, P1, P2, P3} }

// Chart severities: the labels kube-prometheus-stack's bundled rules use.
const (
	ChartCritical = "critical"
	ChartWarning  = "warning"
	ChartInfo     = "info"
)

// Level is one row of the alerting plan: who is told, how soon they answer, how often Alertmanager
// repeats an unresolved alert.
type Level struct {
	Severity Severity
	// Receiver is the Alertmanager receiver the level routes to.
	Receiver ReceiverGroup
	// FirstResponse is the plan's first-response target.
	FirstResponse time.Duration
	// Repeat is Alertmanager's repeat_interval for the level.
	Repeat time.Duration
	// GroupWait is how long Alertmanager waits to batch the first notification of a group.
	GroupWait time.Duration
}

// Levels is the alerting plan (source: the operations plan's P0–P3 table, DESIGN.md "Monitoring
// content"; repeat intervals from the issue: P0 every 5 min, P1 every 15 min, tickets daily).
var Levels = []Level{
	{Severity: P0, Receiver: ReceiverOnCall, FirstResponse: 5 * time.Minute, Repeat: 5 * time.Minute, GroupWait: 10 * time.Second},
	{Severity: P1, Receiver: ReceiverTeam, FirstResponse: 30 * time.Minute, Repeat: 15 * time.Minute, GroupWait: 30 * time.Second},
	{Severity: P2, Receiver: ReceiverTicket, FirstResponse: 2 * time.Hour, Repeat: 24 * time.Hour, GroupWait: 5 * time.Minute},
	{Severity: P3, Receiver: ReceiverTicket, FirstResponse: 24 * time.Hour, Repeat: 24 * time.Hour, GroupWait: 5 * time.Minute},
}

// ChartLevels maps the chart's severities onto the plan: its critical alerts (API server, kubelet,
// Prometheus itself failing) go to the team like a P1, warnings become tickets, and info alerts are
// only inhibitors and context (the chart's InfoInhibitor), so they go nowhere.
var ChartLevels = map[string]Severity{
	ChartCritical: P1,
	ChartWarning:  P2,
}

// LevelOf returns the plan row of a severity.
func LevelOf(s Severity) (Level, bool) {
	for _, l := range Levels {
		if l.Severity == s {
			return l, true
		}
	}
	return Level{}, false
}

// PromDuration renders a duration the way Prometheus and Alertmanager write it (1h30m, 5m, 30s).
func PromDuration(d time.Duration) string { return model.Duration(d).String() }
