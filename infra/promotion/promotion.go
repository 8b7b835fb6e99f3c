// Package promotion keeps a `pulumi up` from changing which PostgreSQL cluster of the prod/DR pair
// is the primary by accident. backup.postgresPrimary says which cluster is the primary, and
// backup.primaryEpoch counts its changes; every production-like stack exports both. Before anything
// is registered, the program reads what this stack's last up and the pair's other stack's last up
// recorded, and Check refuses a config that would undo a promotion: an older commit deployed again,
// a primary changed without a new epoch, a stack behind its peer, or a promotion token used before the
// peer was demoted.
package promotion

import (
	"fmt"
	"math"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Output names every production-like stack exports and Read reads back.
const (
	OutputPrimary = "postgresPrimary"
	OutputEpoch   = "postgresPrimaryEpoch"
)

// Recorded is what one stack's last up exported about the pair. Present is false for a stack that
// has not exported them yet (its first up, or a stack from before the epoch existed).
type Recorded struct {
	Stack   string
	Primary string
	Epoch   int
	Present bool
}

func (r Recorded) String() string {
	return fmt.Sprintf("stack %s recorded primary %s at epoch %d", r.Stack, r.Primary, r.Epoch)
}

// Args is one stack's config against the records.
type Args struct {
	// Self is this stack's cluster name in the topology ("prod" or "dr").
	Self string
	// Primary, Epoch and Token are backup.postgresPrimary, backup.primaryEpoch and
	// backup.promotionToken as configured.
	Primary string
	Epoch   int
	Token   string
	// Own is this stack's last record; Peer the pair's other stack's (zero: not read).
	Own, Peer Recorded
}

// Field paths of the errors: the config fields a reader changes to fix them.
var (
	primaryPath = field.NewPath("backup").Child("postgresPrimary")
	epochPath   = field.NewPath("backup").Child("primaryEpoch")
	tokenPath   = field.NewPath("backup").Child("promotionToken")
)

// Check returns every reason the config must not be deployed over the records. The rules, like a
// term in a consensus protocol: an epoch only goes up; within an epoch there is one primary, the
// same in every record; and a promotion token is only meaningful once the peer recorded its own
// demotion in this epoch (CloudNativePG writes status.demotionToken when the demoted cluster
// has archived its last WAL: docs/src/replica_cluster.md, "Demoting a Primary to a Replica
// Cluster", v1.30.0, read 2026-12-02).
func Check(a Args) field.ErrorList {
	var errs field.ErrorList
	if own := a.Own; own.Present {
		switch {
		case a.Epoch < own.Epoch:
			errs = append(errs, field.Invalid(epochPath, a.Epoch, fmt.Sprintf(
				"is older than this stack's last up (%s): deploying it would undo that change; deploy the newer config", own)))
		case a.Epoch == own.Epoch && a.Primary != own.Primary:
			errs = append(errs, field.Invalid(primaryPath, a.Primary, fmt.Sprintf(
				"changes the primary within epoch %d (%s): raise backup.primaryEpoch to %d with every change of postgresPrimary",
				a.Epoch, own, own.Epoch+1)))
		}
	}
	if peer := a.Peer; peer.Present {
		switch {
		case a.Epoch < peer.Epoch:
			errs = append(errs, field.Invalid(epochPath, a.Epoch, fmt.Sprintf(
				"is behind the pair's other stack (%s): set backup.postgresPrimary %s and backup.primaryEpoch %d here first, or this up would make a second primary or undo its promotion",
				peer, peer.Primary, peer.Epoch)))
		case a.Epoch == peer.Epoch && a.Primary != peer.Primary:
			errs = append(errs, field.Invalid(primaryPath, a.Primary, fmt.Sprintf(
				"disagrees with the pair's other stack in the same epoch (%s): two primaries; raise backup.primaryEpoch for a new change", peer)))
		}
	}
	// A token promotes this cluster once the peer, demoted, has handed over its last WAL. The peer
	// records its demotion by deploying this epoch with this cluster as primary; before that the
	// token cannot exist, and a promotion without it would be a failover while the peer serves. A
	// stack with no record has no cluster to promote (and the offline plan has no records at all).
	if a.Token != "" && a.Primary == a.Self && a.Own.Present && a.Own.Epoch != a.Epoch {
		if !a.Peer.Present || a.Peer.Epoch != a.Epoch || a.Peer.Primary != a.Self {
			errs = append(errs, field.Invalid(tokenPath, "[token]", fmt.Sprintf(
				"promotes %s in epoch %d, but the pair's other stack has not recorded its demotion in that epoch (%s): deploy the other stack with postgresPrimary %s and primaryEpoch %d first",
				a.Self, a.Epoch, describe(a.Peer), a.Self, a.Epoch)))
		}
	}
	return errs
}

func describe(r Recorded) string {
	if !r.Present {
		return "no record read"
	}
	return r.String()
}

// QualifiedName is a stack reference name for stack in this program's organization and project,
// unless it is already qualified (organization/project/stack).
func QualifiedName(ctx *pulumi.Context, stack string) string {
	if strings.Count(stack, "/") == 2 {
		return stack
	}
	return ctx.Organization() + "/" + ctx.Project() + "/" + stack
}

// Read reads a stack's last record through a StackReference: it waits for the answer, so the
// program knows it before registering anything else. A stack with no such outputs reads as not
// present; a stack the backend does not know fails the up (the engine's error names it).
func Read(ctx *pulumi.Context, name, stack string) (Recorded, error) {
	qualified := QualifiedName(ctx, stack)
	ref, err := pulumi.NewStackReference(ctx, name, &pulumi.StackReferenceArgs{Name: pulumi.String(qualified)})
	if err != nil {
		return Recorded{}, fmt.Errorf("stack reference %s: %w", qualified, err)
	}
	rec := Recorded{Stack: qualified}
	primary, err := ref.GetOutputDetails(OutputPrimary)
	if err != nil {
		return Recorded{}, fmt.Errorf("reading %s of stack %s: %w", OutputPrimary, qualified, err)
	}
	epoch, err := ref.GetOutputDetails(OutputEpoch)
	if err != nil {
		return Recorded{}, fmt.Errorf("reading %s of stack %s: %w", OutputEpoch, qualified, err)
	}
	p, okP := primary.Value.(string)
	e, okE := epoch.Value.(float64) // JSON numbers arrive as float64
	if !okP || !okE {
		return rec, nil
	}
	if e != math.Trunc(e) || e < 1 {
		return Recorded{}, fmt.Errorf("stack %s output %s is %v, not an epoch", qualified, OutputEpoch, e)
	}
	rec.Primary, rec.Epoch, rec.Present = p, int(e), true
	return rec, nil
}
