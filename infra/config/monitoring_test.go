package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// prodMonitoringJSON is what a prod stack file sets: the receivers and the dead man's switch, as the
// offline plan reads secure values ("[secret]").
const prodMonitoringJSON = `{"receivers": {"oncall": {"webhooks": [{"kind": "dingtalk", "url": "[secret]"}]}}, "deadMansSwitchUrl": "[secret]"}`

func TestMonitoringDefaults(t *testing.T) {
	p, err := Parse(prodInput(nil))
	require.NoError(t, err)
	m := p.Monitoring
	assert.Equal(t, "30d", m.Retention)
	assert.Equal(t, 50, m.StorageGiB)
	assert.Equal(t, 2, m.PrometheusReplicas)
	assert.Equal(t, 2, m.AlertmanagerReplicas)
	assert.Equal(t, 30, m.LogRetentionDays)
	assert.Equal(t, 3, m.OpenSearch.MasterCount)
	assert.True(t, m.DeadMansSwitchURL.IsPlaceholder())
	assert.Len(t, m.Receivers.OnCall.Webhooks, 1)
	assert.Equal(t, 30*24, int(m.RetentionDuration().Hours()))
}

// TestMonitoringMergesOverDefaults: a stack sets only what differs.
func TestMonitoringMergesOverDefaults(t *testing.T) {
	p, err := Parse(Input{Project: Namespace, Stack: "s", Region: "cn-northwest-1", Values: map[string]string{
		KeyMonitoring: `{"prometheusReplicas": 1, "traceSampling": "0.25", "opensearch": {"masterCount": 0, "instanceType": "m6g.large.search"}}`,
	}})
	require.NoError(t, err)
	assert.Equal(t, 1, p.Monitoring.PrometheusReplicas)
	assert.Equal(t, 0.25, p.Monitoring.TraceSampling)
	assert.Equal(t, 0, p.Monitoring.OpenSearch.MasterCount)
	assert.Equal(t, "m6g.large.search", p.Monitoring.OpenSearch.InstanceType)
	assert.Equal(t, 100, p.Monitoring.OpenSearch.VolumeGiB, "unset fields keep their default")
	assert.Equal(t, "30d", p.Monitoring.Retention)
}

func TestMonitoringBadValues(t *testing.T) {
	cases := []struct {
		name    string
		staging bool
		raw     string
		path    string
		typ     field.ErrorType
		value   string
	}{
		{"not an object", false, `[1]`, "monitoring", field.ErrorTypeInvalid, "[1]"},
		{"unknown field", false, `{"retension": "30d"}`, "monitoring.retension", field.ErrorTypeInvalid, `did you mean "retention"`},
		{"retention garbage", false, `{"retention": "30 days"}`, "monitoring.retention", field.ErrorTypeInvalid, `"30 days"`},
		{"retention too long", false, `{"retention": "3y"}`, "monitoring.retention", field.ErrorTypeInvalid, `"3y"`},
		{"retention short in prod", false, `{"retention": "15d"}`, "monitoring.retention", field.ErrorTypeInvalid, "monthly"},
		{"storage not int", false, `{"storageGiB": "big"}`, "monitoring.storageGiB", field.ErrorTypeInvalid, `"big"`},
		{"storage tiny", false, `{"storageGiB": 5}`, "monitoring.storageGiB", field.ErrorTypeInvalid, "5"},
		{"prometheus replicas 0", false, `{"prometheusReplicas": 0}`, "monitoring.prometheusReplicas", field.ErrorTypeInvalid, "0"},
		{"prometheus single in prod", false, `{"prometheusReplicas": 1}`, "monitoring.prometheusReplicas", field.ErrorTypeInvalid, "at least 2"},
		{"alertmanager single in prod", false, `{"alertmanagerReplicas": 1}`, "monitoring.alertmanagerReplicas", field.ErrorTypeInvalid, "at least 2"},
		{"alertmanager too many", true, `{"alertmanagerReplicas": 9}`, "monitoring.alertmanagerReplicas", field.ErrorTypeInvalid, "9"},
		{"log retention 0", false, `{"logRetentionDays": 0}`, "monitoring.logRetentionDays", field.ErrorTypeInvalid, "0"},
		{"sampling 0", false, `{"traceSampling": 0}`, "monitoring.traceSampling", field.ErrorTypeInvalid, "0"},
		{"sampling above 1", false, `{"traceSampling": 1.5}`, "monitoring.traceSampling", field.ErrorTypeInvalid, "1.5"},
		{"sampling not a number", false, `{"traceSampling": "most"}`, "monitoring.traceSampling", field.ErrorTypeInvalid, `"most"`},
		{"trace retention", false, `{"traceRetentionDays": 400}`, "monitoring.traceRetentionDays", field.ErrorTypeInvalid, "400"},
		{"runbook not https", false, `{"runbookBaseUrl": "http://runbooks"}`, "monitoring.runbookBaseUrl", field.ErrorTypeInvalid, "http://runbooks"},
		{"opensearch type", false, `{"opensearch": {"instanceType": "t2.small.search"}}`, "monitoring.opensearch.instanceType", field.ErrorTypeNotSupported, `"t2.small.search"`},
		{"opensearch count not per AZ", false, `{"opensearch": {"instanceCount": 4}}`, "monitoring.opensearch.instanceCount", field.ErrorTypeInvalid, "multiple of the 3 AZs"},
		{"opensearch count 0", false, `{"opensearch": {"instanceCount": 0}}`, "monitoring.opensearch.instanceCount", field.ErrorTypeInvalid, "0"},
		{"masters 2", false, `{"opensearch": {"masterCount": 2}}`, "monitoring.opensearch.masterCount", field.ErrorTypeNotSupported, "2"},
		{"no masters in prod", false, `{"opensearch": {"masterCount": 0}}`, "monitoring.opensearch.masterCount", field.ErrorTypeInvalid, "dedicated masters"},
		{"master type", false, `{"opensearch": {"masterType": "m9.large.search"}}`, "monitoring.opensearch.masterType", field.ErrorTypeNotSupported, `"m9.large.search"`},
		{"volume", false, `{"opensearch": {"volumeGiB": 5}}`, "monitoring.opensearch.volumeGiB", field.ErrorTypeInvalid, "5"},
		{"engine", false, `{"opensearch": {"engineVersion": "Elasticsearch_7.10"}}`, "monitoring.opensearch.engineVersion", field.ErrorTypeNotSupported, `"Elasticsearch_7.10"`},
		{"slr flag moved to accountBaseline", false, `{"opensearch": {"createServiceLinkedRole": false}}`, "monitoring.opensearch.createServiceLinkedRole", field.ErrorTypeInvalid, "unknown field"},
		{"webhook kind", true, `{"receivers": {"team": {"webhooks": [{"kind": "pager", "url": "https://x.example.cn/a"}]}}}`, "monitoring.receivers.team.webhooks[0].kind", field.ErrorTypeNotSupported, `"pager"`},
		{"webhook url", true, `{"receivers": {"ticket": {"webhooks": [{"kind": "ticket", "url": "ftp://tickets"}]}}}`, "monitoring.receivers.ticket.webhooks[0].url", field.ErrorTypeInvalid, "https URL"},
		{"receiver group unknown", true, `{"receivers": {"pager": {}}}`, "monitoring.receivers.pager", field.ErrorTypeInvalid, "unknown field"},
		{"email address", true, `{"receivers": {"oncall": {"emails": ["not an address"]}, "smtp": {"smarthost": "smtp.example.cn:465", "from": "a@example.cn"}}}`, "monitoring.receivers.oncall.emails[0]", field.ErrorTypeInvalid, "email address"},
		{"email without smtp", true, `{"receivers": {"oncall": {"emails": ["oncall@example.cn"]}}}`, "monitoring.receivers.smtp.smarthost", field.ErrorTypeRequired, "SMTP"},
		{"smtp host", true, `{"receivers": {"oncall": {"emails": ["oncall@example.cn"]}, "smtp": {"smarthost": "smtp.example.cn", "from": "a@example.cn"}}}`, "monitoring.receivers.smtp.smarthost", field.ErrorTypeInvalid, "host:port"},
		{"smtp half auth", true, `{"receivers": {"smtp": {"username": "alerts"}}}`, "monitoring.receivers.smtp.password", field.ErrorTypeInvalid, "together"},
		{"dead man's switch url", true, `{"deadMansSwitchUrl": "hc-ping.example.cn/abc"}`, "monitoring.deadMansSwitchUrl", field.ErrorTypeInvalid, "https URL"},
		{"no on-call in prod", false, `{"receivers": {}, "deadMansSwitchUrl": "[secret]"}`, "monitoring.receivers.oncall", field.ErrorTypeRequired, "pages P0"},
		{"no dead man's switch in prod", false, `{"receivers": {"oncall": {"webhooks": [{"kind": "sms", "url": "[secret]"}]}}, "deadMansSwitchUrl": ""}`, "monitoring.deadMansSwitchUrl", field.ErrorTypeRequired, "outside the cluster"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := prodInput(map[string]string{KeyMonitoring: mergeJSON(t, prodMonitoringJSON, c.raw)})
			if c.staging {
				in = Input{Project: Namespace, Stack: "s", Region: "cn-northwest-1", Values: map[string]string{KeyMonitoring: c.raw}}
			}
			_, err := Parse(in)
			var ce *Error
			require.True(t, errors.As(err, &ce), "want a config error, got %v", err)
			found := false
			for _, e := range ce.Errs {
				if e.Field == c.path && e.Type == c.typ {
					found = true
					assert.Contains(t, e.Error(), c.value)
				}
			}
			assert.True(t, found, "no %s error at %s in:\n%v", c.typ, c.path, err)
		})
	}
}

// mergeJSON lays a case's object over the prod base (top-level keys replace), so each prod case
// changes one thing; a case that is not an object replaces the base.
func mergeJSON(t *testing.T, base, over string) string {
	var b, o map[string]any
	require.NoError(t, json.Unmarshal([]byte(base), &b))
	if json.Unmarshal([]byte(over), &o) != nil || o == nil {
		return over
	}
	for k, v := range o {
		b[k] = v
	}
	out, err := json.Marshal(b)
	require.NoError(t, err)
	return string(out)
}

// TestSecretsNeverPrinted: receiver values print and marshal masked, and errors about them hide the
// value.
func TestSecretsNeverPrinted(t *testing.T) {
	s := Secret("https://oapi.dingtalk.example.cn/robot/send?access_token=abc123")
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %q %#v", s, s, s, s)} {
		assert.NotContains(t, out, "abc123")
	}
	b, err := json.Marshal(struct{ URL Secret }{s})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "abc123")
	assert.Equal(t, "https://oapi.dingtalk.example.cn/robot/send?access_token=abc123", s.Reveal())

	_, err = Parse(Input{Project: Namespace, Stack: "s", Region: "cn-northwest-1", Values: map[string]string{
		KeyMonitoring: `{"deadMansSwitchUrl": "http://leaky.example.cn/token-xyz", "receivers": {"oncall": {"webhooks": [{"kind": "sms", "url": 42}]}}}`,
	}})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "token-xyz")
	assert.True(t, strings.Contains(err.Error(), "monitoring.receivers.oncall.webhooks[0].url"), err.Error())
}
