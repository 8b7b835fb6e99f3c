package tests

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// admissionWebhook is a fail-closed admission webhook that a pinned chart installs: while its
// release's pods are not Ready, the API server refuses what it admits.
type admissionWebhook struct {
	name  string
	chart string
	// groups and kinds it admits (kinds empty: every kind of the groups); "" is the core group.
	groups []string
	kinds  []string
	// everyRelease: it admits a kind that nearly every chart creates (Services), so every other
	// release must wait for it too.
	everyRelease bool
	// releases are the charts whose rendered objects it admits (cmd/render on the pinned charts
	// with each stack's values, 2026-12-03): plugin-barman-cloud 0.7.0 renders an Issuer and two
	// Certificates.
	releases []string
	// off says whether the release's values switch the webhook off.
	off func(values map[string]any) bool
}

// webhooks are the fail-closed admission webhooks of the pinned charts (read 2026-12-03):
//   - aws-load-balancer-controller 3.5.0, aws/eks-charts stable/aws-load-balancer-controller/
//     templates/webhook.yaml at 5239609: mservice (every Service, failurePolicy Fail by default,
//     unless enableServiceMutatorWebhook is false), vingressclassparams and vtargetgroupbinding
//     (Fail), vingress (Fail by default). mpod is namespace-selected and Ignore by default.
//   - cert-manager v1.21.1, deploy/charts/cert-manager/templates/webhook-validating-webhook.yaml:
//     cert-manager.io and acme.cert-manager.io, Fail.
//   - cloudnative-pg, cloudnative-pg/charts charts/cloudnative-pg/templates/
//     validatingwebhookconfiguration.yaml: backups, clusters, scheduledbackups, databases, poolers.
//   - kube-prometheus-stack: the operator's admission webhooks match prometheusrules only
//     (templates/prometheus-operator/admission-webhooks/).
//
// cmd/render lists every webhook the pinned charts install with the program's values; on all three
// stacks (2026-12-03) that is these, Ignore-policy ones (mpod, kube-prometheus-stack 88.5.3's
// three), and three more fail-closed pod webhooks of the load balancer controller that gate only
// opt-in namespaces and pods (labelGatedWebhooks, below).
//
// labelGatedWebhooks are fail-closed webhooks on pod CREATE that admit only namespaces or pods
// carrying an opt-in label (aws-load-balancer-controller 3.5.0 templates/webhook.yaml): while the
// controller is not Ready they would refuse every such pod. The program labels nothing so.
var webhooks = []admissionWebhook{
	{name: "mservice.elbv2.k8s.aws", chart: "aws-load-balancer-controller", groups: []string{"core"}, kinds: []string{"Service"}, everyRelease: true,
		off: func(v map[string]any) bool { on, set := v["enableServiceMutatorWebhook"].(bool); return set && !on }},
	{name: "vingressclassparams/vtargetgroupbinding.elbv2.k8s.aws", chart: "aws-load-balancer-controller", groups: []string{"elbv2.k8s.aws"}},
	{name: "vingress.elbv2.k8s.aws", chart: "aws-load-balancer-controller", groups: []string{"networking.k8s.io"}, kinds: []string{"Ingress"}},
	{name: "webhook.cert-manager.io", chart: "cert-manager", groups: []string{"cert-manager.io", "acme.cert-manager.io"},
		releases: []string{"plugin-barman-cloud"}},
	{name: "v*.cnpg.io", chart: "cloudnative-pg", groups: []string{"postgresql.cnpg.io"}, kinds: []string{"Backup", "Cluster", "ScheduledBackup", "Database", "Pooler"}},
	{name: "prometheusrulevalidate/mutate.monitoring.coreos.com", chart: "kube-prometheus-stack", groups: []string{"monitoring.coreos.com"}, kinds: []string{"PrometheusRule"}},
}

var labelGatedWebhooks = map[string]string{
	"quicid.elbv2.k8s.aws":                       "elbv2.k8s.aws/quic-server-id-inject",
	"alb-target-control.namespace.elbv2.k8s.aws": "elbv2.k8s.aws/alb-target-control-agent-injection",
	"alb-target-control.object.elbv2.k8s.aws":    "elbv2.k8s.aws/alb-target-control-agent-inject",
}

// servicelessCharts create no Service: the CRD-only chart.
var servicelessCharts = map[string]bool{"prometheus-operator-crds": true}

func chartName(r plan.Resource) string {
	c, _ := r.Inputs["chart"].(string)
	return c[strings.LastIndex(c, "/")+1:]
}

// groupKind splits a Kubernetes type token (kubernetes:<group>/<version>:<Kind>).
func groupKind(typ string) (group, kind string) {
	t := tokens.Type(typ)
	mod := string(t.Module().Name()) // postgresql.cnpg.io/v1; core/v1
	group = mod[:strings.LastIndex(mod, "/")]
	return group, string(t.Name())
}

// dependsOnRelease says whether r waits, directly or through what it waits for, for the release.
func dependsOnRelease(byURN map[string]plan.Resource, r plan.Resource, release string) bool {
	seen := map[string]bool{}
	stack := append(append([]string{}, r.Dependencies...), r.DependsOn...)
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[u] {
			continue
		}
		seen[u] = true
		if u == release {
			return true
		}
		d := byURN[u]
		stack = append(append(stack, d.Dependencies...), d.DependsOn...)
	}
	return false
}

// webhookProblems lists every object or release the graph creates before a fail-closed webhook that
// admits it is ready.
func webhookProblems(g *plan.Graph) []string {
	byURN := map[string]plan.Resource{}
	releases := map[string]plan.Resource{}
	for _, r := range g.Resources {
		byURN[r.URN] = r
		if r.Type == typeHelmRelease {
			releases[chartName(r)] = r
		}
	}
	var out []string
	for _, w := range webhooks {
		rel, ok := releases[w.chart]
		if !ok {
			continue // the chart is not installed, nor its webhook
		}
		if values, _ := rel.Inputs["values"].(map[string]any); w.off != nil && w.off(values) {
			continue
		}
		for _, r := range g.Resources {
			if r.URN == rel.URN || !strings.HasPrefix(r.Type, "kubernetes:") || strings.HasPrefix(r.Type, "kubernetes:index") {
				continue
			}
			admitted := false
			if r.Type == typeHelmRelease {
				admitted = (w.everyRelease && !servicelessCharts[chartName(r)]) || slices.Contains(w.releases, chartName(r))
			} else {
				group, kind := groupKind(r.Type)
				admitted = slices.Contains(w.groups, group) && (len(w.kinds) == 0 || slices.Contains(w.kinds, kind))
			}
			if admitted && !dependsOnRelease(byURN, r, rel.URN) {
				out = append(out, r.Name+" is admitted by "+w.name+" but does not wait for release "+rel.Name)
			}
		}
	}
	return out
}

// TestWebhooksAreReadyBeforeWhatTheyAdmit: in every stack, nothing a fail-closed webhook admits is
// created before the release that serves the webhook, and the load balancer controller's Service
// webhook, which would admit every release's Services, is off.
func TestWebhooksAreReadyBeforeWhatTheyAdmit(t *testing.T) {
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			g, _ := record(t, s)
			assert.Empty(t, webhookProblems(g))
		})
	}
}

// TestWebhookOrderingIsCaught: the same check fails when the Service webhook is switched back on
// (the other releases do not wait for the controller) and when a CloudNativePG cluster loses its
// dependency on the operator.
func TestWebhookOrderingIsCaught(t *testing.T) {
	g, _ := record(t, "prod")
	var lbc, operator string
	for i, r := range g.Resources { // a fresh recording each time: editing it touches no other test
		if r.Type == typeHelmRelease && chartName(r) == "aws-load-balancer-controller" {
			g.Resources[i].Inputs = withValues(r, func(v map[string]any) { v["enableServiceMutatorWebhook"] = true })
			lbc = r.Name
		}
		if r.Type == typeHelmRelease && chartName(r) == "cloudnative-pg" {
			operator = r.URN
		}
	}
	require.NotEmpty(t, lbc)
	problems := strings.Join(webhookProblems(g), "\n")
	assert.Contains(t, problems, "cluster-cert-manager is admitted by mservice.elbv2.k8s.aws")
	assert.Contains(t, problems, "monitoring-stack is admitted by mservice.elbv2.k8s.aws")
	assert.NotContains(t, problems, "prometheus-operator-crds is admitted")

	g, _ = record(t, "prod")
	require.NotEmpty(t, operator)
	for i, r := range g.Resources {
		if r.Type == "kubernetes:postgresql.cnpg.io/v1:Cluster" {
			require.True(t, dependsOnRelease(index(g), r, operator), "the cluster waits for the operator today")
			g.Resources[i].Dependencies, g.Resources[i].DependsOn = nil, nil // every path to the operator cut
		}
	}
	assert.Contains(t, strings.Join(webhookProblems(g), "\n"), "database-postgres is admitted by v*.cnpg.io")

	// The Barman Cloud plugin's chart creates Certificates: cut its way to cert-manager.
	g, _ = record(t, "prod")
	byURN := index(g)
	var certManager string
	for _, r := range g.Resources {
		if r.Type == typeHelmRelease && chartName(r) == "cert-manager" {
			certManager = r.URN
		}
	}
	require.NotEmpty(t, certManager)
	cut := false
	for i, r := range g.Resources {
		if r.Type == typeHelmRelease && chartName(r) == "plugin-barman-cloud" {
			require.True(t, dependsOnRelease(byURN, r, certManager), "the plugin waits for cert-manager today")
			g.Resources[i].Dependencies, g.Resources[i].DependsOn = nil, nil
			cut = true
		}
	}
	require.True(t, cut)
	assert.Contains(t, strings.Join(webhookProblems(g), "\n"), "database-barman-plugin is admitted by webhook.cert-manager.io")
}

func index(g *plan.Graph) map[string]plan.Resource {
	out := map[string]plan.Resource{}
	for _, r := range g.Resources {
		out[r.URN] = r
	}
	return out
}

// withValues is a copy of a release's inputs whose values edit has changed; the recording it came
// from is left as it was.
func withValues(r plan.Resource, edit func(values map[string]any)) map[string]any {
	values := map[string]any{}
	for k, v := range r.Inputs["values"].(map[string]any) {
		values[k] = v
	}
	edit(values)
	inputs := map[string]any{}
	for k, v := range r.Inputs {
		inputs[k] = v
	}
	inputs["values"] = values
	return inputs
}

// TestLabelGatedPodWebhooksGateNothing: no object of any stack (namespaces, pod templates, chart
// values that label them) carries a label that opts into the load balancer controller's
// fail-closed pod webhooks, so they admit no pod the platform creates.
func TestLabelGatedPodWebhooksGateNothing(t *testing.T) {
	for _, s := range stacks(t) {
		g, _ := record(t, s)
		for _, r := range g.Resources {
			if !strings.HasPrefix(r.Type, "kubernetes:") {
				continue
			}
			raw, err := json.Marshal(r.Inputs)
			require.NoError(t, err)
			for hook, label := range labelGatedWebhooks {
				assert.NotContains(t, string(raw), label, "%s: %s opts into %s", s, r.Name, hook)
			}
		}
	}
}
