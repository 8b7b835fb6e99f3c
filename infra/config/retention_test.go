package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The floor's defaults: six months as 180 days (Cybersecurity Law Art. 21(3)), handed to the sinks
// whose retention follows it.
func TestLogRetentionMinimumDefaults(t *testing.T) {
	p, err := Parse(prodInput(nil))
	require.NoError(t, err)
	assert.Equal(t, 180, p.LogRetentionMinimumDays)
	assert.Equal(t, 180, p.FlowLogRetentionDays)
	assert.Equal(t, 180, p.Monitoring.LogArchiveDays)
	assert.Equal(t, 180, p.Cluster.Ingress.AccessLogDays)
	assert.Equal(t, 30, p.Monitoring.LogRetentionDays, "OpenSearch's hot period stays short: the archive reaches the floor")

	p, err = Parse(prodInput(map[string]string{KeyLogRetentionMinimumDays: "365", KeyFlowLogRetentionDays: "365"}))
	require.NoError(t, err)
	assert.Equal(t, 365, p.Monitoring.LogArchiveDays)
	assert.Equal(t, 365, p.Cluster.Ingress.AccessLogDays)
}

func TestLogRetentionMinimumRejectsBadValues(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
		want   string
	}{
		{"below the law, in staging too", map[string]string{KeyEnvironment: "staging", KeyProtect: "false", KeyLogRetentionMinimumDays: "90", KeyFlowLogRetentionDays: "90"},
			"logRetentionMinimumDays: Invalid value: 90: must be at least 180: the Cybersecurity Law (Art. 21) keeps network logs six months, in every environment"},
		{"not a CloudWatch retention value", map[string]string{KeyLogRetentionMinimumDays: "200"},
			`logRetentionMinimumDays: Unsupported value: 200: supported values: "180", "365"`},
		{"not a number", map[string]string{KeyLogRetentionMinimumDays: "six months"},
			`logRetentionMinimumDays: Invalid value: "six months": must be an integer`},
		{"flow logs below the floor", map[string]string{KeyFlowLogRetentionDays: "90"},
			"flowLogRetentionDays: Invalid value: 90: must be at least logRetentionMinimumDays (180 days)"},
		{"flow logs below a raised floor", map[string]string{KeyLogRetentionMinimumDays: "365"},
			"flowLogRetentionDays: Invalid value: 180: must be at least logRetentionMinimumDays (365 days)"},
		{"control-plane logs below a raised floor", map[string]string{KeyLogRetentionMinimumDays: "400", KeyFlowLogRetentionDays: "400"},
			"cluster.logRetentionDays: Invalid value: 365: must be at least logRetentionMinimumDays (400 days)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(prodInput(c.values))
			var cerr *Error
			require.True(t, errors.As(err, &cerr), "want a config error, got %v", err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
