package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clock is a fake clock that the fakes move forward, as the real phases would take time.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

type fakeStack struct {
	c       *clock
	took    time.Duration
	outputs map[string]any
	err     error
	calls   *[]string
}

func (s *fakeStack) Name() string { return "prod-dr" }

func (s *fakeStack) SetConfig(_ context.Context, key, value string, _ bool) error {
	*s.calls = append(*s.calls, "set "+key+"="+value)
	return nil
}

func (s *fakeStack) Up(context.Context, io.Writer) (map[string]any, error) {
	*s.calls = append(*s.calls, "up")
	s.c.Advance(s.took)
	return s.outputs, s.err
}

type fakeWorkspace struct {
	c     *clock
	stack *fakeStack
}

func (w fakeWorkspace) Stack(_ context.Context, name string) (Stack, error) {
	*w.stack.calls = append(*w.stack.calls, "select "+name)
	w.c.Advance(12 * time.Second)
	return w.stack, nil
}

type fakeDB struct {
	c                 *clock
	readyAfter, query time.Duration
	newest            time.Time
	readyErr          error
}

func (d fakeDB) WaitReady(context.Context) error {
	d.c.Advance(d.readyAfter)
	return d.readyErr
}

func (d fakeDB) NewestTransaction(context.Context) (time.Time, error) {
	d.c.Advance(d.query)
	if d.newest.IsZero() {
		return time.Time{}, errNoNewest
	}
	return d.newest, nil
}

var start = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

type fixture struct {
	clock *clock
	calls []string
	stack *fakeStack
	db    fakeDB
	dbFor map[string]any // the outputs the Database constructor was given
}

func newFixture(outputs map[string]any) *fixture {
	f := &fixture{clock: &clock{t: start}}
	f.stack = &fakeStack{c: f.clock, took: 38*time.Minute + 5*time.Second, outputs: outputs, calls: &f.calls}
	f.db = fakeDB{c: f.clock, readyAfter: 4*time.Minute + 10*time.Second, query: 3 * time.Second,
		newest: start.Add(-3*time.Minute - 20*time.Second)}
	return f
}

func (f *fixture) drill() *Drill {
	return &Drill{
		Workspace: fakeWorkspace{c: f.clock, stack: f.stack},
		Now:       f.clock.Now,
		Progress:  io.Discard,
		Database: func(outputs map[string]any) (Database, error) {
			f.dbFor = outputs
			return f.db, nil
		},
	}
}

func drillRun(t *testing.T, f *fixture, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut, f.drill())
	return code, squash(out.String() + errOut.String())
}

var spaces = regexp.MustCompile(` {2,}`)

// squash folds the report's column padding into single spaces, so the checks read the content.
func squash(s string) string { return spaces.ReplaceAllString(s, " ") }

func TestDrillTimesPhasesAndMeetsEstimates(t *testing.T) {
	f := newFixture(map[string]any{"rpoMinutes": 5.0, "rtoMinutes": float64(60), "region": "cn-north-1"})
	res := f.drill().Run(context.Background(), Options{Stack: "prod-dr", Set: map[string]string{"b": "2", "a": "1"}})

	require.NoError(t, res.Err)
	require.Len(t, res.Phases, 4)
	took := map[string]time.Duration{}
	for _, p := range res.Phases {
		took[p.Name] = p.Took
	}
	assert.Equal(t, map[string]time.Duration{"stack": 12 * time.Second, "up": 38*time.Minute + 5*time.Second,
		"database": 4*time.Minute + 10*time.Second, "verify": 3 * time.Second}, took)
	// RTO: start to the end of the database phase (12 s + 38 m 5 s + 4 m 10 s); verify is not in it.
	assert.Equal(t, 42*time.Minute+27*time.Second, res.MeasuredRTO)
	assert.Equal(t, 3*time.Minute+20*time.Second, res.MeasuredRPO)
	assert.Equal(t, Estimate{Value: 5 * time.Minute, Source: "stack output rpoMinutes", Known: true}, res.RPO)
	assert.Equal(t, 60*time.Minute, res.RTO.Value)
	assert.True(t, res.Passed())
	assert.Equal(t, []string{"select prod-dr", "set a=1", "set b=2", "up"}, f.calls, "config is set, sorted, before up")
	assert.Equal(t, "cn-north-1", f.dbFor["region"], "the database is built from the outputs of up")

	var out bytes.Buffer
	require.NoError(t, Write(&out, res))
	got := squash(out.String())
	for _, want := range []string{
		"DR drill of stack prod-dr, started 2026-11-25T10:00:00Z",
		"up 38m5s pulumi up: the platform rebuilt from the backups",
		"RPO 3m20s 5m0s stack output rpoMinutes within",
		"RTO 42m27s 1h0m0s stack output rtoMinutes within",
		"Newest restored transaction: 2026-11-25T09:56:40Z",
		"Result: PASSED",
	} {
		assert.Contains(t, got, want)
	}
}

func TestDrillWithoutEstimatesSaysNotExported(t *testing.T) {
	f := newFixture(map[string]any{"region": "cn-north-1"})
	code, out := drillRun(t, f)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "RPO 3m20s not exported stack output rpoMinutes not checked")
	assert.Contains(t, out, "RTO 42m27s not exported stack output rtoMinutes not checked")
}

func TestDrillFailsWhenRPOExceeded(t *testing.T) {
	f := newFixture(map[string]any{"rpoMinutes": 2, "rtoMinutes": "90"})
	code, out := drillRun(t, f)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "RPO 3m20s 2m0s")
	assert.Contains(t, out, "EXCEEDS")
	assert.Contains(t, out, "1h30m0s", "a string output is read as minutes")
	assert.Contains(t, out, "Result: FAILED (a measurement exceeds its estimate)")
}

func TestFlagsOverrideEstimatesAndDisasterTime(t *testing.T) {
	f := newFixture(map[string]any{"rpoMinutes": 5, "rtoMinutes": 60})
	// The disaster was declared 10 minutes before the drill started: RTO grows by 10 minutes, and the
	// newest transaction (3 m 20 s before the start) is after it, so nothing before it was lost.
	code, out := drillRun(t, f, "-rto", "45m", "-rpo", "1m", "-disaster-at", "2026-11-25T09:50:00Z")
	assert.Equal(t, 1, code, "RTO 52m27s exceeds the -rto 45m given")
	assert.Contains(t, out, "disaster declared 2026-11-25T09:50:00Z")
	assert.Contains(t, out, "RPO 0s 1m0s flag -rpo within")
	assert.Contains(t, out, "RTO 52m27s 45m0s flag -rto EXCEEDS")
	assert.Contains(t, out, "It is after the declared disaster time")
}

func TestDrillStopsAtAFailedPhase(t *testing.T) {
	f := newFixture(nil)
	f.stack.err = errors.New("creating EKS cluster: AccessDenied")
	f.stack.took = 7 * time.Minute
	code, out := drillRun(t, f)
	assert.Equal(t, 1, code)
	assert.Nil(t, f.dbFor, "no database phase after a failed up")
	assert.Contains(t, out, "up 7m0s FAILED")
	assert.Contains(t, out, "database - not run")
	assert.Contains(t, out, "The drill stopped: phase up: creating EKS cluster: AccessDenied")
	assert.Contains(t, out, "RPO - not exported stack output rpoMinutes not measured")
	assert.Contains(t, out, "Result: FAILED (the drill did not complete)")

	f = newFixture(map[string]any{"rpoMinutes": 5})
	f.db.newest = time.Time{}
	code, out = drillRun(t, f)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "phase verify: the newest restored transaction is unknown")
}

func TestBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-disaster-at", "yesterday"},
		{"-set", "novalue"},
		{"-rpo", "-5m"},
		{"-ready-timeout", "0s"},
		{"extra"},
	} {
		code, out := drillRun(t, newFixture(nil), args...)
		assert.Equal(t, 2, code, "%v: %s", args, out)
	}
}

func TestEstimateFromOutputs(t *testing.T) {
	for _, c := range []struct {
		v       any
		want    time.Duration
		problem string
	}{
		{4.5, 4*time.Minute + 30*time.Second, ""},
		{int64(30), 30 * time.Minute, ""},
		{"15", 15 * time.Minute, ""},
		{"soon", 0, `not a number: "soon"`},
		{true, 0, "not a number: true (bool)"},
		{-1.0, 0, "negative: -1"},
		{nil, 0, "not exported"},
	} {
		e := estimate(0, "-rpo", map[string]any{"rpoMinutes": c.v}, "rpoMinutes")
		assert.Equal(t, c.problem == "", e.Known, "%v", c.v)
		assert.Equal(t, c.want, e.Value, "%v", c.v)
		assert.Equal(t, c.problem, e.Problem, "%v", c.v)
	}
}

// fakeKubectl answers kubectl commands by their arguments.
func fakeKubectl(answers map[string]string, calls *[]string) Runner {
	return func(_ context.Context, name string, args ...string) ([]byte, error) {
		line := name + " " + strings.Join(args, " ")
		*calls = append(*calls, line)
		for k, v := range answers {
			if strings.Contains(line, k) {
				return []byte(v), nil
			}
		}
		return nil, errors.New("unexpected command: " + line)
	}
}

func TestCloudNativePGReadsTheReplayTime(t *testing.T) {
	var calls []string
	db := CloudNativePG{Kubectl: "kubectl", Context: "suoke-prod-dr", Namespace: "data", Cluster: "postgres", Timeout: time.Hour,
		Run: fakeKubectl(map[string]string{
			"wait":                   "cluster.postgresql.cnpg.io/postgres condition met\n",
			"jsonpath":               "postgres-2",
			"pg_last_xact_replay_ti": "1795600600.25\n",
		}, &calls)}
	require.NoError(t, db.WaitReady(context.Background()))
	got, err := db.NewestTransaction(context.Background())
	require.NoError(t, err)
	assert.Equal(t, time.Unix(1795600600, 250000000).UTC(), got)
	assert.Equal(t, []string{
		"kubectl --context suoke-prod-dr --namespace data wait --for=condition=Ready cluster.postgresql.cnpg.io/postgres --timeout=1h0m0s",
		"kubectl --context suoke-prod-dr --namespace data get cluster.postgresql.cnpg.io/postgres --output jsonpath={.status.currentPrimary}",
		"kubectl --context suoke-prod-dr --namespace data exec postgres-2 --container postgres -- psql --no-psqlrc --tuples-only --no-align --quiet --command " + replayQuery,
	}, calls)
}

func TestCloudNativePGFallsBackToTheRecoveryLog(t *testing.T) {
	log := `{"level":"info","logger":"postgres","msg":"record","record":{"message":"restored log file \"000000010000000000000007\" from archive"}}
{"level":"info","logger":"postgres","msg":"record","record":{"message":"last completed transaction was at log time 2026-11-25 09:56:40.123456+00"}}
{"level":"info","logger":"postgres","msg":"record","record":{"message":"selected new timeline ID: 2"}}
`
	var calls []string
	db := CloudNativePG{Kubectl: "kubectl", Namespace: "data", Cluster: "postgres",
		Run: fakeKubectl(map[string]string{"jsonpath": "postgres-1", "pg_last_xact": "\n", "jobRole=full-recovery": log}, &calls)}
	got, err := db.NewestTransaction(context.Background())
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 11, 25, 9, 56, 40, 123456000, time.UTC), got)
	assert.Contains(t, calls[len(calls)-1], "logs --selector cnpg.io/cluster=postgres,cnpg.io/jobRole=full-recovery --all-containers --tail=-1")

	db.Run = fakeKubectl(map[string]string{"jsonpath": "postgres-1", "pg_last_xact": "", "jobRole": "nothing useful\n"}, &calls)
	_, err = db.NewestTransaction(context.Background())
	assert.ErrorIs(t, err, errNoNewest)

	db.Run = fakeKubectl(map[string]string{"jsonpath": " "}, &calls)
	_, err = db.NewestTransaction(context.Background())
	assert.ErrorContains(t, err, "has no current primary")
}

func TestRecoveryLineTimeZones(t *testing.T) {
	for line, want := range map[string]time.Time{
		"last completed transaction was at log time 2026-11-25 17:56:40+08":         time.Date(2026, 11, 25, 9, 56, 40, 0, time.UTC),
		"last completed transaction was at log time 2026-11-25 04:26:40.5+05:30":    time.Date(2026, 11, 25, 22, 56, 40, 500000000, time.UTC).Add(-24 * time.Hour),
		"last completed transaction was at log time 2026-11-25 09:56:40.000001 UTC": time.Date(2026, 11, 25, 9, 56, 40, 1000, time.UTC),
	} {
		got, ok, err := lastRecoveryTime(line)
		require.NoError(t, err, line)
		require.True(t, ok, line)
		assert.Equal(t, want, got, line)
	}
}
