package metrics

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// TestArgsValidate: the rules cannot be generated without services, Grafana cannot start without its
// admin secret's name, and a WAL archive age of zero would page forever; each is refused by name.
func TestArgsValidate(t *testing.T) {
	ok := Args{Params: testParams(), Services: config.DefaultServices(), GrafanaAdminSecretName: "suoke/prod/grafana-admin"}
	require.NoError(t, ok.Validate())
	for _, c := range []struct {
		change func(*Args)
		want   string
	}{
		{func(a *Args) { a.Services = nil }, "services: Required value"},
		{func(a *Args) { a.GrafanaAdminSecretName = "" }, "grafanaAdminSecretName: Required value"},
		{func(a *Args) { a.Params.WALArchiveMaxAge = 0 }, "walArchiveMaxAge: Invalid value: 0s"},
	} {
		a := ok
		c.change(&a)
		assert.ErrorContains(t, a.Validate(), c.want)
	}
}
