package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

func withConfig(g *plan.Graph, protect, owner bool) *plan.Graph {
	g.Config = &config.Platform{Protect: protect, AccountBaseline: owner}
	return g
}

func protectedRes(typ, name string, protect, retain bool) plan.Resource {
	r := res(typ, name, name, map[string]any{})
	r.Protect, r.RetainOnDelete = protect, retain
	return r
}

func TestProtectionRule(t *testing.T) {
	good := []plan.Resource{
		protectedRes("aws:eks/cluster:Cluster", "eks", true, false),
		protectedRes("aws:kms/key:Key", "key", true, true),
		protectedRes("aws:ec2/route:Route", "route", false, false), // not a listed type
	}
	assert.Empty(t, failedOf(t, "PROT-001", withConfig(graph("prod", good), true, true)))

	unprotected := append(append([]plan.Resource(nil), good...), protectedRes("aws:eks/nodeGroup:NodeGroup", "ng", false, false))
	f := failedOf(t, "PROT-001", withConfig(graph("prod", unprotected), true, true))
	if assert.Len(t, f, 1) {
		assert.Contains(t, f[0].Message, "aws:eks/nodeGroup:NodeGroup is not protected")
	}
	notRetained := append(append([]plan.Resource(nil), good...), protectedRes("aws:s3/bucketV2:BucketV2", "b", true, false))
	f = failedOf(t, "PROT-001", withConfig(graph("prod", notRetained), true, true))
	if assert.Len(t, f, 1) {
		assert.Contains(t, f[0].Message, "not retained on delete")
	}
	// An unprotected stack (staging) is not held to it.
	assert.Empty(t, failedOf(t, "PROT-001", withConfig(graph("staging", unprotected), false, false)))
}

func TestAccountWideRule(t *testing.T) {
	slr := protectedRes("aws:iam/serviceLinkedRole:ServiceLinkedRole", "slr", true, true)
	assert.Empty(t, failedOf(t, "ACCT-001", withConfig(graph("prod", []plan.Resource{slr}), true, true)))

	f := failedOf(t, "ACCT-001", withConfig(graph("staging", []plan.Resource{slr}), false, false))
	if assert.Len(t, f, 1) {
		assert.Contains(t, f[0].Message, "does not own the account baseline")
	}
	loose := protectedRes("aws:iam/serviceLinkedRole:ServiceLinkedRole", "slr", false, false)
	f = failedOf(t, "ACCT-001", withConfig(graph("prod", []plan.Resource{loose}), true, true))
	if assert.Len(t, f, 1) {
		assert.Contains(t, f[0].Message, "protected and retained on delete")
	}
}

// TestAccountWideRuleCoversTheAuditBaseline: the audit baseline's one-per-account-and-region types are
// held to ACCT-001 like the service-linked roles: a stack that does not own the baseline must not
// create them, and the owner's must be protected and retained.
func TestAccountWideRuleCoversTheAuditBaseline(t *testing.T) {
	for _, typ := range []string{
		"aws:cloudtrail/trail:Trail", "aws:guardduty/detector:Detector", "aws:cfg/recorder:Recorder",
		"aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus",
		"aws:securityhub/account:Account", "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
	} {
		kept := protectedRes(typ, "x", true, true)
		assert.Empty(t, failedOf(t, "ACCT-001", withConfig(graph("prod", []plan.Resource{kept}), true, true)), typ)
		f := failedOf(t, "ACCT-001", withConfig(graph("staging", []plan.Resource{kept}), false, false))
		if assert.Len(t, f, 1, typ) {
			assert.Contains(t, f[0].Message, "does not own the account baseline")
		}
		f = failedOf(t, "ACCT-001", withConfig(graph("prod", []plan.Resource{protectedRes(typ, "x", true, false)}), true, true))
		if assert.Len(t, f, 1, typ) {
			assert.Contains(t, f[0].Message, "protected and retained on delete")
		}
	}
}
