// Package render installs every Helm release of a recorded plan into nothing: each pinned chart,
// loaded from a directory of pulled charts, goes through Helm's own install action in client-only
// dry-run mode (helm.sh/helm/v4 v4.3.2, the path `helm template` takes: dependencies, values
// coalescing, values.schema.json, templates and hooks) with exactly the values the program passes.
// What comes out is checked for what only a render shows: values the chart cannot render or never
// reads, images the mirror does not hold or whose registry the chart composed differently, and pods
// the namespace's Pod Security level would reject.
package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	releasev1 "helm.sh/helm/v4/pkg/release/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Release is one Helm release as the program registers it.
type Release struct {
	// Resource is the Pulumi resource's name.
	Resource string
	// Name and Namespace are the Helm release's.
	Name, Namespace string
	// Chart is the chart's name, Version its pinned version, AppVersion what the pin table says
	// the version runs.
	Chart, Version, AppVersion string
	// Ref is where the program fetches the chart from (oci://… or a repository URL and name).
	Ref string
	// Values are the values the program passes.
	Values map[string]any
}

// Options are what the checks compare against.
type Options struct {
	// ChartsDir holds the pulled charts: <chart>-<version>.tgz as `helm pull` writes them, or
	// unpacked directories (any name) holding a Chart.yaml of that name and version.
	ChartsDir string
	// KubeVersion is the cluster's Kubernetes version (e.g. "1.35").
	KubeVersion string
	// Images are the references the mirror holds (the stack's mirror list targets). Nil skips the
	// check (a stack without a mirror).
	Images []string
	// PodSecurity is each namespace's enforced Pod Security level; a namespace not listed is
	// privileged (the cluster's default).
	PodSecurity map[string]string
}

// Finding kinds.
const (
	KindChart       = "chart"        // the chart is missing, or not what the pin table says
	KindRender      = "render"       // Helm cannot render the values (schema, types, templates)
	KindUnusedValue = "unused-value" // a value the chart never reads
	KindImage       = "image"        // an image the mirror does not hold
	KindPodSecurity = "pod-security" // a pod the namespace's Pod Security level rejects
)

// Finding is one defect.
type Finding struct {
	Release string `json:"release"`
	Kind    string `json:"kind"`
	// Object is the rendered object it is about (Kind/name), or the values path.
	Object string `json:"object,omitempty"`
	Detail string `json:"detail"`
}

func (f Finding) String() string {
	if f.Object == "" {
		return fmt.Sprintf("%s: %s: %s", f.Release, f.Kind, f.Detail)
	}
	return fmt.Sprintf("%s: %s: %s: %s", f.Release, f.Kind, f.Object, f.Detail)
}

// Webhook is an admission webhook a release installs.
type Webhook struct {
	Configuration string   `json:"configuration"`
	Name          string   `json:"name"`
	Mutating      bool     `json:"mutating"`
	FailurePolicy string   `json:"failurePolicy"`
	Resources     []string `json:"resources"`
}

// Result is one release's render.
type Result struct {
	Release string `json:"release"`
	Chart   string `json:"chart"`
	// Objects are the rendered objects, Kind/name, hooks included (test hooks are not: Pulumi's
	// Helm release never runs `helm test`).
	Objects  []string  `json:"objects"`
	Images   []string  `json:"images"`
	Webhooks []Webhook `json:"webhooks,omitempty"`
	Findings []Finding `json:"findings"`
}

// Report is the render of every release.
type Report struct {
	Results []Result `json:"results"`
}

// Findings are every release's findings.
func (r Report) Findings() []Finding {
	var out []Finding
	for _, res := range r.Results {
		out = append(out, res.Findings...)
	}
	return out
}

// Render renders every release and checks what it rendered.
func Render(releases []Release, o Options) Report {
	kv, err := common.ParseKubeVersion(o.KubeVersion)
	if err != nil {
		kv = nil
	}
	charts := map[string]*chart.Chart{}
	var rep Report
	// Custom resources of one release may be gated on another's CRDs (.Capabilities.APIVersions):
	// the cluster has every release's CRDs, so all of them are known before anything renders.
	apis := common.VersionSet{}
	for _, r := range releases {
		ch, err := loadChart(o.ChartsDir, r)
		if err != nil {
			rep.Results = append(rep.Results, Result{Release: r.Name, Chart: r.Chart + ":" + r.Version,
				Findings: []Finding{{Release: r.Name, Kind: KindChart, Detail: err.Error()}}})
			continue
		}
		charts[r.Name] = ch
		apis = append(apis, crdAPIs(ch, r, kv)...)
	}
	for _, r := range releases {
		ch, ok := charts[r.Name]
		if !ok {
			continue
		}
		rep.Results = append(rep.Results, renderOne(ch, r, o, kv, apis))
	}
	return rep
}

// loadChart finds and loads a release's chart, and checks it is the pinned one.
func loadChart(dir string, r Release) (*chart.Chart, error) {
	candidates := []string{filepath.Join(dir, r.Chart+"-"+r.Version+".tgz"), filepath.Join(dir, r.Chart+"-"+strings.TrimPrefix(r.Version, "v")+".tgz")}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			candidates = append(candidates, filepath.Join(dir, e.Name()))
		}
	}
	for _, path := range candidates {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		ch, err := loader.Load(path)
		if err != nil {
			if strings.HasSuffix(path, ".tgz") {
				return nil, fmt.Errorf("load %s: %w", path, err)
			}
			continue
		}
		if ch.Metadata.Name != r.Chart || ch.Metadata.Version != r.Version {
			continue
		}
		if r.AppVersion != "" && ch.Metadata.AppVersion != r.AppVersion {
			return nil, fmt.Errorf("chart %s %s runs app version %q, the pin table says %q", r.Chart, r.Version, ch.Metadata.AppVersion, r.AppVersion)
		}
		return ch, nil
	}
	pull := r.Ref
	if pull == "" {
		pull = r.Chart
	}
	return nil, fmt.Errorf("chart %s %s is not in %s: helm pull %s --version %s -d %s", r.Chart, r.Version, dir, pull, r.Version, dir)
}

// install runs Helm's install action client-only: what `helm template` does.
func install(ch *chart.Chart, r Release, kv *common.KubeVersion, apis common.VersionSet) (*releasev1.Release, error) {
	cfg := action.NewConfiguration(func(c *action.Configuration) { c.SetLogger(slog.NewTextHandler(io.Discard, nil)) })
	in := action.NewInstall(cfg)
	in.DryRunStrategy = action.DryRunClient
	in.Replace = true
	in.ReleaseName, in.Namespace = r.Name, r.Namespace
	in.KubeVersion, in.APIVersions = kv, apis
	in.IncludeCRDs = false
	vals, err := copyValues(r.Values)
	if err != nil {
		return nil, err
	}
	rel, err := in.Run(ch, vals)
	if err != nil {
		return nil, err
	}
	out, ok := rel.(*releasev1.Release)
	if !ok {
		return nil, fmt.Errorf("helm returned a %T", rel)
	}
	return out, nil
}

// copyValues deep-copies values: Helm's coalescing writes into the map it is given.
func copyValues(v map[string]any) (map[string]any, error) {
	b, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	return out, yaml.Unmarshal(b, &out)
}

// crdAPIs are the API versions (group/version and group/version/Kind) of the CRDs a chart installs:
// its crds/ directories and the CRDs its templates render with the program's values.
func crdAPIs(ch *chart.Chart, r Release, kv *common.KubeVersion) common.VersionSet {
	var docs []string
	for _, c := range ch.CRDObjects() {
		docs = append(docs, string(c.File.Data))
	}
	if rel, err := install(ch, r, kv, nil); err == nil {
		docs = append(docs, rel.Manifest)
	}
	var out common.VersionSet
	for _, d := range docs {
		for _, o := range splitObjects(d) {
			if o.kind != "CustomResourceDefinition" {
				continue
			}
			group, _ := nested(o.m, "spec", "group").(string)
			kind, _ := nested(o.m, "spec", "names", "kind").(string)
			versions, _ := nested(o.m, "spec", "versions").([]any)
			for _, v := range versions {
				vm, _ := v.(map[string]any)
				if name, _ := vm["name"].(string); name != "" && group != "" {
					out = append(out, group+"/"+name, group+"/"+name+"/"+kind)
				}
			}
		}
	}
	return out
}

func renderOne(ch *chart.Chart, r Release, o Options, kv *common.KubeVersion, apis common.VersionSet) Result {
	res := Result{Release: r.Name, Chart: r.Chart + ":" + r.Version, Findings: []Finding{}}
	add := func(kind, obj, format string, args ...any) {
		res.Findings = append(res.Findings, Finding{Release: r.Name, Kind: kind, Object: obj, Detail: fmt.Sprintf(format, args...)})
	}
	for _, p := range unusedValues(ch, r.Values) {
		add(KindUnusedValue, p, "the chart (and its subcharts) never reads this value")
	}
	rel, err := install(ch, r, kv, apis)
	if err != nil {
		add(KindRender, "", "%s", oneLine(err))
		return res
	}
	manifests := []string{rel.Manifest}
	for _, h := range rel.Hooks {
		if !slices.Contains(h.Events, releasev1.HookTest) {
			manifests = append(manifests, h.Manifest)
		}
	}
	level := o.PodSecurity[r.Namespace]
	for _, m := range manifests {
		for _, obj := range splitObjects(m) {
			id := obj.kind + "/" + obj.name
			res.Objects = append(res.Objects, id)
			res.Webhooks = append(res.Webhooks, webhooks(obj)...)
			for _, img := range images(obj) {
				if !slices.Contains(res.Images, img) {
					res.Images = append(res.Images, img)
				}
				if o.Images != nil && !slices.Contains(o.Images, img) {
					add(KindImage, id, "%s is not in the mirror list%s", img, nearest(img, o.Images))
				}
			}
			if level != "" {
				if msg := podSecurity(obj, level); msg != "" {
					add(KindPodSecurity, id, "namespace %s enforces %s: %s", r.Namespace, level, msg)
				}
			}
		}
	}
	slices.Sort(res.Objects)
	slices.Sort(res.Images)
	return res
}

// nearest says which mirrored image has the same repository, when one does: the usual cause is a
// tag the chart chose, or a registry the chart put in front of the mirror's.
func nearest(img string, mirrored []string) string {
	repo := img
	if i := strings.LastIndex(img, ":"); i > strings.LastIndex(img, "/") {
		repo = img[:i]
	}
	for _, m := range mirrored {
		if strings.HasPrefix(m, repo+":") {
			return " (the mirror holds " + m + ")"
		}
	}
	for _, m := range mirrored {
		mrepo := m
		if i := strings.LastIndex(m, ":"); i > strings.LastIndex(m, "/") {
			mrepo = m[:i]
		}
		if strings.Contains(repo, mrepo) || strings.HasSuffix(mrepo, "/"+pathOf(repo)) {
			return " (the registry was composed around " + mrepo + ")"
		}
	}
	return ""
}

func pathOf(repo string) string {
	if _, p, ok := strings.Cut(repo, "/"); ok {
		return p
	}
	return repo
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// object is one rendered Kubernetes object.
type object struct {
	kind, name string
	m          map[string]any
}

func splitObjects(manifest string) []object {
	var out []object
	r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(manifest)))
	for {
		doc, err := r.Read()
		if err != nil {
			return out
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		m := map[string]any{}
		if yaml.Unmarshal(doc, &m) != nil || len(m) == 0 {
			continue
		}
		kind, _ := m["kind"].(string)
		name, _ := nested(m, "metadata", "name").(string)
		out = append(out, object{kind: kind, name: name, m: m})
	}
}

// nested reads a path of map keys.
func nested(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}
