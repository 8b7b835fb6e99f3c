package integration

import (
	"fmt"
	"sort"
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TierLabel is the label the cluster component puts on every node of a pool.
const TierLabel = "suoke.life/tier"

// ExpectedNodes reads the stack output nodePools (tier → {desired, perAz, …}) into the number of
// nodes each tier should have right after `up`: desired, times the AZs for a per-AZ pool.
func ExpectedNodes(nodePools any, azs int) (map[string]int, error) {
	pools, ok := nodePools.(map[string]any)
	if !ok || len(pools) == 0 {
		return nil, fmt.Errorf("stack output nodePools: want a map of tiers, got %T", nodePools)
	}
	want := map[string]int{}
	for tier, v := range pools {
		p, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("stack output nodePools.%s: want an object, got %T", tier, v)
		}
		desired, err := integer(p["desired"])
		if err != nil {
			return nil, fmt.Errorf("stack output nodePools.%s.desired: %w", tier, err)
		}
		if perAZ, _ := p["perAz"].(bool); perAZ {
			desired *= azs
		}
		want[tier] = desired
	}
	return want, nil
}

func integer(v any) (int, error) {
	switch n := v.(type) {
	case float64:
		return int(n), nil
	case int:
		return n, nil
	case string:
		return strconv.Atoi(n)
	}
	return 0, fmt.Errorf("not a number: %v", v)
}

func ready(n corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// CheckPools compares the cluster's nodes with the pools: every tier has at least its expected
// number of Ready nodes labelled with it, every node belongs to a tier of the plan, and none is not
// Ready. It returns the problems, sorted; none means the pools are as planned.
func CheckPools(nodes []corev1.Node, want map[string]int) []string {
	var problems []string
	readyByTier := map[string]int{}
	for _, n := range nodes {
		tier, ok := n.Labels[TierLabel]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("node %s has no %s label", n.Name, TierLabel))
		case want[tier] == 0:
			problems = append(problems, fmt.Sprintf("node %s is labelled %s=%s, not a tier of the plan", n.Name, TierLabel, tier))
		case !ready(n):
			problems = append(problems, fmt.Sprintf("node %s (%s) is not Ready", n.Name, tier))
		default:
			readyByTier[tier]++
		}
	}
	for tier, n := range want {
		if readyByTier[tier] < n {
			problems = append(problems, fmt.Sprintf("tier %s: %d Ready node(s) labelled %s=%s, want %d", tier, readyByTier[tier], TierLabel, tier, n))
		}
	}
	sort.Strings(problems)
	return problems
}

// Probe is the in-cluster Job that reaches the data tier the way the services do: PostgreSQL through
// the PgBouncer pooler, Redis over TLS. Neither endpoint is reachable from outside the VPC.
type Probe struct {
	Namespace, Name           string
	PostgresImage, RedisImage string
	PoolerHost                string
	PoolerPort                int
	// PostgresSecret names a Secret in Namespace with username, password and dbname: with it the
	// probe logs in and runs SELECT 1; without it pg_isready shows the pooler answers.
	PostgresSecret string
	RedisHost      string
	RedisPort      int
	// RedisSecret names a Secret in Namespace whose key "token" is the AUTH token: with it Redis must
	// answer PONG; without it an unauthenticated PING must get PONG or NOAUTH, both answers over TLS.
	RedisSecret string
}

// postgresScript: pg_isready returns 0 when the server answers a connection attempt, whatever the
// user (libpq's PQping); the login proves the credentials path when a secret is given.
const postgresScript = `set -eu
pg_isready --host "$PGHOST" --port "$PGPORT" --timeout 15
if [ -n "${PGPASSWORD:-}" ]; then
  psql --no-psqlrc --set ON_ERROR_STOP=1 --tuples-only --command 'SELECT 1'
fi
echo "postgres: the pooler at $PGHOST:$PGPORT answers"`

// redisScript verifies the server's certificate against the image's CA bundle.
const redisScript = `set -eu
reply=$(redis-cli --tls --cacert /etc/ssl/certs/ca-certificates.crt -h "$REDIS_HOST" -p "$REDIS_PORT" PING 2>&1 || true)
echo "redis: $reply"
case "$reply" in
  PONG) exit 0 ;;
  *NOAUTH*) [ -z "${REDISCLI_AUTH:-}" ] && exit 0 ;;
esac
exit 1`

// Job builds the probe: a one-shot Job that meets Pod Security "restricted" (the workload
// namespaces enforce it) and sets requests and limits (their ResourceQuotas require them).
func (p Probe) Job() *batchv1.Job {
	zero, ttl, deadline := int32(0), int32(600), int64(300)
	nonRoot, noEscalation, readOnly, automount := true, false, true, false
	uid := int64(65534) // nobody: the images' tools need no user of their own
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
	}
	secCtx := &corev1.SecurityContext{
		AllowPrivilegeEscalation: &noEscalation,
		ReadOnlyRootFilesystem:   &readOnly,
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
	pgEnv := []corev1.EnvVar{
		{Name: "PGHOST", Value: p.PoolerHost},
		{Name: "PGPORT", Value: strconv.Itoa(p.PoolerPort)},
		{Name: "PGSSLMODE", Value: "require"},
		{Name: "PGCONNECT_TIMEOUT", Value: "15"},
	}
	if p.PostgresSecret != "" {
		for _, kv := range [][2]string{{"PGUSER", "username"}, {"PGPASSWORD", "password"}, {"PGDATABASE", "dbname"}} {
			pgEnv = append(pgEnv, secretEnv(kv[0], p.PostgresSecret, kv[1]))
		}
	}
	redisEnv := []corev1.EnvVar{{Name: "REDIS_HOST", Value: p.RedisHost}, {Name: "REDIS_PORT", Value: strconv.Itoa(p.RedisPort)}}
	if p.RedisSecret != "" {
		// redis-cli reads the password from REDISCLI_AUTH, keeping it off the command line.
		redisEnv = append(redisEnv, secretEnv("REDISCLI_AUTH", p.RedisSecret, "token"))
	}
	labels := map[string]string{"app.kubernetes.io/name": "suoke-integration-probe"}
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace, Labels: labels},
		Spec: batchv1.JobSpec{
			BackoffLimit:            &zero,
			TTLSecondsAfterFinished: &ttl,
			ActiveDeadlineSeconds:   &deadline,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					RestartPolicy:                corev1.RestartPolicyNever,
					AutomountServiceAccountToken: &automount, // the probe calls no Kubernetes API
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot:   &nonRoot,
						RunAsUser:      &uid,
						RunAsGroup:     &uid,
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					// PostgreSQL first, as an init container: the Job fails at the first unreachable store.
					InitContainers: []corev1.Container{{Name: "postgres", Image: p.PostgresImage, Command: []string{"sh", "-c", postgresScript},
						Env: pgEnv, Resources: res, SecurityContext: secCtx}},
					Containers: []corev1.Container{{Name: "redis", Image: p.RedisImage, Command: []string{"sh", "-c", redisScript},
						Env: redisEnv, Resources: res, SecurityContext: secCtx}},
				},
			},
		},
	}
}

func secretEnv(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}}
}
