// Command plan runs the Pulumi program offline, under Pulumi's mock engine, for one stack, and prints
// what it would build: resources, network, node pools, policy results, cost by tier and the deploy-time
// estimate. No cloud account, no CLI.
//
//	go run ./cmd/plan -stack prod                  # the offline plan as text
//	go run ./cmd/plan -stack prod -json            # the plan's JSON contract (infra/report)
//	go run ./cmd/plan -stack prod -format markdown # a pull-request comment
//	go run ./cmd/plan -stack prod -format summary  # per component, the inputs a reviewer reads (the golden files)
//	go run ./cmd/plan -stack prod -diff old.json   # changes against a saved -json plan, with the cost change
//
// It exits 1 on a config error or a failed policy, 2 on bad usage, 0 otherwise.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
	"github.com/suoke-life/suoke-platform/infra/report"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack name: reads Pulumi.<stack>.yaml (required)")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	asJSON := fs.Bool("json", false, "print the recorded graph as JSON (the plan contract)")
	format := fs.String("format", "text", "output format: text, markdown or summary (the golden files' per-component summary)")
	diffFile := fs.String("diff", "", "compare against a plan saved with -json")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *stack == "" {
		fmt.Fprintf(stderr, "plan: -stack is required; stacks here: %v\n", plan.StackNames(*dir))
		return 2
	}
	if *format != "text" && *format != "markdown" && *format != "summary" {
		fmt.Fprintf(stderr, "plan: -format %q: supported values: text, markdown, summary\n", *format)
		return 2
	}

	g, err := plan.Record(*dir, *stack)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			fmt.Fprintln(stderr, "plan:", ce.Error())
		} else {
			fmt.Fprintln(stderr, "plan:", err)
		}
		return 1
	}
	doc := report.Build(g, policy.Evaluate(g))

	switch {
	case *diffFile != "":
		old, err := report.ReadJSON(*diffFile)
		if err != nil {
			fmt.Fprintln(stderr, "plan:", err)
			return 2
		}
		err = report.WriteDiff(stdout, report.Diff(old, doc), *format == "markdown")
		if err == nil {
			err = report.WriteCostDiff(stdout, old, doc, *format == "markdown")
		}
		if err != nil {
			fmt.Fprintln(stderr, "plan:", err)
			return 1
		}
	case *asJSON:
		err = report.WriteJSON(stdout, doc)
	case *format == "markdown":
		err = report.WriteMarkdown(stdout, doc)
	case *format == "summary":
		err = report.WriteSummary(stdout, doc)
	default:
		err = report.WriteText(stdout, doc)
	}
	if err != nil {
		fmt.Fprintln(stderr, "plan:", err)
		return 1
	}
	if failed := policy.Failed(doc.Policies); len(failed) > 0 {
		fmt.Fprintf(stderr, "plan: %d policy check(s) failed\n", len(failed))
		for _, r := range failed {
			fmt.Fprintf(stderr, "  %s [%s] %s: %s\n", r.ID, r.Severity, r.Resource, r.Message)
		}
		return 1
	}
	return 0
}
