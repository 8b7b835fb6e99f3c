package tests

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/contract"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// kube finds a recorded resource by type and metadata (namespace "" matches any).
func kube(g *plan.Graph, typ, namespace, name string) *plan.Resource {
	for i, r := range g.Resources {
		md, _ := r.Inputs["metadata"].(map[string]any)
		if r.Type == typ && md["name"] == name && (namespace == "" || md["namespace"] == namespace) {
			return &g.Resources[i]
		}
	}
	return nil
}

// bySpecName finds a CloudNativePG object by the PostgreSQL name in its spec.
func bySpecName(g *plan.Graph, typ, namespace, name string) *plan.Resource {
	for i, r := range g.Resources {
		md, _ := r.Inputs["metadata"].(map[string]any)
		spec, _ := r.Inputs["spec"].(map[string]any)
		if r.Type == typ && md["namespace"] == namespace && spec["name"] == name {
			return &g.Resources[i]
		}
	}
	return nil
}

func certificateFor(g *plan.Graph, namespace, secret string) *plan.Resource {
	for i, r := range g.Resources {
		md, _ := r.Inputs["metadata"].(map[string]any)
		spec, _ := r.Inputs["spec"].(map[string]any)
		if r.Type == "kubernetes:cert-manager.io/v1:Certificate" && md["namespace"] == namespace && spec["secretName"] == secret {
			return &g.Resources[i]
		}
	}
	return nil
}

// TestServiceContractsMatchWhatWasBuilt: the `services` output is read back as app pipelines read
// it, and every promise in it is checked against the resources the program registered, not against
// the code that wrote it: the namespace and service account exist, the account runs as the role
// named (whose trust admits exactly that account), the credentials Secret is the one CloudNativePG
// writes for the role that owns the database named, the Redis user is the ElastiCache user whose
// access string confines it to the key prefix named, with TLS as the replication group requires,
// and the metrics port is the one the ServiceMonitor scrapes. Nothing in it is a secret.
func TestServiceContractsMatchWhatWasBuilt(t *testing.T) {
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			g, _ := record(t, s)
			raw, err := json.Marshal(g.Outputs["services"])
			require.NoError(t, err)
			assert.NotContains(t, string(raw), plan.Secret)
			assert.NotContains(t, string(raw), "ca.key")
			var services []contract.Service
			require.NoError(t, json.Unmarshal(raw, &services))
			require.Len(t, services, len(g.Config.Services))
			// No CA key is handed to a client: the only Secrets the program writes into a service's
			// namespace are basic-auth passwords (certificates are cert-manager's, signed there), and
			// no output names a Secret of the data tier's or cert-manager's namespace.
			serviceNS := map[string]bool{}
			for _, c := range services {
				serviceNS[c.Namespace] = true
			}
			for _, r := range g.Resources {
				md, _ := r.Inputs["metadata"].(map[string]any)
				if ns, _ := md["namespace"].(string); r.Type == "kubernetes:core/v1:Secret" && serviceNS[ns] {
					assert.Equal(t, "kubernetes.io/basic-auth", r.Inputs["type"], "%s/%v", ns, md["name"])
				}
			}
			assert.NotContains(t, g.Outputs, "postgresCaSecret", "the server CA's Secret holds its key")
			var secrets map[string]any
			b, err := json.Marshal(g.Outputs["postgresSecrets"])
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &secrets), "postgresSecrets output: %s", b)
			require.NotEmpty(t, secrets)
			for svc, ref := range secrets {
				ns, _, _ := strings.Cut(ref.(string), "/")
				assert.True(t, serviceNS[ns], "postgresSecrets[%s] = %v: not a service's namespace", svc, ref)
			}
			for _, c := range services {
				require.NotNil(t, kube(g, "kubernetes:core/v1:Namespace", "", c.Namespace), "%s: namespace %s", c.Name, c.Namespace)
				sa := kube(g, "kubernetes:core/v1:ServiceAccount", c.Namespace, c.ServiceAccount)
				require.NotNil(t, sa, "%s: service account", c.Name)
				ann, _ := sa.Inputs["metadata"].(map[string]any)["annotations"].(map[string]any)
				assert.Equal(t, c.RoleARN, ann["eks.amazonaws.com/role-arn"], "%s: the account runs as the role the contract names", c.Name)
				assert.True(t, strings.HasPrefix(c.RoleARN, "arn:"+g.Partition+":iam::"), c.RoleARN)
				trusts := 0
				for _, r := range g.Resources {
					if p, _ := r.Inputs["assumeRolePolicy"].(string); r.Type == "aws:iam/role:Role" && strings.Contains(p, fmt.Sprintf("system:serviceaccount:%s:%s\"", c.Namespace, c.ServiceAccount)) {
						trusts++
					}
				}
				assert.Equal(t, 1, trusts, "%s: exactly one role trusts the account", c.Name)

				sm := kube(g, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "", c.Name)
				require.NotNil(t, sm, "%s: ServiceMonitor", c.Name)
				eps, _ := sm.Inputs["spec"].(map[string]any)["endpoints"].([]any)
				require.NotEmpty(t, eps)
				assert.Equal(t, c.Metrics.PortName, eps[0].(map[string]any)["port"], c.Name)
				assert.Equal(t, c.Metrics.Path, eps[0].(map[string]any)["path"], c.Name)

				if c.Postgres != nil {
					p := c.Postgres
					// The cluster's namespace, from the host the contract names (<service>.<ns>.svc...).
					hostParts := strings.Split(p.RWHost, ".")
					require.Len(t, hostParts, 5, p.RWHost)
					clusterNS := hostParts[1]
					db := bySpecName(g, "kubernetes:postgresql.cnpg.io/v1:Database", clusterNS, p.Database)
					require.NotNil(t, db, "%s: database %s", c.Name, p.Database)
					assert.Equal(t, p.User, db.Inputs["spec"].(map[string]any)["owner"], "%s: owner", c.Name)
					role := bySpecName(g, "kubernetes:postgresql.cnpg.io/v1:DatabaseRole", clusterNS, p.User)
					require.NotNil(t, role, "%s: role %s", c.Name, p.User)
					spec := role.Inputs["spec"].(map[string]any)
					// A pod mounts Secrets and ConfigMaps of its own namespace only.
					assert.Equal(t, c.Namespace, p.Credentials.Namespace, "%s: credentials where its pods run", c.Name)
					assert.Equal(t, c.Namespace, p.ServerCA.Namespace, "%s: server CA where its pods run", c.Name)
					caMap := kube(g, "kubernetes:core/v1:ConfigMap", p.ServerCA.Namespace, p.ServerCA.Name)
					require.NotNil(t, caMap, "%s: server CA ConfigMap", c.Name)
					assert.Equal(t, []string{"ca.crt"}, slices.Sorted(maps.Keys(caMap.Inputs["data"].(map[string]any))), "%s: the server CA's certificate and nothing else", c.Name)
					switch p.Auth {
					case contract.AuthClientCertificate:
						assert.Equal(t, true, spec["disablePassword"], "%s: no password to steal", c.Name)
						cert := certificateFor(g, c.Namespace, p.Credentials.Name)
						require.NotNil(t, cert, "%s: a cert-manager Certificate writes %s/%s", c.Name, c.Namespace, p.Credentials.Name)
						cs := cert.Inputs["spec"].(map[string]any)
						// pg_hba "cert" logs in the user the certificate's common name names.
						assert.Equal(t, p.User, cs["commonName"], c.Name)
						issuerRef := cs["issuerRef"].(map[string]any)
						require.Equal(t, "ClusterIssuer", issuerRef["kind"], c.Name)
						issuer := kube(g, "kubernetes:cert-manager.io/v1:ClusterIssuer", "", issuerRef["name"].(string))
						require.NotNil(t, issuer, "%s: issuer %v", c.Name, issuerRef["name"])
						cluster := kube(g, "kubernetes:postgresql.cnpg.io/v1:Cluster", clusterNS, "postgres")
						require.NotNil(t, cluster)
						certs := cluster.Inputs["spec"].(map[string]any)["certificates"].(map[string]any)
						assert.Equal(t, certs["clientCASecret"], issuer.Inputs["spec"].(map[string]any)["ca"].(map[string]any)["secretName"],
							"%s: the issuer signs with the CA PostgreSQL trusts for logins", c.Name)
						assert.NotEqual(t, certs["serverCASecret"], certs["clientCASecret"], "the client CA is not the server CA")
					case contract.AuthPassword:
						ps, _ := spec["passwordSecret"].(map[string]any)
						require.NotNil(t, kube(g, "kubernetes:core/v1:Secret", clusterNS, ps["name"].(string)), "%s: the operator's copy", c.Name)
						mine := kube(g, "kubernetes:core/v1:Secret", c.Namespace, p.Credentials.Name)
						require.NotNil(t, mine, "%s: the service's copy", c.Name)
						assert.Equal(t, "kubernetes.io/basic-auth", mine.Inputs["type"], c.Name)
					default:
						t.Errorf("%s: auth %q", c.Name, p.Auth)
					}
				}
				if c.Redis != nil {
					r := c.Redis
					var user *plan.Resource
					for i, res := range g.Resources {
						if res.Type == "aws:elasticache/user:User" && res.Inputs["userId"] == r.User {
							user = &g.Resources[i]
						}
					}
					require.NotNil(t, user, "%s: ElastiCache user %s", c.Name, r.User)
					assert.Contains(t, user.Inputs["accessString"], "~"+r.KeyPrefix+"* ", "%s: keys confined to the prefix", c.Name)
					mode, _ := user.Inputs["authenticationMode"].(map[string]any)
					assert.Equal(t, r.Auth, mode["type"], c.Name)
					for _, rg := range g.Resources {
						if rg.Type == "aws:elasticache/replicationGroup:ReplicationGroup" {
							assert.Equal(t, r.TLS, rg.Inputs["transitEncryptionEnabled"], c.Name)
							assert.Equal(t, float64(r.Port), rg.Inputs["port"], c.Name)
						}
					}
				}
			}
		})
	}
}
