package policy

import (
	"fmt"
	"strings"
)

// Resource types the monitoring rules read.
const (
	typeOpenSearchDomain = "aws:opensearch/domain:Domain"
	typePrometheusRule   = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
)

// tls12Policies are the OpenSearch Service HTTPS policies that refuse anything below TLS 1.2
// (DomainEndpointOptions.TLSSecurityPolicy, read 2026-11-25).
var tls12Policies = map[string]bool{"Policy-Min-TLS-1-2-2019-07": true, "Policy-Min-TLS-1-2-PFS-2023-10": true}

var monitoringRules = []Rule{
	{ID: "MON-001", Severity: Critical, Description: "the log store encrypts at rest with a KMS key, between nodes, and serves HTTPS only with TLS 1.2+", Check: checkLogStoreEncryption},
	{ID: "MON-002", Severity: Critical, Description: "the log store lives in the VPC's data subnets, never on a public endpoint", Check: checkLogStorePlacement},
	{ID: "MON-003", Severity: High, Description: "the log store uses fine-grained access control with IAM identities only", Check: checkLogStoreAccess},
	{ID: "MON-004", Severity: High, Description: "in prod and dr, the log store spans 3 AZs with dedicated masters and is protected", Check: checkLogStoreResilience},
	{ID: "MON-005", Severity: High, Description: "every alert has a P0–P3 severity, a summary, a description and a runbook", Check: checkAlertRules},
}

func checkLogStoreEncryption(x *Index) []Finding {
	var out []Finding
	for _, d := range x.OfType(typeOpenSearchDomain) {
		var bad []string
		if At(d, "encryptAtRest", "enabled") != true {
			bad = append(bad, "encryption at rest is off")
		} else if s, _ := At(d, "encryptAtRest", "kmsKeyId").(string); s == "" {
			bad = append(bad, "encryption at rest uses no key of ours")
		}
		if At(d, "nodeToNodeEncryption", "enabled") != true {
			bad = append(bad, "node-to-node encryption is off")
		}
		if At(d, "domainEndpointOptions", "enforceHttps") != true {
			bad = append(bad, "HTTPS is not enforced")
		}
		if p, _ := At(d, "domainEndpointOptions", "tlsSecurityPolicy").(string); !tls12Policies[p] {
			bad = append(bad, fmt.Sprintf("TLS policy %q allows less than TLS 1.2", p))
		}
		if len(bad) > 0 {
			out = append(out, fail(d.URN, "log store: %s", strings.Join(bad, "; ")))
		} else {
			out = append(out, pass(d.URN, "encrypted at rest with a KMS key, node to node, HTTPS with TLS 1.2+"))
		}
	}
	return out
}

func checkLogStorePlacement(x *Index) []Finding {
	var out []Finding
	for _, d := range x.OfType(typeOpenSearchDomain) {
		subnets, _ := At(d, "vpcOptions", "subnetIds").([]any)
		if len(subnets) == 0 {
			out = append(out, fail(d.URN, "log store has no VPC options: it would get a public endpoint"))
			continue
		}
		var bad []string
		for _, s := range subnets {
			id, _ := s.(string)
			sn := x.ByID(id)
			if sn == nil || Tag(sn, "suoke.life/subnet-role") != "data" {
				bad = append(bad, id)
			}
		}
		if len(bad) > 0 {
			out = append(out, fail(d.URN, "log store is in subnets that are not data subnets: %s", strings.Join(bad, ", ")))
		} else {
			out = append(out, pass(d.URN, "in %d data subnets", len(subnets)))
		}
	}
	return out
}

func checkLogStoreAccess(x *Index) []Finding {
	var out []Finding
	for _, d := range x.OfType(typeOpenSearchDomain) {
		switch {
		case At(d, "advancedSecurityOptions", "enabled") != true:
			out = append(out, fail(d.URN, "fine-grained access control is off: any principal the resource policy admits reads every log"))
		case At(d, "advancedSecurityOptions", "internalUserDatabaseEnabled") == true:
			out = append(out, fail(d.URN, "the internal user database is on: passwords beside IAM identities"))
		default:
			out = append(out, pass(d.URN, "fine-grained access control with IAM identities"))
		}
	}
	return out
}

func checkLogStoreResilience(x *Index) []Finding {
	if !x.ProductionLike() {
		return []Finding{pass("", "not a prod or dr stack: %s", x.Graph.Environment)}
	}
	var out []Finding
	for _, d := range x.OfType(typeOpenSearchDomain) {
		var bad []string
		if At(d, "clusterConfig", "zoneAwarenessEnabled") != true {
			bad = append(bad, "zone awareness is off")
		} else if n, _ := At(d, "clusterConfig", "zoneAwarenessConfig", "availabilityZoneCount").(float64); n != 3 {
			bad = append(bad, fmt.Sprintf("spans %g AZs", n))
		}
		if At(d, "clusterConfig", "dedicatedMasterEnabled") != true {
			bad = append(bad, "no dedicated masters")
		}
		if !d.Protect {
			bad = append(bad, "not protected from deletion")
		}
		if len(bad) > 0 {
			out = append(out, fail(d.URN, "log store in %s: %s", x.Graph.Environment, strings.Join(bad, "; ")))
		} else {
			out = append(out, pass(d.URN, "3 AZs, dedicated masters, protected"))
		}
	}
	return out
}

var planSeverities = map[string]bool{"P0": true, "P1": true, "P2": true, "P3": true}

func checkAlertRules(x *Index) []Finding {
	var out []Finding
	for _, pr := range x.OfType(typePrometheusRule) {
		groups, _ := At(pr, "spec", "groups").([]any)
		var bad []string
		alerts := 0
		for _, g := range groups {
			rules, _ := g.(map[string]any)["rules"].([]any)
			for _, r := range rules {
				rule, _ := r.(map[string]any)
				name, _ := rule["alert"].(string)
				if name == "" {
					continue
				}
				alerts++
				labels, _ := rule["labels"].(map[string]any)
				ann, _ := rule["annotations"].(map[string]any)
				if sev, _ := labels["severity"].(string); !planSeverities[sev] {
					bad = append(bad, fmt.Sprintf("%s has severity %q", name, sev))
				}
				for _, a := range []string{"summary", "description", "runbook_url"} {
					if s, _ := ann[a].(string); strings.TrimSpace(s) == "" {
						bad = append(bad, fmt.Sprintf("%s has no %s", name, a))
					}
				}
			}
		}
		if len(bad) > 0 {
			out = append(out, fail(pr.URN, "%s", strings.Join(bad, "; ")))
		} else {
			out = append(out, pass(pr.URN, "%d alerts, each with a P0–P3 severity, summary, description and runbook", alerts))
		}
	}
	return out
}
