// Package alerting is the monitoring's alerting plan: the P0–P3 severities, what each pages and how
// often it repeats, and the Alertmanager configuration that routes them to the receivers (severity.go,
// alertmanager.go, tested with Alertmanager's own parser). New stores the configuration as the Secret
// kube-prometheus-stack's Alertmanager reads.
package alerting

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/monitoring/scope"
)

// AlertmanagerSecret holds alertmanager.yaml (receivers are secrets, so it is a Secret we own, not
// chart values that would sit in the Helm release in clear text).
const AlertmanagerSecret = "suoke-alertmanager"

// Args configure the alerting: who receives what.
type Args struct {
	Receivers config.Receivers
	// DeadMansSwitch is the URL the always-firing Watchdog is sent to; empty sends it nowhere.
	DeadMansSwitch config.Secret
}

// Alerting is the configuration's Secret, which the metrics stack waits for.
type Alerting struct {
	Secret *corev1.Secret
}

// New renders the Alertmanager configuration and stores it as a Secret.
func New(s scope.Scope, a Args) (*Alerting, error) {
	cfg, err := AlertmanagerConfig(a.Receivers, a.DeadMansSwitch)
	if err != nil {
		return nil, err
	}
	// The receivers are secrets: the rendered config enters the graph only as a Pulumi secret.
	secret, err := corev1.NewSecret(s.Ctx, s.Child("alertmanager-config"), &corev1.SecretArgs{
		Metadata:   s.Meta(AlertmanagerSecret, nil),
		Type:       pulumi.String("Opaque"),
		StringData: pulumi.StringMap{"alertmanager.yaml": pulumi.ToSecret(pulumi.String(string(cfg))).(pulumi.StringOutput)},
	}, s.K8s()...)
	if err != nil {
		return nil, err
	}
	return &Alerting{Secret: secret}, nil
}
