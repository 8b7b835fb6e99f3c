// Package metrics is the monitoring's metrics and alerts: kube-prometheus-stack (Prometheus,
// Alertmanager, Grafana, the operator, node-exporter, kube-state-metrics) with our P0–P3 alert rules
// and SLO burn-rate rules as PrometheusRules, a ServiceMonitor per service, and the CloudWatch
// exporter (YACE) that brings AWS metrics in. Rules, SLOs and values are data built in Go and tested
// without Pulumi (rulefmt, promtool, PromQL's parser, YACE's loader); New creates the resources
// under the monitoring component.
package metrics

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/credentials"
	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/monitoring/scope"
	"github.com/suoke-life/suoke-platform/infra/pins"
)

// Args configure the metrics and alerts.
type Args struct {
	// Params are the rules' inputs (NewParams), finding rules included.
	Params Params
	// Stack are the kube-prometheus-stack values' inputs.
	Stack StackInput
	// Services each get a ServiceMonitor.
	Services []config.Service
	// GrafanaAdminSecretName is the Secrets Manager name of Grafana's admin password.
	GrafanaAdminSecretName string
	// After is what the stack waits for besides Grafana's admin Secret: the Alertmanager
	// configuration it mounts.
	After []pulumi.Resource
}

// Validate checks what config has not.
func (a Args) Validate() error {
	if len(a.Services) == 0 {
		return fmt.Errorf("metrics: services: Required value: the alerts and SLOs are generated from the services")
	}
	if a.GrafanaAdminSecretName == "" {
		return fmt.Errorf("metrics: grafanaAdminSecretName: Required value: the Secrets Manager name of Grafana's admin password")
	}
	if a.Params.WALArchiveMaxAge <= 0 {
		return fmt.Errorf("metrics: params.walArchiveMaxAge: Invalid value: %s: must be positive", a.Params.WALArchiveMaxAge)
	}
	return nil
}

// Metrics are the outputs.
type Metrics struct {
	// Stack is the kube-prometheus-stack release: what waits for the operator's webhooks waits for it.
	Stack *helmv3.Release
	// Alerts are what the rules hold, for the plan.
	Alerts []AlertSummary
	// GrafanaAdminSecretARN is the Secrets Manager secret of Grafana's admin password.
	GrafanaAdminSecretARN pulumi.StringOutput
}

// New installs kube-prometheus-stack with Grafana's admin secret, our rules and ServiceMonitors, and
// the CloudWatch exporter with its role.
func New(s scope.Scope, a Args) (*Metrics, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	m := &Metrics{}
	objs := RuleObjects(a.Params)
	m.Alerts, _ = Summarize(objs)

	admin, err := credentials.New(s.Ctx, s.Child("grafana-admin"), credentials.Args{
		SecretName:  a.GrafanaAdminSecretName,
		Description: "Grafana admin password of " + a.Stack.ClusterName,
		Length:      32,
		// Grafana takes any printable password; shell-hostile characters are left out for operators.
		AllowedPunctuation: "-_.+=",
		KMSKeyID:           s.Key.Arn,
		Protect:            s.Protect,
		Tags:               s.Tags,
	}, pulumi.Parent(s.Parent))
	if err != nil {
		return nil, err
	}
	m.GrafanaAdminSecretARN = admin.SecretARN
	grafanaSecret, err := corev1.NewSecret(s.Ctx, s.Child("grafana-admin-secret"), &corev1.SecretArgs{
		Metadata: s.Meta(GrafanaAdminSecret, nil),
		Type:     pulumi.String("Opaque"),
		StringData: pulumi.StringMap{
			"admin-user":     pulumi.String("admin"),
			"admin-password": pulumi.ToSecret(admin.Value).(pulumi.StringOutput),
		},
	}, s.K8s()...)
	if err != nil {
		return nil, err
	}
	stack, err := s.Release("stack", pins.ReleaseStack, StackValues(a.Stack), nil, append(append([]pulumi.Resource(nil), a.After...), grafanaSecret)...)
	if err != nil {
		return nil, err
	}
	m.Stack = stack

	// Our PrometheusRules, from prometheus-operator's types. They wait for the release: the operator's
	// admission webhook validates them.
	for _, o := range objs {
		pr := o.PrometheusRule(s.Namespace)
		if err := customResource(s, "rules-"+o.Name, pr.APIVersion, pr.Kind, pr.Name, pr.Labels, pr.Spec, stack); err != nil {
			return nil, err
		}
	}
	for _, obj := range Monitors(a.Services) {
		if err := customResource(s, obj.Role, obj.APIVersion, obj.Kind, obj.Name, map[string]string{RulesLabel: "true"}, obj.Spec, stack); err != nil {
			return nil, err
		}
	}

	role, roleARN, err := s.IRSARole("cloudwatch-exporter", "cloudwatch-exporter", []iam.Statement{
		iam.Allow([]string{"cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics", "tag:GetResources"}, "*"),
	})
	if err != nil {
		return nil, err
	}
	yace, err := YACEValues(s.Env.Region, roleARN, a.Params.FindingRules, a.Stack.Scheduling, s.Registries)
	if err != nil {
		return nil, err
	}
	if _, err := s.Release("cloudwatch", pins.ReleaseCloudWatch, yace, nil, role, stack); err != nil {
		return nil, err
	}
	return m, nil
}

// customResource creates one prometheus-operator object from its typed spec, rendered as the plain
// JSON values CustomResource's OtherFields take, after deps.
func customResource(s scope.Scope, role, apiVersion, kind, name string, labels map[string]string, spec any, deps ...pulumi.Resource) error {
	raw, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	var plain any
	if err := json.Unmarshal(raw, &plain); err != nil {
		return err
	}
	_, err = apiextensions.NewCustomResource(s.Ctx, s.Child(role), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(apiVersion),
		Kind:        pulumi.String(kind),
		Metadata:    s.Meta(name, labels),
		OtherFields: kubernetes.UntypedArgs{"spec": plain},
	}, s.K8s(deps...)...)
	return err
}
