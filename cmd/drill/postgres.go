package main

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Runner runs a command and returns its standard output; the tests replace it.
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

func execRunner(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return out, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(ee.Stderr)))
	}
	if err != nil {
		return out, fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return out, nil
}

// CloudNativePG reaches the restored cluster through kubectl, as the runbooks do: the cluster's API
// endpoint is private, so the drill runs where kubectl reaches it (a host in the VPC).
type CloudNativePG struct {
	Kubectl   string // the kubectl binary
	Context   string // kubeconfig context; empty: the current one
	Namespace string
	Cluster   string // the CloudNativePG Cluster's name
	Timeout   time.Duration
	Run       Runner
}

// resource is the Cluster as kubectl names it.
func (c CloudNativePG) resource() string { return "cluster.postgresql.cnpg.io/" + c.Cluster }

func (c CloudNativePG) kubectl(ctx context.Context, args ...string) (string, error) {
	full := []string{}
	if c.Context != "" {
		full = append(full, "--context", c.Context)
	}
	full = append(full, "--namespace", c.Namespace)
	full = append(full, args...)
	out, err := c.Run(ctx, c.Kubectl, full...)
	return string(out), err
}

// WaitReady waits for the Cluster's Ready condition (CloudNativePG sets it when the primary serves
// and the instances are up).
func (c CloudNativePG) WaitReady(ctx context.Context) error {
	_, err := c.kubectl(ctx, "wait", "--for=condition=Ready", c.resource(), "--timeout="+c.Timeout.String())
	return err
}

// replayQuery asks the primary for the commit time of the last transaction replayed during recovery,
// as Unix seconds. PostgreSQL keeps it after promotion until the server restarts; a standby (replica
// cluster) reports it continuously.
const replayQuery = "SELECT extract(epoch FROM pg_last_xact_replay_timestamp())"

// recoveryLine is PostgreSQL's log line at the end of archive recovery (xlogrecovery.c). A rebuild
// restores in CloudNativePG's full-recovery Job and then starts the primary afresh, so there the
// replay time is empty and this line, in the Job's log, is the source.
var recoveryLine = regexp.MustCompile(`last completed transaction was at log time (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d(?::?\d\d)?| [A-Z]{3,5}))`)

// NewestTransaction reads the newest restored transaction from the primary, else from the recovery
// Job's log.
func (c CloudNativePG) NewestTransaction(ctx context.Context) (time.Time, error) {
	primary, err := c.kubectl(ctx, "get", c.resource(), "--output", "jsonpath={.status.currentPrimary}")
	if err != nil {
		return time.Time{}, err
	}
	primary = strings.TrimSpace(primary)
	if primary == "" {
		return time.Time{}, fmt.Errorf("%s has no current primary", c.resource())
	}
	out, err := c.kubectl(ctx, "exec", primary, "--container", "postgres", "--",
		"psql", "--no-psqlrc", "--tuples-only", "--no-align", "--quiet", "--command", replayQuery)
	if err != nil {
		return time.Time{}, err
	}
	if s := strings.TrimSpace(out); s != "" {
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("pg_last_xact_replay_timestamp on %s: %q is not a time", primary, s)
		}
		whole, frac := math.Modf(secs)
		return time.Unix(int64(whole), int64(frac*1e9)).UTC(), nil
	}
	logs, err := c.kubectl(ctx, "logs", "--selector", "cnpg.io/cluster="+c.Cluster+",cnpg.io/jobRole=full-recovery",
		"--all-containers", "--tail=-1")
	if err != nil {
		return time.Time{}, err
	}
	t, ok, err := lastRecoveryTime(logs)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		return time.Time{}, fmt.Errorf("%w: %s's primary %s replayed nothing since its last start, and no full-recovery Job log says \"last completed transaction was at log time\"",
			errNoNewest, c.resource(), primary)
	}
	return t, nil
}

// lastRecoveryTime finds the last "last completed transaction" line in a log.
func lastRecoveryTime(log string) (time.Time, bool, error) {
	m := recoveryLine.FindAllStringSubmatch(log, -1)
	if len(m) == 0 {
		return time.Time{}, false, nil
	}
	s := m[len(m)-1][1]
	for _, layout := range []string{"2006-01-02 15:04:05-07", "2006-01-02 15:04:05-07:00", "2006-01-02 15:04:05-0700", "2006-01-02 15:04:05 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("recovery log: %q is not a time", s)
}
