package traces

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestArgsValidate: each value the trace pipeline cannot be built with is refused, naming the field
// and the value.
func TestArgsValidate(t *testing.T) {
	ok := Args{Sampling: 0.1, RetentionDays: 14, CollectorReplicas: 2}
	require.NoError(t, ok.Validate())
	for _, c := range []struct {
		change func(*Args)
		want   string
	}{
		{func(a *Args) { a.Sampling = 0 }, "sampling: Invalid value: 0"},
		{func(a *Args) { a.Sampling = 1.5 }, "sampling: Invalid value: 1.5"},
		{func(a *Args) { a.RetentionDays = 0 }, "retentionDays: Invalid value: 0"},
		{func(a *Args) { a.CollectorReplicas = 0 }, "collectorReplicas: Invalid value: 0"},
	} {
		a := ok
		c.change(&a)
		assert.ErrorContains(t, a.Validate(), c.want)
	}
}
