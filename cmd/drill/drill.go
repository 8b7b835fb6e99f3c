package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Stack is what the drill needs of a Pulumi stack. The real one is an Automation API stack
// (workspace.go); the tests use a fake.
type Stack interface {
	Name() string
	// SetConfig sets one config value before the update, like `pulumi config set`.
	SetConfig(ctx context.Context, key, value string, secret bool) error
	// Up runs `pulumi up` and returns the stack outputs, secrets included as plain values.
	Up(ctx context.Context, progress io.Writer) (map[string]any, error)
}

// Workspace selects a stack, creating it when the backend has none (a rebuild from nothing).
type Workspace interface {
	Stack(ctx context.Context, name string) (Stack, error)
}

// Database is the restored PostgreSQL cluster, reached once the stack is up.
type Database interface {
	// WaitReady returns when the cluster serves, or with an error at its timeout.
	WaitReady(ctx context.Context) error
	// NewestTransaction is the commit time of the newest transaction the restore brought back.
	NewestTransaction(ctx context.Context) (time.Time, error)
}

// Output names of the estimates (the backup component exports them, in minutes).
const (
	OutputRPO = "rpoMinutes"
	OutputRTO = "rtoMinutes"
)

// Phase names, in the order the drill runs them. RTO runs from the declared disaster to the end of
// the database phase: the platform is up and the data serves. Verify only measures.
var phases = []struct{ name, what string }{
	{"stack", "select the stack (create it if the backend has none) and apply -set"},
	{"up", "pulumi up: the platform rebuilt from the backups"},
	{"database", "the restored PostgreSQL cluster reports Ready"},
	{"verify", "read the newest restored transaction"},
}

// Options of one drill.
type Options struct {
	Stack string
	// Set are config values applied before the update, key → value.
	Set map[string]string
	// DisasterAt is when the disaster is declared; zero means the drill's start.
	DisasterAt time.Time
	// RPO and RTO override the stack's estimates when non-zero.
	RPO, RTO time.Duration
}

// Drill runs the phases against its workspace and database, timing them with Now.
type Drill struct {
	Workspace Workspace
	// Database builds the database client from the stack outputs (the DR cluster exists only after up).
	Database func(outputs map[string]any) (Database, error)
	Now      func() time.Time
	Progress io.Writer
}

// PhaseResult is one phase as it ran.
type PhaseResult struct {
	Name, What string
	Took       time.Duration
	Err        error
}

// Estimate is a target the measurement is held against.
type Estimate struct {
	Value  time.Duration
	Source string // e.g. "stack output rpoMinutes", "flag -rpo"
	Known  bool
	// Problem says why it is not known ("not exported", "not a number: …").
	Problem string
}

// Result is the drill's record.
type Result struct {
	Stack                    string
	Started, DisasterAt      time.Time
	Phases                   []PhaseResult
	NewestTransaction        time.Time
	MeasuredRPO, MeasuredRTO time.Duration
	RPO, RTO                 Estimate
	// Err is the failure that stopped the drill, if any.
	Err error
}

// Completed reports whether every phase ran.
func (r Result) Completed() bool { return r.Err == nil && len(r.Phases) == len(phases) }

// WithinRPO and WithinRTO are false when the measurement exceeds a known target.
func (r Result) WithinRPO() bool { return !r.RPO.Known || r.MeasuredRPO <= r.RPO.Value }
func (r Result) WithinRTO() bool { return !r.RTO.Known || r.MeasuredRTO <= r.RTO.Value }

// Passed: every phase ran and no measurement exceeds its target.
func (r Result) Passed() bool { return r.Completed() && r.WithinRPO() && r.WithinRTO() }

// Run runs the drill. It stops at the first failing phase; the result says which and how far it got.
func (d Drill) Run(ctx context.Context, o Options) Result {
	res := Result{Stack: o.Stack, Started: d.Now()}
	res.DisasterAt = o.DisasterAt
	if res.DisasterAt.IsZero() {
		res.DisasterAt = res.Started
	}
	var (
		stack   Stack
		outputs map[string]any
		db      Database
	)
	steps := map[string]func() error{
		"stack": func() error {
			s, err := d.Workspace.Stack(ctx, o.Stack)
			if err != nil {
				return err
			}
			for _, k := range sortedKeys(o.Set) {
				if err := s.SetConfig(ctx, k, o.Set[k], false); err != nil {
					return fmt.Errorf("set %s: %w", k, err)
				}
			}
			stack = s
			return nil
		},
		"up": func() error {
			var err error
			outputs, err = stack.Up(ctx, d.Progress)
			return err
		},
		"database": func() error {
			var err error
			if db, err = d.Database(outputs); err != nil {
				return err
			}
			return db.WaitReady(ctx)
		},
		"verify": func() error {
			var err error
			res.NewestTransaction, err = db.NewestTransaction(ctx)
			return err
		},
	}
	for _, p := range phases {
		start := d.Now()
		err := steps[p.name]()
		end := d.Now()
		res.Phases = append(res.Phases, PhaseResult{Name: p.name, What: p.what, Took: end.Sub(start), Err: err})
		if err != nil {
			res.Err = fmt.Errorf("phase %s: %w", p.name, err)
			break
		}
		if p.name == "database" {
			res.MeasuredRTO = end.Sub(res.DisasterAt)
		}
	}
	if !res.NewestTransaction.IsZero() {
		// A standby that kept replaying after the declared time lost nothing up to that time.
		res.MeasuredRPO = max(res.DisasterAt.Sub(res.NewestTransaction), 0)
	}
	res.RPO = estimate(o.RPO, "-rpo", outputs, OutputRPO)
	res.RTO = estimate(o.RTO, "-rto", outputs, OutputRTO)
	return res
}

// estimate takes a flag's value over the stack output (minutes, as the backup component exports it).
func estimate(flagValue time.Duration, flagName string, outputs map[string]any, output string) Estimate {
	if flagValue > 0 {
		return Estimate{Value: flagValue, Source: "flag " + flagName, Known: true}
	}
	src := "stack output " + output
	v, ok := outputs[output]
	if !ok || v == nil {
		return Estimate{Source: src, Problem: "not exported"}
	}
	minutes, err := number(v)
	if err != nil {
		return Estimate{Source: src, Problem: err.Error()}
	}
	if minutes < 0 {
		return Estimate{Source: src, Problem: fmt.Sprintf("negative: %v", v)}
	}
	return Estimate{Value: time.Duration(minutes * float64(time.Minute)), Source: src, Known: true}
}

func number(v any) (float64, error) {
	switch n := v.(type) {
	case float64:
		return n, nil
	case float32:
		return float64(n), nil
	case int:
		return float64(n), nil
	case int64:
		return float64(n), nil
	case json.Number:
		return n.Float64()
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		if err != nil {
			return 0, fmt.Errorf("not a number: %q", n)
		}
		return f, nil
	}
	return 0, fmt.Errorf("not a number: %v (%T)", v, v)
}

// Write prints the drill's report: the phases with their times, then RPO and RTO measured against
// the estimates.
func Write(w io.Writer, r Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "DR drill of stack %s, started %s", r.Stack, r.Started.UTC().Format(time.RFC3339))
	if !r.DisasterAt.Equal(r.Started) {
		fmt.Fprintf(&b, ", disaster declared %s", r.DisasterAt.UTC().Format(time.RFC3339))
	}
	b.WriteString("\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "phase\ttook\twhat")
	for _, p := range r.Phases {
		took := duration(p.Took)
		if p.Err != nil {
			took += " FAILED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, took, p.What)
	}
	for _, p := range phases[len(r.Phases):] {
		fmt.Fprintf(tw, "%s\t-\tnot run\n", p.name)
	}
	_ = tw.Flush()

	if r.Err != nil {
		fmt.Fprintf(&b, "\nThe drill stopped: %v\n", r.Err)
	}
	b.WriteString("\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "\tmeasured\testimate\tsource\tresult")
	rpoMeasured, rtoMeasured := "-", "-"
	if !r.NewestTransaction.IsZero() {
		rpoMeasured = duration(r.MeasuredRPO)
	}
	if r.MeasuredRTO > 0 {
		rtoMeasured = duration(r.MeasuredRTO)
	}
	fmt.Fprintf(tw, "RPO\t%s\t%s\t%s\t%s\n", rpoMeasured, estimateText(r.RPO), r.RPO.Source, verdict(r.RPO, rpoMeasured != "-", r.WithinRPO()))
	fmt.Fprintf(tw, "RTO\t%s\t%s\t%s\t%s\n", rtoMeasured, estimateText(r.RTO), r.RTO.Source, verdict(r.RTO, rtoMeasured != "-", r.WithinRTO()))
	_ = tw.Flush()

	if !r.NewestTransaction.IsZero() {
		fmt.Fprintf(&b, "\nNewest restored transaction: %s. RPO is the declared disaster time minus it: data written in between is lost.\n",
			r.NewestTransaction.UTC().Format(time.RFC3339Nano))
		if r.NewestTransaction.After(r.DisasterAt) {
			b.WriteString("It is after the declared disaster time: nothing written before that time was lost.\n")
		}
	}
	b.WriteString("RTO runs from the declared disaster to the end of the database phase.\n")
	switch {
	case r.Passed():
		b.WriteString("\nResult: PASSED\n")
	case !r.Completed():
		b.WriteString("\nResult: FAILED (the drill did not complete)\n")
	default:
		b.WriteString("\nResult: FAILED (a measurement exceeds its estimate)\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func estimateText(e Estimate) string {
	if !e.Known {
		return e.Problem
	}
	return duration(e.Value)
}

func verdict(e Estimate, measured, within bool) string {
	switch {
	case !measured:
		return "not measured"
	case !e.Known:
		return "not checked"
	case within:
		return "within"
	}
	return "EXCEEDS"
}

// duration prints whole seconds (sub-second precision means nothing over a rebuild).
func duration(d time.Duration) string {
	return d.Round(time.Second).String()
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// errNoNewest is returned when no source knows the newest restored transaction.
var errNoNewest = errors.New("the newest restored transaction is unknown")
