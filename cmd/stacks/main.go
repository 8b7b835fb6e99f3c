// Command stacks prints each stack of the project with what a CI job needs to reach it: its
// environment, region and partition, and the audience GitHub's OIDC token must carry for that
// partition's STS. The workflows take their matrices and their per-stack settings from here, so the
// stack files stay the only place a region is written down.
//
//	go run ./cmd/stacks                              # JSON array: a job matrix of every stack
//	go run ./cmd/stacks -environments prod,staging   # only stacks of these environments
//	go run ./cmd/stacks -stack prod                  # key=value lines, for $GITHUB_OUTPUT
//
// It exits 1 when a stack file cannot be read or names a region the program does not know, and, with
// -stack, when the stack file still holds a placeholder ciphertext (secure: v1:placeholder-…): every
// preview, up or refresh of it would stop at decryption with "validating stack config: bad value",
// which names no key (found by the engine tests). 2 on bad usage.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// stsAudience is the audience ("aud") GitHub's OIDC token must carry to be exchanged by the STS of a
// partition: the client ID registered on the account's IAM OIDC provider. Source:
// aws-actions/configure-aws-credentials README, input `audience` (default sts.amazonaws.com; the China
// regions use sts.amazonaws.com.cn), read 2026-11-25.
var stsAudience = map[string]string{
	config.PartitionGlobal: "sts.amazonaws.com",
	config.PartitionChina:  "sts.amazonaws.com.cn",
}

// Stack is one line of the matrix.
type Stack struct {
	Stack       string `json:"stack"`
	Environment string `json:"environment"`
	Region      string `json:"region"`
	Partition   string `json:"partition"`
	Audience    string `json:"audience"`
	// ChartMirror is the ECR registry the stack's Helm releases pull their charts from, with
	// AccountPlaceholder where the job's own account ID goes; empty when charts come from their
	// upstream repositories or from a registry outside ECR (whose credentials are the operator's).
	ChartMirror string `json:"chartMirror"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("stacks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	one := fs.String("stack", "", "print only this stack, as key=value lines for $GITHUB_OUTPUT")
	envs := fs.String("environments", "", "comma-separated environments to keep (default: all)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var keep []string
	if *envs != "" {
		keep = strings.Split(*envs, ",")
		for _, e := range keep {
			if !slices.Contains(config.AllEnvironments(), e) {
				fmt.Fprintf(stderr, "stacks: -environments: unsupported value %q: supported values: %s\n", e, strings.Join(config.AllEnvironments(), ", "))
				return 2
			}
		}
	}

	names := plan.StackNames(*dir)
	if *one != "" {
		if !slices.Contains(names, *one) {
			fmt.Fprintf(stderr, "stacks: no Pulumi.%s.yaml in %s; stacks here: %s\n", *one, *dir, strings.Join(names, ", "))
			return 1
		}
		names = []string{*one}
	}
	var out []Stack
	for _, n := range names {
		s, err := describe(*dir, n)
		if err != nil {
			fmt.Fprintln(stderr, "stacks:", err)
			return 1
		}
		if len(keep) == 0 || slices.Contains(keep, s.Environment) {
			out = append(out, s)
		}
	}

	if *one != "" {
		if ph, err := plan.Placeholders(filepath.Join(*dir, "Pulumi."+*one+".yaml")); err != nil || len(ph) > 0 {
			if err != nil {
				fmt.Fprintln(stderr, "stacks:", err)
				return 1
			}
			fmt.Fprintf(stderr, "stacks: Pulumi.%s.yaml holds %d placeholder secret(s); Pulumi cannot decrypt them. Set each for real first:\n", *one, len(ph))
			for _, p := range ph {
				fmt.Fprintf(stderr, "  pulumi config set --stack %s --secret --path '%s' <value>\n", *one, p)
			}
			return 1
		}
		s := out[0]
		fmt.Fprintf(stdout, "stack=%s\nenvironment=%s\nregion=%s\npartition=%s\naudience=%s\nchart_mirror=%s\n",
			s.Stack, s.Environment, s.Region, s.Partition, s.Audience, s.ChartMirror)
		return 0
	}
	if out == nil {
		out = []Stack{}
	}
	if err := json.NewEncoder(stdout).Encode(out); err != nil {
		fmt.Fprintln(stderr, "stacks:", err)
		return 1
	}
	return 0
}

// describe reads a stack's config the way the offline plan does (Pulumi.yaml defaults, then the
// stack file) and derives the partition from the program's own region table.
func describe(dir, stack string) (Stack, error) {
	sc, err := plan.LoadStackConfig(dir, stack)
	if err != nil {
		return Stack{}, err
	}
	regionName := sc.Values[config.RegionKey]
	if regionName == "" {
		return Stack{}, fmt.Errorf("stack %s: %s is not set", stack, config.RegionKey)
	}
	region, ok := config.LookupRegion(regionName)
	if !ok {
		return Stack{}, fmt.Errorf("stack %s: %s %q: supported values: %s", stack, config.RegionKey, regionName,
			strings.Join(config.SupportedRegions(), ", "))
	}
	mirror, err := chartMirror(sc, stack)
	if err != nil {
		return Stack{}, err
	}
	return Stack{
		Stack:       stack,
		Environment: sc.Values[config.Namespace+":environment"],
		Region:      region.Name,
		Partition:   region.Partition,
		Audience:    stsAudience[region.Partition],
		ChartMirror: mirror,
	}, nil
}

// AccountPlaceholder stands for the account ID in ChartMirror: the stack file does not know the
// account, the job learns it from STS after it assumes its role.
const AccountPlaceholder = "ACCOUNT_ID"

// placeholderAccount resolves the registries offline; it is swapped for AccountPlaceholder after.
const placeholderAccount = "000000000000"

// chartMirror is where the stack's releases pull charts from when that is ECR: every Helm release
// then pulls an OCI artifact from the registry, which needs a login (an ECR authorization token) in
// every job that previews, deploys or refreshes the stack.
func chartMirror(sc *plan.StackConfig, stack string) (string, error) {
	// Only the region and the registries key decide it: parse those over the defaults, so a job that
	// needs no more than the matrix is not refused for the rest of the stack's config (the program
	// validates that in full before it registers anything).
	in := config.Input{Project: sc.Project, Stack: stack, Region: sc.Values[config.RegionKey], Values: map[string]string{}}
	for _, key := range []string{config.KeyRegistries, config.KeyDRRegion} {
		if v, ok := sc.Values[config.Namespace+":"+key]; ok {
			in.Values[key] = v
		}
	}
	p, err := config.Parse(in)
	if err != nil {
		return "", err
	}
	reg := p.Cluster.Registries.Resolve(p.Region, placeholderAccount)
	host := reg.MirrorHost()
	if reg.EffectiveMode() != config.RegistryMirror || !config.IsAWSRegistry(host, p.Region.Name) {
		return "", nil
	}
	if rest, ok := strings.CutPrefix(host, placeholderAccount+"."); ok {
		return AccountPlaceholder + "." + rest, nil
	}
	return host, nil
}
