//go:build integration

package integration

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Stack outputs the test reads. nodePools and availabilityZones are exported today; the cluster's
// and the data tier's are named here so that a missing one fails with its name.
const (
	outNodePools      = "nodePools"
	outAZs            = "availabilityZones"
	outClusterName    = "clusterName"
	outClusterURL     = "clusterEndpoint"
	outClusterCA      = "clusterCertificateAuthority" // base64 PEM, as EKS returns it
	outPoolerHost     = "postgresPoolerHost"
	outPoolerPort     = "postgresPort"      // optional, default 5432
	outPostgresSecret = "postgresAppSecret" // optional, "namespace/name" with username, password, dbname
	outRedisHost      = "redisPrimaryEndpoint"
	outRedisPort      = "redisPort"
	outRedisSecret    = "redisAuthSecret" // optional, "namespace/name" with the AUTH token under "token"
)

const projectRoot = "../.."

func TestStagingStackOnARealAccount(t *testing.T) {
	s, reasons := FromEnv(os.Getenv, exec.LookPath)
	if len(reasons) > 0 {
		t.Skipf("skipped: this test deploys to a real AWS account and needs: %s", strings.Join(reasons, "; "))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 140*time.Minute)
	defer cancel()

	name := fmt.Sprintf("it-%s", time.Now().UTC().Format("20060102-150405"))
	dir := copyProject(t)
	writeStackFile(t, dir, name, s)

	var opts []auto.LocalWorkspaceOption
	if s.SecretsProvider != "" {
		opts = append(opts, auto.SecretsProvider(s.SecretsProvider))
	}
	stack, err := auto.NewStackLocalSource(ctx, name, dir, opts...)
	require.NoError(t, err, "create the ephemeral stack %s", name)
	// Registered before up: a failed or partial up is destroyed too.
	t.Cleanup(func() { destroy(t, stack) })

	up, err := stack.Up(ctx, optup.ProgressStreams(logWriter{t}))
	require.NoError(t, err, "pulumi up of %s", name)
	outs := map[string]any{}
	for k, v := range up.Outputs {
		outs[k] = v.Value
	}

	cs := kubeClient(t, outs, s.Region)
	t.Run("every pool's nodes are Ready and labelled", func(t *testing.T) { checkNodes(ctx, t, cs, outs) })
	t.Run("PostgreSQL through the pooler and Redis over TLS, from inside", func(t *testing.T) { runProbe(ctx, t, cs, outs, s) })
}

// copyProject copies the repository (without .git) to a temporary directory, so the ephemeral stack's
// file never lands in the work tree.
func copyProject(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(projectRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(projectRoot, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	require.NoError(t, err)
	return dst
}

// writeStackFile writes Pulumi.<name>.yaml: staging's config, in the test's region.
func writeStackFile(t *testing.T, dir, name string, s Settings) {
	t.Helper()
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	require.NoError(t, err)
	ps, err := workspace.LoadProjectStack(nil, proj, filepath.Join(dir, "Pulumi.staging.yaml"))
	require.NoError(t, err)
	set := map[string]string{"aws:region": s.Region}
	if s.DRRegion != "" {
		set["suoke-platform:drRegion"] = s.DRRegion
	}
	for k, v := range set {
		key, err := config.ParseKey(k)
		require.NoError(t, err)
		require.NoError(t, ps.Config.Set(key, config.NewValue(v), false))
	}
	require.NoError(t, ps.Save(filepath.Join(dir, "Pulumi."+name+".yaml")))
}

// destroy runs with its own deadline: the test's may be spent.
func destroy(t *testing.T, stack auto.Stack) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Minute)
	defer cancel()
	if _, err := stack.Destroy(ctx, optdestroy.ProgressStreams(logWriter{t})); err != nil {
		t.Errorf("destroy of %s failed: the stack is kept so that its resources can be found; finish with: pulumi destroy --stack %s && pulumi stack rm %s (%v)",
			stack.Name(), stack.Name(), stack.Name(), err)
		return
	}
	if err := stack.Workspace().RemoveStack(ctx, stack.Name()); err != nil {
		t.Errorf("remove stack %s: %v", stack.Name(), err)
	}
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func output(t *testing.T, outs map[string]any, name string) string {
	t.Helper()
	v, ok := outs[name]
	if !ok || v == nil || fmt.Sprint(v) == "" {
		t.Fatalf("stack output %s is not exported: the component that owns it must export it", name)
	}
	switch n := v.(type) {
	case string:
		return n
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// kubeClient reaches the cluster as kubectl would with `aws eks update-kubeconfig`: the endpoint and
// CA from the outputs, the token from `aws eks get-token`.
func kubeClient(t *testing.T, outs map[string]any, region string) *kubernetes.Clientset {
	t.Helper()
	ca := output(t, outs, outClusterCA)
	caPEM, err := base64.StdEncoding.DecodeString(ca)
	if err != nil {
		caPEM = []byte(ca) // already PEM
	}
	cfg := &rest.Config{
		Host:            output(t, outs, outClusterURL),
		TLSClientConfig: rest.TLSClientConfig{CAData: caPEM},
		ExecProvider: &clientcmdapi.ExecConfig{
			APIVersion:      "client.authentication.k8s.io/v1beta1",
			Command:         "aws",
			Args:            []string{"eks", "get-token", "--cluster-name", output(t, outs, outClusterName), "--region", region, "--output", "json"},
			InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		},
	}
	cs, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	return cs
}

func checkNodes(ctx context.Context, t *testing.T, cs *kubernetes.Clientset, outs map[string]any) {
	azs, ok := outs[outAZs].([]any)
	require.True(t, ok, "stack output %s: want a list", outAZs)
	want, err := ExpectedNodes(outs[outNodePools], len(azs))
	require.NoError(t, err)
	// Managed node groups report ACTIVE once their instances have joined; Ready can trail it briefly.
	var problems []string
	for deadline := time.Now().Add(10 * time.Minute); ; {
		nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		require.NoError(t, err)
		if problems = CheckPools(nodes.Items, want); len(problems) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Second)
	}
	require.Empty(t, problems, "node pools against %v", want)
}

// runProbe copies the credentials the probe needs into short-lived Secrets of the probe namespace,
// runs the Job, and requires it to succeed.
func runProbe(ctx context.Context, t *testing.T, cs *kubernetes.Clientset, outs map[string]any, s Settings) {
	name := fmt.Sprintf("suoke-probe-%d", time.Now().Unix())
	p := Probe{Namespace: s.ProbeNamespace, Name: name, PostgresImage: s.PostgresImage, RedisImage: s.RedisImage,
		PoolerHost: output(t, outs, outPoolerHost), RedisHost: output(t, outs, outRedisHost)}
	var err error
	p.PoolerPort = 5432 // PostgreSQL's and PgBouncer's port, unless the stack says otherwise
	if _, ok := outs[outPoolerPort]; ok {
		p.PoolerPort, err = strconv.Atoi(output(t, outs, outPoolerPort))
		require.NoError(t, err)
	}
	p.RedisPort, err = strconv.Atoi(output(t, outs, outRedisPort))
	require.NoError(t, err)
	if ref, ok := outs[outPostgresSecret].(string); ok && ref != "" {
		p.PostgresSecret = copySecret(ctx, t, cs, ref, s.ProbeNamespace, name+"-postgres")
	}
	if ref, ok := outs[outRedisSecret].(string); ok && ref != "" {
		p.RedisSecret = copySecret(ctx, t, cs, ref, s.ProbeNamespace, name+"-redis")
	}

	jobs := cs.BatchV1().Jobs(s.ProbeNamespace)
	_, err = jobs.Create(ctx, p.Job(), metav1.CreateOptions{})
	require.NoError(t, err)
	background := metav1.DeletePropagationBackground
	t.Cleanup(func() {
		_ = jobs.Delete(context.Background(), name, metav1.DeleteOptions{PropagationPolicy: &background})
	})

	var job *batchv1.Job
	for deadline := time.Now().Add(6 * time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Second) {
		job, err = jobs.Get(ctx, name, metav1.GetOptions{})
		require.NoError(t, err)
		if job.Status.Succeeded > 0 || job.Status.Failed > 0 {
			break
		}
	}
	logProbe(ctx, t, cs, s.ProbeNamespace, name)
	require.NotNil(t, job)
	require.Equal(t, int32(1), job.Status.Succeeded, "the probe Job %s/%s did not succeed (its logs are above)", s.ProbeNamespace, name)
}

func copySecret(ctx context.Context, t *testing.T, cs *kubernetes.Clientset, ref, ns, name string) string {
	t.Helper()
	srcNS, srcName, ok := strings.Cut(ref, "/")
	require.True(t, ok, "secret reference %q: want namespace/name", ref)
	src, err := cs.CoreV1().Secrets(srcNS).Get(ctx, srcName, metav1.GetOptions{})
	require.NoError(t, err)
	dst := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Data: src.Data, Type: corev1.SecretTypeOpaque}
	_, err = cs.CoreV1().Secrets(ns).Create(ctx, dst, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.CoreV1().Secrets(ns).Delete(context.Background(), name, metav1.DeleteOptions{}) })
	return name
}

func logProbe(ctx context.Context, t *testing.T, cs *kubernetes.Clientset, ns, job string) {
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "job-name=" + job})
	if err != nil {
		t.Logf("probe pods: %v", err)
		return
	}
	for _, pod := range pods.Items {
		for _, c := range []string{"postgres", "redis"} {
			b, err := cs.CoreV1().Pods(ns).GetLogs(pod.Name, &corev1.PodLogOptions{Container: c}).DoRaw(ctx)
			if err != nil {
				t.Logf("%s/%s: %v", pod.Name, c, err)
				continue
			}
			t.Logf("%s/%s:\n%s", pod.Name, c, b)
		}
		if st, err := json.Marshal(pod.Status.ContainerStatuses); err == nil {
			t.Logf("%s status: %s", pod.Name, st)
		}
	}
}
