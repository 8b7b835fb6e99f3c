// Command plancomment assembles the one pull-request comment that shows the offline plan of every
// stack: a summary table, each stack's changes against the base branch's plan, and each stack's plan.
// The pull-request workflow records the plans with cmd/plan (the head's in the pull request's tree,
// the base's in the base branch's tree) and hands the files to this command:
//
//	head/<stack>.json  go run ./cmd/plan -stack <stack> -json             (the head's plan)
//	head/<stack>.md    go run ./cmd/plan -stack <stack> -format markdown  (its comment section)
//	head/<stack>.exit  cmd/plan's exit code for the markdown run, and head/<stack>.log its stderr
//	base/<stack>.json  the base branch's plan (missing or empty: a new stack, or the base failed)
//
//	go run ./cmd/plancomment -head head -base base -preview "…" > comment.md
//
// The changes are report.Diff of the two saved plans, printed by report.WriteDiff: what
// `cmd/plan -diff` prints. The comment starts with Marker, by which the workflow finds and updates the
// same comment on every push. GitHub rejects a comment over 65,536 characters, so a long one drops the
// full plans first (the job summary keeps them), then shortens the diffs.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/report"
)

// Marker opens the comment; the workflow updates the comment that starts with it.
const Marker = "<!-- suoke:offline-plan -->"

// maxComment is below GitHub's limit of 65,536 characters for a comment body, leaving room for the
// notes added when the comment is shortened.
const maxComment = 64000

// logTail is how much of a failed plan's stderr the comment quotes.
const logTail = 3000

// Options are the command's flags.
type Options struct {
	HeadDir, BaseDir string
	HeadSHA, BaseSHA string
	RunURL           string
	// Preview says what became of `pulumi preview --diff` for this pull request.
	Preview string
	Max     int
}

// stackPlan is what the workflow recorded for one stack.
type stackPlan struct {
	Name     string
	Head     *report.Document // nil: the head has no plan (config error, or the stack was removed)
	Base     *report.Document // nil: the base has no plan of this stack
	HeadCost *cost
	BaseCost *cost
	Markdown string
	Exit     int
	Log      string
	Removed  bool // the base has the stack, the head does not
	Changes  []report.Change
}

// cost is the plan contract's cost section (DESIGN.md): read from the JSON by its field names, so the
// comment shows it as soon as the cost work adds it, without depending on its Go types.
type cost struct {
	Currency string  `json:"currency"`
	Total    float64 `json:"total"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plancomment", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.StringVar(&o.HeadDir, "head", "", "directory of the head's plans (required)")
	fs.StringVar(&o.BaseDir, "base", "", "directory of the base branch's plans")
	fs.StringVar(&o.HeadSHA, "head-sha", "", "commit of the head, for the heading")
	fs.StringVar(&o.BaseSHA, "base-sha", "", "commit of the base, for the heading")
	fs.StringVar(&o.RunURL, "run-url", "", "link to the workflow run")
	fs.StringVar(&o.Preview, "preview", "", "what became of pulumi preview for this pull request")
	fs.IntVar(&o.Max, "max", maxComment, "longest comment to print, in characters")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.HeadDir == "" {
		fmt.Fprintln(stderr, "plancomment: -head is required")
		return 2
	}
	plans, err := load(o.HeadDir, o.BaseDir)
	if err != nil {
		fmt.Fprintln(stderr, "plancomment:", err)
		return 1
	}
	if len(plans) == 0 {
		fmt.Fprintf(stderr, "plancomment: no plans in %s\n", o.HeadDir)
		return 1
	}
	if _, err := io.WriteString(stdout, Comment(plans, o)); err != nil {
		fmt.Fprintln(stderr, "plancomment:", err)
		return 1
	}
	return 0
}

// load reads every stack found in either directory.
func load(headDir, baseDir string) ([]stackPlan, error) {
	names := map[string]bool{}
	for _, dir := range []string{headDir, baseDir} {
		if dir == "" {
			continue
		}
		matches, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			names[strings.TrimSuffix(filepath.Base(m), ".json")] = true
		}
		// A stack whose head plan failed before printing JSON still has its exit code.
		exits, _ := filepath.Glob(filepath.Join(dir, "*.exit"))
		for _, m := range exits {
			names[strings.TrimSuffix(filepath.Base(m), ".exit")] = true
		}
	}
	var out []stackPlan
	for _, n := range sortedNames(names) {
		sp := stackPlan{Name: n}
		var err error
		if sp.Head, sp.HeadCost, err = readPlan(filepath.Join(headDir, n+".json")); err != nil {
			return nil, err
		}
		if baseDir != "" {
			if sp.Base, sp.BaseCost, err = readPlan(filepath.Join(baseDir, n+".json")); err != nil {
				return nil, err
			}
		}
		sp.Markdown = readText(filepath.Join(headDir, n+".md"))
		sp.Log = readText(filepath.Join(headDir, n+".log"))
		exitText := strings.TrimSpace(readText(filepath.Join(headDir, n+".exit")))
		sp.Removed = sp.Head == nil && exitText == "" && sp.Base != nil
		if exitText != "" {
			code, err := strconv.Atoi(exitText)
			if err != nil {
				return nil, fmt.Errorf("%s.exit: %q is not an exit code", n, exitText)
			}
			sp.Exit = code
		}
		if sp.Head != nil && sp.Base != nil {
			sp.Changes = report.Diff(sp.Base, sp.Head)
		}
		out = append(out, sp)
	}
	return out, nil
}

// readPlan reads a saved plan; a missing or empty file means there is none.
func readPlan(path string) (*report.Document, *cost, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(bytes.TrimSpace(b)) == 0) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	d, err := report.ReadJSON(path)
	if err != nil {
		return nil, nil, err
	}
	var withCost struct {
		Cost *cost `json:"cost"`
	}
	if err := json.Unmarshal(b, &withCost); err != nil {
		return nil, nil, fmt.Errorf("%s: cost: %w", path, err)
	}
	return d, withCost.Cost, nil
}

func readText(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}

// layout is one way of rendering the comment, from the fullest to the shortest.
type layout struct {
	plans     bool // include each stack's full plan
	diffLines int  // longest diff per stack, in lines; 0: no limit
}

var layouts = []layout{{plans: true}, {plans: false}, {diffLines: 200}, {diffLines: 60}, {diffLines: 15}}

// Comment renders the comment in the fullest layout that fits opts.Max characters.
func Comment(plans []stackPlan, o Options) string {
	max := o.Max
	if max <= 0 {
		max = maxComment
	}
	var out string
	for _, l := range layouts {
		out = render(plans, o, l)
		if len(out) <= max {
			return out
		}
	}
	// Even the shortest layout is too long (many stacks): cut it, and say where the rest is.
	note := "\n\n… cut to fit a pull-request comment: the job summary of the run has everything.\n"
	cut := max - len(note)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && cut < len(out) && (out[cut]&0xC0) == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return out[:cut] + note
}

func render(plans []stackPlan, o Options, l layout) string {
	var b strings.Builder
	b.WriteString(Marker + "\n### Offline plan of every stack\n\n")
	var where []string
	if o.HeadSHA != "" {
		where = append(where, "`"+short(o.HeadSHA)+"`")
	}
	if o.BaseSHA != "" {
		where = append(where, "against the base `"+short(o.BaseSHA)+"`")
	}
	if o.RunURL != "" {
		where = append(where, "[the run]("+o.RunURL+")")
	}
	if len(where) > 0 {
		b.WriteString(strings.Join(where, " · ") + "\n\n")
	}

	b.WriteString("| stack | plan | resources | against the base | monthly cost |\n|---|---|---:|---|---:|\n")
	for _, sp := range plans {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", sp.Name, status(sp), resources(sp), changeSummary(sp), costCell(sp))
	}
	if o.Preview != "" {
		b.WriteString("\n**Preview** (`pulumi preview --diff`): " + o.Preview + "\n")
	}
	if !l.plans {
		b.WriteString("\nThe full plans are left out to fit one comment: they are in the run's job summary.\n")
	}

	for _, sp := range plans {
		switch {
		case sp.Removed:
			fmt.Fprintf(&b, "\n**`%s`**: the pull request removes this stack's file; `pulumi destroy` is not run by CI.\n", sp.Name)
			continue
		case sp.Head == nil:
			fmt.Fprintf(&b, "\n<details open><summary><code>%s</code>: the plan failed (exit %d)</summary>\n\n```text\n%s\n```\n</details>\n",
				sp.Name, sp.Exit, tail(sp.Log, logTail))
			continue
		}
		switch {
		case sp.Base != nil && len(sp.Changes) == 0:
			fmt.Fprintf(&b, "\n**`%s`**: no changes against the base.\n", sp.Name)
		case sp.Base != nil:
			var d bytes.Buffer
			_ = report.WriteDiff(&d, sp.Changes, true) // a bytes.Buffer does not fail
			fmt.Fprintf(&b, "\n<details open><summary><code>%s</code>: %s against the base</summary>\n\n%s\n</details>\n",
				sp.Name, countText(sp.Changes), limitLines(d.String(), l.diffLines))
		default:
			fmt.Fprintf(&b, "\n**`%s`**: the base branch has no plan of this stack, so there is nothing to compare against.\n", sp.Name)
		}
		if sp.Exit != 0 && strings.TrimSpace(sp.Log) != "" {
			fmt.Fprintf(&b, "\n`%s` exited %d:\n\n```text\n%s\n```\n", sp.Name, sp.Exit, tail(sp.Log, logTail))
		}
		if l.plans && sp.Markdown != "" {
			fmt.Fprintf(&b, "\n<details><summary><code>%s</code>: the plan</summary>\n\n%s\n</details>\n", sp.Name, strings.TrimSpace(sp.Markdown))
		}
	}
	return b.String()
}

func status(sp stackPlan) string {
	switch {
	case sp.Removed:
		return "removed"
	case sp.Head == nil:
		return fmt.Sprintf("❌ exit %d", sp.Exit)
	}
	failed := 0
	for _, r := range sp.Head.Policies {
		if !r.Passed {
			failed++
		}
	}
	switch {
	case failed > 0:
		return fmt.Sprintf("❌ %d failed polic%s", failed, map[bool]string{true: "y", false: "ies"}[failed == 1])
	case sp.Exit != 0:
		return fmt.Sprintf("❌ exit %d", sp.Exit)
	}
	return "✅"
}

func resources(sp stackPlan) string {
	if sp.Head == nil {
		return "—"
	}
	return strconv.Itoa(len(sp.Head.Resources))
}

func changeSummary(sp stackPlan) string {
	switch {
	case sp.Head == nil:
		return "—"
	case sp.Base == nil:
		return "new stack"
	case len(sp.Changes) == 0:
		return "no changes"
	}
	c := counts(sp.Changes)
	return fmt.Sprintf("+%d ~%d −%d", c["+"], c["~"], c["-"])
}

func countText(changes []report.Change) string {
	if len(changes) == 0 {
		return "no changes"
	}
	c := counts(changes)
	return fmt.Sprintf("%d to add, %d to change, %d to remove", c["+"], c["~"], c["-"])
}

func counts(changes []report.Change) map[string]int {
	c := map[string]int{}
	for _, ch := range changes {
		c[ch.Kind]++
	}
	return c
}

// costCell shows the head's monthly total and its change against the base, when the plans carry cost.
func costCell(sp stackPlan) string {
	if sp.HeadCost == nil {
		return "—"
	}
	s := fmt.Sprintf("%s %s", sp.HeadCost.Currency, money(sp.HeadCost.Total))
	if sp.BaseCost != nil && sp.BaseCost.Currency == sp.HeadCost.Currency {
		delta := sp.HeadCost.Total - sp.BaseCost.Total
		sign := "+"
		if delta < 0 {
			sign, delta = "−", -delta
		}
		s += fmt.Sprintf(" (%s%s)", sign, money(delta))
	}
	return s
}

// money prints an amount with two decimals and thousands separators.
func money(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var g []string
	for len(whole) > 3 {
		g = append([]string{whole[len(whole)-3:]}, g...)
		whole = whole[:len(whole)-3]
	}
	g = append([]string{whole}, g...)
	out := strings.Join(g, ",") + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// limitLines keeps the first n lines of a diff block (0: all) and closes its code fence.
func limitLines(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if n <= 0 || len(lines) <= n+2 {
		return s
	}
	kept := lines[:n]
	return strings.Join(kept, "\n") + fmt.Sprintf("\n… %d more lines: see the run's job summary\n```", len(lines)-n-1)
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "(no output)"
	}
	if len(s) <= n {
		return s
	}
	cut := len(s) - n
	for cut < len(s) && (s[cut]&0xC0) == 0x80 {
		cut++
	}
	return "…" + s[cut:]
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

func sortedNames(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
