// Package policy checks a recorded resource graph against the platform's security and reliability
// rules. Each rule has an id, a severity, and a message that names the resource; a plan with any
// failed rule fails.
package policy

import (
	"fmt"
	"sort"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Severity of a rule.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
)

// Result is one rule applied to one resource.
type Result struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Resource string   `json:"resource"`
	Passed   bool     `json:"passed"`
	Message  string   `json:"message"`
}

// Rule is one check over the graph.
type Rule struct {
	ID          string
	Severity    Severity
	Description string
	Check       func(*Index) []Finding
}

// Finding is what a check says about one resource; the engine turns it into a Result.
type Finding struct {
	Resource string
	Passed   bool
	Message  string
}

func pass(urn, msg string, args ...any) Finding {
	return Finding{Resource: urn, Passed: true, Message: fmt.Sprintf(msg, args...)}
}

func fail(urn, msg string, args ...any) Finding {
	return Finding{Resource: urn, Passed: false, Message: fmt.Sprintf(msg, args...)}
}

// ruleSets are the rules of each area; an area adds its list here.
func ruleSets() [][]Rule {
	return [][]Rule{
		networkRules,
		clusterRules,
		databaseRules,
		monitoringRules,
		backupRules,
		accountRules,
		auditRules,
		retentionRules,
	}
}

// Rules lists every rule, in id order.
func Rules() []Rule {
	var rules []Rule
	for _, set := range ruleSets() {
		rules = append(rules, set...)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules
}

// Evaluate runs every rule over the graph. A rule that finds nothing to check reports one passing
// result saying so, so the report shows every rule ran.
func Evaluate(g *plan.Graph) []Result {
	return EvaluateRules(g, Rules())
}

// EvaluateRules runs the given rules.
func EvaluateRules(g *plan.Graph, rules []Rule) []Result {
	idx := NewIndex(g)
	var out []Result
	for _, r := range rules {
		findings := r.Check(idx)
		if len(findings) == 0 {
			findings = []Finding{pass("", "nothing to check")}
		}
		sort.SliceStable(findings, func(i, j int) bool { return findings[i].Resource < findings[j].Resource })
		for _, f := range findings {
			out = append(out, Result{ID: r.ID, Severity: r.Severity, Resource: f.Resource, Passed: f.Passed, Message: f.Message})
		}
	}
	return out
}

// Failed returns the failed results.
func Failed(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if !r.Passed {
			out = append(out, r)
		}
	}
	return out
}
