package main

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func nodeGroup(subnets []any, ltVersion float64, desired float64) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{
		"clusterName":    "suoke",
		"subnetIds":      subnets,
		"launchTemplate": map[string]any{"id": "lt-1", "version": ltVersion},
		"scalingConfig":  map[string]any{"desiredSize": desired, "minSize": 1, "maxSize": 4},
	})
}

func TestDiffInputs(t *testing.T) {
	repl := Replacements["aws:eks/nodeGroup:NodeGroup"]
	a := []any{"subnet-a", "subnet-b"}

	if d := DiffInputs(nodeGroup(a, 1, 2), nodeGroup(a, 1, 2), nil, repl); len(d.Changed) != 0 {
		t.Errorf("same inputs: %+v", d)
	}
	// A new launch template version is an in-place update of launchTemplate.
	d := DiffInputs(nodeGroup(a, 1, 2), nodeGroup(a, 2, 2), nil, repl)
	if !slices.Equal(d.Changed, []string{"launchTemplate"}) || len(d.Replaces) != 0 || d.Kinds["launchTemplate"] != pulumirpc.PropertyDiff_UPDATE {
		t.Errorf("launch template version: %+v", d)
	}
	// Another launch template replaces the group.
	other := nodeGroup(a, 1, 2)
	other["launchTemplate"].ObjectValue()["id"] = resource.NewStringProperty("lt-2")
	d = DiffInputs(nodeGroup(a, 1, 2), other, nil, repl)
	if !slices.Equal(d.Replaces, []string{"launchTemplate.id"}) || d.Kinds["launchTemplate.id"] != pulumirpc.PropertyDiff_UPDATE_REPLACE {
		t.Errorf("launch template id: %+v", d)
	}
	// Other subnets replace the group.
	d = DiffInputs(nodeGroup(a, 1, 2), nodeGroup([]any{"subnet-a"}, 1, 2), nil, repl)
	if !slices.Equal(d.Replaces, []string{"subnetIds"}) {
		t.Errorf("subnets: %+v", d)
	}
	// The desired size, ignored as the engine sends it, is no change; not ignored, it is one.
	d = DiffInputs(nodeGroup(a, 1, 2), nodeGroup(a, 1, 5), []string{"scalingConfig.desiredSize"}, repl)
	if len(d.Changed) != 0 {
		t.Errorf("ignored desired size: %+v", d)
	}
	d = DiffInputs(nodeGroup(a, 1, 2), nodeGroup(a, 1, 5), nil, repl)
	if !slices.Equal(d.Changed, []string{"scalingConfig"}) || len(d.Replaces) != 0 {
		t.Errorf("desired size: %+v", d)
	}
	// A secret compares by its value; an unknown differs from anything.
	s := nodeGroup(a, 1, 2)
	s["clusterName"] = resource.MakeSecret(resource.NewStringProperty("suoke"))
	if d := DiffInputs(nodeGroup(a, 1, 2), s, nil, repl); len(d.Changed) != 0 {
		t.Errorf("secret of the same value: %+v", d)
	}
	u := nodeGroup(a, 1, 2)
	u["clusterName"] = resource.MakeComputed(resource.NewStringProperty(""))
	if d := DiffInputs(nodeGroup(a, 1, 2), u, nil, repl); !slices.Equal(d.Replaces, []string{"clusterName"}) {
		t.Errorf("unknown cluster name: %+v", d)
	}
}

func TestPackageAndVersion(t *testing.T) {
	if p := PackageOf("/x/bin/pulumi-resource-kubernetes"); p != "kubernetes" {
		t.Errorf("PackageOf: %s", p)
	}
}
