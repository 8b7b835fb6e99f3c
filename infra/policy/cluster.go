package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Resource types the cluster rules read.
const (
	typeEKSCluster     = "aws:eks/cluster:Cluster"
	typeNodeGroup      = "aws:eks/nodeGroup:NodeGroup"
	typeLaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate"
	typeEKSAddon       = "aws:eks/addon:Addon"
	typeLogGroup       = "aws:cloudwatch/logGroup:LogGroup"
	typeIAMRole        = "aws:iam/role:Role"
	typeHelmRelease    = "kubernetes:helm.sh/v3:Release"
	typeNamespace      = "kubernetes:core/v1:Namespace"
	typeNetworkPolicy  = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
)

// clusterRules are the cluster's rules, in the CIS EKS Benchmark's spirit.
var clusterRules = []Rule{
	{ID: "EKS-001", Severity: Critical, Description: "the API server's public endpoint is closed, or open only to listed ranges (never 0.0.0.0/0); the private endpoint is on", Check: checkEndpoint},
	{ID: "EKS-002", Severity: Critical, Description: "Kubernetes Secrets are envelope-encrypted with a KMS key", Check: checkSecretsEncryption},
	{ID: "EKS-003", Severity: High, Description: "the audit log is on and kept at least 365 days", Check: checkAuditLog},
	{ID: "EKS-004", Severity: High, Description: "nodes require IMDSv2 with a hop limit of 1", Check: checkIMDS},
	{ID: "EKS-005", Severity: High, Description: "node volumes are encrypted", Check: checkNodeVolumes},
	{ID: "EKS-006", Severity: High, Description: "the VPC CNI enforces network policies", Check: checkNetworkPolicyEnforced},
	{ID: "EKS-007", Severity: Critical, Description: "every workload namespace enforces Pod Security restricted and has a default-deny network policy", Check: checkWorkloadNamespaces},
	{ID: "EKS-008", Severity: Critical, Description: "no IRSA role trusts more than one service account", Check: checkIRSATrust},
	{ID: "EKS-009", Severity: High, Description: "every Helm release is pinned to an exact chart version", Check: checkReleasesPinned},
	{ID: "EKS-010", Severity: High, Description: "charts and images come only from the configured registries", Check: checkRegistries},
	{ID: "EKS-011", Severity: High, Description: "in prod, every tier's nodes (desired count × type) meet the sizing baseline", Check: checkPlanCapacity},
	{ID: "EKS-012", Severity: High, Description: "what the program schedules on each pool fits its allocatable capacity with headroom", Check: checkScheduledFits},
}

// at walks nested maps of a value.
func eksAt(v any, keys ...string) any {
	cur := v
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func eksStr(v any, keys ...string) string {
	s, _ := eksAt(v, keys...).(string)
	return s
}

func eksStrings(v any) []string {
	if l, ok := v.([]string); ok {
		return l
	}
	var out []string
	for _, e := range anyList(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func checkEndpoint(x *Index) []Finding {
	var out []Finding
	for _, c := range x.OfType(typeEKSCluster) {
		vpc := c.Inputs["vpcConfig"]
		private, _ := eksAt(vpc, "endpointPrivateAccess").(bool)
		public, set := eksAt(vpc, "endpointPublicAccess").(bool)
		cidrs := eksStrings(eksAt(vpc, "publicAccessCidrs"))
		switch {
		case !private:
			out = append(out, fail(c.URN, "private endpoint off: nodes and operators inside the VPC would go over the internet"))
		case !set || public && len(cidrs) == 0:
			out = append(out, fail(c.URN, "public endpoint open to 0.0.0.0/0 (EKS's default when no CIDRs are listed)"))
		case public && eksAnyWorld(cidrs):
			out = append(out, fail(c.URN, "public endpoint open to 0.0.0.0/0"))
		case public:
			out = append(out, pass(c.URN, "public endpoint limited to %s", strings.Join(cidrs, ", ")))
		default:
			out = append(out, pass(c.URN, "public endpoint closed; private endpoint on"))
		}
	}
	return out
}

func eksAnyWorld(cidrs []string) bool {
	for _, c := range cidrs {
		if isWorld(c) {
			return true
		}
	}
	return false
}

func checkSecretsEncryption(x *Index) []Finding {
	var out []Finding
	for _, c := range x.OfType(typeEKSCluster) {
		enc := c.Inputs["encryptionConfig"]
		key := eksStr(enc, "provider", "keyArn")
		secrets := false
		for _, r := range eksStrings(eksAt(enc, "resources")) {
			secrets = secrets || r == "secrets"
		}
		if secrets && key != "" {
			out = append(out, pass(c.URN, "Secrets encrypted with %s", key))
		} else {
			out = append(out, fail(c.URN, "Secrets are not envelope-encrypted with a KMS key (encryptionConfig with resources [secrets] and a key ARN)"))
		}
	}
	return out
}

func checkAuditLog(x *Index) []Finding {
	retention := map[string]int{}
	for _, g := range x.OfType(typeLogGroup) {
		n, _ := Num(g, "retentionInDays")
		retention[Str(g, "name")] = n
	}
	var out []Finding
	for _, c := range x.OfType(typeEKSCluster) {
		types := eksStrings(c.Inputs["enabledClusterLogTypes"])
		group := "/aws/eks/" + Str(c, "name") + "/cluster"
		days, ok := retention[group]
		switch {
		case !eksHas(types, "audit"):
			out = append(out, fail(c.URN, "audit log off (enabledClusterLogTypes: %s)", strings.Join(types, ", ")))
		case !ok:
			out = append(out, fail(c.URN, "no log group %s of ours: EKS would create it with no expiry and no owner", group))
		case days < 365:
			out = append(out, fail(c.URN, "log group %s keeps %d days; the security policy keeps audit logs 365", group, days))
		default:
			out = append(out, pass(c.URN, "audit log on, kept %d days in %s", days, group))
		}
	}
	return out
}

func eksHas(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// launchTemplateOf returns the launch template a node group uses, or nil.
func launchTemplateOf(x *Index, ng *plan.Resource) *plan.Resource {
	id := eksStr(ng.Inputs["launchTemplate"], "id")
	if id == "" {
		return nil
	}
	return x.ByID(id)
}

func checkIMDS(x *Index) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, ng := range x.OfType(typeNodeGroup) {
		lt := launchTemplateOf(x, ng)
		if lt == nil {
			out = append(out, fail(ng.URN, "node group has no launch template of ours: its nodes get IMDS defaults (IMDSv1 allowed, hop limit 2)"))
			continue
		}
		if seen[lt.URN] {
			continue
		}
		seen[lt.URN] = true
		md := lt.Inputs["metadataOptions"]
		hops, _ := eksAt(md, "httpPutResponseHopLimit").(float64)
		if eksStr(md, "httpTokens") == "required" && hops == 1 {
			out = append(out, pass(lt.URN, "IMDSv2 required, hop limit 1"))
		} else {
			out = append(out, fail(lt.URN, "IMDS allows httpTokens=%q with hop limit %v: pods could read the node role's credentials", eksStr(md, "httpTokens"), hops))
		}
	}
	return out
}

func checkNodeVolumes(x *Index) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, ng := range x.OfType(typeNodeGroup) {
		lt := launchTemplateOf(x, ng)
		if lt == nil {
			out = append(out, fail(ng.URN, "node group has no launch template of ours: its root volume's encryption is left to the account default"))
			continue
		}
		if seen[lt.URN] {
			continue
		}
		seen[lt.URN] = true
		mappings := List(lt, "blockDeviceMappings")
		if len(mappings) == 0 {
			out = append(out, fail(lt.URN, "launch template sets no root volume: its encryption is left to the account default"))
			continue
		}
		for _, m := range mappings {
			if eksStr(m, "ebs", "encrypted") != "true" {
				out = append(out, fail(lt.URN, "volume %s is not encrypted", eksStr(m, "deviceName")))
			} else {
				out = append(out, pass(lt.URN, "volume %s encrypted (key %s)", eksStr(m, "deviceName"), eksStr(m, "ebs", "kmsKeyId")))
			}
		}
	}
	return out
}

func checkNetworkPolicyEnforced(x *Index) []Finding {
	cni := map[string]*plan.Resource{}
	for _, a := range x.OfType(typeEKSAddon) {
		if Str(a, "addonName") == config.AddonVPCCNI {
			cni[Str(a, "clusterName")] = a
		}
	}
	var out []Finding
	for _, c := range x.OfType(typeEKSCluster) {
		a, ok := cni[Str(c, "name")]
		if !ok {
			out = append(out, fail(c.URN, "no managed vpc-cni add-on: nothing enforces NetworkPolicies"))
			continue
		}
		var cfg map[string]any
		_ = json.Unmarshal([]byte(Str(a, "configurationValues")), &cfg)
		if v := fmt.Sprint(cfg["enableNetworkPolicy"]); v == "true" {
			out = append(out, pass(a.URN, "vpc-cni enforces network policies"))
		} else {
			out = append(out, fail(a.URN, "vpc-cni's enableNetworkPolicy is %q: NetworkPolicies are accepted but not enforced", v))
		}
	}
	return out
}

// workloadTierLabel marks the namespaces of the workload tiers.
const workloadTierLabel = "suoke.life/tier"

func checkWorkloadNamespaces(x *Index) []Finding {
	denied := map[string]bool{}
	for _, np := range x.OfType(typeNetworkPolicy) {
		spec := np.Inputs["spec"]
		sel, _ := eksAt(spec, "podSelector", "matchLabels").(map[string]any)
		types := eksStrings(eksAt(spec, "policyTypes"))
		if len(sel) == 0 && eksHas(types, "Ingress") && eksHas(types, "Egress") &&
			len(anyList(eksAt(spec, "ingress"))) == 0 && len(anyList(eksAt(spec, "egress"))) == 0 {
			denied[eksStr(np.Inputs, "metadata", "namespace")] = true
		}
	}
	found := map[string]bool{}
	var out []Finding
	for _, ns := range x.OfType(typeNamespace) {
		labels, _ := eksAt(ns.Inputs, "metadata", "labels").(map[string]any)
		tier, _ := labels[workloadTierLabel].(string)
		if tier == "" {
			continue
		}
		name := eksStr(ns.Inputs, "metadata", "name")
		found[name] = true
		pss, _ := labels["pod-security.kubernetes.io/enforce"].(string)
		switch {
		case pss != "restricted":
			out = append(out, fail(ns.URN, "workload namespace %s enforces Pod Security %q, not restricted", name, pss))
		case !denied[name]:
			out = append(out, fail(ns.URN, "workload namespace %s has no default-deny NetworkPolicy (empty pod selector, Ingress and Egress, no rules)", name))
		default:
			out = append(out, pass(ns.URN, "workload namespace %s: restricted, default deny", name))
		}
	}
	if cfg := x.Graph.Config; cfg != nil {
		for _, t := range config.WorkloadTiers() {
			if len(cfg.ServicesOn(t)) > 0 && !found[string(t)] {
				out = append(out, fail("namespace/"+string(t), "tier %s runs services but has no guarded workload namespace", t))
			}
		}
	}
	return out
}

func checkIRSATrust(x *Index) []Finding {
	var out []Finding
	for _, r := range x.OfType(typeIAMRole) {
		trust := Str(r, "assumeRolePolicy")
		for _, st := range statements(trust) {
			if !strings.Contains(fmt.Sprint(st["Action"]), "AssumeRoleWithWebIdentity") {
				continue
			}
			out = append(out, irsaStatement(r, st))
		}
	}
	return out
}

var serviceAccountSubject = regexp.MustCompile(`^system:serviceaccount:[a-z0-9-]+:[a-z0-9.-]+$`)

func irsaStatement(r *plan.Resource, st map[string]any) Finding {
	cond, _ := st["Condition"].(map[string]any)
	for op := range cond {
		if op != "StringEquals" {
			return fail(r.URN, "web-identity trust uses %s: only StringEquals pins one service account", op)
		}
	}
	eq, _ := cond["StringEquals"].(map[string]any)
	var sub, aud string
	for k, v := range eq {
		s, ok := v.(string)
		if !ok {
			return fail(r.URN, "web-identity trust condition %s lists several values: it trusts more than one service account", k)
		}
		switch {
		case strings.HasSuffix(k, ":sub"):
			sub = s
		case strings.HasSuffix(k, ":aud"):
			aud = s
		}
	}
	switch {
	case sub == "" || !serviceAccountSubject.MatchString(sub):
		return fail(r.URN, "web-identity trust does not pin the token's subject to one service account (sub %q)", sub)
	case aud != "sts.amazonaws.com":
		return fail(r.URN, "web-identity trust does not pin the audience to sts.amazonaws.com (aud %q)", aud)
	}
	if want := Tag(r, iam.ServiceAccountTag); want != "" && "system:serviceaccount:"+strings.Replace(want, "/", ":", 1) != sub {
		return fail(r.URN, "role is tagged for %s but trusts %s", want, sub)
	}
	return pass(r.URN, "trusts only %s", sub)
}

// exactVersion is a chart version with no range: 1.2.3 or v1.2.3, with an optional pre-release.
var exactVersion = regexp.MustCompile(`^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

func checkReleasesPinned(x *Index) []Finding {
	var out []Finding
	for _, r := range x.OfType(typeHelmRelease) {
		v := Str(r, "version")
		if exactVersion.MatchString(v) {
			out = append(out, pass(r.URN, "%s pinned at %s", Str(r, "chart"), v))
		} else {
			out = append(out, fail(r.URN, "chart %s is not pinned to an exact version (version %q)", Str(r, "chart"), v))
		}
	}
	return out
}

// allowedRegistries reads the stack's registries output: the prefixes charts and images may use.
func allowedRegistries(g *plan.Graph) ([]string, bool) {
	reg, ok := g.Outputs["registries"]
	if !ok {
		return nil, false
	}
	return eksStrings(eksAt(reg, "allowed")), true
}

var awsECR = regexp.MustCompile(`^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/`)

func allowedSource(ref string, allowed []string, region string) bool {
	if m := awsECR.FindStringSubmatch(ref); m != nil && m[1] == region {
		return true
	}
	for _, a := range allowed {
		if strings.HasPrefix(ref, a) {
			return true
		}
	}
	return false
}

// imagesIn finds image references in a resource's inputs: strings under an "image" key, and chart
// values of the form image: {repository: ...}.
func imagesIn(v any, key string, out *[]string) {
	switch t := v.(type) {
	case map[string]any:
		if key == "image" {
			if repo, ok := t["repository"].(string); ok && repo != "" {
				// Charts that split the registry from the repository join them at render time.
				if reg, ok := t["registry"].(string); ok && reg != "" {
					repo = strings.TrimSuffix(reg, "/") + "/" + repo
				}
				*out = append(*out, repo)
			}
		}
		for k, e := range t {
			imagesIn(e, k, out)
		}
	case []any:
		for _, e := range t {
			imagesIn(e, key, out)
		}
	case string:
		if key == "image" && t != "" {
			*out = append(*out, t)
		}
	}
}

func checkRegistries(x *Index) []Finding {
	allowed, ok := allowedRegistries(x.Graph)
	if !ok {
		if len(x.OfType(typeHelmRelease)) == 0 {
			return nil
		}
		return []Finding{fail("outputs/registries", "the stack exports no registries output: the allowed registries are unknown")}
	}
	region := x.Graph.Region
	var out []Finding
	for _, r := range x.OfType(typeHelmRelease) {
		src := Str(r, "chart")
		if repo := eksStr(r.Inputs, "repositoryOpts", "repo"); repo != "" {
			src = strings.TrimSuffix(repo, "/") + "/" + src
		}
		if allowedSource(src, allowed, region) {
			out = append(out, pass(r.URN, "chart from %s", src))
		} else {
			out = append(out, fail(r.URN, "chart %s is not from a configured registry (allowed: %s)", src, strings.Join(allowed, ", ")))
		}
	}
	resources := append([]plan.Resource(nil), x.Graph.Resources...)
	sort.Slice(resources, func(i, j int) bool { return resources[i].URN < resources[j].URN })
	for i := range resources {
		r := &resources[i]
		var images []string
		imagesIn(r.Inputs, "", &images)
		for _, img := range images {
			if !allowedSource(img, allowed, region) {
				out = append(out, fail(r.URN, "image %s is not from a configured registry (allowed: %s)", img, strings.Join(allowed, ", ")))
			}
		}
		if len(images) > 0 && r.Type == typeHelmRelease {
			out = append(out, pass(r.URN, "%d image reference(s) from configured registries checked", len(images)))
		}
	}
	return out
}

// poolTotals sums a tier's node groups: desired nodes and their vCPU and memory.
type poolTotals struct {
	nodes int
	vcpu  int
	mem   float64
	types []string
}

func checkPlanCapacity(x *Index) []Finding {
	if x.Graph.Environment != string(config.EnvProd) {
		return []Finding{pass("", "not a prod stack: %s", x.Graph.Environment)}
	}
	cat, _ := config.CatalogFor(x.Graph.Region)
	totals := map[string]*poolTotals{}
	for _, ng := range x.OfType(typeNodeGroup) {
		tier := eksStr(ng.Inputs, "labels", workloadTierLabel)
		desired, _ := eksAt(ng.Inputs, "scalingConfig", "desiredSize").(float64)
		types := eksStrings(ng.Inputs["instanceTypes"])
		if id, _ := eksAt(ng.Inputs, "launchTemplate", "id").(string); len(types) == 0 && id != "" {
			// The type is the launch template's (EKS takes it from there when the group names none).
			if lt := x.ByID(id); lt != nil {
				if it, _ := lt.Inputs["instanceType"].(string); it != "" {
					types = []string{it}
				}
			}
		}
		if tier == "" || len(types) == 0 {
			continue
		}
		it := cat.EC2[types[0]]
		p := totals[tier]
		if p == nil {
			p = &poolTotals{}
			totals[tier] = p
		}
		p.nodes += int(desired)
		p.vcpu += int(desired) * it.VCPU
		p.mem += desired * it.MemoryGiB
		p.types = append(p.types, types[0])
	}
	sizing := config.SizingPlan()
	var out []Finding
	for _, t := range config.AllTiers() {
		want := sizing[t]
		nodes := want.Desired
		if t == config.TierDatabase {
			nodes *= 3
		}
		got := totals[string(t)]
		id := "nodePools/" + string(t)
		switch {
		case got == nil:
			out = append(out, fail(id, "tier %s has no node group", t))
		case got.nodes < nodes || got.vcpu < nodes*want.VCPU || got.mem < float64(nodes*want.MemoryGiB):
			out = append(out, fail(id, "tier %s has %d nodes, %d vCPU, %g GiB; the sizing baseline needs %d × %d vCPU / %d GiB", t, got.nodes, got.vcpu, got.mem, nodes, want.VCPU, want.MemoryGiB))
		default:
			out = append(out, pass(id, "tier %s: %d × %s = %d vCPU, %g GiB (baseline %d × %dc%dg)", t, got.nodes, got.types[0], got.vcpu, got.mem, nodes, want.VCPU, want.MemoryGiB))
		}
	}
	return out
}

// scheduledPool is one entry of the stack's capacity output (cluster.PoolCapacity).
type scheduledPool struct {
	Tier                 string  `json:"tier"`
	Nodes                int     `json:"nodes"`
	PerNodeCPUMilli      int     `json:"perNodeCpuMilli"`
	PerNodeMemoryMiB     int     `json:"perNodeMemoryMiB"`
	AllocatableCPUMilli  int     `json:"allocatableCpuMilli"`
	AllocatableMemoryMiB int     `json:"allocatableMemoryMiB"`
	RequestedCPUMilli    int     `json:"requestedCpuMilli"`
	RequestedMemoryMiB   int     `json:"requestedMemoryMiB"`
	Headroom             float64 `json:"headroom"`
	Items                []struct {
		Name      string `json:"name"`
		CPUMilli  int    `json:"cpuMilli"`
		MemoryMiB int    `json:"memoryMiB"`
	} `json:"items"`
}

func checkScheduledFits(x *Index) []Finding {
	raw, ok := x.Graph.Outputs["capacity"]
	if !ok {
		if len(x.OfType(typeNodeGroup)) == 0 {
			return nil
		}
		return []Finding{fail("outputs/capacity", "the stack exports no capacity output: what runs on the pools is unchecked")}
	}
	b, _ := json.Marshal(raw)
	var pools []scheduledPool
	if err := json.Unmarshal(b, &pools); err != nil {
		return []Finding{fail("outputs/capacity", "capacity output unreadable: %v", err)}
	}
	var out []Finding
	for _, p := range pools {
		id := "nodePools/" + p.Tier
		keep := 1 - p.Headroom
		cpuCap, memCap := keep*float64(p.AllocatableCPUMilli), keep*float64(p.AllocatableMemoryMiB)
		var tooBig []string
		for _, it := range p.Items {
			if it.CPUMilli > p.PerNodeCPUMilli || it.MemoryMiB > p.PerNodeMemoryMiB {
				tooBig = append(tooBig, it.Name)
			}
		}
		switch {
		case len(tooBig) > 0:
			out = append(out, fail(id, "pods of %s request more than one %s node holds (%dm, %d MiB)", strings.Join(tooBig, ", "), p.Tier, p.PerNodeCPUMilli, p.PerNodeMemoryMiB))
		case float64(p.RequestedCPUMilli) > cpuCap || float64(p.RequestedMemoryMiB) > memCap:
			out = append(out, fail(id, "%s pool: requests %dm CPU / %d MiB exceed %.0f%% of %d nodes' allocatable %dm / %d MiB; raise the pool in config and say why",
				p.Tier, p.RequestedCPUMilli, p.RequestedMemoryMiB, keep*100, p.Nodes, p.AllocatableCPUMilli, p.AllocatableMemoryMiB))
		default:
			out = append(out, pass(id, "%s pool: requests %dm CPU / %d MiB of %dm / %d MiB allocatable (%.0f%% / %.0f%%)", p.Tier, p.RequestedCPUMilli, p.RequestedMemoryMiB,
				p.AllocatableCPUMilli, p.AllocatableMemoryMiB, eksPct(p.RequestedCPUMilli, p.AllocatableCPUMilli), eksPct(p.RequestedMemoryMiB, p.AllocatableMemoryMiB)))
		}
	}
	return out
}

func eksPct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
