package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/pins"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Helm release and namespace resource types.
const (
	typeRelease   = "kubernetes:helm.sh/v3:Release"
	typeNamespace = "kubernetes:core/v1:Namespace"
)

// FromGraph reads what Render needs from a recorded plan: every Helm release with the values the
// program registered (the same code path as `pulumi up`; secrets appear as "[secret]"), each chart
// as the pin table names it, the images of the stack's mirror list, the Pod Security level of each
// namespace the program creates, and the cluster's Kubernetes version.
func FromGraph(g *plan.Graph, chartsDir string) ([]Release, Options, error) {
	o := Options{ChartsDir: chartsDir, PodSecurity: map[string]string{}, Images: []string{}}
	o.KubeVersion, _ = g.Outputs["kubernetesVersion"].(string)
	if o.KubeVersion == "" {
		return nil, o, fmt.Errorf("the plan has no kubernetesVersion output")
	}
	list, _ := g.Outputs["mirrorList"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		if m["kind"] == "image" {
			o.Images = append(o.Images, fmt.Sprint(m["target"]))
		}
	}
	var out []Release
	for _, r := range g.Resources {
		switch r.Type {
		case typeNamespace:
			name, _ := nested(r.Inputs, "metadata", "name").(string)
			if level, _ := nested(r.Inputs, "metadata", "labels", "pod-security.kubernetes.io/enforce").(string); name != "" && level != "" {
				o.PodSecurity[name] = level
			}
		case typeRelease:
			name, _ := r.Inputs["name"].(string)
			pin, err := pins.ChartOf(name)
			if err != nil {
				return nil, o, fmt.Errorf("release %s (%s): %w", name, r.Name, err)
			}
			version, _ := r.Inputs["version"].(string)
			ns, _ := r.Inputs["namespace"].(string)
			vals, _ := r.Inputs["values"].(map[string]any)
			ref, _ := r.Inputs["chart"].(string)
			if repo, _ := nested(r.Inputs, "repositoryOpts", "repo").(string); repo != "" {
				ref = "--repo " + repo + " " + ref
			}
			out = append(out, Release{Resource: r.Name, Name: name, Namespace: ns, Chart: pin.Name, Version: version,
				AppVersion: pin.AppVersion, Ref: ref, Values: vals})
		}
	}
	slices.SortFunc(out, func(a, b Release) int { return strings.Compare(a.Name, b.Name) })
	return out, o, nil
}
