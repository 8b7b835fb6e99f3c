// Command drill runs a disaster-recovery drill with the Automation API: it brings the DR stack up from
// the backups (`pulumi up` of prod-dr in the DR region), waits for the restored PostgreSQL cluster,
// reads the newest transaction it brought back, and prints how long each phase took and the measured
// RPO and RTO next to the stack's own estimates (outputs rpoMinutes and rtoMinutes; "not exported"
// while the stack has none).
//
//	aws eks update-kubeconfig --region cn-north-1 --name <DR cluster> --alias suoke-prod-dr
//	go run ./cmd/drill -stack prod-dr -context suoke-prod-dr
//
// It needs the Pulumi CLI, credentials for the DR account, and kubectl reaching the DR cluster's
// private endpoint, so it runs on a host in the DR VPC (the DR stack's self-hosted runner). The
// procedure around it is docs/runbooks/disaster-recovery.md.
//
// Exit codes: 0 the drill completed within the estimates it could check; 1 a phase failed or a
// measurement exceeds its estimate; 2 bad usage.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil))
}

// setFlags collects repeated -set key=value.
type setFlags map[string]string

func (s setFlags) String() string { return fmt.Sprint(map[string]string(s)) }

func (s setFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", v)
	}
	s[k] = val
	return nil
}

// Output names the data tier may export to locate the PostgreSQL cluster; flags given explicitly win.
const (
	outputPGNamespace = "postgresNamespace"
	outputPGCluster   = "postgresCluster"
)

// run parses the flags and runs the drill. drill, when non-nil, replaces the real workspace, database
// and clock (the tests).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, drill *Drill) int {
	fs := flag.NewFlagSet("drill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := Options{Set: setFlags{}}
	fs.StringVar(&o.Stack, "stack", "prod-dr", "the DR stack (org/stack on Pulumi Cloud)")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	fs.Var(setFlags(o.Set), "set", "config key=value to set before the update (repeatable; written to the stack file like pulumi config set)")
	disaster := fs.String("disaster-at", "", "when the disaster was declared, RFC 3339 (default: the drill's start)")
	fs.DurationVar(&o.RPO, "rpo", 0, "RPO to check against, overriding the stack output "+OutputRPO)
	fs.DurationVar(&o.RTO, "rto", 0, "RTO to check against, overriding the stack output "+OutputRTO)
	kubectl := fs.String("kubectl", "kubectl", "kubectl binary")
	kubeContext := fs.String("context", "", "kubeconfig context of the DR cluster (default: the current context)")
	pgNamespace := fs.String("pg-namespace", "data", "namespace of the CloudNativePG cluster (or stack output "+outputPGNamespace+")")
	pgCluster := fs.String("pg-cluster", "postgres", "name of the CloudNativePG cluster (or stack output "+outputPGCluster+")")
	readyTimeout := fs.Duration("ready-timeout", 2*time.Hour, "how long to wait for the restored cluster to report Ready")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "drill: unexpected arguments: %v\n", fs.Args())
		return 2
	}
	if *disaster != "" {
		t, err := time.Parse(time.RFC3339, *disaster)
		if err != nil {
			fmt.Fprintf(stderr, "drill: -disaster-at: %v\n", err)
			return 2
		}
		o.DisasterAt = t
	}
	if o.RPO < 0 || o.RTO < 0 || *readyTimeout <= 0 {
		fmt.Fprintln(stderr, "drill: -rpo and -rto must not be negative, -ready-timeout must be positive")
		return 2
	}
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })

	d := Drill{
		Workspace: autoWorkspace{dir: *dir},
		Now:       time.Now,
		Progress:  stderr,
		Database: func(outputs map[string]any) (Database, error) {
			db := CloudNativePG{Kubectl: *kubectl, Context: *kubeContext, Namespace: *pgNamespace, Cluster: *pgCluster,
				Timeout: *readyTimeout, Run: execRunner}
			if s, ok := outputs[outputPGNamespace].(string); ok && s != "" && !explicit["pg-namespace"] {
				db.Namespace = s
			}
			if s, ok := outputs[outputPGCluster].(string); ok && s != "" && !explicit["pg-cluster"] {
				db.Cluster = s
			}
			return db, nil
		},
	}
	if drill != nil {
		d = *drill
	}
	res := d.Run(ctx, o)
	if err := Write(stdout, res); err != nil {
		fmt.Fprintln(stderr, "drill:", err)
		return 1
	}
	if !res.Passed() {
		return 1
	}
	return 0
}
