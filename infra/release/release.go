// Package release installs a Helm chart of the pin table the one way every platform release is
// installed: the chart and version from infra/pins, fetched through the registries (the ECR mirror
// in China, whose credentials the delivery step writes for the Kubernetes provider), atomic (a
// failed install or upgrade is rolled back instead of leaving half a release for the next up to
// repair by hand), cleaning up what a failed upgrade created, waiting a bounded time, and keeping a
// bounded history (Helm keeps every revision as a Secret otherwise).
package release

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/pins"
)

// DefaultTimeout is how long Helm waits for a release's resources to be ready, in seconds.
const DefaultTimeout = 600

// MaxHistory is how many revisions Helm keeps per release.
const MaxHistory = 10

// Args are one release's.
type Args struct {
	// Release is the pin table's release: which chart, and the Helm release's name.
	Release   string
	Namespace string
	// Registries turn the pinned chart into the reference the provider fetches.
	Registries config.Registries
	// Values are the chart's values: from Values or Plain, or an output of a plain map.
	Values pulumi.MapInput
	// Timeout in seconds; 0 is DefaultTimeout.
	Timeout int
}

// New installs the release as the resource resourceName. It returns the chart reference it used.
func New(ctx *pulumi.Context, resourceName string, a Args, opts ...pulumi.ResourceOption) (*helmv3.Release, config.ChartRef, error) {
	pin, err := pins.ChartOf(a.Release)
	if err != nil {
		return nil, config.ChartRef{}, err
	}
	if a.Namespace == "" {
		return nil, config.ChartRef{}, fmt.Errorf("release %s: namespace is required", a.Release)
	}
	timeout := a.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ref := a.Registries.Chart(pin.Repo, pin.Name, pin.Version)
	args := &helmv3.ReleaseArgs{
		Name:          pulumi.String(a.Release),
		Namespace:     pulumi.String(a.Namespace),
		Chart:         pulumi.String(ref.Chart),
		Version:       pulumi.String(ref.Version),
		Values:        a.Values,
		Atomic:        pulumi.Bool(true),
		CleanupOnFail: pulumi.Bool(true),
		Timeout:       pulumi.Int(timeout),
		MaxHistory:    pulumi.Int(MaxHistory),
	}
	if ref.Repo != "" {
		args.RepositoryOpts = &helmv3.RepositoryOptsArgs{Repo: pulumi.String(ref.Repo)}
	}
	r, err := helmv3.NewRelease(ctx, resourceName, args, opts...)
	return r, ref, err
}

// Values turns typed values (structs with the chart's keys as JSON tags, or plain maps) into a
// release's values.
func Values(v any) (pulumi.Map, error) {
	m, err := Plain(v)
	if err != nil {
		return nil, err
	}
	out := pulumi.Map{}
	for k, e := range m {
		out[k] = pulumi.Any(e)
	}
	return out, nil
}

// Plain turns typed values into the plain map a chart takes, through their JSON form. A null is
// refused: in Helm it deletes a chart default, but the Pulumi Go SDK drops null map values before
// the provider sees them (pulumi/pulumi#22713, pulumi-kubernetes#3178), so the default would
// silently stay. Replace the chart's whole setting instead (the collector's alternateConfig).
func Plain(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("values must be an object: %w", err)
	}
	if path := nullPath(m, ""); path != "" {
		return nil, fmt.Errorf("%s is null: the Pulumi Go SDK drops null values, so the chart's default would stay", path)
	}
	return m, nil
}

// nullPath is the path of the first null in a JSON value (maps in key order), or "".
func nullPath(v any, path string) string {
	switch t := v.(type) {
	case nil:
		return path
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if n := nullPath(t[k], p); n != "" {
				return n
			}
		}
	case []any:
		for i, e := range t {
			if n := nullPath(e, fmt.Sprintf("%s[%d]", path, i)); n != "" {
				return n
			}
		}
	}
	return ""
}
