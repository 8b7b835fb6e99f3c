package metrics

import (
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// MonitorObject is a ServiceMonitor or PodMonitor, typed, with the child role it is created under.
type MonitorObject struct {
	Role       string
	APIVersion string
	Kind       string
	Name       string
	Spec       any
}

// MetricsPort is the named port on which every service exposes /metrics (the delivery contract).
const MetricsPort = "http-metrics"

// Monitors are the scrape targets nobody else declares: one ServiceMonitor per service (its Service
// is labelled app.kubernetes.io/name=<service>, in any namespace; prometheus-operator sets the
// `service` label the rules read from the Service's name). CloudNativePG's PodMonitors belong to the
// database component.
func Monitors(services []config.Service) []MonitorObject {
	var out []MonitorObject
	for _, s := range services {
		out = append(out, MonitorObject{
			Role: "monitor-" + s.Name, APIVersion: monitoringv1.SchemeGroupVersion.String(), Kind: monitoringv1.ServiceMonitorsKind, Name: s.Name,
			Spec: monitoringv1.ServiceMonitorSpec{
				Selector:          metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": s.Name}},
				NamespaceSelector: monitoringv1.NamespaceSelector{Any: true},
				Endpoints:         []monitoringv1.Endpoint{{Port: MetricsPort, Path: "/metrics", Interval: "30s"}},
			},
		})
	}
	return out
}
