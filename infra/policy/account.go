package policy

import (
	"github.com/suoke-life/suoke-platform/infra/protection"
)

// Protection and account-wide resources.
var accountRules = []Rule{
	{ID: "PROT-001", Severity: Critical, Description: "in a protected stack, every resource of a stateful or hard-to-replace type (infra/protection) is protected, and retained where its rule says", Check: checkProtection},
	{ID: "ACCT-001", Severity: Critical, Description: "account-wide resources are created only by the stack that owns the account baseline, and kept on its destroy", Check: checkAccountWide},
}

func checkProtection(x *Index) []Finding {
	cfg := x.Graph.Config
	if cfg == nil || !cfg.Protect {
		return nil
	}
	var out []Finding
	for _, typ := range protection.Types() {
		rule, _ := protection.Lookup(typ)
		for _, r := range x.OfType(typ) {
			switch {
			case !r.Protect:
				out = append(out, fail(r.URN, "%s is not protected in a protected stack: %s", typ, rule.Why))
			case rule.Retain && !r.RetainOnDelete:
				out = append(out, fail(r.URN, "%s is protected but not retained on delete: %s", typ, rule.Why))
			default:
				out = append(out, pass(r.URN, "%s protected", typ))
			}
		}
	}
	return out
}

// accountWideTypes are resource types of which an account holds one per name, or one per region,
// shared by every stack in it: IAM service-linked roles (one per service and account), and the audit
// baseline (infra/audit): the account's trail, and per region the GuardDuty detector, the AWS Config
// recorder with its delivery channel and status, the Security Hub account and the ECR registry's
// scanning configuration. A second one fails to create, or silently replaces the owner's settings.
var accountWideTypes = []string{
	"aws:iam/serviceLinkedRole:ServiceLinkedRole",
	"aws:cloudtrail/trail:Trail",
	"aws:guardduty/detector:Detector",
	"aws:cfg/recorder:Recorder",
	"aws:cfg/deliveryChannel:DeliveryChannel",
	"aws:cfg/recorderStatus:RecorderStatus",
	"aws:securityhub/account:Account",
	"aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
}

func checkAccountWide(x *Index) []Finding {
	owner := x.Graph.Config != nil && x.Graph.Config.AccountBaseline
	var out []Finding
	for _, typ := range accountWideTypes {
		for _, r := range x.OfType(typ) {
			switch {
			case !owner:
				out = append(out, fail(r.URN, "%s is account-wide, but this stack does not own the account baseline (accountBaseline false): the owner's stack creates it, this one must look it up", typ))
			case !r.Protect || !r.RetainOnDelete:
				out = append(out, fail(r.URN, "%s is account-wide: it must be protected and retained on delete, or destroying this stack deletes what the account's other stacks use", typ))
			default:
				out = append(out, pass(r.URN, "%s owned by the account baseline, protected and retained", typ))
			}
		}
	}
	return out
}
