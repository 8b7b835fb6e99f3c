package integration

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func lookPath(present ...string) func(string) (string, error) {
	return func(bin string) (string, error) {
		for _, p := range present {
			if p == bin {
				return "/usr/bin/" + bin, nil
			}
		}
		return "", errors.New("not found")
	}
}

func TestSkipsAndSaysWhyWithoutCredentials(t *testing.T) {
	_, reasons := FromEnv(env(nil), lookPath())
	text := strings.Join(reasons, "; ")
	for _, want := range []string{"SUOKE_IT_REGION is not set", "no AWS credentials", "no Pulumi state backend",
		"pulumi is not on PATH", "aws is not on PATH"} {
		assert.Contains(t, text, want)
	}

	s, reasons := FromEnv(env(map[string]string{"SUOKE_IT_REGION": "cn-northwest-1", "AWS_PROFILE": "suoke-staging",
		"PULUMI_BACKEND_URL": "s3://suoke-pulumi-state?region=cn-northwest-1", "SUOKE_IT_REDIS_IMAGE": "mirror/redis:7"}),
		lookPath("pulumi", "aws"))
	assert.Empty(t, reasons)
	assert.Equal(t, Settings{Region: "cn-northwest-1", PostgresImage: DefaultPostgresImage, RedisImage: "mirror/redis:7",
		ProbeNamespace: DefaultProbeNamespace}, s)

	_, reasons = FromEnv(env(map[string]string{"SUOKE_IT_REGION": "us-west-2", "AWS_WEB_IDENTITY_TOKEN_FILE": "/tok",
		"PULUMI_ACCESS_TOKEN": "pul-x"}), lookPath("aws"))
	assert.Equal(t, []string{"pulumi is not on PATH (the Automation API drives the Pulumi CLI)"}, reasons)
}

func TestExpectedNodesFromTheStackOutput(t *testing.T) {
	// The shape Program exports (infra/program.go nodePoolsOutput), as JSON decodes it.
	out := map[string]any{
		"gateway":  map[string]any{"instanceType": "c6i.large", "min": 1.0, "desired": 1.0, "max": 2.0, "perAz": false},
		"database": map[string]any{"instanceType": "r6i.large", "min": 1.0, "desired": 1.0, "max": 1.0, "perAz": true},
	}
	got, err := ExpectedNodes(out, 3)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"gateway": 1, "database": 3}, got)

	_, err = ExpectedNodes("nope", 3)
	assert.ErrorContains(t, err, "want a map of tiers")
	_, err = ExpectedNodes(map[string]any{"gateway": map[string]any{"desired": "many"}}, 3)
	assert.ErrorContains(t, err, "nodePools.gateway.desired")
}

func node(name, tier string, isReady bool) corev1.Node {
	n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{}}}
	if tier != "" {
		n.Labels[TierLabel] = tier
	}
	status := corev1.ConditionFalse
	if isReady {
		status = corev1.ConditionTrue
	}
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse}, {Type: corev1.NodeReady, Status: status}}
	return n
}

func TestCheckPools(t *testing.T) {
	want := map[string]int{"gateway": 1, "database": 3}
	healthy := []corev1.Node{node("g1", "gateway", true), node("d1", "database", true), node("d2", "database", true), node("d3", "database", true)}
	assert.Empty(t, CheckPools(healthy, want))

	broken := []corev1.Node{node("g1", "gateway", false), node("d1", "database", true), node("d2", "database", true),
		node("x1", "", true), node("y1", "batch", true)}
	assert.Equal(t, []string{
		"node g1 (gateway) is not Ready",
		"node x1 has no suoke.life/tier label",
		"node y1 is labelled suoke.life/tier=batch, not a tier of the plan",
		"tier database: 2 Ready node(s) labelled suoke.life/tier=database, want 3",
		"tier gateway: 0 Ready node(s) labelled suoke.life/tier=gateway, want 1",
	}, CheckPools(broken, want))
}

func TestProbeJobMeetsRestrictedPodSecurity(t *testing.T) {
	p := Probe{Namespace: "business", Name: "probe-1", PostgresImage: "pg", RedisImage: "redis",
		PoolerHost: "postgres-pooler-rw.data.svc", PoolerPort: 5432, PostgresSecret: "probe-postgres",
		RedisHost: "master.suoke.cache.amazonaws.com.cn", RedisPort: 6379}
	j := p.Job()
	spec := j.Spec.Template.Spec
	require.NotNil(t, j.Spec.BackoffLimit)
	assert.Equal(t, int32(0), *j.Spec.BackoffLimit, "one attempt: a retry would hide a flaky path")
	assert.Equal(t, corev1.RestartPolicyNever, spec.RestartPolicy)
	assert.True(t, *spec.SecurityContext.RunAsNonRoot)
	assert.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, spec.SecurityContext.SeccompProfile.Type)
	assert.False(t, *spec.AutomountServiceAccountToken)
	all := append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
	require.Len(t, all, 2)
	for _, c := range all {
		assert.False(t, *c.SecurityContext.AllowPrivilegeEscalation, c.Name)
		assert.Equal(t, []corev1.Capability{"ALL"}, c.SecurityContext.Capabilities.Drop, c.Name)
		assert.False(t, c.Resources.Limits.Memory().IsZero(), c.Name)
		assert.False(t, c.Resources.Requests.Cpu().IsZero(), c.Name)
	}

	envOf := func(c corev1.Container) map[string]corev1.EnvVar {
		m := map[string]corev1.EnvVar{}
		for _, e := range c.Env {
			m[e.Name] = e
		}
		return m
	}
	pg := envOf(spec.InitContainers[0])
	assert.Equal(t, "postgres-pooler-rw.data.svc", pg["PGHOST"].Value)
	assert.Equal(t, "require", pg["PGSSLMODE"].Value)
	assert.Equal(t, "password", pg["PGPASSWORD"].ValueFrom.SecretKeyRef.Key, "the password comes from a Secret, never a literal")
	assert.Contains(t, spec.InitContainers[0].Command[2], "pg_isready")
	redis := envOf(spec.Containers[0])
	assert.NotContains(t, redis, "REDISCLI_AUTH", "no secret: an unauthenticated PING")
	assert.Contains(t, spec.Containers[0].Command[2], "redis-cli --tls")

	p.RedisSecret = "probe-redis"
	p.PostgresSecret = ""
	j = p.Job()
	assert.Equal(t, "token", envOf(j.Spec.Template.Spec.Containers[0])["REDISCLI_AUTH"].ValueFrom.SecretKeyRef.Key)
	assert.NotContains(t, envOf(j.Spec.Template.Spec.InitContainers[0]), "PGPASSWORD")
}
