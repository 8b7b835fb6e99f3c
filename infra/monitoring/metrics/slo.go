package metrics

import (
	"fmt"
	"github.com/suoke-life/suoke-platform/infra/monitoring/alerting"
	"sort"
	"strconv"
	"time"
)

// SLOKind is what an SLO measures.
type SLOKind string

const (
	// SLOAvailability: the share of requests answered without a 5xx, per the service's SLO class.
	SLOAvailability SLOKind = "availability"
	// SLOLatency: the share of requests answered within LatencyThresholdSeconds; objective 95%.
	SLOLatency SLOKind = "latency"
)

// AllSLOKinds lists the SLO kinds every service gets.
func AllSLOKinds() []SLOKind { return []SLOKind{SLOAvailability, SLOLatency} }

// SLOPeriod is the period the objectives are stated over (monthly) and the error budget is counted in.
const SLOPeriod = 30 * 24 * time.Hour

// BurnTier is one multi-window, multi-burn-rate alert: it fires when the error ratio over both the
// long and the short window exceeds Factor times the error budget (1 - objective). The short window
// makes the alert stop soon after the burn stops.
type BurnTier struct {
	Factor   float64
	Long     time.Duration
	Short    time.Duration
	Severity alerting.Severity
}

// BurnTiers are the SRE Workbook's recommended tiers (chapter 5, "Alerting on SLOs", table 5-8):
// 14.4× over 1h/5m and 6× over 6h/30m page; 3× over 1d/2h and 1× over 3d/6h open a ticket. The
// fast page is a P0 (2% of the month's budget gone in an hour), the slow page a P1, the tickets P2
// and P3.
var BurnTiers = []BurnTier{
	{Factor: 14.4, Long: time.Hour, Short: 5 * time.Minute, Severity: alerting.P0},
	{Factor: 6, Long: 6 * time.Hour, Short: 30 * time.Minute, Severity: alerting.P1},
	{Factor: 3, Long: 24 * time.Hour, Short: 2 * time.Hour, Severity: alerting.P2},
	{Factor: 1, Long: 72 * time.Hour, Short: 6 * time.Hour, Severity: alerting.P3},
}

// BudgetSpent is the share of the period's error budget the tier's burn spends over its long window.
func (t BurnTier) BudgetSpent() float64 { return t.Factor * t.Long.Hours() / SLOPeriod.Hours() }

// Exhaustion is how long the whole budget lasts at the tier's burn rate.
func (t BurnTier) Exhaustion() time.Duration {
	return time.Duration(float64(SLOPeriod) / t.Factor)
}

// FactorLabel renders the factor as the burn_rate label ("14.4", "6").
func (t BurnTier) FactorLabel() string { return strconv.FormatFloat(t.Factor, 'f', -1, 64) }

// sloWindows are the windows the error ratios are recorded over: every tier's long and short window.
func sloWindows() []time.Duration {
	seen := map[time.Duration]bool{}
	var out []time.Duration
	for _, t := range BurnTiers {
		for _, w := range []time.Duration{t.Long, t.Short} {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Recording rule names, in the level:metric:operations convention.
const (
	RecordObjective       = "slo:objective:ratio"
	RecordBudgetRemaining = "slo:error_budget:remaining_ratio"
)

// RecordErrorRatio names the error-ratio series over a window.
func RecordErrorRatio(w time.Duration) string {
	return "slo:sli_error:ratio_rate" + alerting.PromDuration(w)
}

// SLOAlertName is the burn-rate alert of an SLO kind.
func SLOAlertName(k SLOKind) string {
	if k == SLOLatency {
		return "SLOLatencyBudgetBurn"
	}
	return "SLOAvailabilityBudgetBurn"
}

// SLO is one objective of one service, for reports.
type SLO struct {
	Service   string
	Class     string
	Kind      SLOKind
	Objective float64
}

// Budget is the period's error budget as a fraction of requests.
func (s SLO) Budget() float64 { return 1 - s.Objective }

// BudgetTime is the budget as time of total unavailability within the period.
func (s SLO) BudgetTime() time.Duration { return time.Duration(float64(SLOPeriod) * s.Budget()) }

// SLOs lists every service's objectives, in service order.
func SLOs(p Params) []SLO {
	var out []SLO
	for _, s := range p.Services {
		out = append(out,
			SLO{Service: s.Name, Class: s.Class, Kind: SLOAvailability, Objective: s.Objective},
			SLO{Service: s.Name, Class: s.Class, Kind: SLOLatency, Objective: LatencyObjective})
	}
	return out
}

// errorRatioExpr is the SLI's error ratio over a window, per service.
func errorRatioExpr(k SLOKind, re string, w time.Duration) string {
	win := alerting.PromDuration(w)
	total := fmt.Sprintf(`sum by (service) (rate(%s_count{service=~%q}[%s]))`, MetricHTTPDuration, re, win)
	if k == SLOLatency {
		// Prometheus 3 writes classic-histogram le values as floats ("2.0"); older targets wrote "2".
		good := fmt.Sprintf(`sum by (service) (rate(%s_bucket{service=~%q, le=~"2|2.0"}[%s]))`, MetricHTTPDuration, re, win)
		return fmt.Sprintf(`1 - (%s / %s)`, good, total)
	}
	// With no 5xx series at all the ratio is 0, not absent, so the budget panel shows a value.
	bad := fmt.Sprintf(`(sum by (service) (rate(%s_count{service=~%q, %s=~"5.."}[%s])) or %s * 0)`, MetricHTTPDuration, re, LabelHTTPStatus, win, total)
	return fmt.Sprintf(`%s / %s`, bad, total)
}

// burnExpr is a tier's alert condition for an SLO kind: both windows above Factor × budget.
func burnExpr(k SLOKind, t BurnTier) string {
	threshold := fmt.Sprintf(`(%s * (1 - %s{slo=%q}))`, t.FactorLabel(), RecordObjective, k)
	side := func(w time.Duration) string {
		return fmt.Sprintf(`%s{slo=%q} > on (service, slo) %s`, RecordErrorRatio(w), k, threshold)
	}
	return fmt.Sprintf(`(%s) and on (service, slo) (%s)`, side(t.Long), side(t.Short))
}

// sloRules returns the SLO rule groups: objectives and error ratios, the budget, the burn alerts.
func sloRules(p Params) []group {
	re := p.serviceRegex()
	var recording []rule
	for _, slo := range SLOs(p) {
		recording = append(recording, rule{record: RecordObjective, expr: fmt.Sprintf("vector(%g)", slo.Objective),
			labels: map[string]string{ServiceLabel: slo.Service, "slo": string(slo.Kind)}})
	}
	for _, k := range AllSLOKinds() {
		for _, w := range sloWindows() {
			recording = append(recording, rule{record: RecordErrorRatio(w), expr: errorRatioExpr(k, re, w),
				labels: map[string]string{"slo": string(k)}})
		}
	}
	// The month's budget left: 1 minus the share spent, the 5m ratio averaged over the period.
	budget := []rule{{record: RecordBudgetRemaining,
		expr: fmt.Sprintf(`1 - (avg_over_time(%s[%s]) / on (service, slo) (1 - %s))`, RecordErrorRatio(5*time.Minute), alerting.PromDuration(SLOPeriod), RecordObjective)}}

	var alerts []rule
	for _, k := range AllSLOKinds() {
		for _, t := range BurnTiers {
			alerts = append(alerts, rule{
				alert: SLOAlertName(k), expr: burnExpr(k, t),
				labels: map[string]string{
					"severity": string(t.Severity), "burn_rate": t.FactorLabel(),
					"long_window": alerting.PromDuration(t.Long), "short_window": alerting.PromDuration(t.Short),
				},
				annotations: map[string]string{
					"summary": fmt.Sprintf("{{ $labels.service }} burns its %s error budget %s× too fast", k, t.FactorLabel()),
					"description": fmt.Sprintf("Over both the last %s and the last %s, {{ $labels.service }}'s %s error ratio exceeded %s× its budget: %.1f%% of the month's budget spent per %s, all of it in %s.",
						alerting.PromDuration(t.Long), alerting.PromDuration(t.Short), k, t.FactorLabel(), 100*t.BudgetSpent(), alerting.PromDuration(t.Long), humanDuration(t.Exhaustion())),
				},
			})
		}
	}
	return []group{
		{name: "suoke-slo-recording", rules: recording},
		{name: "suoke-slo-budget", interval: 5 * time.Minute, rules: budget},
		{name: "suoke-slo-alerts", rules: alerts},
	}
}

func humanDuration(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%g days", d.Hours()/24)
	}
	return fmt.Sprintf("%g hours", d.Hours())
}
