package config

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/pins"
)

// RegistryMode says where charts and images come from.
type RegistryMode string

const (
	// RegistryAuto is RegistryMirror in the China partition and RegistryUpstream elsewhere: from
	// China's regions docker.io, quay.io, ghcr.io, registry.k8s.io and GitHub-hosted chart sites are
	// slow or out of reach.
	RegistryAuto RegistryMode = "auto"
	// RegistryMirror takes every image and chart from the mirror registry (ECR by default).
	RegistryMirror RegistryMode = "mirror"
	// RegistryUpstream takes them from where their publishers host them.
	RegistryUpstream RegistryMode = "upstream"
)

// AllRegistryModes lists the supported modes.
func AllRegistryModes() []string {
	return []string{string(RegistryAuto), string(RegistryMirror), string(RegistryUpstream)}
}

// Registries is the `registries` config and, once Resolved for an account, the one place that turns
// an upstream chart or image into the reference the cluster pulls. Every component takes its charts
// and images through Chart and Image (the cluster component exports the resolved value), so the
// offline plan can print the full mirror list and a policy can allow only these registries.
type Registries struct {
	Mode RegistryMode
	// MirrorRegistry is the mirror's host; empty means this account's private ECR in the stack's
	// region (<account>.dkr.ecr.<region>.<dns suffix>).
	MirrorRegistry string
	// MirrorPrefix is the repository path under the mirror: images go to
	// <mirror>/<prefix>/<upstream host>/<path>, charts to oci://<mirror>/<prefix>/charts/<name>.
	MirrorPrefix string
	// PullThroughCache creates ECR pull-through cache rules for the upstreams that need no
	// credentials, in regions that offer them; other images are pushed by the mirror job.
	PullThroughCache bool
	// Images maps an upstream registry host (docker.io, quay.io, …) to a replacement host[/path],
	// taking precedence over Mode.
	Images map[string]string
	// Charts maps an upstream chart repository URL to a replacement (https://… or oci://…).
	Charts map[string]string

	// Set by Resolve.
	resolved  bool
	region    Region
	effective RegistryMode
	host      string
}

// MirrorMethod is how an artifact reaches the mirror.
type MirrorMethod string

const (
	// MirrorDirect: pulled from where it is named (upstream mode, an override, or AWS's own ECR).
	MirrorDirect MirrorMethod = "direct"
	// MirrorPullThrough: ECR fetches it on first pull through a pull-through cache rule.
	MirrorPullThrough MirrorMethod = "pull-through"
	// MirrorPush: the mirror job must copy it (skopeo copy / helm push) before `pulumi up`.
	MirrorPush MirrorMethod = "push"
)

// MirrorEntry is one chart or image the stack needs, and where it is pulled from.
type MirrorEntry struct {
	Kind     string       `json:"kind"` // "chart" or "image"
	Upstream string       `json:"upstream"`
	Target   string       `json:"target"`
	Method   MirrorMethod `json:"method"`
}

// Upstream is a public registry the mirror knows: its ECR pull-through upstream URL, and whether
// ECR needs credentials (a Secrets Manager secret) to cache it.
type Upstream struct {
	Host        string
	URL         string
	Credentials bool
}

// upstreams are ECR's supported pull-through upstreams (ECR User Guide "Sync an upstream registry
// with an Amazon ECR private registry", read 2026-11-25). Docker Hub and GHCR need credentials in
// Secrets Manager, which this program does not hold: their images are pushed by the mirror job.
var upstreams = map[string]Upstream{
	"registry.k8s.io": {Host: "registry.k8s.io", URL: "registry.k8s.io"},
	"quay.io":         {Host: "quay.io", URL: "quay.io"},
	"public.ecr.aws":  {Host: "public.ecr.aws", URL: "public.ecr.aws"},
	"docker.io":       {Host: "docker.io", URL: "registry-1.docker.io", Credentials: true},
	"ghcr.io":         {Host: "ghcr.io", URL: "ghcr.io", Credentials: true},
}

// pullThroughRegions are the regions where this program creates pull-through cache rules. The China
// regions are left out: the rule's fetch from the upstream crosses the same border that makes those
// upstreams slow, and the China "feature availability" pages could not confirm the feature there
// (read 2026-11-25). There, images are pushed into the mirror prefix by the mirror job.
var pullThroughRegions = map[string]bool{"us-east-1": true, "us-west-2": true}

// awsRegistry matches AWS's own in-region ECR registries (EKS add-on and controller images live
// there); they are reachable from the nodes through the ECR endpoints and are never mirrored.
var awsRegistry = regexp.MustCompile(`^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)

// IsAWSRegistry reports whether an image host is an AWS-operated ECR registry of the given region.
func IsAWSRegistry(host, region string) bool {
	return awsRegistry.MatchString(host) && strings.Contains(host, ".dkr.ecr."+region+".")
}

// Resolve returns the registries for a region and account: the effective mode and the mirror host.
func (r Registries) Resolve(region Region, accountID string) Registries {
	out := r
	out.resolved = true
	out.region = region
	out.effective = r.Mode
	if r.Mode == RegistryAuto || r.Mode == "" {
		out.effective = RegistryUpstream
		if region.China() {
			out.effective = RegistryMirror
		}
	}
	out.host = r.MirrorRegistry
	if out.host == "" {
		out.host = fmt.Sprintf("%s.dkr.ecr.%s.%s", accountID, region.Name, region.DNSSuffix)
	}
	return out
}

// Resolved reports whether Resolve made these registries usable.
func (r Registries) Resolved() bool { return r.resolved }

// EffectiveMode is the mode after auto is decided by partition.
func (r Registries) EffectiveMode() RegistryMode { return r.effective }

// MirrorHost is the resolved mirror registry host.
func (r Registries) MirrorHost() string { return r.host }

// PullThroughEnabled reports whether pull-through cache rules are created in this region.
func (r Registries) PullThroughEnabled() bool {
	return r.effective == RegistryMirror && r.PullThroughCache && pullThroughRegions[r.region.Name] && r.MirrorRegistry == ""
}

// PullThroughRule is one ECR pull-through cache rule to create.
type PullThroughRule struct {
	// Prefix is the ECR repository prefix, <mirrorPrefix>/<upstream host>.
	Prefix string
	// UpstreamURL is the registry ECR fetches from.
	UpstreamURL string
}

// PullThroughRules lists the rules to create: one per upstream that needs no credentials.
func (r Registries) PullThroughRules() []PullThroughRule {
	if !r.PullThroughEnabled() {
		return nil
	}
	var out []PullThroughRule
	for _, h := range sortedKeys(upstreams) {
		u := upstreams[h]
		if !u.Credentials {
			out = append(out, PullThroughRule{Prefix: r.MirrorPrefix + "/" + h, UpstreamURL: u.URL})
		}
	}
	return out
}

// ChartRef is where helm fetches a chart: an HTTP repository and a chart name, or (Repo empty) a
// full oci:// reference in Chart.
type ChartRef struct {
	Repo    string
	Chart   string
	Version string
}

// String shows the chart's source for reports.
func (c ChartRef) String() string {
	if c.Repo == "" {
		return c.Chart + ":" + c.Version
	}
	return strings.TrimSuffix(c.Repo, "/") + "/" + c.Chart + ":" + c.Version
}

// Chart returns where to fetch a chart published at upstreamRepo (https://… or oci://…) under name
// chart at version. In mirror mode that is oci://<mirror>/<prefix>/charts/<chart> (pushed there by
// the mirror job with `helm push`); an override in Charts wins over the mode.
func (r Registries) Chart(upstreamRepo, chart, version string) ChartRef {
	ref, _, _ := r.chart(upstreamRepo, chart, version)
	return ref
}

func (r Registries) chart(upstreamRepo, chart, version string) (ref, upstream ChartRef, method MirrorMethod) {
	upstreamRepo = strings.TrimSuffix(upstreamRepo, "/")
	upstream = ChartRef{Repo: upstreamRepo, Chart: chart, Version: version}
	if strings.HasPrefix(upstreamRepo, "oci://") {
		upstream = ChartRef{Chart: upstreamRepo + "/" + chart, Version: version}
	}
	ref, method = upstream, MirrorDirect
	switch {
	case r.Charts[upstreamRepo] != "":
		o := strings.TrimSuffix(r.Charts[upstreamRepo], "/")
		ref = ChartRef{Repo: o, Chart: chart, Version: version}
		if strings.HasPrefix(o, "oci://") {
			ref = ChartRef{Chart: o + "/" + chart, Version: version}
		}
	case r.effective == RegistryMirror:
		ref, method = ChartRef{Chart: "oci://" + r.host + "/" + r.MirrorPrefix + "/charts/" + chart, Version: version}, MirrorPush
	}
	return ref, upstream, method
}

// ImageRef is an image reference split into its parts, Docker Hub names normalised
// ("redis" is docker.io/library/redis).
type ImageRef struct {
	Host string
	Path string
	// Suffix is ":tag", "@digest", ":tag@digest" or "".
	Suffix string
}

// ParseImage splits an image reference.
func ParseImage(ref string) ImageRef {
	name, suffix := ref, ""
	if i := strings.Index(name, "@"); i >= 0 {
		name, suffix = name[:i], name[i:]
	}
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, suffix = name[:i], name[i:]+suffix
	}
	host, path := "docker.io", name
	if i := strings.Index(name, "/"); i > 0 {
		first := name[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			host, path = first, name[i+1:]
		}
	}
	if host == "docker.io" && !strings.Contains(path, "/") {
		path = "library/" + path
	}
	return ImageRef{Host: host, Path: path, Suffix: suffix}
}

// Repository is the reference without its tag or digest.
func (i ImageRef) Repository() string { return i.Host + "/" + i.Path }

// String is the full reference.
func (i ImageRef) String() string { return i.Repository() + i.Suffix }

// Tag is the tag without its colon, "" when the reference has none.
func (i ImageRef) Tag() string {
	t, _, _ := strings.Cut(i.Suffix, "@")
	return strings.TrimPrefix(t, ":")
}

// Image returns the reference to pull for an upstream image ("registry.k8s.io/x/y:v1", "redis:7",
// or a repository without a tag, as charts take repository and tag apart). In mirror mode that is
// <mirror>/<prefix>/<upstream host>/<path>; AWS's own in-region ECR images stay as they are; an
// override in Images wins over the mode.
func (r Registries) Image(upstreamRef string) string {
	out, _ := r.image(upstreamRef)
	return out.String()
}

func (r Registries) image(upstreamRef string) (ImageRef, MirrorMethod) {
	up := ParseImage(upstreamRef)
	switch {
	case awsRegistry.MatchString(up.Host):
		return up, MirrorDirect
	case r.Images[up.Host] != "":
		o := strings.TrimSuffix(r.Images[up.Host], "/")
		host, prefix, _ := strings.Cut(o, "/")
		path := up.Path
		if prefix != "" {
			path = prefix + "/" + path
		}
		return ImageRef{Host: host, Path: path, Suffix: up.Suffix}, MirrorDirect
	case r.effective == RegistryMirror:
		out := ImageRef{Host: r.host, Path: r.MirrorPrefix + "/" + up.Host + "/" + up.Path, Suffix: up.Suffix}
		if u, ok := upstreams[up.Host]; ok && !u.Credentials && r.PullThroughEnabled() {
			return out, MirrorPullThrough
		}
		return out, MirrorPush
	}
	return up, MirrorDirect
}

// MirrorList is what the stack pulls, derived from the pin table's rows (the charts it installs and
// the images its pods run): what the mirror job copies (method push), what ECR caches on first pull,
// and what is pulled directly. Sorted by kind, then upstream.
func (r Registries) MirrorList(charts []pins.Chart, images []pins.Image) []MirrorEntry {
	out := make([]MirrorEntry, 0, len(charts)+len(images))
	for _, c := range charts {
		ref, up, method := r.chart(c.Repo, c.Name, c.Version)
		out = append(out, MirrorEntry{Kind: "chart", Upstream: up.String(), Target: ref.String(), Method: method})
	}
	for _, i := range images {
		ref, method := r.image(i.Ref())
		out = append(out, MirrorEntry{Kind: "image", Upstream: ParseImage(i.Ref()).String(), Target: ref.String(), Method: method})
	}
	slices.SortFunc(out, func(a, b MirrorEntry) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Upstream, b.Upstream), cmp.Compare(a.Target, b.Target))
	})
	return slices.Compact(out)
}

// Allowed lists the sources charts and images may come from: chart repository prefixes and image
// host[/path] prefixes. AWS's in-region ECR registries are always allowed besides these.
func (r Registries) Allowed(images []pins.Image) []string {
	set := map[string]bool{}
	for _, o := range r.Images {
		set[strings.TrimSuffix(o, "/")+"/"] = true
	}
	for _, o := range r.Charts {
		set[strings.TrimSuffix(o, "/")+"/"] = true
	}
	if r.effective == RegistryMirror {
		set[r.host+"/"+r.MirrorPrefix+"/"] = true
		set["oci://"+r.host+"/"+r.MirrorPrefix+"/charts/"] = true
	} else {
		for h := range upstreams {
			set[h+"/"] = true
		}
		// The publishers of the pin table's charts.
		for _, c := range pins.Charts {
			set[strings.TrimSuffix(c.Repo, "/")+"/"] = true
		}
		// In upstream mode, a publisher's own registry (cr.fluentbit.io, …) is allowed when an
		// image of the pin table is published there.
		for _, i := range images {
			if h := ParseImage(i.Ref()).Host; !awsRegistry.MatchString(h) {
				set[h+"/"] = true
			}
		}
	}
	return sortedKeys(set)
}

// mirrorPrefixPattern is an ECR repository namespace.
var mirrorPrefixPattern = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)

// maxMirrorPrefix follows from ECR's limit on a pull-through rule's repository prefix (30 characters,
// ECR API CreatePullThroughCacheRule); the longest upstream host (registry.k8s.io) and a slash take 16.
const maxMirrorPrefix = 30 - len("/registry.k8s.io")

func validateRegistries(p *Platform) field.ErrorList {
	var errs field.ErrorList
	r := p.Cluster.Registries
	path := field.NewPath(KeyRegistries)
	if !contains(AllRegistryModes(), string(r.Mode)) {
		errs = append(errs, field.NotSupported(path.Child(FieldRegistryMode), string(r.Mode), AllRegistryModes()))
	}
	if r.MirrorRegistry != "" {
		if msgs := validation.IsDNS1123Subdomain(strings.Split(r.MirrorRegistry, ":")[0]); len(msgs) > 0 || strings.Contains(r.MirrorRegistry, "/") {
			errs = append(errs, field.Invalid(path.Child(FieldMirrorRegistry), r.MirrorRegistry, "must be a registry host such as registry.example.cn (no scheme, no path)"))
		}
	}
	pp := path.Child(FieldMirrorPrefix)
	switch {
	case !mirrorPrefixPattern.MatchString(r.MirrorPrefix):
		errs = append(errs, field.Invalid(pp, r.MirrorPrefix, "must be a lower-case repository path such as mirror"))
	case len(r.MirrorPrefix) > maxMirrorPrefix:
		errs = append(errs, field.Invalid(pp, r.MirrorPrefix, fmt.Sprintf("must be at most %d characters: ECR limits a pull-through rule's prefix (<prefix>/registry.k8s.io) to 30", maxMirrorPrefix)))
	}
	for _, host := range sortedKeys(r.Images) {
		ip := path.Child(FieldRegistryImages).Key(host)
		if msgs := validation.IsDNS1123Subdomain(host); len(msgs) > 0 {
			errs = append(errs, field.Invalid(ip, host, "must be an upstream registry host such as docker.io"))
		}
		target := r.Images[host]
		th, _, _ := strings.Cut(target, "/")
		if msgs := validation.IsDNS1123Subdomain(strings.Split(th, ":")[0]); target == "" || len(msgs) > 0 || strings.Contains(target, "://") {
			errs = append(errs, field.Invalid(ip, target, "must be a registry host with an optional path, such as registry.example.cn/dockerhub"))
		}
	}
	for _, repo := range sortedKeys(r.Charts) {
		cp := path.Child(FieldRegistryCharts).Key(repo)
		if !chartURL(repo) {
			errs = append(errs, field.Invalid(cp, repo, "must be a chart repository URL (https:// or oci://)"))
		}
		if !chartURL(r.Charts[repo]) {
			errs = append(errs, field.Invalid(cp, r.Charts[repo], "must be a chart repository URL (https:// or oci://)"))
		}
	}
	return errs
}

func chartURL(s string) bool {
	for _, scheme := range []string{"https://", "oci://"} {
		if rest, ok := strings.CutPrefix(s, scheme); ok && rest != "" && !strings.ContainsAny(rest, " \t") {
			return true
		}
	}
	return false
}
