package tests

import (
	"encoding/json"
	"strings"
)

// A small evaluator of IAM identity policies, after the IAM User Guide's "Policy evaluation logic" and
// its JSON element reference for Action and Resource (not re-read for this file): a request is allowed
// when some Allow statement matches its action and resource and no Deny statement does; Action
// matches case-insensitively, Resource case-sensitively, both with the wildcards * (any run of
// characters) and ? (any one character); Action and Resource are a string or a list of strings.
// Statements with a Condition, NotAction or NotResource are not evaluated: they never allow here and
// always deny, so a test built on this fails rather than pass on a policy it cannot read.

type iamStatement struct {
	Effect      string
	Action      any
	NotAction   any
	Resource    any
	NotResource any
	Condition   map[string]any
}

// iamAllows reports whether the identity policies (JSON documents) allow action on resource.
func iamAllows(docs []string, action, resource string) bool {
	allowed := false
	for _, doc := range docs {
		var d struct{ Statement json.RawMessage }
		if json.Unmarshal([]byte(doc), &d) != nil {
			continue
		}
		var sts []iamStatement
		if json.Unmarshal(d.Statement, &sts) != nil {
			var one iamStatement
			if json.Unmarshal(d.Statement, &one) != nil {
				continue
			}
			sts = []iamStatement{one}
		}
		for _, st := range sts {
			plain := st.Condition == nil && st.NotAction == nil && st.NotResource == nil
			matches := anyGlob(st.Action, strings.ToLower(action), true) && anyGlob(st.Resource, resource, false)
			switch {
			case st.Effect == "Deny" && (!plain || matches):
				return false
			case st.Effect == "Allow" && plain && matches:
				allowed = true
			}
		}
	}
	return allowed
}

func anyGlob(v any, s string, fold bool) bool {
	var pats []string
	switch p := v.(type) {
	case string:
		pats = []string{p}
	case []any:
		for _, e := range p {
			if str, ok := e.(string); ok {
				pats = append(pats, str)
			}
		}
	}
	for _, p := range pats {
		if fold {
			p = strings.ToLower(p)
		}
		if globMatch(p, s) {
			return true
		}
	}
	return false
}

// globMatch matches s against an IAM-style pattern: * is any run of characters (slashes and colons
// included, unlike path.Match), ? is one character.
func globMatch(pattern, s string) bool {
	return globsIntersect(pattern, strings.ReplaceAll(strings.ReplaceAll(s, "*", "\x00"), "?", "\x01"))
}

// globsIntersect reports whether some string matches both patterns (* and ? wildcards): two
// selections whose resource patterns intersect can take the same resource.
func globsIntersect(a, b string) bool {
	type key struct{ i, j int }
	memo := map[key]bool{}
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		k := key{i, j}
		if v, ok := memo[k]; ok {
			return v
		}
		memo[k] = false
		var r bool
		switch {
		case i == len(a) && j == len(b):
			r = true
		case i < len(a) && a[i] == '*':
			// * takes nothing, or one character of b (a literal, a ?, or the part of b's * it covers).
			r = walk(i+1, j) || (j < len(b) && walk(i, j+1)) || (j < len(b) && b[j] == '*' && walk(i+1, j+1))
		case j < len(b) && b[j] == '*':
			r = walk(i, j+1) || (i < len(a) && walk(i+1, j))
		case i == len(a) || j == len(b):
			r = false
		default:
			r = (a[i] == b[j] || a[i] == '?' || b[j] == '?') && walk(i+1, j+1)
		}
		memo[k] = r
		return r
	}
	return walk(0, 0)
}
