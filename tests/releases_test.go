package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestEveryReleaseRollsBackAndIsBounded: every Helm release of every stack is atomic (a failed
// install or upgrade is rolled back by Helm instead of leaving a half-applied release that the next
// up must repair by hand), cleans up what a failed upgrade created, waits at most a bounded time, and
// keeps a bounded history (Helm keeps every revision as a Secret otherwise).
func TestEveryReleaseRollsBackAndIsBounded(t *testing.T) {
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			g, _ := record(t, s)
			n := 0
			for _, r := range g.Resources {
				if r.Type != typeHelmRelease {
					continue
				}
				n++
				assert.Equal(t, true, r.Inputs["atomic"], "%s: atomic", r.Name)
				assert.Equal(t, true, r.Inputs["cleanupOnFail"], "%s: cleanupOnFail", r.Name)
				timeout, _ := r.Inputs["timeout"].(float64)
				assert.True(t, timeout > 0 && timeout <= 1800, "%s: timeout %v s, want 1 to 1800", r.Name, r.Inputs["timeout"])
				history, _ := r.Inputs["maxHistory"].(float64)
				assert.True(t, history > 0 && history <= 20, "%s: maxHistory %v, want 1 to 20", r.Name, r.Inputs["maxHistory"])
			}
			assert.Positive(t, n)
		})
	}
}

// TestEveryJobIsBounded: every Job the program creates has a deadline (a Job that cannot finish
// fails the up in bounded time instead of holding it) and no TTL (the stack owns the Job: one the TTL
// controller deleted would be created and run again by the next up).
func TestEveryJobIsBounded(t *testing.T) {
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			g, _ := record(t, s)
			n := 0
			for _, r := range g.Resources {
				if r.Type != "kubernetes:batch/v1:Job" {
					continue
				}
				n++
				spec, _ := r.Inputs["spec"].(map[string]any)
				deadline, _ := spec["activeDeadlineSeconds"].(float64)
				assert.True(t, deadline > 0 && deadline <= 3600, "%s: activeDeadlineSeconds %v, want 1 to 3600", r.Name, spec["activeDeadlineSeconds"])
				assert.NotContains(t, spec, "ttlSecondsAfterFinished", r.Name)
			}
			assert.Positive(t, n)
		})
	}
}
