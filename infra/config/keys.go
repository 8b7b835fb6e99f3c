package config

import (
	"encoding/json"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Config keys of the suoke-platform namespace, and the field names inside structured keys. They are
// the path segments of every error, defined once.
const (
	KeyEnvironment          = "environment"
	KeyDRRegion             = "drRegion"
	KeyProtect              = "protect"
	KeyAccountBaseline      = "accountBaseline"
	KeyVPCCIDR              = "vpcCidr"
	KeyAvailabilityZones    = "availabilityZones"
	KeyNATGateways          = "natGateways"
	KeyFlowLogRetentionDays = "flowLogRetentionDays"
	KeyNodePools            = "nodePools"
	KeyCache                = "cache"
	KeyServices             = "services"

	// RegionKey is the AWS provider's own key; Pulumi forbids declaring its type in Pulumi.yaml.
	RegionKey = "aws:region"
)

// Fields of a node pool, a cache and a service object.
const (
	FieldMin          = "min"
	FieldDesired      = "desired"
	FieldMax          = "max"
	FieldVCPU         = "vcpu"
	FieldMemoryGiB    = "memoryGiB"
	FieldArch         = "arch"
	FieldInstanceType = "instanceType"
	FieldReason       = "reason"

	FieldNodes         = "nodes"
	FieldNodeType      = "nodeType"
	FieldEngine        = "engine"
	FieldEngineVersion = "engineVersion"

	FieldName      = "name"
	FieldTier      = "tier"
	FieldSLO       = "slo"
	FieldPort      = "port"
	FieldDatabase  = "database"
	FieldCacheUse  = "cache"
	FieldAWSAccess = "awsAccess"
	FieldEgress    = "egress"

	// Fields of an awsAccess statement and of an egress rule.
	FieldActions   = "actions"
	FieldResources = "resources"
	FieldCIDRs     = "cidrs"
	FieldPorts     = "ports"
	FieldProtocol  = "protocol"
)

// KeySpec declares one config key: the Pulumi.yaml `config:` block and the README's config reference
// are checked against this table by tests.
type KeySpec struct {
	Name        string
	Type        string // Pulumi project config type: string, integer, boolean, array, object
	Description string
	// Default is the JSON-shaped default (what Pulumi.yaml declares).
	Default any
}

// Keys lists every key of ours: each section's, in section order.
func Keys() []KeySpec {
	var out []KeySpec
	for _, sec := range sections() {
		out = append(out, sec.keys...)
	}
	return out
}

func keyNames() []string {
	var out []string
	for _, k := range Keys() {
		out = append(out, k.Name)
	}
	return out
}

func nodePoolsJSON(pools map[Tier]NodePool) map[string]any {
	out := map[string]any{}
	for t, p := range pools {
		out[string(t)] = map[string]any{
			FieldMin: p.Min, FieldDesired: p.Desired, FieldMax: p.Max,
			FieldVCPU: p.VCPU, FieldMemoryGiB: p.MemoryGiB, FieldArch: string(p.Arch),
		}
		if p.Reason != "" {
			out[string(t)].(map[string]any)[FieldReason] = p.Reason
		}
	}
	return out
}

func cacheJSON(c Cache) map[string]any {
	return map[string]any{
		FieldNodes: c.Nodes, FieldVCPU: c.VCPU, FieldMemoryGiB: c.MemoryGiB,
		FieldEngine: string(c.Engine), FieldEngineVersion: c.EngineVersion,
	}
}

func servicesJSON(svcs []Service) []any {
	out := make([]any, 0, len(svcs))
	for _, s := range svcs {
		m := map[string]any{FieldName: s.Name, FieldTier: string(s.Tier), FieldSLO: string(s.SLO), FieldPort: s.Port,
			FieldDatabase: s.Database, FieldCacheUse: s.Cache}
		if len(s.AWSAccess) > 0 {
			var grants []any
			for _, g := range s.AWSAccess {
				grants = append(grants, map[string]any{FieldActions: g.Actions, FieldResources: g.Resources})
			}
			m[FieldAWSAccess] = grants
		}
		if len(s.Egress) > 0 {
			var rules []any
			for _, e := range s.Egress {
				rules = append(rules, map[string]any{FieldCIDRs: e.CIDRs, FieldPorts: e.Ports, FieldProtocol: e.Protocol})
			}
			m[FieldEgress] = rules
		}
		out = append(out, m)
	}
	return out
}

// DefaultJSON renders a key's default as JSON text, the form Pulumi hands the program.
func (k KeySpec) DefaultJSON() string {
	b, _ := json.Marshal(k.Default) // defaults are plain maps, slices and scalars: Marshal cannot fail
	return string(b)
}

// CheckKeys reports every key of our namespace that Pulumi.yaml does not declare, suggesting the
// closest declared key. keys are the stack's keys without the namespace prefix.
func CheckKeys(keys []string) field.ErrorList {
	known := keyNames()
	var errs field.ErrorList
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	for _, k := range sorted {
		if contains(known, k) {
			continue
		}
		msg := "not a key of " + Namespace
		if s := closest(k, known); s != "" {
			msg += "; did you mean " + Namespace + ":" + s + "?"
		}
		errs = append(errs, field.Invalid(field.NewPath(Namespace+":"+k), k, msg))
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// closest returns the candidate nearest to s by edit distance (case-insensitive), if near enough to
// be a likely typo.
func closest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(s)/3) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
