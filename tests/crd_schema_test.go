package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kjson "sigs.k8s.io/json"

	"github.com/suoke-life/suoke-platform/infra/pins"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Every custom resource the program registers, in every stack, is checked against its kind's
// upstream API at the pinned version, not against the program's own types:
//   - the schema of the kind's upstream CRD (tests/testdata/crds, written by tools/crdfacts from
//     the upstream repository at the pinned tag), run through the API server's own code
//     (k8s.io/apiextensions-apiserver v0.37.2: pruning for unknown fields, defaulting, OpenAPI
//     validation, metadata, list types, x-kubernetes-validations CEL rules): crdSchema.validate;
//   - for the kinds whose upstream Go API types are a module this repository requires (cert-manager
//     v1.21.1, prometheus-operator pkg/apis/monitoring v0.93.1), also a strict decode of the whole
//     object into the upstream type (sigs.k8s.io/json: unknown and case-mismatched fields are errors),
//     the operator's own view of the object.
//
// What the checks find in the program today is knownCRDFindings: the test fails when the findings
// differ from it either way, so a fix (drop the line) and a new finding both show.

// customResourceType is the Pulumi type of an untyped custom resource (pulumi-kubernetes
// apiextensions.CustomResource); its apiVersion and kind are inputs.
const customResourceType = "kubernetes:apiextensions.k8s.io/v1:CustomResource"

// builtinGroups are the API groups the Kubernetes API server serves itself (k8s.io/api v0.37.2, one
// package per group), plus the pulumi-kubernetes tokens that are not objects of an API (Helm
// releases, YAML/kustomize groups, the provider). Any other kubernetes:<group>/<version>:<Kind> is
// a custom resource and needs a schema.
var builtinGroups = map[string]bool{
	"core": true, "apps": true, "batch": true, "autoscaling": true, "policy": true,
	"admissionregistration.k8s.io": true, "apiextensions.k8s.io": true, "apiregistration.k8s.io": true,
	"authentication.k8s.io": true, "authorization.k8s.io": true, "certificates.k8s.io": true,
	"coordination.k8s.io": true, "discovery.k8s.io": true, "events.k8s.io": true,
	"flowcontrol.apiserver.k8s.io": true, "networking.k8s.io": true, "node.k8s.io": true,
	"rbac.authorization.k8s.io": true, "resource.k8s.io": true, "scheduling.k8s.io": true,
	"storage.k8s.io": true, "storagemigration.k8s.io": true, "internal.apiserver.k8s.io": true,
	"helm.sh": true, "yaml": true, "kustomize": true, "providers": true,
}

// renderedCR is one custom resource a stack registers.
type renderedCR struct {
	stack, name      string
	apiVersion, kind string
	object           map[string]any
}

func (c renderedCR) key() string { return c.apiVersion + " " + c.kind }

func (c renderedCR) String() string {
	md, _ := c.object["metadata"].(map[string]any)
	ns, _ := md["namespace"].(string)
	n, _ := md["name"].(string)
	if ns != "" {
		n = ns + "/" + n
	}
	return fmt.Sprintf("%s %s %s %s", c.stack, c.apiVersion, c.kind, n)
}

// customResources lists the custom resources of a recorded graph; a typed custom resource token
// (a crd2pulumi type, none today) counts as well, with its group and version from the token.
func customResources(t *testing.T, stack string, g *plan.Graph) []renderedCR {
	var out []renderedCR
	for _, r := range g.Resources {
		pkg, rest, ok := strings.Cut(r.Type, ":")
		if !ok || pkg != "kubernetes" {
			continue
		}
		gv, kind, _ := strings.Cut(rest, ":")
		group, _, _ := strings.Cut(gv, "/")
		apiVersion, _ := r.Inputs["apiVersion"].(string)
		if r.Type == customResourceType {
			kind, _ = r.Inputs["kind"].(string)
		} else if builtinGroups[group] {
			continue
		} else if apiVersion == "" {
			apiVersion = gv
		}
		obj := map[string]any{}
		for k, v := range r.Inputs {
			obj[k] = v
		}
		obj["apiVersion"], obj["kind"] = apiVersion, kind
		out = append(out, renderedCR{stack: stack, name: r.Name, apiVersion: apiVersion, kind: kind, object: obj})
	}
	require.NotEmpty(t, out, "stack %s registers no custom resource: the walk is broken", stack)
	return out
}

// typedKinds are the kinds whose upstream Go types are a module in go.mod: the decoder of each.
var typedKinds = map[string]func() any{
	"cert-manager.io/v1 Certificate":          func() any { return &cmv1.Certificate{} },
	"cert-manager.io/v1 ClusterIssuer":        func() any { return &cmv1.ClusterIssuer{} },
	"cert-manager.io/v1 Issuer":               func() any { return &cmv1.Issuer{} },
	"monitoring.coreos.com/v1 PodMonitor":     func() any { return &monitoringv1.PodMonitor{} },
	"monitoring.coreos.com/v1 ServiceMonitor": func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1 PrometheusRule": func() any { return &monitoringv1.PrometheusRule{} },
	"monitoring.coreos.com/v1 Probe":          func() any { return &monitoringv1.Probe{} },
	"monitoring.coreos.com/v1 Prometheus":     func() any { return &monitoringv1.Prometheus{} },
	"monitoring.coreos.com/v1 Alertmanager":   func() any { return &monitoringv1.Alertmanager{} },
	"monitoring.coreos.com/v1 ThanosRuler":    func() any { return &monitoringv1.ThanosRuler{} },
}

// decodeTyped decodes a whole object strictly into its upstream Go type. ok is false when the kind
// has no Go type here.
func decodeTyped(key string, obj map[string]any) (problems []string, ok bool) {
	newT := typedKinds[key]
	if newT == nil {
		return nil, false
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return []string{err.Error()}, true
	}
	strict, err := kjson.UnmarshalStrict(b, newT())
	if err != nil {
		problems = append(problems, "typed: "+err.Error())
	}
	for _, e := range strict {
		problems = append(problems, "typed: "+e.Error())
	}
	return problems, true
}

// checkCR runs every check on one object and returns its problems, those on a placeholder value
// (which says nothing about the program) apart.
func checkCR(schemas map[string]*crdSchema, key string, obj map[string]any) (problems, onStandIn []string, err error) {
	s, ok := schemas[key]
	if !ok {
		return nil, nil, fmt.Errorf("no upstream schema for %s in %s: add its CRD to tools/crdfacts and run it", key, crdDir)
	}
	all := s.validate(obj)
	if typed, ok := decodeTyped(key, obj); ok {
		all = append(all, typed...)
	}
	for _, p := range all {
		if onPlaceholder(obj, p) {
			onStandIn = append(onStandIn, p)
		} else {
			problems = append(problems, p)
		}
	}
	return problems, onStandIn, nil
}

// knownCRDFindings are what the checks find wrong in what the program renders today: "<stack>
// <apiVersion> <Kind> <namespace>/<name>: <problem>". Each is a bug for the program to fix (then
// drop its line); a new one fails the test until it is fixed or listed here with a reason.
var knownCRDFindings = []string{}

// TestCustomResourcesMatchUpstreamSchemas: every custom resource of every stack has an upstream
// schema and passes it.
func TestCustomResourcesMatchUpstreamSchemas(t *testing.T) {
	schemas := loadCRDSchemas(t)
	var findings []string
	used := map[string]bool{}
	for _, s := range stacks(t) {
		g, _ := record(t, s)
		kinds := map[string]int{}
		for _, cr := range customResources(t, s, g) {
			kinds[cr.key()]++
			used[cr.key()] = true
			// A walk that lost the objects' content would pass every schema: each kind here has a spec.
			if spec, _ := cr.object["spec"].(map[string]any); !assert.NotEmpty(t, spec, "%s has no spec", cr) {
				continue
			}
			problems, standIn, err := checkCR(schemas, cr.key(), cr.object)
			if !assert.NoError(t, err, cr.String()) {
				continue
			}
			for _, p := range problems {
				findings = append(findings, cr.String()+": "+p)
			}
			for _, p := range standIn {
				t.Logf("%s: on a recording stand-in, not checked: %s", cr, p)
			}
		}
		var list []string
		for k, n := range kinds {
			how := "no schema"
			if sc := schemas[k]; sc != nil {
				how = fmt.Sprintf("upstream CRD schema with %d CEL rules", sc.rules)
			}
			if typedKinds[k] != nil {
				how += " + upstream Go type"
			}
			list = append(list, fmt.Sprintf("%s ×%d (%s)", k, n, how))
		}
		sort.Strings(list)
		t.Logf("stack %s custom resources:\n  %s", s, strings.Join(list, "\n  "))
	}
	sort.Strings(findings)
	want := append([]string(nil), knownCRDFindings...)
	sort.Strings(want)
	assert.Equal(t, want, findings, "the findings against the upstream schemas changed: fix the program, or update knownCRDFindings")

	// A schema no stack uses is a pin nobody reads: drop it from tools/crdfacts.
	for k := range schemas {
		assert.True(t, used[k], "%s has a schema in %s but no stack renders it", k, crdDir)
	}
}

// deepCopy copies a recorded object so a test can break it.
func deepCopy(t *testing.T, obj map[string]any) map[string]any {
	b, err := json.Marshal(obj)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// mapAt returns the object at a dotted path (no list indices), failing the test when it is not one.
func mapAt(t *testing.T, obj map[string]any, path string) map[string]any {
	t.Helper()
	v, ok := valueAt(obj, path)
	require.True(t, ok, "no %s in the rendered object", path)
	m, ok := v.(map[string]any)
	require.True(t, ok, "%s is not an object", path)
	return m
}

// firstCR is the first custom resource of a kind in a recorded stack.
func firstCR(t *testing.T, stack, key string) renderedCR {
	t.Helper()
	g, _ := record(t, stack)
	for _, cr := range customResources(t, stack, g) {
		if cr.key() == key {
			return cr
		}
	}
	t.Fatalf("stack %s renders no %s", stack, key)
	return renderedCR{}
}

// breakage is one way to break a real rendered object, and a piece of what the check must say.
type breakage struct {
	name  string
	edit  func(t *testing.T, obj map[string]any)
	wants []string
}

// assertBreakagesCaught checks the unbroken object passes (known findings apart) and each breakage
// on a copy of it is reported with the expected words.
func assertBreakagesCaught(t *testing.T, schemas map[string]*crdSchema, cr renderedCR, cases []breakage) {
	before, _, err := checkCR(schemas, cr.key(), cr.object)
	require.NoError(t, err)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			obj := deepCopy(t, cr.object)
			c.edit(t, obj)
			problems, _, err := checkCR(schemas, cr.key(), obj)
			require.NoError(t, err)
			var added []string
			for _, p := range problems {
				if !contains(before, p) {
					added = append(added, p)
				}
			}
			require.NotEmpty(t, added, "%s: breaking it was not caught", cr)
			joined := strings.Join(added, "\n")
			for _, w := range c.wants {
				assert.Contains(t, joined, w)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// TestBrokenCloudNativePGClusterIsCaught breaks a real rendered Cluster in each way the brief of
// issue #15 item 6 names; the words expected are the API server's (kube-openapi validate, pruning,
// CEL) and the facts are CloudNativePG v1.30.0 config/crd/bases/postgresql.cnpg.io_clusters.yaml.
func TestBrokenCloudNativePGClusterIsCaught(t *testing.T) {
	schemas := loadCRDSchemas(t)
	cr := firstCR(t, "prod", "postgresql.cnpg.io/v1 Cluster")
	assertBreakagesCaught(t, schemas, cr, []breakage{
		{"misspelt top-level field", func(t *testing.T, o map[string]any) { o["spce"] = map[string]any{} },
			[]string{"spce: unknown field"}},
		{"misspelt metadata field", func(t *testing.T, o map[string]any) { mapAt(t, o, "metadata")["label"] = map[string]any{"a": "b"} },
			[]string{`unknown field "label"`}},
		{"invalid name", func(t *testing.T, o map[string]any) { mapAt(t, o, "metadata")["name"] = "Suoke_PG" },
			[]string{"metadata.name: Invalid value", "RFC 1123 subdomain"}},
		{"misspelt spec field", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec")["instancess"] = 3 },
			[]string{"spec.instancess: unknown field"}},
		{"misspelt nested field", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec.storage")["sizee"] = "10Gi" },
			[]string{"spec.storage.sizee: unknown field"}},
		{"wrong type", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec")["instances"] = "three" },
			[]string{`spec.instances: Invalid value: "string"`, "must be of type integer"}},
		{"bad enum value", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec")["primaryUpdateStrategy"] = "sometimes" },
			[]string{`spec.primaryUpdateStrategy: Unsupported value: "sometimes"`, `"unsupervised"`, `"supervised"`}},
		{"below the minimum", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec")["instances"] = 0 },
			[]string{"spec.instances", "should be greater than or equal to 1"}},
		// spec.instances is required but defaulted (default 1), so, as in the API server, deleting it
		// is not an error; plugins[].name is required with no default.
		{"missing required field", func(t *testing.T, o map[string]any) {
			plugins, _ := mapAt(t, o, "spec")["plugins"].([]any)
			require.NotEmpty(t, plugins, "the rendered Cluster has no plugins")
			delete(plugins[0].(map[string]any), "name")
		}, []string{"spec.plugins[0].name: Required value"}},
		{"x-kubernetes-validations rule", func(t *testing.T, o map[string]any) {
			mapAt(t, o, "spec")["imageCatalogRef"] = map[string]any{"apiGroup": "postgresql.cnpg.io", "kind": "ImageCatalog", "name": "x", "major": 18}
			mapAt(t, o, "spec")["imageName"] = "ghcr.io/cloudnative-pg/postgresql:18"
		}, []string{"imageName and imageCatalogRef are mutually exclusive"}},
	})
}

// TestBrokenCertificateIsCaught breaks a real rendered cert-manager Certificate: the schema of
// cert-manager v1.21.1 deploy/crds/cert-manager.io_certificates.yaml and the strict decode into
// its Go type (pkg/apis/certmanager/v1) must both see the misspelt and mistyped fields.
func TestBrokenCertificateIsCaught(t *testing.T) {
	schemas := loadCRDSchemas(t)
	cr := firstCR(t, "prod", "cert-manager.io/v1 Certificate")
	assertBreakagesCaught(t, schemas, cr, []breakage{
		{"misspelt top-level field", func(t *testing.T, o map[string]any) { o["metdata"] = map[string]any{} },
			[]string{"metdata: unknown field", `typed: unknown field "metdata"`}},
		{"misspelt spec field", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec")["secretNam"] = "x" },
			[]string{"spec.secretNam: unknown field", `typed: unknown field "spec.secretNam"`}},
		{"misspelt nested field", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec.issuerRef")["knd"] = "ClusterIssuer" },
			[]string{"spec.issuerRef.knd: unknown field", `typed: unknown field "spec.issuerRef.knd"`}},
		{"field in the wrong case", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec")["SecretName"] = "x" },
			[]string{"spec.SecretName: unknown field", `typed: unknown field "spec.SecretName"`}},
		{"wrong type", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec")["isCA"] = "yes" },
			[]string{`spec.isCA: Invalid value: "string"`, "must be of type boolean", "typed: json: cannot unmarshal string into Go struct field"}},
		{"bad enum value", func(t *testing.T, o map[string]any) {
			mapAt(t, o, "spec")["privateKey"] = map[string]any{"algorithm": "DSA"}
		}, []string{`spec.privateKey.algorithm: Unsupported value: "DSA"`, `"RSA"`, `"ECDSA"`, `"Ed25519"`}},
		{"missing required field", func(t *testing.T, o map[string]any) { delete(mapAt(t, o, "spec"), "issuerRef") },
			[]string{"spec.issuerRef: Required value"}},
	})
}

// TestEveryCustomResourceKindNeedsASchema: a kind with no fact is an error, not a pass, and the walk
// of the graph sees typed custom resource tokens as well as CustomResource.
func TestEveryCustomResourceKindNeedsASchema(t *testing.T) {
	schemas := loadCRDSchemas(t)
	_, _, err := checkCR(schemas, "example.com/v1 Widget", map[string]any{"apiVersion": "example.com/v1", "kind": "Widget"})
	assert.ErrorContains(t, err, "no upstream schema for example.com/v1 Widget")

	g := &plan.Graph{Resources: []plan.Resource{
		{Type: "kubernetes:apps/v1:Deployment", Name: "d", Inputs: map[string]any{}},
		{Type: "kubernetes:helm.sh/v3:Release", Name: "h", Inputs: map[string]any{}},
		{Type: customResourceType, Name: "c", Inputs: map[string]any{"apiVersion": "postgresql.cnpg.io/v1", "kind": "Pooler"}},
		{Type: "kubernetes:example.com/v1:Widget", Name: "w", Inputs: map[string]any{}},
	}}
	var got []string
	for _, cr := range customResources(t, "test", g) {
		got = append(got, cr.name+" "+cr.key())
	}
	assert.Equal(t, []string{"c postgresql.cnpg.io/v1 Pooler", "w example.com/v1 Widget"}, got)
}

// TestTamperedFactIsRefused: a fact whose expanded schema is not what the generator reduced (a
// hand edit, a broken $def) is refused rather than validated against.
func TestTamperedFactIsRefused(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(crdDir, "postgresql.cnpg.io_v1_Cluster.json"))
	require.NoError(t, err)
	var f map[string]any
	require.NoError(t, json.Unmarshal(b, &f))
	spec := mapAt(t, f, "schema.properties.spec.properties")
	spec["instances"] = map[string]any{"type": "string"}
	b, err = json.Marshal(f)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "tampered.json")
	require.NoError(t, os.WriteFile(file, b, 0o644))
	_, err = loadCRDSchema(file)
	assert.ErrorContains(t, err, "not what tools/crdfacts reduced")
}

// factPins: which row of infra/pins each group's CRD follows, and the upstream ref that row means
// (tools/crdfacts sources). A pin moved without re-running the generator fails here.
var factPins = map[string]struct {
	release string
	ref     func(pins.Chart) string
}{
	// The operator repository tags releases v<appVersion>; the chart's appVersion has no v.
	"postgresql.cnpg.io":  {pins.ReleaseCNPG, func(c pins.Chart) string { return "v" + c.AppVersion }},
	"barmancloud.cnpg.io": {pins.ReleaseBarmanPlugin, func(c pins.Chart) string { return c.AppVersion }},
	"cert-manager.io":     {pins.ReleaseCertManager, func(c pins.Chart) string { return c.AppVersion }},
	// prometheus-community/helm-charts tags each chart release <chart>-<version>.
	"monitoring.coreos.com": {pins.ReleasePrometheusCRDs, func(c pins.Chart) string { return c.Name + "-" + c.Version }},
	// aws/eks-charts tags no chart releases: the row's Source names the commit (@<short hash>).
	"elbv2.k8s.aws": {pins.ReleaseLBController, func(c pins.Chart) string {
		m := regexp.MustCompile(`@([0-9a-f]{7,40})\b`).FindStringSubmatch(c.Source)
		if m == nil {
			return "(no commit in the pin's source)"
		}
		return m[1]
	}},
}

// factPinProblems lists each fact not read at what its pin means.
func factPinProblems(schemas map[string]*crdSchema) []string {
	var out []string
	for key, s := range schemas {
		fp, ok := factPins[s.fact.Group]
		if !ok {
			out = append(out, key+": which pin does its CRD follow? add it to factPins")
			continue
		}
		c, err := pins.ChartOf(fp.release)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		want := fp.ref(c)
		got := s.fact.Source.Ref
		if s.fact.Group == "elbv2.k8s.aws" {
			got = s.fact.Source.Commit
		}
		if !strings.HasPrefix(got, want) {
			out = append(out, fmt.Sprintf("%s was read at %s but the pin %s means %s: move tools/crdfacts' source and re-run it", key, got, fp.release, want))
		}
	}
	sort.Strings(out)
	return out
}

func TestCRDFactsFollowThePins(t *testing.T) {
	schemas := loadCRDSchemas(t)
	assert.Empty(t, factPinProblems(schemas))
	read := map[string][]string{}
	for key, s := range schemas {
		read[s.fact.Source.Read] = append(read[s.fact.Source.Read], key)
	}
	// One run of the generator writes every file: a file left from another run is stale.
	assert.Len(t, read, 1, "the files of %s were read on different days: re-run tools/crdfacts: %v", crdDir, read)

	// A moved pin is seen: the barman-cloud row at another app version.
	saved := append([]pins.Chart(nil), pins.Charts...)
	defer func() { pins.Charts = saved }()
	for i := range pins.Charts {
		if pins.Charts[i].Release == pins.ReleaseBarmanPlugin {
			pins.Charts[i].AppVersion = "v0.99.0"
		}
	}
	assert.Equal(t, []string{"barmancloud.cnpg.io/v1 ObjectStore was read at v0.13.0 but the pin barman-cloud means v0.99.0: move tools/crdfacts' source and re-run it"},
		factPinProblems(schemas))
}

// TestBrokenObjectStoreIsCaught breaks a real rendered barman-cloud ObjectStore (plugin-barman-cloud
// v0.13.0 config/crd/bases/barmancloud.cnpg.io_objectstores.yaml: spec.configuration required,
// wal.compression an enum).
func TestBrokenObjectStoreIsCaught(t *testing.T) {
	schemas := loadCRDSchemas(t)
	cr := firstCR(t, "prod", "barmancloud.cnpg.io/v1 ObjectStore")
	assertBreakagesCaught(t, schemas, cr, []breakage{
		{"misspelt nested field", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec.configuration")["destinationPth"] = "s3://x/" },
			[]string{"spec.configuration.destinationPth: unknown field"}},
		{"bad enum value", func(t *testing.T, o map[string]any) {
			mapAt(t, o, "spec.configuration")["wal"] = map[string]any{"compression": "brotli"}
		}, []string{`spec.configuration.wal.compression: Unsupported value: "brotli"`}},
		{"wrong type", func(t *testing.T, o map[string]any) { mapAt(t, o, "spec")["retentionPolicy"] = 30 },
			[]string{"spec.retentionPolicy", "must be of type string"}},
		{"missing required field", func(t *testing.T, o map[string]any) { delete(mapAt(t, o, "spec"), "configuration") },
			[]string{"spec.configuration: Required value"}},
	})
}
