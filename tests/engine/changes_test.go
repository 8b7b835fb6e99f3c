//go:build engine

package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"sigs.k8s.io/yaml"
)

const nodeGroupType = "aws:eks/nodeGroup:NodeGroup"

// poolSteps are the steps on a pool's node groups and launch template.
func poolSteps(ss []apitype.StepEventMetadata, pool string) (groups, templates []apitype.StepEventMetadata) {
	for _, m := range ss {
		name := m.URN[strings.LastIndex(m.URN, "::")+2:]
		if !strings.Contains(name, pool) {
			continue
		}
		switch m.Type {
		case nodeGroupType:
			groups = append(groups, m)
		case "aws:ec2/launchTemplate:LaunchTemplate":
			templates = append(templates, m)
		}
	}
	return groups, templates
}

func replaced(ss []apitype.StepEventMetadata) []string {
	var out []string
	for _, m := range ss {
		if m.Op == apitype.OpReplace || m.Op == apitype.OpCreateReplacement || m.Op == apitype.OpDeleteReplaced {
			out = append(out, m.URN)
		}
	}
	return out
}

// TestChanges: the changes users make to a node pool, planned by the engine as a reviewer reads
// pulumi preview --diff. Each change is previewed against staging's state after up, then undone.
func TestChanges(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s := e.stack(ctx, "staging")
	e.phase("up")
	if _, err := s.Up(ctx, optup.SuppressProgress()); err != nil {
		t.Fatalf("up: %v", err)
	}
	const pool = "agents"
	key := func(field string) string { return "suoke-platform:nodePools." + pool + "." + field }
	change := func(t *testing.T, field, value string) []apitype.StepEventMetadata {
		t.Helper()
		old, err := s.GetConfigWithOptions(ctx, key(field), &auto.ConfigOptions{Path: true})
		had := err == nil
		if err := s.SetConfigWithOptions(ctx, key(field), auto.ConfigValue{Value: value}, &auto.ConfigOptions{Path: true}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if had {
				_ = s.SetConfigWithOptions(ctx, key(field), old, &auto.ConfigOptions{Path: true})
			} else {
				_ = s.RemoveConfigWithOptions(ctx, key(field), &auto.ConfigOptions{Path: true})
			}
		})
		e.phase("preview-" + field)
		ss, err := previewSteps(ctx, t, s)
		if err != nil {
			t.Fatalf("preview with %s = %s: %v", key(field), value, err)
		}
		t.Logf("%s = %s plans:\n%s", key(field), value, strings.Join(describe(ss), "\n"))
		return ss
	}

	// The autoscaler owns the desired size: changing it in config plans nothing for the groups.
	t.Run("desired size is ignored", func(t *testing.T) {
		ss := change(t, "desired", "3")
		if groups, _ := poolSteps(ss, pool); len(groups) > 0 {
			t.Errorf("a new desired size changes the %s node groups:\n%s", pool, strings.Join(describe(groups), "\n"))
		}
	})

	// A new maximum is an in-place update of each of the pool's groups.
	t.Run("max is an in-place update", func(t *testing.T) {
		ss := change(t, "max", "5")
		groups, _ := poolSteps(ss, pool)
		if len(groups) == 0 {
			t.Fatalf("a new maximum plans nothing for the %s node groups", pool)
		}
		for _, g := range groups {
			if g.Op != apitype.OpUpdate || !slices.Contains(g.Diffs, "scalingConfig") {
				t.Errorf("max: want an update of scalingConfig, got %s", describe([]apitype.StepEventMetadata{g}))
			}
		}
		if r := replaced(ss); len(r) > 0 {
			t.Errorf("a new maximum replaces %v", r)
		}
	})

	// Another instance type should be a new launch template version that the groups roll out
	// (maxUnavailable at a time), not new groups. Today the program puts the type on the node group
	// (instanceTypes, which EKS cannot change in place: UpdateNodegroupConfig does not take it), so the
	// engine replaces every group of the pool. instanceTypeReplacesGroup pins that defect: set it to
	// false with the fix (the type in the launch template), and the test then requires the update.
	t.Run("instance type", func(t *testing.T) {
		ss := change(t, "instanceType", "m6i.xlarge")
		groups, templates := poolSteps(ss, pool)
		if len(groups) == 0 {
			t.Fatalf("another instance type plans nothing for the %s node groups", pool)
		}
		var replacements, updates []apitype.StepEventMetadata
		for _, g := range groups {
			switch g.Op {
			case apitype.OpReplace:
				replacements = append(replacements, g)
			case apitype.OpUpdate:
				updates = append(updates, g)
			}
		}
		switch {
		case instanceTypeReplacesGroup && len(replacements) == 0:
			t.Errorf("the %s node group is no longer replaced for its instance type (%v): set instanceTypeReplacesGroup to false", pool, describe(groups))
		case instanceTypeReplacesGroup:
			for _, g := range replacements {
				if !slices.Equal(g.Keys, []string{"instanceTypes"}) {
					t.Errorf("the %s node group is replaced for more than its instance type: %v", pool, describe([]apitype.StepEventMetadata{g}))
				}
			}
			t.Logf("known defect, pinned by instanceTypeReplacesGroup: another instance type replaces the %s node group", pool)
		case len(replacements) > 0 || len(updates) == 0:
			t.Errorf("another instance type replaces the %s node group instead of rolling out a new launch template version: %v", pool, describe(groups))
		}
		if !instanceTypeReplacesGroup && (len(templates) == 0 || templates[0].Op != apitype.OpUpdate) {
			t.Errorf("another instance type does not update the %s launch template: %v", pool, describe(templates))
		}
	})
}

// TestServiceRename: renaming a service is a replacement, not a move: the program has no aliases, so
// each of the service's objects is deleted under the old name and created under the new one. What
// keeps that safe is checked: nothing else is deleted or replaced, and the old service's database is
// deleted with databaseReclaimPolicy retain (the operator keeps the database and its data, for a
// migration to the new one; docs/runbooks should say so).
func TestServiceRename(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s := e.stack(ctx, "staging")
	e.phase("up")
	if _, err := s.Up(ctx, optup.SuppressProgress()); err != nil {
		t.Fatalf("up: %v", err)
	}
	const from, to = "blockchain", "ledger"
	// services is one list (a value replaces the whole list): the project default, one name changed.
	var project struct {
		Config map[string]struct {
			Default any `json:"default"`
		} `json:"config"`
	}
	b, err := os.ReadFile(filepath.Join(e.dir, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &project); err != nil {
		t.Fatal(err)
	}
	services, _ := project.Config["services"].Default.([]any)
	renamed := 0
	for _, sv := range services {
		if m, ok := sv.(map[string]any); ok && m["name"] == from {
			m["name"] = to
			renamed++
		}
	}
	if renamed != 1 {
		t.Fatalf("the project's default services have %d named %s", renamed, from)
	}
	stackFile := filepath.Join(e.dir, "Pulumi.staging.yaml")
	var doc map[string]any
	if b, err = os.ReadFile(stackFile); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	doc["config"].(map[string]any)["suoke-platform:services"] = services
	if b, err = yaml.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stackFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	before := deployment(ctx, t, s)
	e.phase("preview-rename")
	ss, err := previewSteps(ctx, t, s)
	if err != nil {
		t.Fatalf("preview of the rename: %v", err)
	}
	t.Logf("renaming %s to %s plans:\n%s", from, to, strings.Join(describe(ss), "\n"))
	var deleted, created []string
	for _, m := range ss {
		name := m.URN[strings.LastIndex(m.URN, "::")+2:]
		switch {
		case m.Op == apitype.OpDelete && strings.HasSuffix(name, "-"+from):
			deleted = append(deleted, strings.TrimSuffix(name, "-"+from))
		case m.Op == apitype.OpCreate && strings.HasSuffix(name, "-"+to):
			created = append(created, strings.TrimSuffix(name, "-"+to))
		case m.Op == apitype.OpDelete || m.Op == apitype.OpReplace || m.Op == apitype.OpDeleteReplaced:
			t.Errorf("renaming a service deletes or replaces %s", m.URN)
		}
	}
	if len(deleted) == 0 || !slices.Equal(deleted, created) {
		t.Errorf("renaming %s to %s should move each of its objects; deleted %v, created %v", from, to, deleted, created)
	}
	for _, r := range before.Resources {
		if string(r.Type) != "kubernetes:postgresql.cnpg.io/v1:Database" || r.URN.Name() != "database-db-"+from {
			continue
		}
		spec, _ := r.Inputs["spec"].(map[string]any)
		if spec["databaseReclaimPolicy"] != "retain" {
			t.Errorf("the renamed service's database is deleted with databaseReclaimPolicy %v: the operator drops its data", spec["databaseReclaimPolicy"])
		}
	}
}

// instanceTypeReplacesGroup: a known defect of the program (see TestChanges), pinned until fixed.
const instanceTypeReplacesGroup = false
