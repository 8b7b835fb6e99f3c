package config

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/pins"
)

// The cluster's keys: the EKS control plane and nodes, the registries every chart and image comes
// from, and the public ingress (ALB + WAF).
const (
	KeyCluster    = "cluster"
	KeyRegistries = "registries"
	KeyIngress    = "ingress"
	KeyRunner     = "runner"
)

// Fields of the cluster, registries and ingress objects.
const (
	FieldClusterVersion          = "version"
	FieldPublicEndpointCIDRs     = "publicEndpointCidrs"
	FieldAdminRoleARNs           = "adminRoleArns"
	FieldReadOnlyRoleARNs        = "readOnlyRoleArns"
	FieldClusterLogRetentionDays = "logRetentionDays"
	FieldDeployerRoles           = "deployerRoles"
	FieldPreviewRoles            = "previewRoles"
	FieldRunnerEnabled           = "enabled"
	FieldRunnerVolumeGiB         = "volumeGiB"
	FieldNodeVolumeGiB           = "nodeVolumeGiB"
	FieldNodeMaxUnavailable      = "maxUnavailable"
	FieldRegistryMode            = "mode"
	FieldMirrorRegistry          = "mirrorRegistry"
	FieldMirrorPrefix            = "mirrorPrefix"
	FieldPullThroughCache        = "pullThroughCache"
	FieldRegistryImages          = "images"
	FieldRegistryCharts          = "charts"
	FieldCertificateARN          = "certificateArn"
	FieldSSLPolicy               = "sslPolicy"
	FieldRateRules               = "rateRules"
	FieldRateLimit               = "limit"
	FieldRateWindowSeconds       = "windowSeconds"
	FieldRatePathPrefix          = "pathPrefix"
	FieldDeletionProtectionOnALB = "deletionProtection"
)

// ClusterConfig is the cluster's config: the EKS control plane and its nodes (key `cluster`), the
// registries (key `registries`) and the public ingress (key `ingress`).
type ClusterConfig struct {
	// Version is the Kubernetes minor version, one the add-on table covers (AddonVersions).
	Version string
	// PublicEndpointCIDRs opens the public API endpoint to these IPv4 ranges; empty keeps it closed
	// (the private endpoint is always on). 0.0.0.0/0 is never accepted.
	PublicEndpointCIDRs []string
	// AdminRoleARNs get cluster-admin access entries; ReadOnlyRoleARNs get the view policy
	// (no Secrets).
	AdminRoleARNs    []string
	ReadOnlyRoleARNs []string
	// DeployerRoles run `pulumi up` (CI's deploy role, the operators' bootstrap role): cluster-admin
	// access entries that the Kubernetes provider waits for. PreviewRoles run `pulumi preview` and
	// the nightly refresh: they read the cluster, Secrets included, because Helm keeps each
	// release's state in a Secret that a preview and a refresh of a release read. Each entry is a
	// role name in the stack's account or a role ARN. Naming them in config, rather than taking
	// whoever runs the program, keeps the access entries the same whoever previews: a preview by
	// another role shows no replacement and the drift check no drift. Empty DeployerRoles (a
	// throw-away stack only; prod and dr must name them) falls back to the caller's role.
	DeployerRoles []string
	PreviewRoles  []string
	// LogRetentionDays keeps the control-plane log group (api, audit, authenticator,
	// controllerManager, scheduler); the security policy keeps audit logs at least 365 days.
	LogRetentionDays int
	// NodeVolumeGiB is each node's root volume (gp3, encrypted with the cluster's key).
	NodeVolumeGiB int
	// MaxUnavailable is how many nodes of a group a version update takes down at once.
	MaxUnavailable int

	Registries Registries
	Ingress    Ingress
	Runner     Runner
}

// Runner is the stack's in-VPC host: an SSM-managed instance (an Auto Scaling group of one, in a
// private subnet, no inbound rule, no SSH key) that is the stack's CI runner after the first
// `up`, and the operators' way to the private API endpoint (SSM sessions and port forwarding).
// It is what lets the public endpoint close after the bootstrap (docs/runbooks/first-deploy.md).
type Runner struct {
	Enabled bool
	// InstanceType runs `pulumi up`: building this program needs about 6 GiB and two cores.
	InstanceType string
	// VolumeGiB holds the Go module and build caches and the Pulumi plugins (about 15 GiB).
	VolumeGiB int
}

// Ingress is the public entry: an internet-facing ALB behind a regional WAFv2 web ACL.
type Ingress struct {
	// CertificateARN is the ACM certificate the HTTPS listener serves; empty lets the load balancer
	// controller discover certificates by the Ingress's TLS hosts.
	CertificateARN string
	// SSLPolicy is the HTTPS listener's ELB security policy; only TLS 1.2+ policies are accepted.
	SSLPolicy string
	// DeletionProtection turns on the ALB's deletion protection (a stray delete of the Ingress
	// would otherwise take the public entry down).
	DeletionProtection bool
	// RateRules are WAF rate-based rules, each blocking an IP above Limit requests per Window.
	RateRules []RateRule
	// AccessLogDays is how long the ALB's access-log bucket keeps its logs: not a field of the key, it
	// follows logRetentionMinimumDays (retention.go).
	AccessLogDays int
}

// RateRule is one WAF rate-based rule per client IP, optionally scoped to a path prefix.
type RateRule struct {
	Name          string
	Limit         int
	WindowSeconds int
	// PathPrefix scopes the rule to URIs starting with it; empty applies it to every request.
	PathPrefix string
}

// Defaults of the cluster. 1.35 is in EKS standard support until 2027-03-27 (EKS "Kubernetes
// version lifecycle" calendar, read 2026-11-25; 1.34's ends 2026-12-02). The audit-log retention
// and the WAF rates come from the security policy: audit logs 365 days; 200 requests a minute per
// IP; login paths at WAF's floor of 10 requests per 5 minutes (the gateway throttles further).
const (
	DefaultKubernetesVersion       = "1.35"
	DefaultClusterLogRetentionDays = 365
	DefaultNodeVolumeGiB           = 50
	DefaultMaxUnavailable          = 1
	DefaultSSLPolicy               = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	DefaultMirrorPrefix            = "mirror"
	DefaultRunnerInstanceType      = "m6i.xlarge"
	DefaultRunnerVolumeGiB         = 100
	// DefaultLoginPath is the gateway's authentication route prefix.
	DefaultLoginPath = "/api/v1/auth/"
	// minAuditRetentionDays is the security policy's floor for audit logs.
	minAuditRetentionDays = 365
)

// DefaultRateRules are the WAF rate rules of the security policy.
func DefaultRateRules() []RateRule {
	return []RateRule{
		{Name: "per-ip", Limit: 200, WindowSeconds: 60},
		{Name: "login", Limit: 10, WindowSeconds: 300, PathPrefix: DefaultLoginPath},
	}
}

// DefaultClusterConfig is the cluster's defaults.
func DefaultClusterConfig() ClusterConfig {
	return ClusterConfig{
		Version: DefaultKubernetesVersion, PublicEndpointCIDRs: []string{}, AdminRoleARNs: []string{}, ReadOnlyRoleARNs: []string{},
		DeployerRoles: []string{}, PreviewRoles: []string{},
		Runner:           Runner{Enabled: true, InstanceType: DefaultRunnerInstanceType, VolumeGiB: DefaultRunnerVolumeGiB},
		LogRetentionDays: DefaultClusterLogRetentionDays, NodeVolumeGiB: DefaultNodeVolumeGiB, MaxUnavailable: DefaultMaxUnavailable,
		Registries: Registries{Mode: RegistryAuto, MirrorPrefix: DefaultMirrorPrefix, PullThroughCache: true,
			Images: map[string]string{}, Charts: map[string]string{}},
		Ingress: Ingress{SSLPolicy: DefaultSSLPolicy, DeletionProtection: true, RateRules: DefaultRateRules(), AccessLogDays: DefaultLogRetentionMinimumDays},
	}
}

// AddonVersion is one EKS managed add-on at the version the region resolved.
type AddonVersion struct {
	Name    string
	Version string
}

// Add-on names, as EKS calls them. The Pod Identity agent is not installed: every workload role is
// IRSA, and nothing uses Pod Identity associations.
const (
	AddonVPCCNI    = "vpc-cni"
	AddonKubeProxy = "kube-proxy"
	AddonCoreDNS   = "coredns"
	AddonEBSCSI    = "aws-ebs-csi-driver"
)

// SupportedKubernetesVersions are the minors the pin table has a cluster autoscaler for (its minor
// must be the cluster's), sorted. The EKS add-ons' versions are asked of the region at run time
// (eks.getAddonVersion, in infra/cluster), so a China region's lag shows as what it is instead of
// failing the first up.
func SupportedKubernetesVersions() []string {
	return slices.Sorted(slices.Values(pins.KubernetesMinors()))
}

// Supported reports whether the configured Kubernetes version is one the pin table covers
// (validation rejects any other).
func (c ClusterConfig) Supported() bool {
	return slices.Contains(SupportedKubernetesVersions(), c.Version)
}

// tlsPolicies are the ELB security policies that offer TLS 1.2 and above only (ELB User Guide
// "Security policies for your Application Load Balancer", read 2026-11-25).
var tlsPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS-1-2-2017-01",
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
	"ELBSecurityPolicy-FS-1-2-Res-2020-10",
}

// WAF's limits on rate-based rules (AWS WAF Developer Guide "Rate-based rule statement", read
// 2026-11-25): the limit is 10 to 2,000,000,000 requests; the evaluation window 60, 120, 300 or 600 s.
var wafWindows = []int{60, 120, 300, 600}

const (
	wafMinLimit = 10
	wafMaxLimit = 2000000000
	// eksMaxPublicCIDRs is the most public access CIDRs EKS accepts (EKS API UpdateClusterConfig).
	eksMaxPublicCIDRs = 40
)

func clusterSection() section {
	def := DefaultClusterConfig()
	return section{
		keys: []KeySpec{
			{KeyCluster, "object", "EKS: {version (a Kubernetes minor the add-on table covers), publicEndpointCidrs (empty: public endpoint off; in prod and dr only single /32 addresses, for the bootstrap), deployerRoles and previewRoles (role names in this account or role ARNs: who runs up, and who runs preview and the drift refresh), adminRoleArns, readOnlyRoleArns, logRetentionDays (control-plane logs, at least 365), nodeVolumeGiB, maxUnavailable}. Keys given merge over the default.", clusterJSON(def)},
			{KeyRunner, "object", "The in-VPC runner host (SSM-managed, no inbound): {enabled, instanceType, volumeGiB}. The stack's CI runner and the operators' way to the private API endpoint. Keys given merge over the default.", runnerJSON(def.Runner)},
			{KeyRegistries, "object", "Where charts and images come from: {mode (auto: an ECR mirror in China, upstream elsewhere; mirror; upstream), mirrorRegistry (empty: this account's ECR in the region), mirrorPrefix, pullThroughCache (ECR pull-through rules where the region offers them), images (upstream registry host to replacement), charts (upstream chart repository to replacement)}. Keys given merge over the default.", registriesJSON(def.Registries)},
			{KeyIngress, "object", "Public ingress: {certificateArn (ACM; empty: discovered by host), sslPolicy (TLS 1.2+ ELB policy), deletionProtection, rateRules: [{name, limit (at least 10), windowSeconds (60, 120, 300 or 600), pathPrefix}]}. Keys given merge over the default; rateRules replaces the whole list.", ingressJSON(def.Ingress)},
		},
		decode:   decodeCluster,
		validate: []func(*Platform) field.ErrorList{validateClusterConfig, validateRegistries, validateIngress, validateRunner},
	}
}

func clusterJSON(c ClusterConfig) map[string]any {
	return map[string]any{
		FieldClusterVersion: c.Version, FieldPublicEndpointCIDRs: c.PublicEndpointCIDRs, FieldAdminRoleARNs: c.AdminRoleARNs,
		FieldReadOnlyRoleARNs: c.ReadOnlyRoleARNs, FieldClusterLogRetentionDays: c.LogRetentionDays,
		FieldDeployerRoles: c.DeployerRoles, FieldPreviewRoles: c.PreviewRoles,
		FieldNodeVolumeGiB: c.NodeVolumeGiB, FieldNodeMaxUnavailable: c.MaxUnavailable,
	}
}

func runnerJSON(r Runner) map[string]any {
	return map[string]any{FieldRunnerEnabled: r.Enabled, FieldInstanceType: r.InstanceType, FieldRunnerVolumeGiB: r.VolumeGiB}
}

func registriesJSON(r Registries) map[string]any {
	return map[string]any{
		FieldRegistryMode: string(r.Mode), FieldMirrorRegistry: r.MirrorRegistry, FieldMirrorPrefix: r.MirrorPrefix,
		FieldPullThroughCache: r.PullThroughCache, FieldRegistryImages: r.Images, FieldRegistryCharts: r.Charts,
	}
}

func ingressJSON(in Ingress) map[string]any {
	rules := make([]any, 0, len(in.RateRules))
	for _, r := range in.RateRules {
		m := map[string]any{FieldName: r.Name, FieldRateLimit: r.Limit, FieldRateWindowSeconds: r.WindowSeconds}
		if r.PathPrefix != "" {
			m[FieldRatePathPrefix] = r.PathPrefix
		}
		rules = append(rules, m)
	}
	return map[string]any{
		FieldCertificateARN: in.CertificateARN, FieldSSLPolicy: in.SSLPolicy, FieldDeletionProtectionOnALB: in.DeletionProtection,
		FieldRateRules: rules,
	}
}

var (
	clusterFields = []string{FieldClusterVersion, FieldPublicEndpointCIDRs, FieldAdminRoleARNs, FieldReadOnlyRoleARNs, FieldClusterLogRetentionDays,
		FieldDeployerRoles, FieldPreviewRoles, FieldNodeVolumeGiB, FieldNodeMaxUnavailable}
	runnerFields   = []string{FieldRunnerEnabled, FieldInstanceType, FieldRunnerVolumeGiB}
	registryFields = []string{FieldRegistryMode, FieldMirrorRegistry, FieldMirrorPrefix, FieldPullThroughCache, FieldRegistryImages, FieldRegistryCharts}
	ingressFields  = []string{FieldCertificateARN, FieldSSLPolicy, FieldDeletionProtectionOnALB, FieldRateRules}
	rateRuleFields = []string{FieldName, FieldRateLimit, FieldRateWindowSeconds, FieldRatePathPrefix}
)

func decodeCluster(d *decoder, v map[string]string, p *Platform) {
	c := &p.Cluster
	if raw, ok := v[KeyCluster]; ok {
		path := field.NewPath(KeyCluster)
		if m, ok := d.object(path, []byte(raw), clusterFields); ok {
			d.string(path, m, FieldClusterVersion, &c.Version)
			d.strings(path, m, FieldPublicEndpointCIDRs, &c.PublicEndpointCIDRs)
			d.strings(path, m, FieldAdminRoleARNs, &c.AdminRoleARNs)
			d.strings(path, m, FieldReadOnlyRoleARNs, &c.ReadOnlyRoleARNs)
			d.int(path, m, FieldClusterLogRetentionDays, &c.LogRetentionDays)
			d.strings(path, m, FieldDeployerRoles, &c.DeployerRoles)
			d.strings(path, m, FieldPreviewRoles, &c.PreviewRoles)
			d.int(path, m, FieldNodeVolumeGiB, &c.NodeVolumeGiB)
			d.int(path, m, FieldNodeMaxUnavailable, &c.MaxUnavailable)
		}
	}
	if raw, ok := v[KeyRegistries]; ok {
		path := field.NewPath(KeyRegistries)
		if m, ok := d.object(path, []byte(raw), registryFields); ok {
			r := &c.Registries
			var mode string
			d.string(path, m, FieldRegistryMode, &mode)
			if mode != "" {
				r.Mode = RegistryMode(mode)
			}
			d.string(path, m, FieldMirrorRegistry, &r.MirrorRegistry)
			d.string(path, m, FieldMirrorPrefix, &r.MirrorPrefix)
			d.bool(path, m, FieldPullThroughCache, &r.PullThroughCache)
			d.stringMap(path, m, FieldRegistryImages, &r.Images)
			d.stringMap(path, m, FieldRegistryCharts, &r.Charts)
		}
	}
	if raw, ok := v[KeyRunner]; ok {
		path := field.NewPath(KeyRunner)
		if m, ok := d.object(path, []byte(raw), runnerFields); ok {
			d.bool(path, m, FieldRunnerEnabled, &c.Runner.Enabled)
			d.string(path, m, FieldInstanceType, &c.Runner.InstanceType)
			d.int(path, m, FieldRunnerVolumeGiB, &c.Runner.VolumeGiB)
		}
	}
	if raw, ok := v[KeyIngress]; ok {
		path := field.NewPath(KeyIngress)
		if m, ok := d.object(path, []byte(raw), ingressFields); ok {
			in := &c.Ingress
			d.string(path, m, FieldCertificateARN, &in.CertificateARN)
			d.string(path, m, FieldSSLPolicy, &in.SSLPolicy)
			d.bool(path, m, FieldDeletionProtectionOnALB, &in.DeletionProtection)
			if rawRules, ok := m[FieldRateRules]; ok {
				in.RateRules = d.rateRules(path.Child(FieldRateRules), rawRules)
			}
		}
	}
}

// stringMap decodes an object of strings (registry and chart overrides).
func (d *decoder) stringMap(path *field.Path, m map[string]json.RawMessage, key string, dst *map[string]string) {
	raw, ok := m[key]
	if !ok {
		return
	}
	var out map[string]string
	if err := json.Unmarshal(raw, &out); err != nil || out == nil {
		d.errs = append(d.errs, field.Invalid(path.Child(key), rawValue(raw), "must be an object of strings"))
		return
	}
	*dst = out
}

func (d *decoder) rateRules(path *field.Path, raw json.RawMessage) []RateRule {
	return list(d, path, raw, rateRuleFields, "rate rule", func(p *field.Path, m map[string]json.RawMessage) RateRule {
		var r RateRule
		d.string(p, m, FieldName, &r.Name)
		d.int(p, m, FieldRateLimit, &r.Limit)
		d.int(p, m, FieldRateWindowSeconds, &r.WindowSeconds)
		d.string(p, m, FieldRatePathPrefix, &r.PathPrefix)
		return r
	})
}

// iamRoleARN is an IAM role ARN (paths allowed); the partition and account are checked apart.
var iamRoleARN = regexp.MustCompile(`^arn:(aws|aws-cn):iam::(\d{12}):role/[\w+=,.@/-]{1,512}$`)

// acmCertificateARN is an ACM certificate ARN.
var acmCertificateARN = regexp.MustCompile(`^arn:(aws|aws-cn):acm:([a-z0-9-]+):(\d{12}):certificate/[0-9a-f-]{36}$`)

func validateClusterConfig(p *Platform) field.ErrorList {
	var errs field.ErrorList
	c := p.Cluster
	path := field.NewPath(KeyCluster)
	if !c.Supported() {
		errs = append(errs, field.NotSupported(path.Child(FieldClusterVersion), c.Version, SupportedKubernetesVersions()))
	}
	cp := path.Child(FieldPublicEndpointCIDRs)
	if len(c.PublicEndpointCIDRs) > eksMaxPublicCIDRs {
		errs = append(errs, field.TooMany(cp, len(c.PublicEndpointCIDRs), eksMaxPublicCIDRs))
	}
	for i, s := range c.PublicEndpointCIDRs {
		ip := cp.Index(i)
		pfx, err := netip.ParsePrefix(s)
		switch {
		case err != nil || !pfx.Addr().Is4():
			errs = append(errs, field.Invalid(ip, s, "must be an IPv4 CIDR such as 203.0.113.0/24"))
		case pfx.Masked() != pfx:
			errs = append(errs, field.Invalid(ip, s, fmt.Sprintf("has host bits set; did you mean %s?", pfx.Masked())))
		case pfx.Bits() < 8:
			errs = append(errs, field.Invalid(ip, s, "opens the API endpoint to too much of the internet: name your offices' or VPN's ranges, or leave the list empty to keep the endpoint private"))
		case p.Environment.ProductionLike() && pfx.Bits() != 32:
			errs = append(errs, field.Invalid(ip, s, "must be a single address (/32) in prod and dr: the public endpoint is only for the first up from an operator's workstation (docs/runbooks/first-deploy.md)"))
		}
	}
	errs = append(errs, validateRoleRefs(path.Child(FieldDeployerRoles), c.DeployerRoles, p.Region.Partition)...)
	errs = append(errs, validateRoleRefs(path.Child(FieldPreviewRoles), c.PreviewRoles, p.Region.Partition)...)
	if p.Environment.ProductionLike() && len(c.DeployerRoles) == 0 {
		errs = append(errs, field.Required(path.Child(FieldDeployerRoles),
			"prod and dr name the roles that run pulumi up; otherwise the access entry follows whoever runs the program, and a preview by another role shows a replacement"))
	}
	for _, list := range []struct {
		key  string
		arns []string
	}{{FieldAdminRoleARNs, c.AdminRoleARNs}, {FieldReadOnlyRoleARNs, c.ReadOnlyRoleARNs}} {
		seen := map[string]bool{}
		for i, a := range list.arns {
			ap := path.Child(list.key).Index(i)
			m := iamRoleARN.FindStringSubmatch(a)
			switch {
			case m == nil:
				errs = append(errs, field.Invalid(ap, a, "must be an IAM role ARN such as arn:aws-cn:iam::123456789012:role/platform-admin"))
			case m[1] != p.Region.Partition:
				errs = append(errs, field.Invalid(ap, a, fmt.Sprintf("is in partition %s, but the stack's region %s is in %s", m[1], p.Region.Name, p.Region.Partition)))
			case seen[a]:
				errs = append(errs, field.Duplicate(ap, a))
			}
			seen[a] = true
		}
	}
	lp := path.Child(FieldClusterLogRetentionDays)
	switch {
	case !containsInt(flowLogRetentions, c.LogRetentionDays):
		errs = append(errs, field.NotSupported(lp, c.LogRetentionDays, intStrings(flowLogRetentions)))
	case c.LogRetentionDays < minAuditRetentionDays:
		errs = append(errs, field.Invalid(lp, c.LogRetentionDays, fmt.Sprintf("must be at least %d: the security policy keeps audit logs a year", minAuditRetentionDays)))
	}
	if c.NodeVolumeGiB < 20 || c.NodeVolumeGiB > 1000 {
		errs = append(errs, field.Invalid(path.Child(FieldNodeVolumeGiB), c.NodeVolumeGiB, "must be between 20 and 1000 (images and logs need at least 20 GiB)"))
	}
	if c.MaxUnavailable < 1 || c.MaxUnavailable > 100 {
		errs = append(errs, field.Invalid(path.Child(FieldNodeMaxUnavailable), c.MaxUnavailable, "must be between 1 and 100 (EKS's limit)"))
	}
	return errs
}

func validateIngress(p *Platform) field.ErrorList {
	var errs field.ErrorList
	in := p.Cluster.Ingress
	path := field.NewPath(KeyIngress)
	if in.CertificateARN != "" {
		cp := path.Child(FieldCertificateARN)
		m := acmCertificateARN.FindStringSubmatch(in.CertificateARN)
		switch {
		case m == nil:
			errs = append(errs, field.Invalid(cp, in.CertificateARN, "must be an ACM certificate ARN such as arn:aws-cn:acm:cn-northwest-1:123456789012:certificate/<uuid>"))
		case m[1] != p.Region.Partition || m[2] != p.Region.Name:
			errs = append(errs, field.Invalid(cp, in.CertificateARN, fmt.Sprintf("must be in the stack's region %s: an ALB serves only certificates of its own region", p.Region.Name)))
		}
	}
	if !contains(tlsPolicies, in.SSLPolicy) {
		errs = append(errs, field.NotSupported(path.Child(FieldSSLPolicy), in.SSLPolicy, tlsPolicies))
	}
	rp := path.Child(FieldRateRules)
	if len(in.RateRules) == 0 {
		errs = append(errs, field.Required(rp, "at least one rate rule: the security policy limits requests per IP"))
	}
	names := map[string]bool{}
	for i, r := range in.RateRules {
		ip := rp.Index(i)
		if msgs := validation.IsDNS1123Label(r.Name); len(msgs) > 0 || len(r.Name) > 40 {
			errs = append(errs, field.Invalid(ip.Child(FieldName), r.Name, "must be a lower-case DNS label of at most 40 characters (it names a WAF rule and its metric)"))
		} else if names[r.Name] {
			errs = append(errs, field.Duplicate(ip.Child(FieldName), r.Name))
		}
		names[r.Name] = true
		if r.Limit < wafMinLimit || r.Limit > wafMaxLimit {
			errs = append(errs, field.Invalid(ip.Child(FieldRateLimit), r.Limit, fmt.Sprintf("must be between %d and %d (WAF's limits for a rate-based rule)", wafMinLimit, wafMaxLimit)))
		}
		if !containsInt(wafWindows, r.WindowSeconds) {
			errs = append(errs, field.NotSupported(ip.Child(FieldRateWindowSeconds), r.WindowSeconds, intStrings(wafWindows)))
		}
		if r.PathPrefix != "" && (!strings.HasPrefix(r.PathPrefix, "/") || strings.ContainsAny(r.PathPrefix, " \t?#")) {
			errs = append(errs, field.Invalid(ip.Child(FieldRatePathPrefix), r.PathPrefix, "must be a URI path starting with / (no query or fragment)"))
		}
	}
	return errs
}

// TLSPolicies lists the accepted TLS 1.2+ ELB security policies, for policies and reports.
func TLSPolicies() []string {
	out := append([]string(nil), tlsPolicies...)
	sort.Strings(out)
	return out
}

// iamRoleName is an IAM role name (IAM User Guide "IAM object quotas": 64 characters of
// [\w+=,.@-]).
var iamRoleName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// validateRoleRefs checks a list of role names (in the stack's account) or role ARNs.
func validateRoleRefs(path *field.Path, refs []string, partition string) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, r := range refs {
		ip := path.Index(i)
		if strings.HasPrefix(r, "arn:") {
			m := iamRoleARN.FindStringSubmatch(r)
			switch {
			case m == nil:
				errs = append(errs, field.Invalid(ip, r, "must be a role name such as suoke-deploy-prod or a role ARN such as arn:aws-cn:iam::123456789012:role/suoke-deploy-prod"))
			case m[1] != partition:
				errs = append(errs, field.Invalid(ip, r, fmt.Sprintf("is in partition %s, but the stack's region is in %s", m[1], partition)))
			}
		} else if !iamRoleName.MatchString(r) {
			errs = append(errs, field.Invalid(ip, r, "must be a role name (up to 64 letters, digits and +=,.@_-) or a role ARN"))
		}
		if seen[r] {
			errs = append(errs, field.Duplicate(ip, r))
		}
		seen[r] = true
	}
	return errs
}

// RoleARN resolves a configured role reference (a name in this account, or an ARN) to an ARN.
func RoleARN(ref, partition, account string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return "arn:" + partition + ":iam::" + account + ":role/" + ref
}

func validateRunner(p *Platform) field.ErrorList {
	var errs field.ErrorList
	r := p.Cluster.Runner
	path := field.NewPath(KeyRunner)
	if !r.Enabled {
		return nil
	}
	cat, ok := CatalogFor(p.Region.Name)
	if ok {
		if _, known := cat.EC2[r.InstanceType]; !known {
			errs = append(errs, field.NotSupported(path.Child(FieldInstanceType), r.InstanceType, sortedKeys(cat.EC2)))
		}
	}
	if r.VolumeGiB < 30 || r.VolumeGiB > 1000 {
		errs = append(errs, field.Invalid(path.Child(FieldRunnerVolumeGiB), r.VolumeGiB, "must be between 30 and 1000 (Go and Pulumi caches need about 15 GiB)"))
	}
	return errs
}
