package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/pins"
)

// TestClusterBadValues gives every cluster, registries and ingress field a bad value and expects an
// error of the right type at the right path, naming the value.
func TestClusterBadValues(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
		path   string
		typ    field.ErrorType
		value  string
	}{
		{"cluster not object", map[string]string{KeyCluster: `"1.35"`}, "cluster", field.ErrorTypeInvalid, "1.35"},
		{"cluster unknown field", map[string]string{KeyCluster: `{"versoin": "1.35"}`}, "cluster.versoin", field.ErrorTypeInvalid, `did you mean "version"`},
		{"version unsupported", map[string]string{KeyCluster: `{"version": "1.29"}`}, "cluster.version", field.ErrorTypeNotSupported, `"1.29"`},
		{"version type", map[string]string{KeyCluster: `{"version": 1.35}`}, "cluster.version", field.ErrorTypeInvalid, "1.35"},
		{"public cidr world", map[string]string{KeyCluster: `{"publicEndpointCidrs": ["0.0.0.0/0"]}`}, "cluster.publicEndpointCidrs[0]", field.ErrorTypeInvalid, "0.0.0.0/0"},
		{"public cidr garbage", map[string]string{KeyCluster: `{"publicEndpointCidrs": ["office"]}`}, "cluster.publicEndpointCidrs[0]", field.ErrorTypeInvalid, `"office"`},
		{"public cidr wider than one host in prod", map[string]string{KeyCluster: `{"deployerRoles": ["d"], "publicEndpointCidrs": ["203.0.113.0/24"]}`}, "cluster.publicEndpointCidrs[0]", field.ErrorTypeInvalid, "single address (/32)"},
		{"no deployer roles in prod", map[string]string{KeyCluster: `{"deployerRoles": []}`}, "cluster.deployerRoles", field.ErrorTypeRequired, "name the roles that run pulumi up"},
		{"public cidr host bits", map[string]string{KeyCluster: `{"publicEndpointCidrs": ["203.0.113.7/24"]}`}, "cluster.publicEndpointCidrs[0]", field.ErrorTypeInvalid, "did you mean 203.0.113.0/24"},
		{"public cidrs type", map[string]string{KeyCluster: `{"publicEndpointCidrs": "203.0.113.0/24"}`}, "cluster.publicEndpointCidrs", field.ErrorTypeInvalid, "must be a list of strings"},
		{"admin arn shape", map[string]string{KeyCluster: `{"adminRoleArns": ["admin"]}`}, "cluster.adminRoleArns[0]", field.ErrorTypeInvalid, `"admin"`},
		{"admin arn partition", map[string]string{KeyCluster: `{"adminRoleArns": ["arn:aws:iam::123456789012:role/admin"]}`}, "cluster.adminRoleArns[0]", field.ErrorTypeInvalid, "partition aws"},
		{"admin arn duplicate", map[string]string{KeyCluster: `{"adminRoleArns": ["arn:aws-cn:iam::123456789012:role/a", "arn:aws-cn:iam::123456789012:role/a"]}`}, "cluster.adminRoleArns[1]", field.ErrorTypeDuplicate, "role/a"},
		{"read-only arn is a user", map[string]string{KeyCluster: `{"readOnlyRoleArns": ["arn:aws-cn:iam::123456789012:user/bob"]}`}, "cluster.readOnlyRoleArns[0]", field.ErrorTypeInvalid, "user/bob"},
		{"log retention not a CloudWatch value", map[string]string{KeyCluster: `{"logRetentionDays": 100}`}, "cluster.logRetentionDays", field.ErrorTypeNotSupported, "100"},
		{"log retention below audit policy", map[string]string{KeyCluster: `{"logRetentionDays": 90}`}, "cluster.logRetentionDays", field.ErrorTypeInvalid, "at least 365"},
		{"removed service-linked role flag", map[string]string{KeyCluster: `{"createAutoscalingServiceLinkedRole": true}`}, "cluster.createAutoscalingServiceLinkedRole", field.ErrorTypeInvalid, "unknown field"},
		{"deployer role name", map[string]string{KeyCluster: `{"deployerRoles": ["deploy role"]}`}, "cluster.deployerRoles[0]", field.ErrorTypeInvalid, `"deploy role"`},
		{"deployer role arn partition", map[string]string{KeyCluster: `{"deployerRoles": ["arn:aws:iam::123456789012:role/deploy"]}`}, "cluster.deployerRoles[0]", field.ErrorTypeInvalid, "partition aws"},
		{"preview role duplicate", map[string]string{KeyCluster: `{"previewRoles": ["suoke-preview", "suoke-preview"]}`}, "cluster.previewRoles[1]", field.ErrorTypeDuplicate, "suoke-preview"},
		{"preview role a user", map[string]string{KeyCluster: `{"previewRoles": ["arn:aws-cn:iam::123456789012:user/bob"]}`}, "cluster.previewRoles[0]", field.ErrorTypeInvalid, "user/bob"},
		{"runner type", map[string]string{KeyRunner: `{"instanceType": "m9.huge"}`}, "runner.instanceType", field.ErrorTypeNotSupported, `"m9.huge"`},
		{"runner volume", map[string]string{KeyRunner: `{"volumeGiB": 8}`}, "runner.volumeGiB", field.ErrorTypeInvalid, "8"},
		{"runner unknown field", map[string]string{KeyRunner: `{"sshKey": "k"}`}, "runner.sshKey", field.ErrorTypeInvalid, "unknown field"},
		{"node volume small", map[string]string{KeyCluster: `{"nodeVolumeGiB": 8}`}, "cluster.nodeVolumeGiB", field.ErrorTypeInvalid, "8"},
		{"max unavailable zero", map[string]string{KeyCluster: `{"maxUnavailable": 0}`}, "cluster.maxUnavailable", field.ErrorTypeInvalid, "0"},

		{"registries not object", map[string]string{KeyRegistries: `[]`}, "registries", field.ErrorTypeInvalid, "[]"},
		{"registry mode", map[string]string{KeyRegistries: `{"mode": "proxy"}`}, "registries.mode", field.ErrorTypeNotSupported, `"proxy"`},
		{"mirror registry with scheme", map[string]string{KeyRegistries: `{"mirrorRegistry": "https://registry.example.cn"}`}, "registries.mirrorRegistry", field.ErrorTypeInvalid, "https://registry.example.cn"},
		{"mirror prefix upper case", map[string]string{KeyRegistries: `{"mirrorPrefix": "Mirror"}`}, "registries.mirrorPrefix", field.ErrorTypeInvalid, `"Mirror"`},
		{"mirror prefix too long", map[string]string{KeyRegistries: `{"mirrorPrefix": "a-very-long-mirror-prefix"}`}, "registries.mirrorPrefix", field.ErrorTypeInvalid, "at most 14"},
		{"pull-through flag type", map[string]string{KeyRegistries: `{"pullThroughCache": 1}`}, "registries.pullThroughCache", field.ErrorTypeInvalid, "1"},
		{"images not strings", map[string]string{KeyRegistries: `{"images": {"docker.io": 5}}`}, "registries.images", field.ErrorTypeInvalid, "must be an object of strings"},
		{"image override bad host", map[string]string{KeyRegistries: `{"images": {"Docker Hub": "registry.example.cn"}}`}, "registries.images[Docker Hub]", field.ErrorTypeInvalid, `"Docker Hub"`},
		{"image override bad target", map[string]string{KeyRegistries: `{"images": {"docker.io": "https://registry.example.cn"}}`}, "registries.images[docker.io]", field.ErrorTypeInvalid, "https://registry.example.cn"},
		{"chart override bad url", map[string]string{KeyRegistries: `{"charts": {"https://charts.jetstack.io": "charts.example.cn"}}`}, "registries.charts[https://charts.jetstack.io]", field.ErrorTypeInvalid, `"charts.example.cn"`},

		{"ingress not object", map[string]string{KeyIngress: `true`}, "ingress", field.ErrorTypeInvalid, "true"},
		{"certificate arn shape", map[string]string{KeyIngress: `{"certificateArn": "my-cert"}`}, "ingress.certificateArn", field.ErrorTypeInvalid, `"my-cert"`},
		{"certificate in another region", map[string]string{KeyIngress: `{"certificateArn": "arn:aws-cn:acm:cn-north-1:123456789012:certificate/0b0d8a0e-1111-2222-3333-444455556666"}`}, "ingress.certificateArn", field.ErrorTypeInvalid, "cn-northwest-1"},
		{"ssl policy allows TLS 1.0", map[string]string{KeyIngress: `{"sslPolicy": "ELBSecurityPolicy-2016-08"}`}, "ingress.sslPolicy", field.ErrorTypeNotSupported, `"ELBSecurityPolicy-2016-08"`},
		{"deletion protection type", map[string]string{KeyIngress: `{"deletionProtection": "on"}`}, "ingress.deletionProtection", field.ErrorTypeInvalid, `"on"`},
		{"rate rules empty", map[string]string{KeyIngress: `{"rateRules": []}`}, "ingress.rateRules", field.ErrorTypeRequired, "at least one"},
		{"rate rules not list", map[string]string{KeyIngress: `{"rateRules": {"name": "x"}}`}, "ingress.rateRules", field.ErrorTypeInvalid, "must be a list"},
		{"rate limit below WAF floor", map[string]string{KeyIngress: `{"rateRules": [{"name": "per-ip", "limit": 5, "windowSeconds": 60}]}`}, "ingress.rateRules[0].limit", field.ErrorTypeInvalid, "5"},
		{"rate window not offered", map[string]string{KeyIngress: `{"rateRules": [{"name": "per-ip", "limit": 200, "windowSeconds": 90}]}`}, "ingress.rateRules[0].windowSeconds", field.ErrorTypeNotSupported, "90"},
		{"rate rule name", map[string]string{KeyIngress: `{"rateRules": [{"name": "Per IP", "limit": 200, "windowSeconds": 60}]}`}, "ingress.rateRules[0].name", field.ErrorTypeInvalid, `"Per IP"`},
		{"rate rule duplicate", map[string]string{KeyIngress: `{"rateRules": [{"name": "a", "limit": 200, "windowSeconds": 60}, {"name": "a", "limit": 20, "windowSeconds": 60}]}`}, "ingress.rateRules[1].name", field.ErrorTypeDuplicate, `"a"`},
		{"rate rule path", map[string]string{KeyIngress: `{"rateRules": [{"name": "login", "limit": 10, "windowSeconds": 300, "pathPrefix": "login"}]}`}, "ingress.rateRules[0].pathPrefix", field.ErrorTypeInvalid, `"login"`},
		{"rate rule unknown field", map[string]string{KeyIngress: `{"rateRules": [{"name": "a", "limit": 200, "window": 60}]}`}, "ingress.rateRules[0].window", field.ErrorTypeInvalid, "supported: name, limit, windowSeconds, pathPrefix"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(prodInput(c.values))
			require.Error(t, err)
			requireFieldError(t, err, c.path, c.typ, c.value)
		})
	}
}

func TestClusterDefaults(t *testing.T) {
	p, err := Parse(Input{Stack: "s", Region: "cn-northwest-1", Values: map[string]string{}})
	require.NoError(t, err)
	c := p.Cluster
	assert.Equal(t, DefaultKubernetesVersion, c.Version)
	assert.Empty(t, c.PublicEndpointCIDRs, "the public endpoint is closed by default")
	assert.Equal(t, 365, c.LogRetentionDays)
	require.True(t, c.Supported())
	assert.True(t, c.Runner.Enabled, "a new stack gets its runner host: the way to the private endpoint")
	assert.Equal(t, []RateRule{{"per-ip", 200, 60, ""}, {"login", 10, 300, DefaultLoginPath}}, c.Ingress.RateRules)
}

func TestRegistriesMirrorInChina(t *testing.T) {
	cn, _ := LookupRegion("cn-northwest-1")
	r := DefaultClusterConfig().Registries.Resolve(cn, "123456789012")
	assert.Equal(t, RegistryMirror, r.EffectiveMode())
	assert.Equal(t, "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror/registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.2",
		r.Image("registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.2"))
	assert.Equal(t, "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror/docker.io/library/redis:7.2",
		r.Image("redis:7.2"), "Docker Hub short names are normalised")
	assert.Equal(t, "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror/quay.io/jetstack/cert-manager-controller",
		r.Image("quay.io/jetstack/cert-manager-controller"), "a repository without a tag stays without one")
	aws := "961992271922.dkr.ecr.cn-northwest-1.amazonaws.com.cn/amazon/aws-load-balancer-controller"
	assert.Equal(t, aws, r.Image(aws), "AWS's own in-region images are not mirrored")

	c := r.Chart("https://charts.jetstack.io", "cert-manager", "v1.21.1")
	assert.Equal(t, ChartRef{Chart: "oci://123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror/charts/cert-manager", Version: "v1.21.1"}, c)
	assert.False(t, r.PullThroughEnabled(), "no pull-through rules in China")
	assert.Empty(t, r.PullThroughRules())

	list := r.MirrorList([]pins.Chart{{Repo: "https://charts.jetstack.io", Name: "cert-manager", Version: "v1.21.1"}},
		[]pins.Image{{Repository: "quay.io/jetstack/cert-manager-controller", Tag: "v1.21.1"},
			{Repository: "961992271922.dkr.ecr.cn-northwest-1.amazonaws.com.cn/amazon/aws-load-balancer-controller", Tag: "v3.5.0"}})
	require.Len(t, list, 3)
	assert.Equal(t, MirrorEntry{Kind: "chart", Upstream: "https://charts.jetstack.io/cert-manager:v1.21.1",
		Target: "oci://123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn/mirror/charts/cert-manager:v1.21.1", Method: MirrorPush}, list[0])
	for _, e := range list {
		if e.Kind == "image" {
			want := map[bool]MirrorMethod{true: MirrorDirect, false: MirrorPush}[strings.HasPrefix(e.Upstream, aws)]
			assert.Equal(t, want, e.Method, e.Upstream)
		}
	}
}

func TestRegistriesUpstreamInGlobalRegions(t *testing.T) {
	us, _ := LookupRegion("us-east-1")
	r := DefaultClusterConfig().Registries.Resolve(us, "123456789012")
	assert.Equal(t, RegistryUpstream, r.EffectiveMode())
	assert.Equal(t, "registry.k8s.io/metrics-server/metrics-server:v0.8.1", r.Image("registry.k8s.io/metrics-server/metrics-server:v0.8.1"))
	assert.Equal(t, ChartRef{Repo: "https://charts.jetstack.io", Chart: "cert-manager", Version: "v1.21.1"}, r.Chart("https://charts.jetstack.io/", "cert-manager", "v1.21.1"))
	assert.Equal(t, ChartRef{Chart: "oci://quay.io/jetstack/charts/cert-manager", Version: "v1.21.1"}, r.Chart("oci://quay.io/jetstack/charts", "cert-manager", "v1.21.1"))

	allowed := r.Allowed([]pins.Image{{Repository: "cr.fluentbit.io/fluent/fluent-bit", Tag: "4.0.7"}})
	assert.Contains(t, allowed, "https://charts.jetstack.io/", "the pin table's chart publishers")
	assert.Contains(t, allowed, "cr.fluentbit.io/", "the hosts of the pin table's images")
	assert.NotContains(t, allowed, "oci://quay.io/jetstack/charts/", "no publisher the pin table does not use")

	mirrored := Registries{Mode: RegistryMirror, MirrorPrefix: "mirror", PullThroughCache: true}.Resolve(us, "123456789012")
	rules := mirrored.PullThroughRules()
	assert.Equal(t, []PullThroughRule{{"mirror/public.ecr.aws", "public.ecr.aws"}, {"mirror/quay.io", "quay.io"}, {"mirror/registry.k8s.io", "registry.k8s.io"}}, rules,
		"only the upstreams that need no credentials get pull-through rules")
	methods := map[string]MirrorMethod{}
	for _, e := range mirrored.MirrorList(nil, []pins.Image{{Repository: "quay.io/jetstack/cert-manager-webhook", Tag: "v1.21.1"},
		{Repository: "docker.io/bitnami/kubectl", Tag: "1.35"}}) {
		methods[e.Upstream] = e.Method
	}
	assert.Equal(t, MirrorPullThrough, methods["quay.io/jetstack/cert-manager-webhook:v1.21.1"])
	assert.Equal(t, MirrorPush, methods["docker.io/bitnami/kubectl:1.35"], "Docker Hub needs credentials: pushed by the mirror job")
}

func TestRegistryOverridesWin(t *testing.T) {
	cn, _ := LookupRegion("cn-north-1")
	r := Registries{Mode: RegistryMirror, MirrorPrefix: "mirror",
		Images: map[string]string{"docker.io": "registry.example.cn/hub"},
		Charts: map[string]string{"https://charts.jetstack.io": "https://charts.example.cn/jetstack"}}.Resolve(cn, "123456789012")
	assert.Equal(t, "registry.example.cn/hub/library/postgres:17", r.Image("postgres:17"))
	assert.Equal(t, ChartRef{Repo: "https://charts.example.cn/jetstack", Chart: "cert-manager", Version: "v1.21.1"}, r.Chart("https://charts.jetstack.io", "cert-manager", "v1.21.1"))
	assert.Contains(t, r.Allowed(nil), "registry.example.cn/hub/")
	assert.Contains(t, r.Allowed(nil), "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/mirror/")
}

func TestParseImage(t *testing.T) {
	cases := map[string]ImageRef{
		"redis":                                  {"docker.io", "library/redis", ""},
		"bitnami/redis:7":                        {"docker.io", "bitnami/redis", ":7"},
		"localhost:5000/x/y:1":                   {"localhost:5000", "x/y", ":1"},
		"quay.io/a/b@sha256:abc":                 {"quay.io", "a/b", "@sha256:abc"},
		"ghcr.io/cloudnative-pg/postgresql:17.5": {"ghcr.io", "cloudnative-pg/postgresql", ":17.5"},
	}
	for in, want := range cases {
		assert.Equal(t, want, ParseImage(in), in)
	}
}
