//go:build engine

package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// TestChecksCatchBreaks breaks what two of the engine assertions check and shows that they fail:
// an input that changes with every run (as one derived from the clock would) makes the second
// preview plan an update, and a change made outside Pulumi, recorded by refresh, makes
// preview --expect-no-changes fail. (The other assertions' breaks: TestDeleteOrderViolations for the
// delete order, TestDiffInputs for ignoreChanges and replacements, the unprotected destroy of TestProd
// for protection.)
func TestChecksCatchBreaks(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	const vpc = "aws:ec2/vpc:Vpc"
	e.vars["FAKEPROVIDER_UNSTABLE"] = vpc
	s := e.stack(ctx, "staging")
	e.phase("up")
	if _, err := s.Up(ctx, optup.SuppressProgress()); err != nil {
		t.Fatalf("up: %v", err)
	}
	ch, err := previewChanges(ctx, t, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch) != 1 || !strings.HasPrefix(ch[0], "update ") || !strings.Contains(ch[0], vpc) {
		t.Errorf("with a VPC input that changes every run, the second preview should plan one VPC update; it plans:\n%s", strings.Join(ch, "\n"))
	}

	e.ws.UnsetEnvVar("FAKEPROVIDER_UNSTABLE")
	if _, err := s.Up(ctx, optup.SuppressProgress()); err != nil {
		t.Fatalf("up without the unstable input: %v", err)
	}
	if ch, err := previewChanges(ctx, t, s, optpreview.ExpectNoChanges()); err != nil || len(ch) > 0 {
		t.Fatalf("converged stack: preview plans %v (%v)", ch, err)
	}
	e.ws.SetEnvVar("FAKEPROVIDER_DRIFT", vpc)
	if _, err := s.Refresh(ctx); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	e.ws.UnsetEnvVar("FAKEPROVIDER_DRIFT")
	ch, err = previewChanges(ctx, t, s, optpreview.ExpectNoChanges())
	if err == nil {
		t.Errorf("preview --expect-no-changes passed after refresh recorded a change made outside Pulumi")
	}
	t.Logf("after drift, preview plans: %v", ch)
}
