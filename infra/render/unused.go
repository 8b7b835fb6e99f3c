package render

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
)

// unusedValues are the paths of values the program sets that the chart never reads: keys absent
// from the chart's defaults (its values.yaml and its subcharts') at a level where the defaults
// are a fixed set of keys, and named nowhere in its templates. A free-form level (an empty map or
// a non-map default, such as nodeSelector: {} or a list) is not descended into: the chart passes
// it on whole.
func unusedValues(ch *chart.Chart, vals map[string]any) []string {
	defaults, err := util.CoalesceValues(ch, map[string]any{})
	if err != nil {
		return nil
	}
	text := templateText(ch)
	var out []string
	var walk func(set, def map[string]any, path string)
	walk = func(set, def map[string]any, path string) {
		for _, k := range slices.Sorted(maps.Keys(set)) {
			p := strings.TrimPrefix(path+"."+k, ".")
			d, known := def[k]
			if !known {
				if len(def) > 0 && !mentioned(text, k) {
					out = append(out, p)
				}
				continue
			}
			sm, setIsMap := set[k].(map[string]any)
			dm, defIsMap := d.(map[string]any)
			if setIsMap && defIsMap && len(dm) > 0 && !passedWhole(text, k) {
				walk(sm, dm, p)
			}
		}
	}
	walk(vals, defaults, "")
	return out
}

// templateText is every template of the chart and its subcharts.
func templateText(ch *chart.Chart) string {
	var b strings.Builder
	for _, t := range ch.Templates {
		b.Write(t.Data)
		b.WriteByte('\n')
	}
	for _, d := range ch.Dependencies() {
		b.WriteString(templateText(d))
	}
	return b.String()
}

// passedWhole reports whether templates hand a value on whole, as a chart does with a node
// selector, resources or extra arguments: a template action that names it and renders or merges it
// as a whole (toYaml, toJson, with, range, merge). Keys the program adds below such a value are read.
func passedWhole(text, key string) bool {
	name := regexp.MustCompile(`\.` + regexp.QuoteMeta(key) + `\b`)
	for _, m := range templateAction.FindAllStringSubmatch(text, -1) {
		if name.MatchString(m[1]) && whole.MatchString(m[1]) {
			return true
		}
	}
	return false
}

var (
	templateAction = regexp.MustCompile(`(?s)\{\{-?(.*?)-?\}\}`)
	whole          = regexp.MustCompile(`\b(toYaml|toJson|with|range|merge|mergeOverwrite|deepCopy)\b`)
)

// mentioned reports whether templates name a key: .key, "key" or 'key' (index and dig).
func mentioned(text, key string) bool {
	re := regexp.MustCompile(`(\.` + regexp.QuoteMeta(key) + `\b)|("` + regexp.QuoteMeta(key) + `")`)
	return re.MatchString(text)
}
