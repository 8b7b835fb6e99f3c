// Package monitoring composes the platform's observability as one component (suoke:monitoring:
// Monitoring) from its parts, one package each: metrics (kube-prometheus-stack, our P0–P3 alert
// rules and SLO burn-rate rules, ServiceMonitors, the CloudWatch exporter), alerting (the alerting
// plan's Alertmanager routes), dashboards (Grafana), logs (Fluent Bit into an Amazon OpenSearch
// Service domain and an archive bucket) and traces (OpenTelemetry Collector into Grafana Tempo on
// S3). This package holds the component's Args, the monitoring key, and the order of the parts;
// scope and pod hold what the parts share.
package monitoring

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/monitoring/metrics"
	"github.com/suoke-life/suoke-platform/infra/monitoring/pod"
)

// Args configures the monitoring component. The composition fills it from the validated config and
// the network and cluster components' outputs.
type Args struct {
	// Env is the AWS partition, region and account (ARNs, principals, endpoints).
	Env *identity.Env
	// Kubernetes is the cluster's provider; every Kubernetes object and release goes through it.
	Kubernetes pulumi.ProviderResource
	// Namespace is where the stack, the log and trace pipeline and the dashboards live.
	Namespace string
	// DependsOn are what the Kubernetes objects need first: the namespace, the operator's CRDs.
	DependsOn []pulumi.Resource
	// ClusterName labels every series (Prometheus external label) and names the log domain.
	ClusterName string
	// StorageClass is the gp3 storage class for Prometheus, Alertmanager and Tempo volumes.
	StorageClass string
	// TierLabel is the node label (and taint key) that names a node's pool: suoke.life/tier.
	TierLabel string
	// OIDCProviderARN and OIDCIssuer are the cluster's IAM OIDC provider, for IRSA roles. The issuer
	// may carry its https:// scheme.
	OIDCProviderARN pulumi.StringInput
	OIDCIssuer      pulumi.StringInput
	// DataSubnetIDs and DataSecurityGroupID place the OpenSearch domain (one subnet per AZ).
	DataSubnetIDs       pulumi.StringArrayInput
	DataSecurityGroupID pulumi.StringInput
	// Registries maps every chart and image to the configured mirror or upstream.
	Registries config.Registries

	Environment config.Environment
	// Protect keeps the stateful resources (the log domain, the key) from deletion.
	Protect bool
	// AccountReady are the account-wide prerequisites this stack created (the OpenSearch
	// service-linked role) for the log domain to wait on; empty where another stack owns them.
	AccountReady []pulumi.Resource
	// AZs is the number of AZs (OpenSearch zone awareness, the database's instance count).
	AZs        int
	Monitoring config.Monitoring
	Services   []config.Service
	NodePools  map[config.Tier]config.NodePool
	// DatabaseInstances is the PostgreSQL cluster's instance count (0: one per AZ).
	DatabaseInstances int
	// RPO is the recovery point objective: the WAL archive age that pages.
	RPO time.Duration
	// GrafanaAdminSecretName is the Secrets Manager name of Grafana's admin password.
	GrafanaAdminSecretName string
	// Tags go on every AWS resource beside the provider's default tags.
	Tags map[string]string
	// FindingRules are the audit component's EventBridge rule names by region (audit.Audit.FindingRules);
	// empty where another stack owns the account's audit baseline. Each becomes an exporter job and
	// feeds the SecurityFinding alert.
	FindingRules map[string][]string
}

// Validate checks the args on their own; config has already validated the values it passes.
func (a Args) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if a.Env == nil {
		errs = append(errs, field.Required(path.Child("env"), "the AWS partition and region"))
	}
	if a.Kubernetes == nil {
		errs = append(errs, field.Required(path.Child("kubernetes"), "the cluster's Kubernetes provider"))
	}
	for _, f := range []struct{ name, v string }{{"namespace", a.Namespace}, {"storageClass", a.StorageClass}} {
		if msgs := validation.IsDNS1123Label(f.v); len(msgs) > 0 {
			errs = append(errs, field.Invalid(path.Child(f.name), f.v, strings.Join(msgs, "; ")))
		}
	}
	if msgs := validation.IsQualifiedName(a.TierLabel); len(msgs) > 0 {
		errs = append(errs, field.Invalid(path.Child("tierLabel"), a.TierLabel, strings.Join(msgs, "; ")))
	}
	if strings.TrimSpace(a.ClusterName) == "" {
		errs = append(errs, field.Required(path.Child("clusterName"), "labels every series and names the log domain"))
	}
	for _, f := range []struct {
		name string
		v    any
	}{{"oidcProviderArn", a.OIDCProviderARN}, {"oidcIssuer", a.OIDCIssuer}, {"dataSubnetIds", a.DataSubnetIDs}, {"dataSecurityGroupId", a.DataSecurityGroupID}} {
		if isNil(f.v) {
			errs = append(errs, field.Required(path.Child(f.name), "from the cluster and network components"))
		}
	}
	if a.AZs < 2 || a.AZs > 3 {
		errs = append(errs, field.Invalid(path.Child("azs"), a.AZs, "OpenSearch zone awareness spans 2 or 3 AZs"))
	}
	if len(a.Services) == 0 {
		errs = append(errs, field.Required(path.Child("services"), "the alerts and SLOs are generated from the services"))
	}
	if a.RPO <= 0 {
		errs = append(errs, field.Invalid(path.Child("rpo"), a.RPO.String(), "must be positive"))
	}
	for _, region := range slices.Sorted(maps.Keys(a.FindingRules)) {
		if msgs := validation.IsDNS1123Label(region); len(msgs) > 0 {
			errs = append(errs, field.Invalid(path.Child("findingRules").Key(region), region, "a region name: "+strings.Join(msgs, "; ")))
		}
		for i, name := range a.FindingRules[region] {
			if !eventRuleName.MatchString(name) {
				errs = append(errs, field.Invalid(path.Child("findingRules").Key(region).Index(i), name,
					"an EventBridge rule name: 1 to 64 of letters, digits, '.', '-' and '_'"))
			}
		}
	}
	if strings.TrimSpace(a.GrafanaAdminSecretName) == "" {
		errs = append(errs, field.Required(path.Child("grafanaAdminSecretName"), "the Secrets Manager name of Grafana's admin password"))
	}
	return errs
}

func isNil(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case pulumi.StringInput:
		return t == nil
	case pulumi.StringArrayInput:
		return t == nil
	}
	return false
}

// eventRuleName is EventBridge's pattern for a rule name (PutRule, Name: [\.\-_A-Za-z0-9]+, 1 to 64
// characters; EventBridge API Reference, read 2026-12-03).
var eventRuleName = regexp.MustCompile(`^[.\-_A-Za-z0-9]{1,64}$`)

// findingRules flattens FindingRules, by region and then by the audit component's order.
func (a Args) findingRules() []metrics.FindingRule {
	var out []metrics.FindingRule
	for _, region := range slices.Sorted(maps.Keys(a.FindingRules)) {
		for _, name := range a.FindingRules[region] {
			out = append(out, metrics.FindingRule{Region: region, Name: name})
		}
	}
	return out
}

// params are the rule generator's inputs.
func (a Args) params() metrics.Params {
	p := metrics.NewParams(a.Services, a.NodePools, a.AZs, a.TierLabel, a.Monitoring, a.RPO)
	p.FindingRules = a.findingRules()
	if a.DatabaseInstances > 0 {
		p.DatabaseInstances = a.DatabaseInstances
	}
	return p
}

// scheduling places pods on the monitoring pool.
func (a Args) scheduling() pod.Scheduling {
	return pod.Scheduling{Key: a.TierLabel, Pool: string(config.TierMonitoring)}
}
