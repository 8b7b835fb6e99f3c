package monitoring_test

import (
	"encoding/json"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/monitoring"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// prodMonitoring is the prod config with receivers set, as `pulumi up` would decrypt them.
func prodMonitoring() config.Monitoring {
	m := config.DefaultMonitoring()
	m.Receivers.OnCall.Webhooks = []config.Webhook{{Kind: config.WebhookDingTalk, URL: "https://bridge.example.cn/dingtalk/oncall-token-123"}}
	m.DeadMansSwitchURL = "https://hc.example.cn/ping/dms-456"
	return m
}

// build runs the component under infra/plan's mock engine, with a locally built Kubernetes provider,
// and returns what it registered.
func build(t *testing.T, region string, env config.Environment, mon config.Monitoring) ([]plan.Resource, *monitoring.Monitoring) {
	t.Helper()
	rs, comp, _ := buildWithKeys(t, region, env, mon)
	return rs, comp
}

// buildWithKeys is build, with the key names of every Secret registered (namespace/name → keys):
// the recorded graph masks a secret stringData whole, key names included, and a pod reads a Secret
// by key.
func buildWithKeys(t *testing.T, region string, env config.Environment, mon config.Monitoring) ([]plan.Resource, *monitoring.Monitoring, map[string][]string) {
	t.Helper()
	r, ok := config.LookupRegion(region)
	require.True(t, ok)
	mocks := &keyMocks{Mocks: plan.NewMocks(r), keys: map[string][]string{}}
	var comp *monitoring.Monitoring
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		awsProvider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		e, err := identity.Lookup(ctx, awsProvider)
		if err != nil {
			return err
		}
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")})
		if err != nil {
			return err
		}
		cfg := config.Default()
		comp, err = monitoring.New(ctx, "monitoring", monitoring.Args{
			Env: e, Kubernetes: k8s, Namespace: "monitoring", ClusterName: "suoke-" + string(env), StorageClass: "gp3",
			TierLabel:       "suoke.life/tier",
			OIDCProviderARN: pulumi.String(e.ARN("iam", "", e.AccountID, "oidc-provider/oidc.eks."+region+"."+e.DNSSuffix+"/id/ABC")),
			OIDCIssuer:      pulumi.String("https://oidc.eks." + region + "." + e.DNSSuffix + "/id/ABC"),
			DataSubnetIDs:   pulumi.ToStringArray([]string{"subnet-a", "subnet-b", "subnet-c"}), DataSecurityGroupID: pulumi.String("sg-data"),
			Environment: env, Protect: env.ProductionLike(), AZs: 3, Monitoring: mon,
			Services: cfg.Services, NodePools: cfg.NodePools, RPO: 5 * time.Minute,
			Registries:             cfg.Cluster.Registries.Resolve(r, plan.MockAccountID),
			GrafanaAdminSecretName: "suoke/" + string(env) + "/grafana-admin",
		}, pulumi.Providers(awsProvider))
		return err
	}, pulumi.WithMocks("suoke-platform", string(env), mocks))
	require.NoError(t, err)
	return mocks.Resources(), comp, mocks.keys
}

// keyMocks are infra/plan's mocks, also noting each Secret's key names from the unmasked inputs.
type keyMocks struct {
	*plan.Mocks
	mu   sync.Mutex
	keys map[string][]string
}

func (m *keyMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken == "kubernetes:core/v1:Secret" {
		md := args.Inputs["metadata"]
		if md.IsObject() {
			ns, name := md.ObjectValue()["namespace"], md.ObjectValue()["name"]
			var keys []string
			for _, f := range []resource.PropertyKey{"data", "stringData"} {
				v := args.Inputs[f]
				if v.IsSecret() {
					v = v.SecretValue().Element
				}
				if v.IsObject() {
					for k := range v.ObjectValue() {
						keys = append(keys, string(k))
					}
				}
			}
			if ns.IsString() && name.IsString() {
				m.mu.Lock()
				m.keys[ns.StringValue()+"/"+name.StringValue()] = keys
				m.mu.Unlock()
			}
		}
	}
	return m.Mocks.NewResource(args)
}

func ofType(rs []plan.Resource, typ string) []plan.Resource {
	var out []plan.Resource
	for _, r := range rs {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func one(t *testing.T, rs []plan.Resource, typ string) plan.Resource {
	t.Helper()
	got := ofType(rs, typ)
	require.Len(t, got, 1, typ)
	return got[0]
}

func TestComponentShape(t *testing.T) {
	rs, comp := build(t, "cn-northwest-1", config.EnvProd, prodMonitoring())
	root := one(t, rs, "suoke:monitoring:Monitoring")
	for _, r := range rs {
		if r.URN == root.URN || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		assert.True(t, strings.HasPrefix(r.Name, "monitoring-"), "child %s is not named monitoring-<role>", r.Name)
		assert.NotEmpty(t, r.Parent, r.Name)
	}
	releases := ofType(rs, "kubernetes:helm.sh/v3:Release")
	var charts []string
	for _, r := range releases {
		charts = append(charts, chartName(r))
		assert.NotEmpty(t, r.Inputs["version"], "release %s is not pinned", r.Name)
	}
	assert.ElementsMatch(t, []string{"kube-prometheus-stack", "fluent-bit", "opentelemetry-collector", "tempo", "prometheus-yet-another-cloudwatch-exporter"}, charts)
	assert.Len(t, ofType(rs, "kubernetes:monitoring.coreos.com/v1:PrometheusRule"), 2)
	assert.Len(t, ofType(rs, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"), 9)
	assert.Empty(t, ofType(rs, "kubernetes:monitoring.coreos.com/v1:PodMonitor"), "the database component owns CloudNativePG's PodMonitors")
	assert.GreaterOrEqual(t, len(ofType(rs, "kubernetes:core/v1:ConfigMap")), 11, "10+ dashboards and the bootstrap files")
	// Counted in what was registered, not in the component's own summary of it: 10+ dashboards
	// Grafana's sidecar loads (label grafana_dashboard), more than 20 alerting rules.
	dashboards, alerts := 0, 0
	for _, r := range ofType(rs, "kubernetes:core/v1:ConfigMap") {
		if dig(r.Inputs, "metadata", "labels", "grafana_dashboard") == "1" {
			dashboards++
		}
	}
	for _, r := range ofType(rs, "kubernetes:monitoring.coreos.com/v1:PrometheusRule") {
		for _, g := range dig(r.Inputs, "spec", "groups").([]any) {
			for _, rule := range g.(map[string]any)["rules"].([]any) {
				if _, ok := rule.(map[string]any)["alert"]; ok {
					alerts++
				}
			}
		}
	}
	assert.GreaterOrEqual(t, dashboards, 10)
	assert.Greater(t, alerts, 20)
	assert.Len(t, comp.Dashboards, dashboards, "the component's summary lists what it registered")
}

func TestStackValues(t *testing.T) {
	rs, _, keys := buildWithKeys(t, "cn-northwest-1", config.EnvProd, prodMonitoring())
	var stack plan.Resource
	for _, r := range ofType(rs, "kubernetes:helm.sh/v3:Release") {
		if chartName(r) == "kube-prometheus-stack" {
			stack = r
		}
	}
	v := stack.Inputs["values"].(map[string]any)
	prom := v["prometheus"].(map[string]any)["prometheusSpec"].(map[string]any)
	assert.EqualValues(t, 2, prom["replicas"])
	assert.Equal(t, "30d", prom["retention"])
	assert.Equal(t, "gp3", dig(prom, "storageSpec", "volumeClaimTemplate", "spec", "storageClassName"))
	assert.Equal(t, "50Gi", dig(prom, "storageSpec", "volumeClaimTemplate", "spec", "resources", "requests", "storage"))
	assert.Equal(t, false, prom["ruleSelectorNilUsesHelmValues"])
	assert.Equal(t, "monitoring", dig(prom, "nodeSelector", "suoke.life/tier"))
	am := dig(v, "alertmanager", "alertmanagerSpec").(map[string]any)
	assert.EqualValues(t, 2, am["replicas"])
	for _, off := range []string{"kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"} {
		assert.Equal(t, false, dig(v, off, "enabled"), off)
	}
	// The Secrets the stack's pods read by name, with the keys they read (stackSecretProblems).
	assert.Empty(t, stackSecretProblems(rs, keys))
	assert.Equal(t, false, dig(v, "crds", "enabled"), "the cluster component installs the CRDs")
	// China: every chart and image from the mirror, nothing from an upstream host.
	b, _ := json.Marshal(v)
	for _, up := range []string{`"registry":"quay.io"`, `"registry":"docker.io"`, `"registry":"registry.k8s.io"`} {
		assert.NotContains(t, string(b), up)
	}
}

// chartName is a release's chart without its repository (China installs from oci:// mirror paths).
func chartName(r plan.Resource) string {
	c, _ := r.Inputs["chart"].(string)
	return path.Base(c)
}

func dig(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

// TestReceiversStaySecret: the Alertmanager config (receiver URLs) and Grafana's password enter the
// graph only as secrets; no receiver value appears anywhere in the recorded inputs.
func TestReceiversStaySecret(t *testing.T) {
	rs, _ := build(t, "cn-northwest-1", config.EnvProd, prodMonitoring())
	b, err := json.Marshal(rs)
	require.NoError(t, err)
	for _, leak := range []string{"oncall-token-123", "dms-456", "offline-plan-not-a-password"} {
		assert.NotContains(t, string(b), leak)
	}
	for _, r := range ofType(rs, "kubernetes:core/v1:Secret") {
		data, ok := r.Inputs["stringData"].(map[string]any)
		if !ok {
			assert.Equal(t, plan.Secret, r.Inputs["stringData"], r.Name)
			continue
		}
		for k, v := range data {
			if k == "admin-user" {
				continue
			}
			assert.Equal(t, plan.Secret, v, "%s/%s", r.Name, k)
		}
	}
}

func TestOpenSearchDomain(t *testing.T) {
	for _, c := range []struct {
		env     config.Environment
		region  string
		masters bool
	}{{config.EnvProd, "cn-northwest-1", true}, {config.EnvStaging, "us-east-1", false}} {
		mon := prodMonitoring()
		if !c.masters {
			mon.OpenSearch.MasterCount = 0
		}
		rs, _ := build(t, c.region, c.env, mon)
		d := one(t, rs, "aws:opensearch/domain:Domain")
		assert.Equal(t, true, dig(d.Inputs, "encryptAtRest", "enabled"))
		assert.NotEmpty(t, dig(d.Inputs, "encryptAtRest", "kmsKeyId"))
		assert.Equal(t, true, dig(d.Inputs, "nodeToNodeEncryption", "enabled"))
		assert.Equal(t, true, dig(d.Inputs, "domainEndpointOptions", "enforceHttps"))
		assert.Empty(t, tlsPolicyProblems(d))
		assert.Equal(t, true, dig(d.Inputs, "advancedSecurityOptions", "enabled"))
		assert.Equal(t, true, dig(d.Inputs, "clusterConfig", "zoneAwarenessEnabled"))
		assert.EqualValues(t, 3, dig(d.Inputs, "clusterConfig", "zoneAwarenessConfig", "availabilityZoneCount"))
		assert.Len(t, dig(d.Inputs, "vpcOptions", "subnetIds"), 3)
		assert.Equal(t, c.masters, dig(d.Inputs, "clusterConfig", "dedicatedMasterEnabled") == true, c.env)
		assert.Equal(t, c.env.ProductionLike(), d.Protect, "protected in prod only")
		// The service-linked role is account-wide (infra/account, tests/account_test.go): the
		// component creates none and waits for what Args.AccountReady names.
		assert.Empty(t, ofType(rs, "aws:iam/serviceLinkedRole:ServiceLinkedRole"))

		// Partition: every ARN this component writes is of the region's partition.
		b, _ := json.Marshal(rs)
		if c.region == "us-east-1" {
			assert.NotContains(t, string(b), "arn:aws-cn:")
			assert.Contains(t, string(b), "arn:aws:es:us-east-1:")
		} else {
			assert.NotContains(t, string(b), "arn:aws:")
			assert.Contains(t, string(b), "arn:aws-cn:es:cn-northwest-1:")
		}
	}
}

// TestIRSARoles: each workload role trusts only its own service account of this cluster.
func TestIRSARoles(t *testing.T) {
	rs, _ := build(t, "cn-northwest-1", config.EnvProd, prodMonitoring())
	accounts := map[string]string{}
	for _, r := range ofType(rs, "aws:iam/role:Role") {
		if r.Inputs["name"] == "suoke-prod-logs-master" {
			continue // not an IRSA role: trusted by the bootstrap Job's role (TestLogsMasterRole)
		}
		var doc struct {
			Statement []struct {
				Principal map[string]string
				Condition map[string]map[string]string
			}
		}
		require.NoError(t, json.Unmarshal([]byte(r.Inputs["assumeRolePolicy"].(string)), &doc), r.Name)
		st := doc.Statement[0]
		assert.Contains(t, st.Principal["Federated"], ":oidc-provider/")
		for k, v := range st.Condition["StringEquals"] {
			if strings.HasSuffix(k, ":sub") {
				accounts[r.Inputs["name"].(string)] = v
				assert.False(t, strings.HasPrefix(k, "https://"), "the condition key is the issuer without scheme")
			}
			if strings.HasSuffix(k, ":aud") {
				assert.Equal(t, "sts.amazonaws.com", v)
			}
		}
	}
	assert.Equal(t, map[string]string{
		"suoke-prod-fluent-bit":          "system:serviceaccount:monitoring:fluent-bit",
		"suoke-prod-logs-bootstrap":      "system:serviceaccount:monitoring:logs-bootstrap",
		"suoke-prod-tempo":               "system:serviceaccount:monitoring:tempo",
		"suoke-prod-cloudwatch-exporter": "system:serviceaccount:monitoring:cloudwatch-exporter",
	}, accounts)
}

func TestLogsBootstrapJob(t *testing.T) {
	rs, _ := build(t, "cn-northwest-1", config.EnvProd, prodMonitoring())
	job := one(t, rs, "kubernetes:batch/v1:Job")
	pod := dig(job.Inputs, "spec", "template", "spec").(map[string]any)
	assert.Equal(t, "logs-bootstrap", pod["serviceAccountName"])
	c := pod["containers"].([]any)[0].(map[string]any)
	assert.Contains(t, c["image"], ".dkr.ecr.cn-northwest-1.amazonaws.com.cn/", "China pulls from the mirror")
	var fluent plan.Resource
	for _, r := range ofType(rs, "kubernetes:helm.sh/v3:Release") {
		if chartName(r) == "fluent-bit" {
			fluent = r
		}
	}
	assert.Contains(t, fluent.Dependencies, job.URN, "Fluent Bit waits for its role mapping")
}
