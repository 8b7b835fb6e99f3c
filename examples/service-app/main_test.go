package main

import (
	"bytes"
	"encoding/json"
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
