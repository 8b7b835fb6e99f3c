package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeChart writes a chart the test defines into dir/<name>: Chart.yaml, values.yaml and the
// given templates (and values.schema.json when given).
func writeChart(t *testing.T, dir, name, version, appVersion, values string, files map[string]string) {
	t.Helper()
	root := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "templates"), 0o755))
	chart := "apiVersion: v2\nname: " + name + "\nversion: " + version + "\nappVersion: \"" + appVersion + "\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(root, "Chart.yaml"), []byte(chart), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "values.yaml"), []byte(values), 0o644))
	for path, body := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(root, path)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, path), []byte(body), 0o644))
	}
}

const mirror = "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror"

// deployment is a Deployment template whose image the chart composes as registry/repository:tag,
// as kube-prometheus-stack's and Tempo's templates do.
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      {{- with .Values.nodeSelector }}
      nodeSelector: {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: app
          image: "{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`

const composedValues = "image:\n  registry: quay.io\n  repository: example/app\n  tag: \"\"\nnodeSelector:\n  kubernetes.io/os: linux\n"

func findings(rep Report, kind string) []Finding {
	var out []Finding
	for _, f := range rep.Findings() {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

// TestCleanReleaseHasNoFindings: a chart rendered with values it reads, an image the mirror holds
// and a pod its namespace admits gives no finding; the image and objects are reported.
func TestCleanReleaseHasNoFindings(t *testing.T) {
	dir := t.TempDir()
	writeChart(t, dir, "app", "1.0.0", "v2.0.0", composedValues, map[string]string{"templates/deployment.yaml": deployment})
	rel := Release{Name: "app", Namespace: "apps", Chart: "app", Version: "1.0.0", AppVersion: "v2.0.0",
		Values: map[string]any{"image": map[string]any{"registry": strings.Split(mirror, "/")[0], "repository": "mirror/quay.io/example/app", "tag": "v2.0.0"},
			"nodeSelector": map[string]any{"suoke.life/tier": "monitoring"}}}
	rep := Render([]Release{rel}, Options{ChartsDir: dir, KubeVersion: "1.35", Images: []string{mirror + "/quay.io/example/app:v2.0.0"},
		PodSecurity: map[string]string{"apps": "restricted"}})
	require.Len(t, rep.Results, 1)
	assert.Empty(t, rep.Findings())
	assert.Equal(t, []string{mirror + "/quay.io/example/app:v2.0.0"}, rep.Results[0].Images)
	assert.Equal(t, []string{"Deployment/app"}, rep.Results[0].Objects)
}

// TestRegistryPrefixing: the chart puts its own registry in front of a repository that already
// carries the mirror's host (what Tempo's chart did with a full reference in tempo.repository):
// the composed image is not the mirror's, and the report says which mirrored image it was meant to be.
func TestRegistryPrefixing(t *testing.T) {
	dir := t.TempDir()
	writeChart(t, dir, "app", "1.0.0", "v2.0.0", composedValues, map[string]string{"templates/deployment.yaml": deployment})
	rel := Release{Name: "app", Namespace: "apps", Chart: "app", Version: "1.0.0",
		Values: map[string]any{"image": map[string]any{"repository": mirror + "/quay.io/example/app"}}}
	rep := Render([]Release{rel}, Options{ChartsDir: dir, KubeVersion: "1.35", Images: []string{mirror + "/quay.io/example/app:v2.0.0"}})
	got := findings(rep, KindImage)
	require.Len(t, got, 1)
	assert.Contains(t, got[0].Detail, "quay.io/"+mirror+"/quay.io/example/app:v2.0.0 is not in the mirror list")
	assert.Contains(t, got[0].Detail, "the registry was composed around "+mirror+"/quay.io/example/app")
}

// TestTplOverAMap: a chart that runs tpl over a value expects a string; a map there fails the
// render, as it would fail the install.
func TestTplOverAMap(t *testing.T) {
	dir := t.TempDir()
	writeChart(t, dir, "cfg", "0.1.0", "1", "config: \"a: b\"\n", map[string]string{
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  config: |\n    {{- tpl .Values.config . | nindent 4 }}\n"})
	ok := Render([]Release{{Name: "cfg", Namespace: "x", Chart: "cfg", Version: "0.1.0", Values: map[string]any{"config": "receivers: {}"}}},
		Options{ChartsDir: dir, KubeVersion: "1.35"})
	assert.Empty(t, ok.Findings())
	bad := Render([]Release{{Name: "cfg", Namespace: "x", Chart: "cfg", Version: "0.1.0", Values: map[string]any{"config": map[string]any{"receivers": map[string]any{}}}}},
		Options{ChartsDir: dir, KubeVersion: "1.35"})
	got := findings(bad, KindRender)
	require.Len(t, got, 1)
	assert.Contains(t, got[0].Detail, "cm.yaml")
}

// TestHookImage: a pre-install hook's Job (a CRD upgrade, a certificate generator) pulls its own
// image; the render sees hooks, so an image the mirror lacks there is found. A test hook is not
// installed by a Pulumi release and is not reported.
func TestHookImage(t *testing.T) {
	dir := t.TempDir()
	job := func(name, hook, image string) string {
		return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\n  annotations: {\"helm.sh/hook\": " + hook +
			"}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: k, image: \"" + image + "\"}]\n"
	}
	writeChart(t, dir, "hooks", "1.0.0", "1", "{}\n", map[string]string{
		"templates/upgrade-crds.yaml": job("upgrade-crds", "pre-install,pre-upgrade", "registry.k8s.io/kubectl:v1.35.4"),
		"templates/test.yaml":         job("connection-test", "test", "docker.io/library/busybox:latest"),
	})
	rep := Render([]Release{{Name: "hooks", Namespace: "x", Chart: "hooks", Version: "1.0.0"}},
		Options{ChartsDir: dir, KubeVersion: "1.35", Images: []string{mirror + "/registry.k8s.io/kubectl:v1.35.4"}})
	got := findings(rep, KindImage)
	require.Len(t, got, 1)
	assert.Equal(t, "Job/upgrade-crds", got[0].Object)
	assert.Contains(t, got[0].Detail, "registry.k8s.io/kubectl:v1.35.4 is not in the mirror list")
	assert.NotContains(t, rep.Results[0].Objects, "Job/connection-test")
}

// TestSchemaViolation: values that break the chart's values.schema.json fail the render with the
// schema's message.
func TestSchemaViolation(t *testing.T) {
	dir := t.TempDir()
	schema := `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
  "properties": {"replicas": {"type": "integer", "minimum": 1}}, "additionalProperties": false}`
	writeChart(t, dir, "strict", "2.0.0", "1", "replicas: 1\n", map[string]string{
		"values.schema.json": schema,
		"templates/cm.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata: {r: \"{{ .Values.replicas }}\"}\n"})
	for name, vals := range map[string]map[string]any{
		"a string for an integer":  {"replicas": "two"},
		"a key the schema forbids": {"replicas": 2, "replica": 2},
	} {
		rep := Render([]Release{{Name: "strict", Namespace: "x", Chart: "strict", Version: "2.0.0", Values: vals}}, Options{ChartsDir: dir, KubeVersion: "1.35"})
		got := findings(rep, KindRender)
		require.Len(t, got, 1, name)
		assert.Contains(t, got[0].Detail, "schema", name)
	}
	rep := Render([]Release{{Name: "strict", Namespace: "x", Chart: "strict", Version: "2.0.0", Values: map[string]any{"replicas": 3}}}, Options{ChartsDir: dir, KubeVersion: "1.35"})
	assert.Empty(t, rep.Findings())
}

// TestPrivilegedDaemonSet: a node agent that asks for host paths and privilege passes in a
// privileged namespace and is rejected where the namespace enforces baseline.
func TestPrivilegedDaemonSet(t *testing.T) {
	dir := t.TempDir()
	ds := `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      volumes: [{name: root, hostPath: {path: /}}]
      containers:
        - name: agent
          image: quay.io/example/agent:1
          securityContext: {privileged: true}
`
	writeChart(t, dir, "agent", "1.0.0", "1", "{}\n", map[string]string{"templates/ds.yaml": ds})
	rel := Release{Name: "agent", Namespace: "monitoring", Chart: "agent", Version: "1.0.0"}
	ok := Render([]Release{rel}, Options{ChartsDir: dir, KubeVersion: "1.35", PodSecurity: map[string]string{"monitoring": "privileged"}})
	assert.Empty(t, ok.Findings())
	bad := Render([]Release{rel}, Options{ChartsDir: dir, KubeVersion: "1.35", PodSecurity: map[string]string{"monitoring": "baseline"}})
	got := findings(bad, KindPodSecurity)
	require.Len(t, got, 1)
	assert.Equal(t, "DaemonSet/agent", got[0].Object)
	for _, want := range []string{"enforces baseline", "privileged", "hostPath", "host namespaces"} {
		assert.Contains(t, got[0].Detail, want)
	}
}

// TestUnusedValues: a misspelt key (nodeSelecter), a key under a fixed set of keys the templates
// never name (image.pullPolicyy) are found; keys added under a value the chart passes on whole
// (nodeSelector) and keys the templates name though the defaults lack them are not.
func TestUnusedValues(t *testing.T) {
	dir := t.TempDir()
	writeChart(t, dir, "app", "1.0.0", "v2.0.0", composedValues, map[string]string{
		"templates/deployment.yaml": deployment,
		"templates/extra.yaml":      "{{- if .Values.extraObject }}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n{{- end }}\n",
	})
	vals := map[string]any{
		"nodeSelecter": map[string]any{"a": "b"},
		"nodeSelector": map[string]any{"suoke.life/tier": "monitoring"},
		"image":        map[string]any{"pullPolicyy": "Always", "tag": "v2.0.0"},
		"extraObject":  true,
	}
	rep := Render([]Release{{Name: "app", Namespace: "x", Chart: "app", Version: "1.0.0", Values: vals}}, Options{ChartsDir: dir, KubeVersion: "1.35"})
	var paths []string
	for _, f := range findings(rep, KindUnusedValue) {
		paths = append(paths, f.Object)
	}
	assert.Equal(t, []string{"image.pullPolicyy", "nodeSelecter"}, paths)
}

// TestChartNotPulledOrNotThePin: a chart missing from the directory is a finding that says how to
// pull it; a chart whose Chart.yaml runs another app version than the pin table says is one too.
func TestChartNotPulledOrNotThePin(t *testing.T) {
	dir := t.TempDir()
	writeChart(t, dir, "app", "1.0.0", "v2.0.0", composedValues, map[string]string{"templates/deployment.yaml": deployment})
	rep := Render([]Release{
		{Name: "gone", Namespace: "x", Chart: "gone", Version: "3.1.4", Ref: "oci://registry.example.cn/charts/gone"},
		{Name: "app", Namespace: "x", Chart: "app", Version: "1.0.0", AppVersion: "v2.1.0"},
	}, Options{ChartsDir: dir, KubeVersion: "1.35"})
	got := findings(rep, KindChart)
	require.Len(t, got, 2)
	assert.Contains(t, got[0].Detail, "helm pull oci://registry.example.cn/charts/gone --version 3.1.4")
	assert.Contains(t, got[1].Detail, `runs app version "v2.0.0", the pin table says "v2.1.0"`)
}

// TestCRDsOfOneReleaseGateAnother: a chart that renders a ServiceMonitor only when the cluster
// serves monitoring.coreos.com/v1 renders it when another release of the stack installs that CRD,
// and the webhook a chart installs is reported with its failure policy (Fail when unset).
func TestCRDsOfOneReleaseGateAnother(t *testing.T) {
	dir := t.TempDir()
	crd := `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: servicemonitors.monitoring.coreos.com}
spec:
  group: monitoring.coreos.com
  names: {kind: ServiceMonitor, plural: servicemonitors}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
`
	writeChart(t, dir, "crds", "1.0.0", "1", "{}\n", map[string]string{"crds/sm.yaml": crd})
	writeChart(t, dir, "app", "1.0.0", "1", "{}\n", map[string]string{
		"templates/sm.yaml":   "{{- if .Capabilities.APIVersions.Has \"monitoring.coreos.com/v1/ServiceMonitor\" }}\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: app}\nspec: {endpoints: [{port: metrics}]}\n{{- end }}\n",
		"templates/hook.yaml": "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: app}\nwebhooks:\n  - name: vapp.example.io\n    rules: [{apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE], resources: [services]}]\n",
	})
	app := Release{Name: "app", Namespace: "x", Chart: "app", Version: "1.0.0"}
	alone := Render([]Release{app}, Options{ChartsDir: dir, KubeVersion: "1.35"})
	assert.NotContains(t, alone.Results[0].Objects, "ServiceMonitor/app")
	both := Render([]Release{{Name: "crds", Namespace: "x", Chart: "crds", Version: "1.0.0"}, app}, Options{ChartsDir: dir, KubeVersion: "1.35"})
	require.Len(t, both.Results, 2)
	assert.Contains(t, both.Results[1].Objects, "ServiceMonitor/app")
	assert.Equal(t, []Webhook{{Configuration: "app", Name: "vapp.example.io", FailurePolicy: "Fail", Resources: []string{"/services"}}}, both.Results[1].Webhooks)
}
