// Package dashboards is the monitoring's Grafana dashboards: the overview, one per agent, the
// business services, the gateway, PostgreSQL, Redis, the SLOs, the node pools, and the log and trace
// pipeline. They are built with the Grafana Foundation SDK from the rules' inputs and tested with
// PromQL's parser (specs.go); New stores each as a ConfigMap Grafana's sidecar loads.
package dashboards

import (
	"sort"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
	"github.com/suoke-life/suoke-platform/infra/monitoring/scope"
)

// Label is the label Grafana's sidecar watches for dashboard ConfigMaps (the stack's values point
// the sidecar at it: metrics.DashboardLabel).
const Label = metrics.DashboardLabel

// Args configure the dashboards.
type Args struct {
	// Params are the rules' inputs: the tier label, the SLO records the panels read.
	Params metrics.Params
	// Services get the per-service panels, grouped by tier.
	Services []config.Service
}

// Dashboards are the titles of the dashboards created, sorted, for the plan.
type Dashboards struct {
	Titles []string
}

// New creates one ConfigMap per dashboard, in Grafana's Suoke folder.
func New(s scope.Scope, a Args) (*Dashboards, error) {
	out := &Dashboards{}
	for _, d := range Specs(a.Params, a.Services) {
		js, err := d.JSON()
		if err != nil {
			return nil, err
		}
		md := s.Meta("dashboard-"+d.UID, map[string]string{Label: "1"})
		md.Annotations = pulumi.StringMap{"grafana_folder": pulumi.String("Suoke")}
		if _, err := corev1.NewConfigMap(s.Ctx, s.Child("dashboard-"+d.UID), &corev1.ConfigMapArgs{
			Metadata: md,
			Data:     pulumi.StringMap{d.UID + ".json": pulumi.String(js)},
		}, s.K8s()...); err != nil {
			return nil, err
		}
		out.Titles = append(out.Titles, d.Title)
	}
	sort.Strings(out.Titles)
	return out, nil
}
