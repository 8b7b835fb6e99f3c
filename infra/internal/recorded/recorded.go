// Package recorded is the kit packages' unit-test harness: it runs a Pulumi program under mocks and
// records what each resource was registered with (its inputs and its parent), by "type::name", so a
// test of a builder reads the inputs without recording a whole stack (infra/plan does that).
package recorded

import (
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

// Resources are what a program registered, keyed by type token + "::" + resource name.
type Resources struct {
	mu      sync.Mutex
	Inputs  map[string]resource.PropertyMap
	Parents map[string]string
}

// Call answers every invoke with nothing: the kit's builders invoke nothing.
func (r *Resources) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// NewResource records the registration and echoes the inputs as the state.
func (r *Resources) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := args.TypeToken + "::" + args.Name
	r.Inputs[key] = args.Inputs
	if args.RegisterRPC != nil {
		r.Parents[key] = args.RegisterRPC.GetParent()
	}
	return args.Name + "-id", args.Inputs.Copy(), nil
}

// Run runs program in project suoke-platform, stack staging, and fails the test on its error.
func Run(t *testing.T, program func(ctx *pulumi.Context) error) *Resources {
	t.Helper()
	r := &Resources{Inputs: map[string]resource.PropertyMap{}, Parents: map[string]string{}}
	require.NoError(t, pulumi.RunErr(program, pulumi.WithMocks("suoke-platform", "staging", r)))
	return r
}
