package tests

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Every Secret a pod mounts or reads exists in the pod's namespace: the graph creates it there, or an
// operator the graph runs creates it for an object the graph holds. A pod whose Secret is missing
// stays in ContainerCreating (a volume) or CreateContainerConfigError (an env reference), and a
// Helm release waiting on it times out and rolls back.
//
// Where pods read Secrets (the core/v1 types PodSpec, Volume, EnvVarSource, EnvFromSource and
// ProjectedVolumeSource of k8s.io/api, the module this repository pins): volumes[].secret.secretName,
// volumes[].projected.sources[].secret.name, env[].valueFrom.secretKeyRef.name,
// envFrom[].secretRef.name, imagePullSecrets[].name, and a ServiceAccount's imagePullSecrets, which
// its pods pull with. The walk looks for these shapes anywhere in a workload, a CloudNativePG object
// or a release's values (charts pass extraVolumes, extraEnv, extraEnvFrom and imagePullSecrets into
// their pod specs as written). Beyond those shapes:
//   - CloudNativePG (api/v1 cluster_types.go and pooler_types.go): a Cluster reads superuserSecret,
//     bootstrap.initdb.secret, certificates.{serverTLSSecret,serverCASecret,clientCASecret,
//     replicationTLSSecret}, managed.roles[].passwordSecret, externalClusters[].{password,sslKey,
//     sslCert,sslRootCert}; a Pooler reads pgbouncer.authQuerySecret; the barman-cloud plugin's
//     ObjectStore (plugin-barman-cloud api/v1, barman-cloud's BarmanObjectStoreConfiguration) reads
//     s3Credentials.{accessKeyId,secretAccessKey,region,sessionToken} and endpointCA in the
//     sidecar it runs beside each instance.
//   - chart values that name a Secret a pod of the chart reads (chartSecretValues).

// chartSecretValues are the values paths, per chart, whose value is the name of a Secret that a pod
// of the release reads, in the release's namespace; enabled is the boolean path that must be true for
// the chart to read it ("" when always). What each chart does with the value is as its values.yaml
// documents it and the Prometheus operator's API documents the CR fields; not re-read for this file,
// and cmd/render, which renders the pinned charts, is where a change of that would show.
var chartSecretValues = map[string][]struct{ path, enabled, why string }{
	"kube-prometheus-stack": {
		{"grafana.admin.existingSecret", "", "the grafana subchart reads the admin user and password from it (secretKeyRef)"},
		{"alertmanager.alertmanagerSpec.configSecret", "alertmanager.alertmanagerSpec.useExistingSecret",
			"Alertmanager spec.configSecret: the operator mounts it into the Alertmanager pods (same namespace)"},
		{"prometheus.prometheusSpec.secrets", "", "Prometheus spec.secrets: mounted into the Prometheus pods (same namespace)"},
		{"alertmanager.alertmanagerSpec.secrets", "", "Alertmanager spec.secrets: mounted into the Alertmanager pods (same namespace)"},
	},
	"velero": {
		{"credentials.existingSecret", "credentials.useSecret", "the velero chart mounts it as the cloud-credentials volume"},
	},
}

type secretRef struct {
	from, namespace, name, via string
}

func (r secretRef) String() string {
	return fmt.Sprintf("%s reads Secret %s/%s (%s)", r.from, r.namespace, r.name, r.via)
}

// walkPodSecrets collects the Secret names of the pod-spec shapes anywhere under v.
func walkPodSecrets(v any, at string, add func(name, via string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			m, _ := e.(map[string]any)
			switch k {
			case "secret":
				if n, ok := m["secretName"].(string); ok {
					add(n, at+".secret.secretName")
				} else if n, ok := m["name"].(string); ok && strings.HasSuffix(at, "sources") {
					add(n, at+".secret.name")
				}
			case "secretKeyRef", "secretRef":
				if n, ok := m["name"].(string); ok {
					add(n, at+"."+k)
				}
			case "imagePullSecrets":
				for _, p := range asList(e) {
					if pm, ok := p.(map[string]any); ok {
						if n, ok := pm["name"].(string); ok {
							add(n, at+".imagePullSecrets")
						}
					} else if n, ok := p.(string); ok {
						add(n, at+".imagePullSecrets")
					}
				}
			}
			walkPodSecrets(e, at+"."+k, add)
		}
	case []any:
		for _, e := range x {
			walkPodSecrets(e, at, add)
		}
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// dotted reads a dotted values path.
func dotted(values map[string]any, p string) any {
	return path(values, strings.Split(p, ".")...)
}

// cnpgClusterSecrets are the Secret names a CloudNativePG Cluster's spec names.
func cnpgClusterSecrets(spec map[string]any, add func(name, via string)) {
	named := func(v any, via string) {
		if n, ok := path(asMap(v), "name").(string); ok {
			add(n, via)
		}
	}
	named(spec["superuserSecret"], "superuserSecret")
	named(path(spec, "bootstrap", "initdb", "secret"), "bootstrap.initdb.secret")
	for _, k := range []string{"serverTLSSecret", "serverCASecret", "clientCASecret", "replicationTLSSecret"} {
		if n, ok := path(spec, "certificates", k).(string); ok {
			add(n, "certificates."+k)
		}
	}
	for _, r := range asList(path(spec, "managed", "roles")) {
		named(asMap(r)["passwordSecret"], "managed.roles.passwordSecret")
	}
	for _, ec := range asList(spec["externalClusters"]) {
		for _, k := range []string{"password", "sslKey", "sslCert", "sslRootCert"} {
			named(asMap(ec)[k], "externalClusters."+k)
		}
	}
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// secretReferences lists every Secret a pod of the graph reads.
func secretReferences(g *plan.Graph) []secretRef {
	var out []secretRef
	for _, r := range g.Resources {
		md := asMap(r.Inputs["metadata"])
		ns, _ := md["namespace"].(string)
		from := r.Type + " " + r.Name
		add := func(name, via string) { out = append(out, secretRef{from, ns, name, via}) }
		switch {
		case r.Type == typeHelmRelease:
			ns, _ = r.Inputs["namespace"].(string)
			values := asMap(r.Inputs["values"])
			walkPodSecrets(values, "values", add)
			for _, v := range chartSecretValues[chartName(r)] {
				if v.enabled != "" && dotted(values, v.enabled) != true {
					continue
				}
				switch n := dotted(values, v.path).(type) {
				case string:
					add(n, "values."+v.path+": "+v.why)
				case []any:
					for _, e := range n {
						if s, ok := e.(string); ok {
							add(s, "values."+v.path+": "+v.why)
						}
					}
				}
			}
		case r.Type == "kubernetes:postgresql.cnpg.io/v1:Cluster":
			spec := asMap(r.Inputs["spec"])
			walkPodSecrets(spec, "spec", add)
			cnpgClusterSecrets(spec, add)
		case r.Type == "kubernetes:postgresql.cnpg.io/v1:Pooler":
			spec := asMap(r.Inputs["spec"])
			walkPodSecrets(spec, "spec", add)
			if n, ok := path(spec, "pgbouncer", "authQuerySecret", "name").(string); ok {
				add(n, "pgbouncer.authQuerySecret")
			}
		case r.Type == "kubernetes:barmancloud.cnpg.io/v1:ObjectStore":
			walkPodSecrets(r.Inputs["spec"], "spec", add) // instanceSidecarConfiguration.env
			conf := asMap(path(asMap(r.Inputs["spec"]), "configuration"))
			for _, k := range []string{"accessKeyId", "secretAccessKey", "region", "sessionToken"} {
				if n, ok := path(conf, "s3Credentials", k, "name").(string); ok {
					add(n, "configuration.s3Credentials."+k)
				}
			}
			if n, ok := path(conf, "endpointCA", "name").(string); ok {
				add(n, "configuration.endpointCA")
			}
		case strings.HasPrefix(r.Type, "kubernetes:") && r.Type != "kubernetes:core/v1:Secret":
			// Workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) and
			// ServiceAccounts: the shapes are the same at every depth of their specs.
			walkPodSecrets(r.Inputs, "", add)
		}
	}
	return out
}

// existingSecrets are the Secrets the graph creates, and those an operator it runs creates for an
// object it holds, namespace/name → who makes it.
func existingSecrets(g *plan.Graph) map[string]string {
	out := map[string]string{}
	for _, r := range g.Resources {
		md := asMap(r.Inputs["metadata"])
		ns, _ := md["namespace"].(string)
		name, _ := md["name"].(string)
		spec := asMap(r.Inputs["spec"])
		switch r.Type {
		case "kubernetes:core/v1:Secret":
			out[ns+"/"+name] = "the graph"
		case "kubernetes:postgresql.cnpg.io/v1:Cluster":
			// CloudNativePG docs, "Certificates" and "Bootstrap": the operator makes the cluster's CA,
			// server and replication certificates, the application owner's credentials when initdb
			// names no Secret, and the superuser's when superuser access is on.
			for _, s := range []string{"-ca", "-server", "-replication"} {
				out[ns+"/"+name+s] = "CloudNativePG operator"
			}
			if path(spec, "bootstrap", "initdb") != nil && path(spec, "bootstrap", "initdb", "secret") == nil {
				out[ns+"/"+name+"-app"] = "CloudNativePG operator"
			}
			if spec["enableSuperuserAccess"] == true {
				out[ns+"/"+name+"-superuser"] = "CloudNativePG operator"
			}
		case "kubernetes:postgresql.cnpg.io/v1:DatabaseRole":
			// The role's client certificate, as the services contract names it.
			if path(spec, "clientCertificate", "enabled") == true {
				out[ns+"/"+name+"-client-cert"] = "CloudNativePG operator"
			}
		case "kubernetes:cert-manager.io/v1:Certificate":
			if s, ok := spec["secretName"].(string); ok {
				out[ns+"/"+s] = "cert-manager"
			}
		}
	}
	return out
}

func missingSecrets(g *plan.Graph) []string {
	have := existingSecrets(g)
	var out []string
	for _, ref := range secretReferences(g) {
		if _, ok := have[ref.namespace+"/"+ref.name]; !ok {
			out = append(out, ref.String())
		}
	}
	sort.Strings(out)
	return out
}

func TestEverySecretAPodReadsExists(t *testing.T) {
	noProblemsOnEveryStack(t, func(g *plan.Graph) []string {
		if len(secretReferences(g)) == 0 {
			return []string{"the walk finds no Secret read, not even the monitoring stack's"}
		}
		return missingSecrets(g)
	})
}

// TestMissingSecretsAreCaught breaks staging's graph one reference at a time.
func TestMissingSecretsAreCaught(t *testing.T) {
	g, _ := record(t, "staging")
	require.Empty(t, missingSecrets(g))
	isJob := func(r *plan.Resource) bool { return r.Type == "kubernetes:batch/v1:Job" }
	addToPod := func(key string, item any) func(map[string]any) {
		return func(in map[string]any) {
			spec := copyMap(asMap(path(in, "spec", "template", "spec")))
			spec[key] = append(append([]any{}, asList(spec[key])...), item)
			in["spec"] = map[string]any{"template": map[string]any{"spec": spec}}
		}
	}
	cases := []struct {
		name   string
		typ    string
		match  func(*plan.Resource) bool
		change func(map[string]any)
		want   string
	}{
		{"a volume from a Secret nobody makes", "kubernetes:batch/v1:Job", isJob,
			addToPod("volumes", map[string]any{"name": "v", "secret": map[string]any{"secretName": "opensearch-master"}}),
			"reads Secret monitoring/opensearch-master"},
		{"a projected Secret", "kubernetes:batch/v1:Job", isJob,
			addToPod("volumes", map[string]any{"name": "v", "projected": map[string]any{"sources": []any{map[string]any{"secret": map[string]any{"name": "tokens"}}}}}),
			"reads Secret monitoring/tokens"},
		{"an env var from another namespace's Secret", "kubernetes:batch/v1:Job", isJob,
			addToPod("containers", map[string]any{"name": "x", "env": []any{map[string]any{"name": "P",
				"valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "postgres-app", "key": "password"}}}}}),
			"reads Secret monitoring/postgres-app"},
		{"image pull Secret", "kubernetes:batch/v1:Job", isJob,
			addToPod("imagePullSecrets", map[string]any{"name": "ecr-pull"}), "reads Secret monitoring/ecr-pull"},
		{"Grafana's admin Secret in another namespace", "kubernetes:core/v1:Secret", nameIs("monitoring-grafana-admin-secret"), func(in map[string]any) {
			md := copyMap(asMap(in["metadata"]))
			md["namespace"] = "default"
			in["metadata"] = md
		}, "reads Secret monitoring/grafana-admin (values.grafana.admin.existingSecret"},
		{"Alertmanager's config Secret renamed", typeHelmRelease, func(r *plan.Resource) bool { return chartName(*r) == "kube-prometheus-stack" }, func(in map[string]any) {
			values := copyMap(asMap(in["values"]))
			am := copyMap(asMap(values["alertmanager"]))
			spec := copyMap(asMap(am["alertmanagerSpec"]))
			spec["configSecret"] = "alertmanager-config"
			am["alertmanagerSpec"] = spec
			values["alertmanager"] = am
			in["values"] = values
		}, "reads Secret monitoring/alertmanager-config"},
		{"a release's extraEnvFrom", typeHelmRelease, func(r *plan.Resource) bool { return chartName(*r) == "tempo" }, func(in map[string]any) {
			values := copyMap(asMap(in["values"]))
			values["extraEnvFrom"] = []any{map[string]any{"secretRef": map[string]any{"name": "tempo-s3"}}}
			in["values"] = values
		}, "reads Secret monitoring/tempo-s3"},
		{"Pooler auth query Secret", "kubernetes:postgresql.cnpg.io/v1:Pooler", func(*plan.Resource) bool { return true }, func(in map[string]any) {
			spec := copyMap(asMap(in["spec"]))
			pgb := copyMap(asMap(spec["pgbouncer"]))
			pgb["authQuerySecret"] = map[string]any{"name": "pooler-auth"}
			spec["pgbouncer"] = pgb
			in["spec"] = spec
		}, "reads Secret data/pooler-auth"},
		{"Cluster superuser Secret", "kubernetes:postgresql.cnpg.io/v1:Cluster", func(*plan.Resource) bool { return true }, func(in map[string]any) {
			spec := copyMap(asMap(in["spec"]))
			spec["superuserSecret"] = map[string]any{"name": "postgres-root"}
			in["spec"] = spec
		}, "reads Secret data/postgres-root"},
		{"object store keys from a Secret", "kubernetes:barmancloud.cnpg.io/v1:ObjectStore", nameIs("database-object-store"), func(in map[string]any) {
			in["spec"] = map[string]any{"configuration": map[string]any{"s3Credentials": map[string]any{
				"accessKeyId": map[string]any{"name": "backup-keys", "key": "id"}}}}
		}, "reads Secret data/backup-keys (configuration.s3Credentials.accessKeyId)"},
		{"service account pull Secret", "kubernetes:core/v1:ServiceAccount", nameIs("cluster-sa-xiaoai"), func(in map[string]any) {
			in["imagePullSecrets"] = []any{map[string]any{"name": "regcred"}}
		}, "reads Secret agents/regcred"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Contains(t, strings.Join(missingSecrets(mutated(g, c.typ, c.match, c.change)), "\n"), c.want)
		})
	}
	// What the operator makes for the cluster is there for a pod of its namespace to read.
	ok := mutated(g, "kubernetes:batch/v1:Job", isJob, func(in map[string]any) {
		md := copyMap(asMap(in["metadata"]))
		md["namespace"] = "data"
		in["metadata"] = md
		addToPod("volumes", map[string]any{"name": "ca", "secret": map[string]any{"secretName": "postgres-ca"}})(in)
	})
	assert.Empty(t, missingSecrets(ok))
}
