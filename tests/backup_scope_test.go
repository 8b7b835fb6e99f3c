package tests

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

const typeSelection = "aws:backup/selection:Selection"

// selectionOverlaps says which AWS Backup selections of different stacks could take the same volume,
// and which stack's volumes (the value its storage classes tag them with) no selection of its own
// takes. Stacks share one account, and a selection's Resources (volume/* of its region) do not keep
// two stacks of one region apart; only the tag does. A selection that does not require one value of
// the tag can take anything, so it overlaps every other stack's.
func selectionOverlaps(graphs ...*plan.Graph) []string {
	type sel struct {
		stack  string
		values []string
		scoped bool
	}
	var sels []sel
	for _, g := range graphs {
		for i := range g.Resources {
			if r := &g.Resources[i]; r.Type == typeSelection {
				v, ok := policy.SelectionTagValues(r)
				sels = append(sels, sel{g.Stack, v, ok})
			}
		}
	}
	var out []string
	for i, a := range sels {
		for _, b := range sels[i+1:] {
			if a.stack == b.stack {
				continue
			}
			if !a.scoped || !b.scoped {
				out = append(out, fmt.Sprintf("%s and %s: a selection without a required %s value", a.stack, b.stack, config.BackupVolumeTag))
				continue
			}
			for _, v := range a.values {
				for _, w := range b.values {
					if v == w {
						out = append(out, fmt.Sprintf("%s and %s both take volumes tagged %s=%s", a.stack, b.stack, config.BackupVolumeTag, v))
					}
				}
			}
		}
	}
	// Each stack's volumes are taken by a selection of its own (a selection that requires
	// several values takes none: a volume has one).
	for _, g := range graphs {
		for i := range g.Resources {
			r := &g.Resources[i]
			if r.Type != typeStorageClass {
				continue
			}
			tag, _ := path(r.Inputs, "parameters", "tagSpecification_1").(string)
			value := strings.TrimPrefix(tag, config.BackupVolumeTag+"=")
			own := false
			for _, s := range sels {
				if s.stack == g.Stack && s.scoped && len(s.values) == 1 && s.values[0] == value {
					own = true
				}
			}
			if !own {
				out = append(out, fmt.Sprintf("%s: storage class %s tags volumes %s, which no selection of %s takes", g.Stack, r.Name, tag, g.Stack))
			}
		}
	}
	sort.Strings(out)
	return out
}

// setSelectionValue makes every selection of g require value instead of its own.
func setSelectionValue(g *plan.Graph, value string) {
	for i := range g.Resources {
		r := &g.Resources[i]
		if r.Type != typeSelection {
			continue
		}
		in := map[string]any{}
		for k, v := range r.Inputs {
			in[k] = v
		}
		in["conditions"] = []any{map[string]any{"stringEquals": []any{map[string]any{"key": config.BackupSelectionConditionKey, "value": value}}}}
		r.Inputs = in
	}
}

// TestBackupSelectionsAreDisjoint plans prod, staging and prod-dr as the stack files are (one
// account in the mocks, as in the shared account) and proves no volume can be selected by two stacks,
// and each stack's volumes by its own selection; then breaks it both ways.
func TestBackupSelectionsAreDisjoint(t *testing.T) {
	prod, staging, dr := recordAll(t)
	assert.Empty(t, selectionOverlaps(prod, staging, dr))
	n := 0
	for _, g := range []*plan.Graph{prod, staging, dr} {
		for _, r := range g.Resources {
			if r.Type == typeSelection {
				n++
			}
		}
	}
	assert.Equal(t, 3, n, "one selection per stack")

	// staging selecting prod's tag value takes prod's health-data volumes into staging's vault, and
	// no longer takes its own.
	s := clone(staging)
	s.Resources = append([]plan.Resource(nil), staging.Resources...)
	setSelectionValue(s, config.BackupVolumeTagValue("prod"))
	assert.Equal(t, []string{
		"prod and staging both take volumes tagged suoke.life/backup=prod",
		"staging: storage class cluster-sc-gp3 tags volumes suoke.life/backup=staging, which no selection of staging takes",
		"staging: storage class cluster-sc-gp3-retain tags volumes suoke.life/backup=staging, which no selection of staging takes",
	}, selectionOverlaps(prod, s, dr))
	// A selection on the old, shared value overlaps nothing by value but leaves its stack's volumes out.
	d := clone(dr)
	setSelectionValue(d, "true")
	assert.NotEmpty(t, selectionOverlaps(prod, staging, d))
	// An unscoped selection overlaps every other stack's.
	u := clone(prod)
	for i := range u.Resources {
		if u.Resources[i].Type == typeSelection {
			u.Resources[i].Inputs = map[string]any{"name": "any"}
		}
	}
	assert.Contains(t, strings.Join(selectionOverlaps(u, staging, dr), "\n"), "prod and staging: a selection without a required suoke.life/backup value")
}
