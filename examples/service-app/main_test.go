package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// platformMocks answer the StackReference with the platform stack's recorded outputs and keep what
// the example registers.
type platformMocks struct {
	mu       sync.Mutex
	outputs  map[string]any
	resource map[string]map[string]any
}

func (m *platformMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if args.TypeToken == "pulumi:pulumi:StackReference" {
		return args.ID, resource.NewPropertyMapFromMap(map[string]any{"name": args.ID, "outputs": m.outputs}), nil
	}
	m.resource[args.TypeToken] = args.Inputs.Mappable()
	return args.Name + "-id", args.Inputs, nil
}

func (m *platformMocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// platform records the platform's own offline plan of a stack: the contract under test is the one
// the platform program really exports, not a hand-written copy.
func platform(t *testing.T, stack string) *plan.Graph {
	t.Helper()
	g, err := plan.Record("../..", stack)
	require.NoError(t, err)
	return g
}

func deploy(t *testing.T, g *plan.Graph, service string) (*platformMocks, error) {
	t.Helper()
	// Through JSON, as the engine hands a stack output across.
	b, err := json.Marshal(map[string]any{"services": g.Outputs["services"]})
	require.NoError(t, err)
	var outs map[string]any
	require.NoError(t, json.Unmarshal(b, &outs))
	m := &platformMocks{outputs: outs, resource: map[string]map[string]any{}}
	err = pulumi.RunErr(Deploy, pulumi.WithMocks("service-app", "prod", m), func(info *pulumi.RunInfo) {
		info.Config = map[string]string{"service-app:platformStack": "suoke/suoke-platform/prod", "service-app:service": service,
			"service-app:image": "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/suoke/" + service + ":1.0.0"}
	})
	return m, err
}

// strict decodes what the example registered into the Kubernetes API's own type, refusing any field
// the API does not have.
func strict(t *testing.T, v any, into any) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(into))
}

func inGraph(g *plan.Graph, typ, namespace, name string) bool {
	for _, r := range g.Resources {
		md, _ := r.Inputs["metadata"].(map[string]any)
		spec, _ := r.Inputs["spec"].(map[string]any)
		if r.Type == typ && md["namespace"] == namespace && md["name"] == name {
			return true
		}
		// A Secret cert-manager writes for a Certificate the platform declares.
		if typ == "kubernetes:core/v1:Secret" && r.Type == "kubernetes:cert-manager.io/v1:Certificate" && md["namespace"] == namespace && spec["secretName"] == name {
			return true
		}
	}
	return false
}

// Every service of every stack deploys from the contract alone, and what it deploys fits what the
// platform built: the pod passes the namespace's Pod Security level, every Secret and ConfigMap it
// mounts or reads exists in its own namespace, and the platform's ServiceMonitor for it selects its
// Service and scrapes a port the Service has.
func TestEveryServiceDeploysFromTheContract(t *testing.T) {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	require.NoError(t, err)
	for _, stack := range []string{"prod", "staging"} {
		g := platform(t, stack)
		var services []map[string]any
		b, _ := json.Marshal(g.Outputs["services"])
		require.NoError(t, json.Unmarshal(b, &services))
		require.NotEmpty(t, services)
		for _, s := range services {
			name := s["name"].(string)
			t.Run(stack+"/"+name, func(t *testing.T) {
				m, err := deploy(t, g, name)
				require.NoError(t, err)
				var d appsv1.Deployment
				strict(t, m.resource["kubernetes:apps/v1:Deployment"], &d)
				var svc corev1.Service
				strict(t, m.resource["kubernetes:core/v1:Service"], &svc)
				ns := d.Namespace

				level := api.LevelRestricted
				for _, r := range g.Resources {
					md, _ := r.Inputs["metadata"].(map[string]any)
					if r.Type == "kubernetes:core/v1:Namespace" && md["name"] == ns {
						labels, _ := md["labels"].(map[string]any)
						l, err := api.ParseLevel(labels["pod-security.kubernetes.io/enforce"].(string))
						require.NoError(t, err)
						level = l
					}
				}
				res := policy.AggregateCheckResults(evaluator.EvaluatePod(api.LevelVersion{Level: level, Version: api.LatestVersion()},
					&d.Spec.Template.ObjectMeta, &d.Spec.Template.Spec))
				assert.True(t, res.Allowed, "%s enforces %s: %s %s", ns, level, res.ForbiddenReason(), res.ForbiddenDetail())

				for _, v := range d.Spec.Template.Spec.Volumes {
					if v.Secret != nil {
						assert.True(t, inGraph(g, "kubernetes:core/v1:Secret", ns, v.Secret.SecretName), "Secret %s/%s", ns, v.Secret.SecretName)
					}
					if v.ConfigMap != nil {
						assert.True(t, inGraph(g, "kubernetes:core/v1:ConfigMap", ns, v.ConfigMap.Name), "ConfigMap %s/%s", ns, v.ConfigMap.Name)
					}
				}
				for _, e := range d.Spec.Template.Spec.Containers[0].Env {
					if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
						assert.True(t, inGraph(g, "kubernetes:core/v1:Secret", ns, e.ValueFrom.SecretKeyRef.Name), "Secret %s/%s", ns, e.ValueFrom.SecretKeyRef.Name)
					}
				}

				var monitor map[string]any
				for _, r := range g.Resources {
					md, _ := r.Inputs["metadata"].(map[string]any)
					if r.Type == "kubernetes:monitoring.coreos.com/v1:ServiceMonitor" && md["name"] == name {
						monitor = r.Inputs["spec"].(map[string]any)
					}
				}
				require.NotNil(t, monitor, "the platform's ServiceMonitor for %s", name)
				for k, v := range monitor["selector"].(map[string]any)["matchLabels"].(map[string]any) {
					assert.Equal(t, v, svc.Labels[k], "the ServiceMonitor selects the Service by %s", k)
				}
				var ports []string
				for _, p := range svc.Spec.Ports {
					ports = append(ports, p.Name)
				}
				for _, ep := range monitor["endpoints"].([]any) {
					assert.Contains(t, ports, ep.(map[string]any)["port"], "the ServiceMonitor scrapes a port the Service has")
				}
				assert.Equal(t, svc.Spec.Selector, d.Spec.Template.Labels, "the Service selects the pods")
			})
		}
	}
}

func TestUnknownServiceIsAClearError(t *testing.T) {
	g := platform(t, "staging")
	_, err := deploy(t, g, "no-such-service")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `service "no-such-service" is not in its services output`)
	assert.Contains(t, err.Error(), "suoke/suoke-platform/prod")
	assert.Contains(t, err.Error(), "xiaoai", "the message lists the services there are")
}

// keysOf are the keys the platform's graph puts in a Secret or ConfigMap of a namespace, as the pod
// will see them (nil, false: nothing makes it). A Secret cert-manager writes for a Certificate holds
// tls.crt, tls.key and ca.crt (cert-manager docs, "Certificate resources"); a Secret of type
// kubernetes.io/basic-auth holds username and password (Kubernetes docs, "Secrets", basic
// authentication Secret), which the offline plan masks with the values; otherwise the keys recorded.
func keysOf(g *plan.Graph, kind, namespace, name string) (map[string]bool, bool) {
	for _, r := range g.Resources {
		md, _ := r.Inputs["metadata"].(map[string]any)
		spec, _ := r.Inputs["spec"].(map[string]any)
		switch {
		case kind == "Secret" && r.Type == "kubernetes:cert-manager.io/v1:Certificate" && md["namespace"] == namespace && spec["secretName"] == name:
			return map[string]bool{"tls.crt": true, "tls.key": true, "ca.crt": true}, true
		case r.Type == "kubernetes:core/v1:"+kind && md["namespace"] == namespace && md["name"] == name:
			if r.Inputs["type"] == "kubernetes.io/basic-auth" {
				return map[string]bool{"username": true, "password": true}, true
			}
			out := map[string]bool{}
			for _, f := range []string{"data", "stringData", "binaryData"} {
				m, _ := r.Inputs[f].(map[string]any)
				for k := range m {
					out[k] = true
				}
			}
			return out, true
		}
	}
	return nil, false
}

// fileProblems: every file the container is told to read (the PG* variables that name a path) is a
// key of the volume mounted at its directory, and every secretKeyRef key is in its Secret.
func fileProblems(g *plan.Graph, d appsv1.Deployment) []string {
	var out []string
	ns := d.Namespace
	spec := d.Spec.Template.Spec
	volumes := map[string]corev1.Volume{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = v
	}
	c := spec.Containers[0]
	for _, e := range c.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			ref := e.ValueFrom.SecretKeyRef
			keys, ok := keysOf(g, "Secret", ns, ref.Name)
			if !ok || !keys[ref.Key] {
				out = append(out, fmt.Sprintf("%s reads key %s of Secret %s/%s, which has %v", e.Name, ref.Key, ns, ref.Name, keys))
			}
			continue
		}
		if !strings.HasPrefix(e.Value, "/") || !strings.HasPrefix(e.Name, "PGSSL") {
			continue
		}
		dir, file := filepath.Split(e.Value)
		var mount *corev1.VolumeMount
		for i, m := range c.VolumeMounts {
			if filepath.Clean(m.MountPath) == filepath.Clean(dir) {
				mount = &c.VolumeMounts[i]
			}
		}
		if mount == nil {
			out = append(out, fmt.Sprintf("%s=%s: nothing is mounted at %s", e.Name, e.Value, dir))
			continue
		}
		v := volumes[mount.Name]
		var keys map[string]bool
		var ok bool
		switch {
		case v.Secret != nil:
			keys, ok = keysOf(g, "Secret", ns, v.Secret.SecretName)
		case v.ConfigMap != nil:
			keys, ok = keysOf(g, "ConfigMap", ns, v.ConfigMap.Name)
		}
		if !ok || !keys[file] {
			out = append(out, fmt.Sprintf("%s=%s: the volume %s mounted there has %v", e.Name, e.Value, mount.Name, keys))
		}
	}
	return out
}

// TestEveryFileThePodReadsIsThere: for every service of prod, the files its libpq settings name and
// the Secret keys it reads are in what the platform makes in its namespace.
func TestEveryFileThePodReadsIsThere(t *testing.T) {
	g := platform(t, "prod")
	var services []map[string]any
	b, _ := json.Marshal(g.Outputs["services"])
	require.NoError(t, json.Unmarshal(b, &services))
	withDB := 0
	for _, s := range services {
		name := s["name"].(string)
		m, err := deploy(t, g, name)
		require.NoError(t, err)
		var d appsv1.Deployment
		strict(t, m.resource["kubernetes:apps/v1:Deployment"], &d)
		assert.Empty(t, fileProblems(g, d), name)
		if s["postgres"] != nil {
			withDB++
		}
	}
	assert.Positive(t, withDB)
}

// TestMissingFilesAreCaught: copies of prod's graph without the client certificate, with the server
// CA under another key, and with the credentials of another type.
func TestMissingFilesAreCaught(t *testing.T) {
	g := platform(t, "prod")
	m, err := deploy(t, g, "xiaoai")
	require.NoError(t, err)
	var d appsv1.Deployment
	strict(t, m.resource["kubernetes:apps/v1:Deployment"], &d)
	require.Empty(t, fileProblems(g, d))
	edit := func(match func(r plan.Resource) bool, change func(in map[string]any)) *plan.Graph {
		c := *g
		c.Resources = append([]plan.Resource(nil), g.Resources...)
		for i, r := range c.Resources {
			if match(r) {
				in := map[string]any{}
				for k, v := range r.Inputs {
					in[k] = v
				}
				change(in)
				c.Resources[i].Inputs = in
			}
		}
		return &c
	}
	inAgents := func(typ string) func(plan.Resource) bool {
		return func(r plan.Resource) bool {
			md, _ := r.Inputs["metadata"].(map[string]any)
			return r.Type == typ && md["namespace"] == "agents"
		}
	}
	noCert := edit(inAgents("kubernetes:cert-manager.io/v1:Certificate"), func(in map[string]any) {
		in["spec"] = map[string]any{"secretName": "something-else"}
	})
	assert.Contains(t, fmt.Sprint(fileProblems(noCert, d)), "PGSSLCERT=/etc/postgres/client/tls.crt")
	caPem := edit(inAgents("kubernetes:core/v1:ConfigMap"), func(in map[string]any) {
		if data, ok := in["data"].(map[string]any); ok {
			if v, ok := data["ca.crt"]; ok {
				in["data"] = map[string]any{"ca.pem": v}
			}
		}
	})
	assert.Contains(t, fmt.Sprint(fileProblems(caPem, d)), "PGSSLROOTCERT=/etc/postgres/server-ca/ca.crt")
	// A password service reads key password of a basic-auth Secret: an Opaque one with other keys fails.
	pw := d.DeepCopy()
	pw.Spec.Template.Spec.Containers[0].Env = append(pw.Spec.Template.Spec.Containers[0].Env, corev1.EnvVar{Name: "PGPASSWORD",
		ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "postgres-server-ca"}, Key: "password"}}})
	assert.Contains(t, fmt.Sprint(fileProblems(g, *pw)), "PGPASSWORD reads key password of Secret agents/postgres-server-ca")
}
