package alerting

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// ReceiverGroup is an Alertmanager receiver of the plan.
type ReceiverGroup string

const (
	ReceiverOnCall ReceiverGroup = "oncall"
	ReceiverTeam   ReceiverGroup = "team"
	ReceiverTicket ReceiverGroup = "ticket"
	// receiverNull drops what reaches it: the chart's info alerts and InfoInhibitor.
	receiverNull ReceiverGroup = "null"
	// ReceiverDeadMansSwitch receives only Watchdog, the always-firing alert, and forwards it outside
	// the cluster; when its pings stop, the service outside pages on-call.
	ReceiverDeadMansSwitch ReceiverGroup = "deadmansswitch"
)

// The Alertmanager configuration, as our own small typed structs with the upstream YAML field names
// (prometheus/alertmanager config/config.go). Alertmanager's own types mask secrets when marshalled,
// so they can parse our output (the tests do) but not produce it.
type amConfig struct {
	Global       amGlobal     `json:"global"`
	Route        amRoute      `json:"route"`
	InhibitRules []amInhibit  `json:"inhibit_rules"`
	Receivers    []amReceiver `json:"receivers"`
}

type amGlobal struct {
	ResolveTimeout   string `json:"resolve_timeout"`
	SMTPSmarthost    string `json:"smtp_smarthost,omitempty"`
	SMTPFrom         string `json:"smtp_from,omitempty"`
	SMTPAuthUsername string `json:"smtp_auth_username,omitempty"`
	SMTPAuthPassword string `json:"smtp_auth_password,omitempty"`
	SMTPRequireTLS   *bool  `json:"smtp_require_tls,omitempty"`
}

type amRoute struct {
	Receiver       string    `json:"receiver,omitempty"`
	GroupBy        []string  `json:"group_by,omitempty"`
	Matchers       []string  `json:"matchers,omitempty"`
	Continue       bool      `json:"continue,omitempty"`
	GroupWait      string    `json:"group_wait,omitempty"`
	GroupInterval  string    `json:"group_interval,omitempty"`
	RepeatInterval string    `json:"repeat_interval,omitempty"`
	Routes         []amRoute `json:"routes,omitempty"`
}

type amInhibit struct {
	SourceMatchers []string `json:"source_matchers"`
	TargetMatchers []string `json:"target_matchers"`
	Equal          []string `json:"equal,omitempty"`
}

type amReceiver struct {
	Name           string      `json:"name"`
	WebhookConfigs []amWebhook `json:"webhook_configs,omitempty"`
	EmailConfigs   []amEmail   `json:"email_configs,omitempty"`
}

type amWebhook struct {
	URL          string `json:"url"`
	SendResolved bool   `json:"send_resolved"`
}

type amEmail struct {
	To           string `json:"to"`
	SendResolved bool   `json:"send_resolved"`
}

// groupBy batches notifications: one per alert and service (and namespace, for the chart's alerts).
var groupBy = []string{"alertname", "service", "namespace"}

// Route is one routing decision, for the plan and the tests.
type Route struct {
	Matcher  string
	Receiver ReceiverGroup
	Repeat   time.Duration
}

// Routes is the routing table, in the order Alertmanager tries it (first match wins).
func Routes() []Route {
	out := []Route{
		// The Watchdog pings the dead man's switch every minute; anything slower than the service's
		// grace period would page on-call for nothing.
		{Matcher: `alertname="Watchdog"`, Receiver: ReceiverDeadMansSwitch, Repeat: time.Minute},
		{Matcher: `alertname="InfoInhibitor"`, Receiver: receiverNull},
	}
	for _, l := range Levels {
		out = append(out, Route{Matcher: fmt.Sprintf("severity=%q", l.Severity), Receiver: l.Receiver, Repeat: l.Repeat})
	}
	for _, chart := range []string{ChartCritical, ChartWarning} {
		l, _ := LevelOf(ChartLevels[chart])
		out = append(out, Route{Matcher: fmt.Sprintf("severity=%q", chart), Receiver: l.Receiver, Repeat: l.Repeat})
	}
	out = append(out, Route{Matcher: fmt.Sprintf("severity=%q", ChartInfo), Receiver: receiverNull})
	return out
}

// defaultLevel is where an alert with an unknown severity goes: to the team, so nothing is lost.
var defaultLevel = Levels[1]

// Inhibitions are the inhibit rules: a P0 about a service silences that service's lower alerts (a
// down service also has high latency, errors and burn alerts, which add nothing), and the chart's
// own pairs (critical over warning and info, warning over info, InfoInhibitor over info).
func inhibitions() []amInhibit {
	lower := make([]string, 0, 6)
	for _, s := range AllSeverities()[1:] {
		lower = append(lower, string(s))
	}
	lower = append(lower, ChartWarning, ChartInfo)
	return []amInhibit{
		{
			// service=~".+": Alertmanager treats a missing label as equal to a missing label, so a P0
			// without a service would otherwise silence every lower alert without one.
			SourceMatchers: []string{fmt.Sprintf("severity=%q", P0), `service=~".+"`},
			TargetMatchers: []string{fmt.Sprintf("severity=~%q", strings.Join(lower, "|"))},
			Equal:          []string{"service"},
		},
		{SourceMatchers: []string{`severity="critical"`}, TargetMatchers: []string{`severity=~"warning|info"`}, Equal: []string{"namespace", "alertname"}},
		{SourceMatchers: []string{`severity="warning"`}, TargetMatchers: []string{`severity="info"`}, Equal: []string{"namespace", "alertname"}},
		{SourceMatchers: []string{`alertname="InfoInhibitor"`}, TargetMatchers: []string{`severity="info"`}, Equal: []string{"namespace"}},
	}
}

// AlertmanagerConfig renders alertmanager.yaml from the receivers and the dead man's switch URL. The
// result holds secrets: the component hands it on only as a Pulumi secret.
func AlertmanagerConfig(r config.Receivers, deadMansSwitch config.Secret) ([]byte, error) {
	cfg := amConfig{Global: amGlobal{ResolveTimeout: "5m"}}
	if r.SMTP.Smarthost != "" {
		tls := true
		cfg.Global.SMTPSmarthost, cfg.Global.SMTPFrom = r.SMTP.Smarthost.Reveal(), r.SMTP.From.Reveal()
		cfg.Global.SMTPAuthUsername, cfg.Global.SMTPAuthPassword = r.SMTP.Username.Reveal(), r.SMTP.Password.Reveal()
		cfg.Global.SMTPRequireTLS = &tls
	}

	targets := map[ReceiverGroup]config.ReceiverTargets{ReceiverOnCall: r.OnCall, ReceiverTeam: r.Team, ReceiverTicket: r.Ticket}
	for _, g := range []ReceiverGroup{ReceiverOnCall, ReceiverTeam, ReceiverTicket} {
		rc := amReceiver{Name: string(g)}
		for _, w := range targets[g].Webhooks {
			rc.WebhookConfigs = append(rc.WebhookConfigs, amWebhook{URL: w.URL.Reveal(), SendResolved: true})
		}
		for _, e := range targets[g].Emails {
			rc.EmailConfigs = append(rc.EmailConfigs, amEmail{To: e.Reveal(), SendResolved: true})
		}
		cfg.Receivers = append(cfg.Receivers, rc)
	}
	dms := amReceiver{Name: string(ReceiverDeadMansSwitch)}
	if deadMansSwitch != "" {
		dms.WebhookConfigs = []amWebhook{{URL: deadMansSwitch.Reveal(), SendResolved: false}}
	}
	cfg.Receivers = append(cfg.Receivers, dms, amReceiver{Name: string(receiverNull)})

	cfg.Route = amRoute{Receiver: string(defaultLevel.Receiver), GroupBy: groupBy,
		GroupWait: "30s", GroupInterval: "5m", RepeatInterval: PromDuration(defaultLevel.Repeat)}
	for _, rt := range Routes() {
		child := amRoute{Receiver: string(rt.Receiver), Matchers: []string{rt.Matcher}}
		switch {
		case rt.Receiver == ReceiverDeadMansSwitch:
			child.GroupWait, child.GroupInterval, child.RepeatInterval = "0s", "1m", PromDuration(rt.Repeat)
		case rt.Repeat > 0:
			l := levelFor(rt)
			child.GroupWait, child.RepeatInterval = PromDuration(l.GroupWait), PromDuration(rt.Repeat)
			// Alertmanager sends a group's changes every group_interval; never slower than the repeat.
			child.GroupInterval = PromDuration(min(5*time.Minute, rt.Repeat))
		}
		cfg.Route.Routes = append(cfg.Route.Routes, child)
	}
	cfg.InhibitRules = inhibitions()

	b, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("monitoring: render alertmanager config: %w", err)
	}
	return b, nil
}

func levelFor(rt Route) Level {
	for _, l := range Levels {
		if l.Receiver == rt.Receiver && l.Repeat == rt.Repeat {
			return l
		}
	}
	return defaultLevel
}

// ReceiverSummary says, without revealing a secret, where a receiver group sends.
func ReceiverSummary(t config.ReceiverTargets) string {
	if t.Empty() {
		return "no targets: alerts routed here are dropped"
	}
	var parts []string
	kinds := map[string]int{}
	for _, w := range t.Webhooks {
		kinds[string(w.Kind)]++
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%d %s webhook", kinds[k], k))
	}
	if len(t.Emails) > 0 {
		parts = append(parts, fmt.Sprintf("%d email", len(t.Emails)))
	}
	return strings.Join(parts, ", ")
}
