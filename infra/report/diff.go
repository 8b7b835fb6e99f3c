package report

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Change is one difference between a saved plan and the current one.
type Change struct {
	Kind   string // "+", "-", "~"
	What   string // resource URN, "output NAME" or "policy ID RESOURCE"
	Detail string
}

// Diff compares a saved plan (old) with the current one (new): resources added, removed and changed
// (by input key and option), outputs, and policy results that changed.
func Diff(old, cur *Document) []Change {
	var out []Change
	oldRes, curRes := map[string]plan.Resource{}, map[string]plan.Resource{}
	for _, r := range old.Resources {
		oldRes[r.URN] = r
	}
	for _, r := range cur.Resources {
		curRes[r.URN] = r
	}
	for _, urn := range sortedKeys(curRes) {
		o, ok := oldRes[urn]
		if !ok {
			out = append(out, Change{"+", urn, ""})
			continue
		}
		for _, d := range resourceDiff(o, curRes[urn]) {
			out = append(out, Change{"~", urn, d})
		}
	}
	for _, urn := range sortedKeys(oldRes) {
		if _, ok := curRes[urn]; !ok {
			out = append(out, Change{"-", urn, ""})
		}
	}
	for _, k := range unionKeys(old.Outputs, cur.Outputs) {
		ov, ook := old.Outputs[k]
		cv, cok := cur.Outputs[k]
		switch {
		case !ook:
			out = append(out, Change{"+", "output " + k, compact(cv)})
		case !cok:
			out = append(out, Change{"-", "output " + k, compact(ov)})
		case !sameJSON(ov, cv):
			out = append(out, Change{"~", "output " + k, compact(ov) + " → " + compact(cv)})
		}
	}
	oldPol := map[string]bool{}
	for _, r := range old.Policies {
		oldPol[r.ID+" "+r.Resource] = r.Passed
	}
	for _, r := range cur.Policies {
		key := r.ID + " " + r.Resource
		if was, ok := oldPol[key]; ok && was != r.Passed {
			state := "now fails: " + r.Message
			if r.Passed {
				state = "now passes"
			}
			out = append(out, Change{"~", "policy " + key, state})
		} else if !ok && !r.Passed {
			out = append(out, Change{"+", "policy " + key, "fails: " + r.Message})
		}
	}
	return out
}

func resourceDiff(o, c plan.Resource) []string {
	var out []string
	for _, k := range unionKeys(o.Inputs, c.Inputs) {
		ov, ook := o.Inputs[k]
		cv, cok := c.Inputs[k]
		switch {
		case !ook:
			out = append(out, fmt.Sprintf("+ %s: %s", k, compact(cv)))
		case !cok:
			out = append(out, fmt.Sprintf("- %s: %s", k, compact(ov)))
		case !sameJSON(ov, cv):
			out = append(out, fmt.Sprintf("%s: %s → %s", k, compact(ov), compact(cv)))
		}
	}
	opts := []struct {
		name string
		a, b any
	}{
		{"protect", o.Protect, c.Protect}, {"retainOnDelete", o.RetainOnDelete, c.RetainOnDelete},
		{"deleteBeforeReplace", o.DeleteBeforeReplace, c.DeleteBeforeReplace},
		{"ignoreChanges", o.IgnoreChanges, c.IgnoreChanges}, {"dependencies", o.Dependencies, c.Dependencies},
	}
	for _, op := range opts {
		if !reflect.DeepEqual(op.a, op.b) {
			out = append(out, fmt.Sprintf("option %s: %s → %s", op.name, compact(op.a), compact(op.b)))
		}
	}
	return out
}

func unionKeys(a, b map[string]any) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sameJSON compares values as their JSON forms, so a saved plan (numbers as float64) and a fresh one
// compare equal when they mean the same.
func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// WriteDiff prints the changes, one per line, with a count per kind.
func WriteDiff(w io.Writer, changes []Change, markdown bool) error {
	p := &printer{w: w}
	counts := map[string]int{}
	for _, c := range changes {
		counts[c.Kind]++
	}
	if markdown {
		p.f("**Changes against the saved plan**: %d to add, %d to change, %d to remove\n\n```diff\n", counts["+"], counts["~"], counts["-"])
	} else {
		p.f("Changes against the saved plan: %d to add, %d to change, %d to remove\n", counts["+"], counts["~"], counts["-"])
	}
	for _, c := range changes {
		line := c.Kind + " " + c.What
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		if markdown && c.Kind == "~" {
			line = "! " + line[2:]
		}
		p.f("%s\n", line)
	}
	if markdown {
		p.f("```\n")
	}
	return p.e
}
