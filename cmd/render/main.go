// Command render renders every Helm release of a stack with Helm's own engine, from charts pulled
// into a local directory, with exactly the values the program passes (it runs the program under
// the offline plan's mocks and reads the releases it registers), and reports what only a render
// shows: values the chart cannot render or never reads, images the mirror does not hold or whose
// registry the chart composed differently, and pods the namespace's Pod Security level rejects.
// It exits 1 on any finding, 2 on an error.
//
//	go run ./cmd/render -stack prod -charts DIR [-pull] [-json] [-images]
//
// DIR holds the charts as `helm pull` writes them (<chart>-<version>.tgz); the mirror runbook's
// pull step fills it (docs/runbooks/first-deploy.md). With -pull, charts the stack fetches from an
// OCI registry (the ECR mirror) and DIR lacks are pulled into it first, with the registry
// credentials the Kubernetes provider reads (PULUMI_K8S_HELM_REGISTRY_CONFIG_PATH).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"helm.sh/helm/v4/pkg/registry"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/render"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "the stack (Pulumi.<stack>.yaml)")
	dir := fs.String("dir", ".", "the project directory")
	charts := fs.String("charts", "", "directory of pulled charts (<chart>-<version>.tgz)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	listImages := fs.Bool("images", false, "also list every rendered image per release")
	pull := fs.Bool("pull", false, "pull missing charts from their OCI registry into -charts first")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *stack == "" || *charts == "" {
		fmt.Fprintln(stderr, "render: -stack and -charts are required")
		return 2
	}
	g, err := plan.Record(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "render: %v\n", err)
		return 2
	}
	releases, opts, err := render.FromGraph(g, *charts)
	if err != nil {
		fmt.Fprintf(stderr, "render: %v\n", err)
		return 2
	}
	if *pull {
		if err := pullCharts(releases, *charts, os.Getenv("PULUMI_K8S_HELM_REGISTRY_CONFIG_PATH"), stderr); err != nil {
			fmt.Fprintf(stderr, "render: %v\n", err)
			return 2
		}
	}
	rep := render.Render(releases, opts)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "render: %v\n", err)
			return 2
		}
	} else {
		print(stdout, *stack, rep, *listImages)
	}
	if len(rep.Findings()) > 0 {
		return 1
	}
	return 0
}

func print(w io.Writer, stack string, rep render.Report, listImages bool) {
	findings := rep.Findings()
	fmt.Fprintf(w, "render of %s: %d releases, %d findings\n", stack, len(rep.Results), len(findings))
	for _, r := range rep.Results {
		fmt.Fprintf(w, "\n%s (%s): %d objects, %d images, %d webhooks, %d findings\n", r.Release, r.Chart, len(r.Objects), len(r.Images), len(r.Webhooks), len(r.Findings))
		for _, f := range r.Findings {
			fmt.Fprintf(w, "  ✗ %s\n", strings.TrimPrefix(f.String(), r.Release+": "))
		}
		for _, h := range r.Webhooks {
			fmt.Fprintf(w, "  webhook %s (failurePolicy %s): %s\n", h.Name, h.FailurePolicy, strings.Join(h.Resources, ", "))
		}
		if listImages {
			for _, i := range r.Images {
				fmt.Fprintf(w, "  image %s\n", i)
			}
		}
	}
}

// pullCharts pulls each release's chart that comes from an OCI registry and is not in dir yet, as
// <chart>-<version>.tgz. Charts from HTTP repositories (upstream mode) are pulled with helm pull,
// which the render's finding for a missing chart spells out.
func pullCharts(releases []render.Release, dir, credentials string, log io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	opts := []registry.ClientOption{registry.ClientOptWriter(log)}
	if credentials != "" {
		opts = append(opts, registry.ClientOptCredentialsFile(credentials))
	}
	client, err := registry.NewClient(opts...)
	if err != nil {
		return err
	}
	for _, r := range releases {
		ref, ok := strings.CutPrefix(r.Ref, "oci://")
		file := filepath.Join(dir, r.Chart+"-"+r.Version+".tgz")
		if _, err := os.Stat(file); !ok || err == nil {
			continue
		}
		res, err := client.Pull(ref + ":" + r.Version)
		if err != nil {
			return fmt.Errorf("pull %s %s: %w", r.Ref, r.Version, err)
		}
		if err := os.WriteFile(file, res.Chart.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
