package tests

import (
	"encoding/json"
	"fmt"
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
					db := bySpecName(g, "kubernetes:postgresql.cnpg.io/v1:Database", p.Credentials.Namespace, p.Database)
					require.NotNil(t, db, "%s: database %s", c.Name, p.Database)
					assert.Equal(t, p.User, db.Inputs["spec"].(map[string]any)["owner"], "%s: owner", c.Name)
					role := bySpecName(g, "kubernetes:postgresql.cnpg.io/v1:DatabaseRole", p.Credentials.Namespace, p.User)
					require.NotNil(t, role, "%s: role %s", c.Name, p.User)
					spec := role.Inputs["spec"].(map[string]any)
					roleObject, _ := role.Inputs["metadata"].(map[string]any)["name"].(string)
					switch p.Auth {
					case contract.AuthClientCertificate:
						cc, _ := spec["clientCertificate"].(map[string]any)
						assert.Equal(t, true, cc["enabled"], "%s: the operator issues its certificate", c.Name)
						// CloudNativePG writes a role's certificate to <DatabaseRole object>-client-cert.
						assert.Equal(t, roleObject+"-client-cert", p.Credentials.Name, c.Name)
					case contract.AuthPassword:
						ps, _ := spec["passwordSecret"].(map[string]any)
						assert.Equal(t, p.Credentials.Name, ps["name"], "%s: the role's password Secret", c.Name)
					default:
						t.Errorf("%s: auth %q", c.Name, p.Auth)
					}
					assert.True(t, strings.HasSuffix(p.RWHost, "."+p.Credentials.Namespace+".svc.cluster.local"), p.RWHost)
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
