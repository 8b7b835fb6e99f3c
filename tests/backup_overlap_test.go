package tests

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// No two stacks back up the same thing: their AWS Backup selections cannot take one resource, and
// their Velero schedules do not write the same namespaces under one bucket and prefix. Two plans
// taking one volume double its cost and put one stack's data in another's vault (and its retention);
// two Velero servers on one prefix see each other's backups and expire them by their own TTL.
//
// AWS Backup's selection (docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html
// and the China edition of AWS::Backup::BackupSelection BackupSelectionResourceType, read
// 2026-12-03): Resources are ARNs or patterns with *, and a selection that names none takes every
// supported resource; NotResources are taken out; Conditions (StringEquals, StringLike,
// StringNotEquals, StringNotLike on aws:ResourceTag/...) must all hold; ListOfTags matches any of its
// tags, and the pages do not say it is ANDed with the rest. Two selections can take one resource when
// some pattern of each intersects and no condition of one contradicts one of the other's; a
// selection with a ListOfTags is taken to reach any resource so tagged, so it is always reported.
// NotResources are ignored: they narrow a selection, and a test that ignores them can only report
// more overlaps, never fewer.

type backupSelection struct {
	stack     string
	name      string
	resources []string
	// conditions: key → operator → values.
	conditions map[string]map[string][]string
	listOfTags bool
}

func backupSelections(g *plan.Graph) []backupSelection {
	var out []backupSelection
	for _, r := range ofType(g, "aws:backup/selection:Selection") {
		s := backupSelection{stack: g.Stack, name: r.Name, resources: strList(r.Inputs["resources"]),
			conditions: map[string]map[string][]string{}}
		if len(s.resources) == 0 {
			s.resources = []string{"*"}
		}
		conds, _ := r.Inputs["conditions"].([]any)
		for _, c := range conds {
			for op, list := range c.(map[string]any) {
				items, _ := list.([]any)
				for _, it := range items {
					m, _ := it.(map[string]any)
					key, _ := m["key"].(string)
					value, _ := m["value"].(string)
					if s.conditions[key] == nil {
						s.conditions[key] = map[string][]string{}
					}
					s.conditions[key][op] = append(s.conditions[key][op], value)
				}
			}
		}
		tags, _ := r.Inputs["selectionTags"].([]any)
		s.listOfTags = len(tags) > 0
		out = append(out, s)
	}
	return out
}

// valuesCompatible: some tag value satisfies both selections' conditions on one key.
func valuesCompatible(a, b map[string][]string) bool {
	must := func(c map[string][]string) []string {
		return append(append([]string{}, c["stringEquals"]...), c["stringLike"]...)
	}
	mustNot := func(c map[string][]string) []string {
		return append(append([]string{}, c["stringNotEquals"]...), c["stringNotLike"]...)
	}
	for _, x := range must(a) {
		for _, y := range must(b) {
			if !globsIntersect(x, y) {
				return false
			}
		}
		for _, n := range mustNot(b) {
			if !strings.ContainsAny(x, "*?") && globMatch(n, x) {
				return false
			}
		}
	}
	for _, y := range must(b) {
		for _, n := range mustNot(a) {
			if !strings.ContainsAny(y, "*?") && globMatch(n, y) {
				return false
			}
		}
	}
	return true
}

func selectionsOverlap(a, b backupSelection) bool {
	if a.listOfTags || b.listOfTags {
		return true
	}
	resources := false
	for _, x := range a.resources {
		for _, y := range b.resources {
			resources = resources || globsIntersect(x, y)
		}
	}
	if !resources {
		return false
	}
	for key, ca := range a.conditions {
		if cb, ok := b.conditions[key]; ok && !valuesCompatible(ca, cb) {
			return false
		}
	}
	return true
}

// veleroTarget is where one Velero schedule writes and what it takes.
type veleroTarget struct {
	stack, schedule, bucket, prefix string
	included, excluded              []string
}

// veleroTargets reads the schedules of every Velero release (the chart turns values.schedules into
// Schedule objects and values.configuration.backupStorageLocation into BackupStorageLocations;
// vmware-tanzu/helm-charts charts/velero templates/schedule.yaml and backupstoragelocation.yaml). A
// schedule without storageLocation writes to the default location (Velero docs, "Backup Storage
// Locations": a backup without one goes to the default).
func veleroTargets(g *plan.Graph) []veleroTarget {
	var out []veleroTarget
	for _, r := range ofType(g, typeHelmRelease) {
		if chartName(*r) != "velero" {
			continue
		}
		values, _ := r.Inputs["values"].(map[string]any)
		locations := map[string][2]string{}
		var def string
		bsls, _ := path(values, "configuration", "backupStorageLocation").([]any)
		for _, b := range bsls {
			m, _ := b.(map[string]any)
			name, _ := m["name"].(string)
			bucket, _ := m["bucket"].(string)
			prefix, _ := m["prefix"].(string)
			locations[name] = [2]string{bucket, strings.Trim(prefix, "/")}
			if m["default"] == true || len(bsls) == 1 {
				def = name
			}
		}
		schedules, _ := values["schedules"].(map[string]any)
		for name, v := range schedules {
			tmpl, _ := path(v.(map[string]any), "template").(map[string]any)
			loc, _ := tmpl["storageLocation"].(string)
			if loc == "" {
				loc = def
			}
			l := locations[loc]
			out = append(out, veleroTarget{stack: g.Stack, schedule: name, bucket: l[0], prefix: l[1],
				included: strList(tmpl["includedNamespaces"]), excluded: strList(tmpl["excludedNamespaces"])})
		}
	}
	return out
}

// prefixesOverlap: one prefix is the other or a parent folder of it ("" is the whole bucket): the
// outer one's lifecycle, grants and listings reach the inner one's objects.
func prefixesOverlap(a, b string) bool {
	return a == b || a == "" || b == "" || strings.HasPrefix(b, a+"/") || strings.HasPrefix(a, b+"/")
}

// namespacesOverlap: some namespace is taken by both (no includedNamespaces, or "*", is every
// namespace; an excluded one is taken by neither side that excludes it).
func namespacesOverlap(a, b veleroTarget) bool {
	all := func(l []string) bool { return len(l) == 0 || slices.Contains(l, "*") }
	switch {
	case all(a.included) && all(b.included):
		return true
	case all(a.included):
		for _, n := range b.included {
			if !slices.Contains(a.excluded, n) {
				return true
			}
		}
		return false
	case all(b.included):
		return namespacesOverlap(b, a)
	}
	for _, n := range a.included {
		if slices.Contains(b.included, n) && !slices.Contains(a.excluded, n) && !slices.Contains(b.excluded, n) {
			return true
		}
	}
	return false
}

// backupOverlaps lists every pair of stacks that back up the same thing.
func backupOverlaps(graphs ...*plan.Graph) []string {
	var sels []backupSelection
	var targets []veleroTarget
	for _, g := range graphs {
		sels = append(sels, backupSelections(g)...)
		targets = append(targets, veleroTargets(g)...)
	}
	var out []string
	for i, a := range sels {
		for _, b := range sels[i+1:] {
			if a.stack != b.stack && selectionsOverlap(a, b) {
				out = append(out, fmt.Sprintf("AWS Backup: %s %s and %s %s can take the same resource", a.stack, a.name, b.stack, b.name))
			}
		}
	}
	for i, a := range targets {
		for _, b := range targets[i+1:] {
			if a.stack != b.stack && a.bucket == b.bucket && prefixesOverlap(a.prefix, b.prefix) && namespacesOverlap(a, b) {
				out = append(out, fmt.Sprintf("Velero: %s schedule %s and %s schedule %s write the same namespaces to s3://%s/%s and /%s",
					a.stack, a.schedule, b.stack, b.schedule, a.bucket, a.prefix, b.prefix))
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestNoTwoStacksBackUpTheSameThing plans the three stacks into one account, as the mocks do.
func TestNoTwoStacksBackUpTheSameThing(t *testing.T) {
	prod, staging, dr := recordAll(t)
	for _, g := range []*plan.Graph{prod, staging, dr} {
		require.NotEmpty(t, backupSelections(g), g.Stack)
		require.NotEmpty(t, veleroTargets(g), g.Stack)
	}
	assert.Empty(t, backupOverlaps(prod, staging, dr))
}

// TestBackupOverlapsAreCaught breaks staging's selection and Velero release toward prod's.
func TestBackupOverlapsAreCaught(t *testing.T) {
	prod, staging, dr := recordAll(t)
	prodBSL := veleroTargets(prod)[0]
	isSelection := func(*plan.Resource) bool { return true }
	isVelero := func(r *plan.Resource) bool { return chartName(*r) == "velero" }
	setLocation := func(bucket, prefix string, namespaces []any) func(map[string]any) {
		return func(in map[string]any) {
			values := copyMap(in["values"].(map[string]any))
			values["configuration"] = map[string]any{"backupStorageLocation": []any{
				map[string]any{"name": "default", "default": true, "bucket": bucket, "prefix": prefix, "provider": "aws"}}}
			if namespaces != nil {
				values["schedules"] = map[string]any{"daily": map[string]any{"template": map[string]any{"includedNamespaces": namespaces}}}
			}
			in["values"] = values
		}
	}
	cases := []struct {
		name   string
		typ    string
		match  func(*plan.Resource) bool
		change func(map[string]any)
		want   string // "" when the change must not overlap
	}{
		{"staging selects prod's tag", "aws:backup/selection:Selection", isSelection, func(in map[string]any) {
			in["conditions"] = []any{map[string]any{"stringEquals": []any{map[string]any{"key": "aws:ResourceTag/suoke.life/backup", "value": "prod"}}}}
		}, "AWS Backup: prod backup-ebs and staging backup-ebs"},
		{"staging selects by a pattern prod's value matches", "aws:backup/selection:Selection", isSelection, func(in map[string]any) {
			in["conditions"] = []any{map[string]any{"stringLike": []any{map[string]any{"key": "aws:ResourceTag/suoke.life/backup", "value": "pro*"}}}}
		}, "AWS Backup: prod backup-ebs and staging backup-ebs"},
		{"staging selects without a condition", "aws:backup/selection:Selection", isSelection, func(in map[string]any) {
			delete(in, "conditions")
		}, "AWS Backup: prod backup-ebs and staging backup-ebs"},
		{"staging adds a ListOfTags", "aws:backup/selection:Selection", isSelection, func(in map[string]any) {
			in["selectionTags"] = []any{map[string]any{"type": "STRINGEQUALS", "key": "app", "value": "x"}}
		}, "AWS Backup: prod backup-ebs and staging backup-ebs"},
		{"staging selects everything but its own tag", "aws:backup/selection:Selection", isSelection, func(in map[string]any) {
			in["conditions"] = []any{map[string]any{"stringNotEquals": []any{map[string]any{"key": "aws:ResourceTag/suoke.life/backup", "value": "staging"}}}}
		}, "AWS Backup: prod backup-ebs and staging backup-ebs"},
		{"staging's selection in the DR region on prod-dr's tag", "aws:backup/selection:Selection", isSelection, func(in map[string]any) {
			in["resources"] = []any{strings.ReplaceAll(strList(in["resources"])[0], "cn-northwest-1", "cn-north-1")}
			in["conditions"] = []any{map[string]any{"stringEquals": []any{map[string]any{"key": "aws:ResourceTag/suoke.life/backup", "value": "prod-dr"}}}}
		}, "AWS Backup: staging backup-ebs and prod-dr backup-ebs"},
		{"staging's Velero on prod's prefix", typeHelmRelease, isVelero, setLocation(prodBSL.bucket, prodBSL.prefix, nil),
			"Velero: prod schedule daily and staging schedule daily"},
		{"staging's Velero on the parent of prod's prefix", typeHelmRelease, isVelero, setLocation(prodBSL.bucket, "velero", nil),
			"Velero: prod schedule daily and staging schedule daily"},
		{"staging's Velero on prod's bucket, another prefix", typeHelmRelease, isVelero, setLocation(prodBSL.bucket, "velero/staging", nil), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mutated(staging, c.typ, c.match, c.change)
			got := strings.Join(backupOverlaps(prod, s, dr), "\n")
			if c.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, c.want)
		})
	}
	// Two schedules on one prefix that take different namespaces do not overlap; sharing one does.
	p := mutated(prod, typeHelmRelease, isVelero, setLocation(prodBSL.bucket, prodBSL.prefix, []any{"data"}))
	s := mutated(staging, typeHelmRelease, isVelero, setLocation(prodBSL.bucket, prodBSL.prefix, []any{"monitoring"}))
	assert.Empty(t, backupOverlaps(p, s))
	s = mutated(staging, typeHelmRelease, isVelero, setLocation(prodBSL.bucket, prodBSL.prefix, []any{"monitoring", "data"}))
	assert.NotEmpty(t, backupOverlaps(p, s))
}
