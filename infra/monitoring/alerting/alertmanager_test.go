package alerting

import (
	"testing"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	amlabels "github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// testReceivers are realistic receivers with made-up addresses, the kind of values the stack's
// secrets hold.
func testReceivers() config.Receivers {
	return config.Receivers{
		OnCall: config.ReceiverTargets{
			Webhooks: []config.Webhook{
				{Kind: config.WebhookDingTalk, URL: "https://dingtalk-bridge.monitoring.example.cn/dingtalk/oncall/send"},
				{Kind: config.WebhookSMS, URL: "https://sms-gateway.example.cn/alert"},
				{Kind: config.WebhookVoice, URL: "https://voice-gateway.example.cn/alert"},
			},
			Emails: []config.Secret{"oncall@suoke.example.cn"},
		},
		Team:   config.ReceiverTargets{Webhooks: []config.Webhook{{Kind: config.WebhookWeCom, URL: "https://wecom-bridge.example.cn/team"}}},
		Ticket: config.ReceiverTargets{Webhooks: []config.Webhook{{Kind: config.WebhookTicket, URL: "https://tickets.example.cn/api/alertmanager"}}},
		SMTP:   config.SMTP{Smarthost: "smtp.example.cn:465", From: "alerts@suoke.example.cn", Username: "alerts", Password: "not-a-real-password"},
	}
}

func loadAM(t *testing.T, r config.Receivers, dms config.Secret) *amconfig.Config {
	t.Helper()
	b, err := AlertmanagerConfig(r, dms)
	require.NoError(t, err)
	cfg, err := amconfig.Load(string(b))
	require.NoError(t, err, "alertmanager rejects its config:\n%s", b)
	return cfg
}

// TestAlertmanagerConfigLoads: Alertmanager's own parser accepts the config, with every receiver set
// and with none (staging may have no receivers; prod config validation requires on-call).
func TestAlertmanagerConfigLoads(t *testing.T) {
	cfg := loadAM(t, testReceivers(), "https://hc-ping.example.cn/2f1c")
	names := map[string]bool{}
	for _, r := range cfg.Receivers {
		names[r.Name] = true
	}
	for _, want := range []string{"oncall", "team", "ticket", "null", "deadmansswitch"} {
		assert.True(t, names[want], want)
	}
	assert.Len(t, cfg.Receivers[0].WebhookConfigs, 3)
	assert.Len(t, cfg.Receivers[0].EmailConfigs, 1)

	loadAM(t, config.Receivers{}, "")
}

// TestRouting asks Alertmanager's own router where each kind of alert goes.
func TestRouting(t *testing.T) {
	cfg := loadAM(t, testReceivers(), "https://hc-ping.example.cn/2f1c")
	root := dispatch.NewRoute(cfg.Route, nil)
	cases := []struct {
		labels   model.LabelSet
		receiver string
		repeat   string
	}{
		{model.LabelSet{"alertname": "ServiceDown", "severity": "P0", "service": "xiaoai"}, "oncall", "5m"},
		{model.LabelSet{"alertname": "HighResponseTime", "severity": "P1", "service": "xiaoai"}, "team", "15m"},
		{model.LabelSet{"alertname": "DiskSpaceLow", "severity": "P2"}, "ticket", "1d"},
		{model.LabelSet{"alertname": "SlowQueryIncrease", "severity": "P3"}, "ticket", "1d"},
		{model.LabelSet{"alertname": "KubeAPIErrorBudgetBurn", "severity": "critical"}, "team", "15m"},
		{model.LabelSet{"alertname": "KubePodCrashLooping", "severity": "warning", "namespace": "agents"}, "ticket", "1d"},
		{model.LabelSet{"alertname": "CPUThrottlingHigh", "severity": "info"}, "null", ""},
		{model.LabelSet{"alertname": "InfoInhibitor", "severity": "none"}, "null", ""},
		{model.LabelSet{"alertname": "Watchdog", "severity": "none"}, "deadmansswitch", "1m"},
		{model.LabelSet{"alertname": "Unlabelled"}, "team", "15m"},
	}
	for _, c := range cases {
		routes := root.Match(c.labels)
		require.Len(t, routes, 1, "%v", c.labels)
		assert.Equal(t, c.receiver, routes[0].RouteOpts.Receiver, "%v", c.labels)
		if c.repeat != "" {
			assert.Equal(t, c.repeat, model.Duration(routes[0].RouteOpts.RepeatInterval).String(), "%v", c.labels)
		}
	}
}

// inhibits reports whether any inhibit rule lets source silence target.
func inhibits(cfg *amconfig.Config, source, target model.LabelSet) bool {
	for _, r := range cfg.InhibitRules {
		if !amlabels.Matchers(r.SourceMatchers).Matches(source) || !amlabels.Matchers(r.TargetMatchers).Matches(target) {
			continue
		}
		equal := true
		for _, l := range r.Equal {
			if source[model.LabelName(l)] != target[model.LabelName(l)] {
				equal = false
			}
		}
		if equal {
			return true
		}
	}
	return false
}

func TestInhibition(t *testing.T) {
	cfg := loadAM(t, testReceivers(), "")
	down := model.LabelSet{"alertname": "ServiceDown", "severity": "P0", "service": "xiaoai"}
	for _, sev := range []string{"P1", "P2", "P3", "warning", "info"} {
		assert.True(t, inhibits(cfg, down, model.LabelSet{"alertname": "X", "severity": model.LabelValue(sev), "service": "xiaoai"}), sev)
	}
	assert.False(t, inhibits(cfg, down, model.LabelSet{"alertname": "HighResponseTime", "severity": "P1", "service": "xiaoke"}), "another service")
	assert.False(t, inhibits(cfg, down, model.LabelSet{"alertname": "HighErrorRate", "severity": "P0", "service": "xiaoai"}), "a P0 does not silence a P0")
	noService := model.LabelSet{"alertname": "Something", "severity": "P0"}
	assert.False(t, inhibits(cfg, noService, model.LabelSet{"alertname": "DiskSpaceLow", "severity": "P2"}), "a P0 without service silences nothing")
	assert.True(t, inhibits(cfg, model.LabelSet{"alertname": "KubeletDown", "severity": "critical", "namespace": "kube-system"},
		model.LabelSet{"alertname": "KubeletDown", "severity": "warning", "namespace": "kube-system"}))
}

func TestReceiverSummaryRevealsNothing(t *testing.T) {
	r := testReceivers()
	sum := ReceiverSummary(r.OnCall)
	assert.Equal(t, "1 dingtalk webhook, 1 sms webhook, 1 voice webhook, 1 email", sum)
	assert.NotContains(t, sum, "example")
	assert.Contains(t, ReceiverSummary(config.ReceiverTargets{}), "dropped")
}
