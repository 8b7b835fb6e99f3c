// Command crdfacts writes tests/testdata/crds: for every custom resource kind the program renders,
// the OpenAPI schema its CustomResourceDefinition declares upstream at the pinned version, reduced to
// what validation reads. tests/crd_schema_test.go validates every rendered custom resource against
// these files with the API server's own code (k8s.io/apiextensions-apiserver), so a field, type or
// enum value the program gets wrong fails a test for a reason outside the program.
//
// What a file keeps: the served version's openAPIV3Schema with every validation fact (type,
// properties, items, additionalProperties, required, enum, format, pattern, min/max, nullable,
// anyOf/allOf/oneOf/not, default, x-kubernetes-* extensions and x-kubernetes-validations rules and
// messages), and drops only prose (description, title, example, externalDocs). Subtrees that occur
// more than once (affinity, resources, env, ...) are written once under "defs" and referenced as
// {"$def": "<name>"}; the test expands them before use, so nothing is lost, and a reference is not a
// JSON-Schema "$ref" (which a structural schema forbids). The upstream CRD files are not copied.
//
// Re-run it when a pin in infra/pins moves (change the row in sources below first):
//
//	go run ./tools/crdfacts -repos /work/.mirror -read 2026-12-03
//
// -repos is a directory holding a clone of each GitHub source at <dir>/<owner>+<name> (a bare clone,
// e.g. `git clone --mirror https://github.com/cloudnative-pg/cloudnative-pg <dir>/cloudnative-pg+cloudnative-pg`,
// or a directory with the git dir under repo/); the Go-module sources are read from the module cache
// through `go mod download`. -read is the date the sources are read, written into each file.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/suoke-life/suoke-platform/tools/crdfacts/fact"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// source is one upstream file of CRDs and the kinds to take from it.
type source struct {
	// repo is a GitHub owner/name, read from a clone at ref; module is a Go module path read from the
	// module cache at ref (its version). One of the two is set.
	repo, module string
	ref, path    string
	// pin is the row of infra/pins (or the go.mod requirement) ref follows.
	pin string
	// helm: the file is a Helm template whose only actions are whole lines (metadata annotations);
	// those lines are dropped before parsing.
	helm  bool
	kinds []string
}

// sources: every custom resource kind the program registers (tests/crd_schema_test.go fails on a
// kind with no file here) and where its CRD is at the pinned version.
var sources = []source{
	// The cnpg chart 0.29.0 runs the operator 1.30.0 (pins.ReleaseCNPG); the operator repository's
	// tag v1.30.0 holds the CRDs its release manifest and the chart install.
	{repo: "cloudnative-pg/cloudnative-pg", ref: "v1.30.0", path: "config/crd/bases/postgresql.cnpg.io_clusters.yaml", pin: "pins.ReleaseCNPG appVersion 1.30.0", kinds: []string{"Cluster"}},
	{repo: "cloudnative-pg/cloudnative-pg", ref: "v1.30.0", path: "config/crd/bases/postgresql.cnpg.io_poolers.yaml", pin: "pins.ReleaseCNPG appVersion 1.30.0", kinds: []string{"Pooler"}},
	{repo: "cloudnative-pg/cloudnative-pg", ref: "v1.30.0", path: "config/crd/bases/postgresql.cnpg.io_databases.yaml", pin: "pins.ReleaseCNPG appVersion 1.30.0", kinds: []string{"Database"}},
	{repo: "cloudnative-pg/cloudnative-pg", ref: "v1.30.0", path: "config/crd/bases/postgresql.cnpg.io_databaseroles.yaml", pin: "pins.ReleaseCNPG appVersion 1.30.0", kinds: []string{"DatabaseRole"}},
	{repo: "cloudnative-pg/cloudnative-pg", ref: "v1.30.0", path: "config/crd/bases/postgresql.cnpg.io_scheduledbackups.yaml", pin: "pins.ReleaseCNPG appVersion 1.30.0", kinds: []string{"ScheduledBackup"}},
	// The barman-cloud chart 0.7.0 runs the plugin v0.13.0 (pins.ReleaseBarmanPlugin).
	{repo: "cloudnative-pg/plugin-barman-cloud", ref: "v0.13.0", path: "config/crd/bases/barmancloud.cnpg.io_objectstores.yaml", pin: "pins.ReleaseBarmanPlugin appVersion v0.13.0", kinds: []string{"ObjectStore"}},
	// cert-manager v1.21.1 is both the chart (pins.ReleaseCertManager) and the Go module in go.mod.
	{module: "github.com/cert-manager/cert-manager", ref: "v1.21.1", path: "deploy/crds/cert-manager.io_certificates.yaml", pin: "pins.ReleaseCertManager v1.21.1", kinds: []string{"Certificate"}},
	{module: "github.com/cert-manager/cert-manager", ref: "v1.21.1", path: "deploy/crds/cert-manager.io_clusterissuers.yaml", pin: "pins.ReleaseCertManager v1.21.1", kinds: []string{"ClusterIssuer"}},
	// The prometheus-operator-crds chart 31.0.1 (pins.ReleasePrometheusCRDs) installs the CRDs of
	// the operator v0.93.1, the version of the Go API module in go.mod.
	{repo: "prometheus-community/helm-charts", ref: "prometheus-operator-crds-31.0.1", path: "charts/prometheus-operator-crds/charts/crds/templates/crd-podmonitors.yaml", pin: "pins.ReleasePrometheusCRDs 31.0.1", helm: true, kinds: []string{"PodMonitor"}},
	{repo: "prometheus-community/helm-charts", ref: "prometheus-operator-crds-31.0.1", path: "charts/prometheus-operator-crds/charts/crds/templates/crd-servicemonitors.yaml", pin: "pins.ReleasePrometheusCRDs 31.0.1", helm: true, kinds: []string{"ServiceMonitor"}},
	{repo: "prometheus-community/helm-charts", ref: "prometheus-operator-crds-31.0.1", path: "charts/prometheus-operator-crds/charts/crds/templates/crd-prometheusrules.yaml", pin: "pins.ReleasePrometheusCRDs 31.0.1", helm: true, kinds: []string{"PrometheusRule"}},
	// The aws-load-balancer-controller chart 3.5.0 (pins.ReleaseLBController) installs its CRDs
	// from crds/; eks-charts tags no chart versions, so ref is the commit that set version 3.5.0.
	{repo: "aws/eks-charts", ref: "5239609242f3430be50fb0b714a24d3ef2b47983", path: "stable/aws-load-balancer-controller/crds/crds.yaml", pin: "pins.ReleaseLBController 3.5.0", kinds: []string{"IngressClassParams"}},
}

func main() {
	repos := flag.String("repos", "/work/.mirror", "directory with a clone of each GitHub source at <dir>/<owner>+<name>")
	read := flag.String("read", time.Now().UTC().Format(time.DateOnly), "the date the sources are read")
	out := flag.String("out", "tests/testdata/crds", "output directory")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, s := range sources {
		raw, src, err := s.fetch(*repos)
		if err != nil {
			log.Fatalf("%s %s: %v", s.where(), s.path, err)
		}
		src.Read = *read
		src.Generator = "go run ./tools/crdfacts"
		facts, err := reduce(raw, s, src)
		if err != nil {
			log.Fatalf("%s %s: %v", s.where(), s.path, err)
		}
		for _, f := range facts {
			b, err := encode(f)
			if err != nil {
				log.Fatal(err)
			}
			name := filepath.Join(*out, fact.FileName(f.Group, f.Version, f.Kind))
			if err := os.WriteFile(name, b, 0o644); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%s\t%d bytes\n", name, len(b))
		}
	}
}

func (s source) where() string {
	if s.repo != "" {
		return s.repo + "@" + s.ref
	}
	return s.module + "@" + s.ref
}

// helmAction is a line that is a Helm template action and nothing else.
var helmAction = regexp.MustCompile(`(?m)^\s*\{\{.*\}\}\s*$\n?`)

func (s source) fetch(repos string) ([]byte, fact.Source, error) {
	src := fact.Source{Ref: s.ref, Path: s.path, Pin: s.pin}
	var raw []byte
	if s.repo != "" {
		src.Repository = "github.com/" + s.repo
		dir := filepath.Join(repos, strings.ReplaceAll(s.repo, "/", "+"))
		if fi, err := os.Stat(filepath.Join(dir, "repo")); err == nil && fi.IsDir() {
			dir = filepath.Join(dir, "repo")
		}
		commit, err := git(dir, "rev-parse", s.ref+"^{commit}")
		if err != nil {
			return nil, src, err
		}
		src.Commit = strings.TrimSpace(string(commit))
		if raw, err = git(dir, "show", src.Commit+":"+s.path); err != nil {
			return nil, src, err
		}
	} else {
		src.Repository = s.module + " (Go module)"
		b, err := exec.Command("go", "mod", "download", "-json", s.module+"@"+s.ref).Output()
		if err != nil {
			return nil, src, fmt.Errorf("go mod download: %w", err)
		}
		var m struct{ Dir, Sum string }
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, src, err
		}
		src.Commit = "module sum " + m.Sum
		if raw, err = os.ReadFile(filepath.Join(m.Dir, s.path)); err != nil {
			return nil, src, err
		}
	}
	sum := sha256.Sum256(raw)
	src.SHA256 = hex.EncodeToString(sum[:])
	if s.helm {
		raw = helmAction.ReplaceAll(raw, nil)
	}
	return raw, src, nil
}

func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"--git-dir=" + dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// reduce parses the CRDs of a file and keeps the wanted kinds' served v1-or-storage version.
func reduce(raw []byte, s source, src fact.Source) ([]fact.Fact, error) {
	want := map[string]bool{}
	for _, k := range s.kinds {
		want[k] = true
	}
	var facts []fact.Fact
	for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(raw), -1) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict([]byte(doc), &crd); err != nil {
			return nil, err
		}
		if crd.Kind != "CustomResourceDefinition" || !want[crd.Spec.Names.Kind] {
			continue
		}
		delete(want, crd.Spec.Names.Kind)
		var ver *apiextensionsv1.CustomResourceDefinitionVersion
		for i, v := range crd.Spec.Versions {
			if v.Storage && v.Served {
				ver = &crd.Spec.Versions[i]
			}
		}
		if ver == nil || ver.Schema == nil || ver.Schema.OpenAPIV3Schema == nil {
			return nil, fmt.Errorf("%s: no served storage version with a schema", crd.Name)
		}
		schema := *ver.Schema.OpenAPIV3Schema
		strip(&schema)
		body, defs, digest, err := dedupe(schema)
		if err != nil {
			return nil, err
		}
		facts = append(facts, fact.Fact{Source: src, Group: crd.Spec.Group, Version: ver.Name, Kind: crd.Spec.Names.Kind,
			Plural: crd.Spec.Names.Plural, Scope: string(crd.Spec.Scope), Schema: body, Defs: defs, SchemaSHA256: digest})
	}
	if len(want) > 0 {
		return nil, fmt.Errorf("no CRD for %v", want)
	}
	return facts, nil
}

// strip drops the prose: nothing validation reads.
func strip(p *apiextensionsv1.JSONSchemaProps) {
	p.Description, p.Title, p.Example, p.ExternalDocs = "", "", nil, nil
	each(p, strip)
}

func each(p *apiextensionsv1.JSONSchemaProps, f func(*apiextensionsv1.JSONSchemaProps)) {
	for k, c := range p.Properties {
		f(&c)
		p.Properties[k] = c
	}
	for k, c := range p.PatternProperties {
		f(&c)
		p.PatternProperties[k] = c
	}
	if p.Items != nil {
		if p.Items.Schema != nil {
			f(p.Items.Schema)
		}
		for i := range p.Items.JSONSchemas {
			f(&p.Items.JSONSchemas[i])
		}
	}
	if p.AdditionalProperties != nil && p.AdditionalProperties.Schema != nil {
		f(p.AdditionalProperties.Schema)
	}
	for _, l := range [][]apiextensionsv1.JSONSchemaProps{p.AllOf, p.AnyOf, p.OneOf} {
		for i := range l {
			f(&l[i])
		}
	}
	if p.Not != nil {
		f(p.Not)
	}
}

// minShared is the size (bytes of JSON) from which a subtree that occurs more than once is written
// once under defs.
const minShared = 400

// dedupe writes the schema with every repeated subtree of at least minShared bytes replaced by
// {"$def": name}, name being a digest of the subtree; digest is the SHA-256 of the whole schema.
func dedupe(schema apiextensionsv1.JSONSchemaProps) (body json.RawMessage, defs map[string]json.RawMessage, digest string, err error) {
	b, err := json.Marshal(schema)
	if err != nil {
		return nil, nil, "", err
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, nil, "", err
	}
	whole, err := json.Marshal(tree)
	if err != nil {
		return nil, nil, "", err
	}
	sum := sha256.Sum256(whole)
	digest = hex.EncodeToString(sum[:])
	count := map[string]int{}
	var countAll func(v any)
	countAll = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if b, _ := json.Marshal(x); len(b) >= minShared {
				count[string(b)]++
			}
			for _, c := range x {
				countAll(c)
			}
		case []any:
			for _, c := range x {
				countAll(c)
			}
		}
	}
	countAll(tree)
	defs = map[string]json.RawMessage{}
	var replace func(v any, root bool) any
	replace = func(v any, root bool) any {
		switch x := v.(type) {
		case map[string]any:
			if b, _ := json.Marshal(x); !root && count[string(b)] > 1 {
				sum := sha256.Sum256(b)
				name := hex.EncodeToString(sum[:6])
				if _, done := defs[name]; !done {
					defs[name] = nil // reserve: children are replaced below
					inner, _ := json.Marshal(replace(x, true))
					defs[name] = inner
				}
				return map[string]any{"$def": name}
			}
			out := map[string]any{}
			for k, c := range x {
				out[k] = replace(c, false)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, c := range x {
				out[i] = replace(c, false)
			}
			return out
		}
		return v
	}
	body, err = json.Marshal(replace(tree, false))
	return body, defs, digest, err
}

// encode writes a Fact as indented JSON, the source first, so a diff after a re-run reads.
func encode(f fact.Fact) ([]byte, error) {
	var buf bytes.Buffer
	b, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return nil, err
	}
	buf.Write(b)
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
