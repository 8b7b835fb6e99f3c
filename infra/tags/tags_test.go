package tags

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
)

// TestOf: a resource's own tag replaces the common one of the same key (a log-archive bucket's role
// over the stack's default), and the stack's map is left as it was for the next resource.
func TestOf(t *testing.T) {
	common := map[string]string{"Project": "suoke-platform", "suoke.life/role": "default"}
	got := Of(common, map[string]string{"suoke.life/role": "logs", "Name": "prod-logs"})
	assert.Equal(t, pulumi.StringMap{"Project": pulumi.String("suoke-platform"), "suoke.life/role": pulumi.String("logs"),
		"Name": pulumi.String("prod-logs")}, got)
	assert.Equal(t, map[string]string{"Project": "suoke-platform", "suoke.life/role": "default"}, common)
	assert.Equal(t, pulumi.StringMap{}, Of(nil, nil), "a resource with no tags gets an empty map, never null")
}
