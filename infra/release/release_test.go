package release

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNullValuesAreRefused: a null anywhere in a release's values, which Helm would read as "delete
// the chart's default" but the Pulumi Go SDK drops, is an error naming where it is.
func TestNullValuesAreRefused(t *testing.T) {
	_, err := Values(map[string]any{"config": map[string]any{"receivers": map[string]any{"otlp": map[string]any{}, "jaeger": nil}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config.receivers.jaeger is null")

	_, err = Values(map[string]any{"tolerations": []any{map[string]any{"key": nil}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tolerations[0].key is null")

	type typed struct {
		Selector map[string]string `json:"nodeSelector"`
	}
	_, err = Plain(typed{})
	require.Error(t, err, "a nil map in typed values marshals to null")
	assert.Contains(t, err.Error(), "nodeSelector is null")

	m, err := Values(map[string]any{"a": map[string]any{"b": []any{1, "x", false}}, "c": ""})
	require.NoError(t, err)
	assert.Len(t, m, 2)
}
