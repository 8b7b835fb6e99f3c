package promotion

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func rec(stack, primary string, epoch int) Recorded {
	return Recorded{Stack: stack, Primary: primary, Epoch: epoch, Present: true}
}

// step is one `pulumi up` of one stack in a runbook sequence: the stack's config, and the records
// of both stacks before it. The sequences are docs/runbooks/disaster-recovery.md's, step by step.
type step struct {
	name              string
	self              string
	primary           string
	epoch             int
	token             string
	own, peer         Recorded
	wantField, reason string // empty wantField: the up goes ahead
}

func TestRunbookSequences(t *testing.T) {
	const tok = "eyJ0b2tlbiI6InRlc3QifQ=="
	steps := []step{
		// The first up of each stack: nothing recorded anywhere.
		{name: "first up of prod", self: "prod", primary: "prod", epoch: 1},
		{name: "first up of prod-dr", self: "dr", primary: "prod", epoch: 1, peer: rec("prod", "prod", 1)},
		{name: "a later up, nothing changed", self: "prod", primary: "prod", epoch: 1, own: rec("prod", "prod", 1), peer: rec("prod-dr", "prod", 1)},

		// Failover: Ningxia is gone; prod-dr is promoted with a new epoch and no token.
		{name: "failover: prod-dr promoted", self: "dr", primary: "dr", epoch: 2, own: rec("prod-dr", "prod", 1), peer: rec("prod", "prod", 1)},
		{name: "failover while prod's state is unreadable (pairStack empty)", self: "dr", primary: "dr", epoch: 2, own: rec("prod-dr", "prod", 1)},
		// The old commit deployed again to prod-dr would demote the primary that serves.
		{name: "old commit on promoted prod-dr", self: "dr", primary: "prod", epoch: 1, own: rec("prod-dr", "dr", 2), peer: rec("prod", "prod", 1),
			wantField: "backup.primaryEpoch", reason: "older than this stack's last up"},
		// Ningxia back, prod deployed from a branch that predates the failover: a second primary.
		{name: "stale prod after failover", self: "prod", primary: "prod", epoch: 1, own: rec("prod", "prod", 1), peer: rec("prod-dr", "dr", 2),
			wantField: "backup.primaryEpoch", reason: "behind the pair's other stack"},
		// The primary changed in config but the epoch was not raised.
		{name: "primary changed without a new epoch", self: "dr", primary: "dr", epoch: 1, own: rec("prod-dr", "prod", 1), peer: rec("prod", "prod", 1),
			wantField: "backup.postgresPrimary", reason: "within epoch 1"},
		// Re-clone of prod as a replica of prod-dr (runbook step 5.1).
		{name: "prod re-cloned as replica", self: "prod", primary: "dr", epoch: 2, own: rec("prod", "prod", 1), peer: rec("prod-dr", "dr", 2)},

		// Fail-back, a controlled switchover: prod-dr demoted first (epoch 3), then prod promoted with the token.
		{name: "fail-back 1: prod-dr demoted", self: "dr", primary: "prod", epoch: 3, own: rec("prod-dr", "dr", 2), peer: rec("prod", "dr", 2)},
		{name: "fail-back: prod deployed meanwhile with the old epoch", self: "prod", primary: "dr", epoch: 2, own: rec("prod", "dr", 2), peer: rec("prod-dr", "prod", 3),
			wantField: "backup.primaryEpoch", reason: "behind the pair's other stack"},
		{name: "fail-back 2: prod promoted with the token", self: "prod", primary: "prod", epoch: 3, token: tok, own: rec("prod", "dr", 2), peer: rec("prod-dr", "prod", 3)},
		{name: "fail-back done: token stays in config", self: "prod", primary: "prod", epoch: 3, token: tok, own: rec("prod", "prod", 3), peer: rec("prod-dr", "prod", 3)},
		// The token used before prod-dr was demoted: it cannot exist yet, and the promotion would be a
		// failover while prod-dr still takes writes.
		{name: "token before the peer's demotion", self: "prod", primary: "prod", epoch: 3, token: tok, own: rec("prod", "dr", 2), peer: rec("prod-dr", "dr", 2),
			wantField: "backup.promotionToken", reason: "has not recorded its demotion"},
		{name: "token with no peer read", self: "prod", primary: "prod", epoch: 3, token: tok, own: rec("prod", "dr", 2),
			wantField: "backup.promotionToken", reason: "no record read"},
		// The offline plan, or a stack's first up: no cluster exists to promote, nothing to check.
		{name: "token with no records at all", self: "prod", primary: "prod", epoch: 3, token: tok},
		// Two primaries declared in one epoch.
		{name: "same epoch, other primary than the peer", self: "prod", primary: "prod", epoch: 2, peer: rec("prod-dr", "dr", 2),
			wantField: "backup.postgresPrimary", reason: "two primaries"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			errs := Check(Args{Self: s.self, Primary: s.primary, Epoch: s.epoch, Token: s.token, Own: s.own, Peer: s.peer})
			if s.wantField == "" {
				assert.Empty(t, errs)
				return
			}
			// A config can break more than one rule (a primary changed within an epoch also
			// disagrees with a peer in that epoch); the step names the one the runbook is about.
			found := false
			for _, e := range errs {
				found = found || (e.Field == s.wantField && strings.Contains(e.Error(), s.reason))
			}
			assert.True(t, found, "want %s (%q) among %v", s.wantField, s.reason, errs)
		})
	}
}

// The token never appears in an error: it is what promotes the cluster.
func TestTokenNotPrinted(t *testing.T) {
	const tok = "c2VjcmV0LXRva2Vu"
	errs := Check(Args{Self: "prod", Primary: "prod", Epoch: 3, Token: tok, Own: rec("prod", "dr", 2)})
	assert.NotEmpty(t, errs)
	assert.False(t, strings.Contains(errs.ToAggregate().Error(), tok))
}
