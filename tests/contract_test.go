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

// The `services` output is read here the way its consumers read it: app pipelines get it from
// `pulumi stack output services --json` or a StackReference as plain JSON, and use the field names
// README.md documents ("What services get: the `services` output"). Nothing here decodes it into
// the program's own contract.Service type: a renamed JSON tag, a field moved or dropped fails here
// even though the program's own type would read it back.

// contractField reads a dotted path of a contract as JSON gives it; "" when absent or not a string.
func contractField(c map[string]any, p string) string {
	s, _ := dotted(c, p).(string)
	return s
}

// number reads a dotted path that JSON gives as a number; 0 when absent.
func number(c map[string]any, p string) float64 {
	n, _ := dotted(c, p).(float64)
	return n
}

// readContracts reads the output as JSON, as a consumer receives it.
func readContracts(g *plan.Graph) ([]map[string]any, error) {
	raw, err := json.Marshal(g.Outputs["services"])
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("services output is not a list of objects: %w: %s", err, raw)
	}
	return out, nil
}

// Keys a service reads of what its contract names (README.md's services table): a client-certificate
// login reads tls.crt and tls.key of the credentials Secret, which cert-manager writes for a
// Certificate together with ca.crt (cert-manager docs, "Certificate resources": the Secret holds
// tls.crt, tls.key and ca.crt); a password login reads username and password of a Secret of type
// kubernetes.io/basic-auth, whose keys the type defines (Kubernetes docs, "Secrets", basic
// authentication Secret); the server CA ConfigMap gives ca.crt for sslmode=verify-full.

// contractProblems checks every promise of the `services` output against the resources the
// program registered: the namespace and service account exist, the account runs as the role named
// (whose trust admits exactly that account), the credentials are where a pod of the service can
// read them (its own namespace) with the keys it reads, the PostgreSQL database and user exist as
// CloudNativePG objects with that owner, the Redis user is the ElastiCache user whose access string
// confines it to the key prefix named, with the TLS and port of the replication group, and the
// metrics port and path are the ones the ServiceMonitor scrapes. Nothing in it is a secret.
func contractProblems(g *plan.Graph) []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	raw, _ := json.Marshal(g.Outputs["services"])
	if strings.Contains(string(raw), plan.Secret) || strings.Contains(string(raw), "ca.key") {
		bad("the services output holds a secret: %s", raw)
	}
	services, err := readContracts(g)
	if err != nil {
		return []string{err.Error()}
	}
	if len(services) != len(g.Config.Services) {
		bad("%d contracts for %d services", len(services), len(g.Config.Services))
	}
	// No CA key is handed to a client: the only Secrets the program writes into a service's
	// namespace are basic-auth passwords (certificates are cert-manager's, signed there), and no
	// output names a Secret of the data tier's or cert-manager's namespace.
	serviceNS := map[string]bool{}
	for _, c := range services {
		serviceNS[contractField(c, "namespace")] = true
	}
	for _, r := range g.Resources {
		md, _ := r.Inputs["metadata"].(map[string]any)
		if ns, _ := md["namespace"].(string); r.Type == "kubernetes:core/v1:Secret" && serviceNS[ns] && r.Inputs["type"] != "kubernetes.io/basic-auth" {
			bad("Secret %s/%v in a service's namespace is of type %v, not a basic-auth password", ns, md["name"], r.Inputs["type"])
		}
	}
	if _, ok := g.Outputs["postgresCaSecret"]; ok {
		bad("an output names the server CA's Secret, which holds its key")
	}
	var secrets map[string]any
	b, _ := json.Marshal(g.Outputs["postgresSecrets"])
	_ = json.Unmarshal(b, &secrets)
	if len(secrets) == 0 {
		bad("no postgresSecrets output")
	}
	for svc, ref := range secrets {
		ns, _, _ := strings.Cut(fmt.Sprint(ref), "/")
		if !serviceNS[ns] {
			bad("postgresSecrets[%s] = %v: not a service's namespace", svc, ref)
		}
	}
	for _, c := range services {
		name, ns, account, role := contractField(c, "name"), contractField(c, "namespace"), contractField(c, "serviceAccount"), contractField(c, "roleArn")
		if name == "" || ns == "" || account == "" {
			bad("a contract without name, namespace or serviceAccount: %v", c)
			continue
		}
		if kube(g, "kubernetes:core/v1:Namespace", "", ns) == nil {
			bad("%s: namespace %s does not exist", name, ns)
		}
		sa := kube(g, "kubernetes:core/v1:ServiceAccount", ns, account)
		if sa == nil {
			bad("%s: service account %s/%s does not exist", name, ns, account)
		} else if ann, _ := dotted(sa.Inputs, "metadata.annotations").(map[string]any); ann["eks.amazonaws.com/role-arn"] != role {
			bad("%s: the account runs as %v, the contract names %s", name, ann["eks.amazonaws.com/role-arn"], role)
		}
		if !strings.HasPrefix(role, "arn:"+g.Partition+":iam::") {
			bad("%s: roleArn %q is not an IAM role of the %s partition", name, role, g.Partition)
		}
		trusts := 0
		for _, r := range g.Resources {
			if p, _ := r.Inputs["assumeRolePolicy"].(string); r.Type == "aws:iam/role:Role" && strings.Contains(p, fmt.Sprintf("system:serviceaccount:%s:%s\"", ns, account)) {
				trusts++
			}
		}
		if trusts != 1 {
			bad("%s: %d roles trust the account, not exactly one", name, trusts)
		}

		sm := kube(g, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "", name)
		eps := asList(dotted(inputsOf(sm), "spec.endpoints"))
		if len(eps) == 0 {
			bad("%s: no ServiceMonitor endpoint", name)
		} else if ep := asMap(eps[0]); ep["port"] != contractField(c, "metrics.portName") || ep["path"] != contractField(c, "metrics.path") {
			bad("%s: the ServiceMonitor scrapes %v%v, the contract names %s%s", name, ep["port"], ep["path"], contractField(c, "metrics.portName"), contractField(c, "metrics.path"))
		}

		if pg := asMap(c["postgres"]); pg != nil {
			out = append(out, postgresProblems(g, name, ns, pg)...)
		}
		if rd := asMap(c["redis"]); rd != nil {
			user := contractField(rd, "user")
			var u *plan.Resource
			for i, res := range g.Resources {
				if res.Type == "aws:elasticache/user:User" && res.Inputs["userId"] == user {
					u = &g.Resources[i]
				}
			}
			if u == nil {
				bad("%s: no ElastiCache user %q", name, user)
				continue
			}
			if prefix := contractField(rd, "keyPrefix"); prefix == "" || !strings.Contains(fmt.Sprint(u.Inputs["accessString"]), "~"+prefix+"* ") {
				bad("%s: user %s's access string %v does not confine it to keyPrefix %q", name, user, u.Inputs["accessString"], prefix)
			}
			if mode := asMap(u.Inputs["authenticationMode"]); mode["type"] != contractField(rd, "auth") {
				bad("%s: user %s authenticates by %v, the contract says %s", name, user, mode["type"], contractField(rd, "auth"))
			}
			for _, rg := range g.Resources {
				if rg.Type == "aws:elasticache/replicationGroup:ReplicationGroup" {
					if rg.Inputs["transitEncryptionEnabled"] != dotted(rd, "tls") {
						bad("%s: tls %v, the replication group's in-transit encryption %v", name, dotted(rd, "tls"), rg.Inputs["transitEncryptionEnabled"])
					}
					if rg.Inputs["port"] != number(rd, "port") {
						bad("%s: port %v, the replication group's %v", name, number(rd, "port"), rg.Inputs["port"])
					}
				}
			}
		}
	}
	return out
}

// inputsOf lets a missing resource read as empty.
func inputsOf(r *plan.Resource) map[string]any {
	if r == nil {
		return nil
	}
	return r.Inputs
}

// postgresProblems checks one contract's postgres object.
func postgresProblems(g *plan.Graph, name, ns string, pg map[string]any) []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	// The cluster's namespace, from the host the contract names (<service>.<ns>.svc.cluster.local).
	host := strings.Split(contractField(pg, "rwHost"), ".")
	if len(host) != 5 || host[2] != "svc" {
		return []string{fmt.Sprintf("%s: rwHost %q is not a cluster Service's name", name, contractField(pg, "rwHost"))}
	}
	clusterNS := host[1]
	if kube(g, "kubernetes:core/v1:Service", clusterNS, host[0]) == nil && kube(g, "kubernetes:postgresql.cnpg.io/v1:Cluster", clusterNS, strings.TrimSuffix(host[0], "-rw")) == nil {
		bad("%s: rwHost %s names no Service and no CloudNativePG cluster (which makes <cluster>-rw) in %s", name, contractField(pg, "rwHost"), clusterNS)
	}
	user, database := contractField(pg, "user"), contractField(pg, "database")
	db := bySpecName(g, "kubernetes:postgresql.cnpg.io/v1:Database", clusterNS, database)
	if db == nil {
		bad("%s: no database %q in %s", name, database, clusterNS)
	} else if owner := dotted(db.Inputs, "spec.owner"); owner != user {
		bad("%s: database %s is owned by %v, the contract's user is %s", name, database, owner, user)
	}
	role := bySpecName(g, "kubernetes:postgresql.cnpg.io/v1:DatabaseRole", clusterNS, user)
	if role == nil {
		return append(out, fmt.Sprintf("%s: no role %q in %s", name, user, clusterNS))
	}
	spec := asMap(role.Inputs["spec"])
	// A pod mounts Secrets and ConfigMaps of its own namespace only.
	credNS, credName := contractField(pg, "credentials.namespace"), contractField(pg, "credentials.name")
	caNS, caName := contractField(pg, "serverCaConfigMap.namespace"), contractField(pg, "serverCaConfigMap.name")
	if credNS != ns || caNS != ns {
		bad("%s: credentials in %q and server CA in %q, but its pods run in %s", name, credNS, caNS, ns)
	}
	if caMap := kube(g, "kubernetes:core/v1:ConfigMap", caNS, caName); caMap == nil {
		bad("%s: no server CA ConfigMap %s/%s", name, caNS, caName)
	} else if keys := slices.Sorted(maps.Keys(asMap(caMap.Inputs["data"]))); !slices.Equal(keys, []string{"ca.crt"}) {
		bad("%s: server CA ConfigMap holds %v, not the CA's certificate ca.crt alone", name, keys)
	}
	switch contractField(pg, "auth") {
	case "client-certificate":
		if spec["disablePassword"] != true {
			bad("%s: a certificate role with a password to steal", name)
		}
		cert := certificateFor(g, credNS, credName)
		if cert == nil {
			bad("%s: no cert-manager Certificate writes %s/%s (tls.crt, tls.key)", name, credNS, credName)
			break
		}
		cs := asMap(cert.Inputs["spec"])
		// pg_hba "cert" logs in the user the certificate's common name names.
		if cs["commonName"] != user {
			bad("%s: the certificate's common name %v is not the user %s", name, cs["commonName"], user)
		}
		issuerRef := asMap(cs["issuerRef"])
		issuer := kube(g, "kubernetes:cert-manager.io/v1:ClusterIssuer", "", fmt.Sprint(issuerRef["name"]))
		cluster := kube(g, "kubernetes:postgresql.cnpg.io/v1:Cluster", clusterNS, "postgres")
		if issuerRef["kind"] != "ClusterIssuer" || issuer == nil || cluster == nil {
			bad("%s: issuer %v/%v or cluster missing", name, issuerRef["kind"], issuerRef["name"])
			break
		}
		certs := asMap(dotted(cluster.Inputs, "spec.certificates"))
		if certs["clientCASecret"] != dotted(issuer.Inputs, "spec.ca.secretName") {
			bad("%s: the issuer signs with %v, PostgreSQL trusts logins of %v", name, dotted(issuer.Inputs, "spec.ca.secretName"), certs["clientCASecret"])
		}
		if certs["serverCASecret"] == certs["clientCASecret"] {
			bad("the client CA is the server CA")
		}
	case "password":
		ps := asMap(spec["passwordSecret"])
		if kube(g, "kubernetes:core/v1:Secret", clusterNS, fmt.Sprint(ps["name"])) == nil {
			bad("%s: the operator's copy %s/%v does not exist", name, clusterNS, ps["name"])
		}
		mine := kube(g, "kubernetes:core/v1:Secret", credNS, credName)
		if mine == nil {
			bad("%s: no Secret %s/%s", name, credNS, credName)
			break
		}
		if mine.Inputs["type"] != "kubernetes.io/basic-auth" {
			bad("%s: Secret %s/%s is of type %v: no username/password keys", name, credNS, credName, mine.Inputs["type"])
		}
		if sd, ok := mine.Inputs["stringData"].(map[string]any); ok {
			if _, ok := sd["password"]; !ok {
				bad("%s: Secret %s/%s has no password key", name, credNS, credName)
			}
		}
		if h := contractField(pg, "poolerHost"); h == "" {
			bad("%s: a password login without a poolerHost", name)
		}
	default:
		bad("%s: auth %q is neither client-certificate nor password", name, contractField(pg, "auth"))
	}
	return out
}

// TestServiceContractsMatchWhatWasBuilt: on every stack, every promise of the `services` output,
// read as JSON the way app pipelines read it, holds in the graph.
func TestServiceContractsMatchWhatWasBuilt(t *testing.T) {
	noProblemsOnEveryStack(t, contractProblems)
}

// TestContractProblemsAreCaught breaks a copy of prod's recorded graph or of its output one way at a
// time.
func TestContractProblemsAreCaught(t *testing.T) {
	g, _ := record(t, "prod")
	require.Empty(t, contractProblems(g))
	services, err := readContracts(g)
	require.NoError(t, err)
	// withContract is g with one service's contract edited (on a JSON copy of the output).
	withContract := func(service string, edit func(c map[string]any)) *plan.Graph {
		cs, err := readContracts(g)
		require.NoError(t, err)
		found := false
		for _, c := range cs {
			if c["name"] == service {
				edit(c)
				found = true
			}
		}
		require.True(t, found, service)
		m := clone(g)
		m.Outputs = maps.Clone(g.Outputs)
		m.Outputs["services"] = cs
		return m
	}
	var certService, passwordService string
	for _, c := range services {
		switch contractField(c, "postgres.auth") {
		case "client-certificate":
			certService = contractField(c, "name")
		case "password":
			passwordService = contractField(c, "name")
		}
	}
	require.NotEmpty(t, certService)
	cases := []struct {
		name string
		g    *plan.Graph
		want string
	}{
		{"a renamed JSON field", withContract("xiaoai", func(c map[string]any) {
			c["service_account"] = c["serviceAccount"]
			delete(c, "serviceAccount")
		}), "a contract without name, namespace or serviceAccount"},
		{"another namespace's service account", withContract("xiaoai", func(c map[string]any) { c["namespace"] = "business" }),
			"xiaoai: service account business/"},
		{"a role the account does not run as", withContract("xiaoke", func(c map[string]any) {
			c["roleArn"] = strings.Replace(contractField(c, "roleArn"), "xiaoke", "xiaoai", 1)
		}), "xiaoke: the account runs as"},
		{"credentials in the data namespace", withContract(certService, func(c map[string]any) {
			pg := maps.Clone(asMap(c["postgres"]))
			pg["credentials"] = map[string]any{"namespace": "data", "name": contractField(pg, "credentials.name")}
			c["postgres"] = pg
		}), certService + ": credentials in \"data\""},
		{"a credentials Secret nothing writes", withContract(certService, func(c map[string]any) {
			pg := maps.Clone(asMap(c["postgres"]))
			pg["credentials"] = map[string]any{"namespace": contractField(c, "namespace"), "name": "postgres-client"}
			c["postgres"] = pg
		}), "no cert-manager Certificate writes"},
		{"a database nobody created", withContract(certService, func(c map[string]any) {
			pg := maps.Clone(asMap(c["postgres"]))
			pg["database"] = "postgres"
			c["postgres"] = pg
		}), certService + ": no database \"postgres\""},
		{"a wider Redis key prefix", withContract("laoke", func(c map[string]any) {
			rd := maps.Clone(asMap(c["redis"]))
			rd["keyPrefix"] = "lao"
			c["redis"] = rd
		}), "laoke: user"},
		{"Redis without TLS", withContract("laoke", func(c map[string]any) {
			rd := maps.Clone(asMap(c["redis"]))
			rd["tls"] = false
			c["redis"] = rd
		}), "laoke: tls false"},
		{"another metrics port", withContract("soer", func(c map[string]any) {
			c["metrics"] = map[string]any{"portName": "metrics", "port": 9090, "path": "/metrics"}
		}), "soer: the ServiceMonitor scrapes http-metrics/metrics"},
		{"the server CA ConfigMap with a key", mutated(g, "kubernetes:core/v1:ConfigMap", func(r *plan.Resource) bool {
			_, ok := asMap(r.Inputs["data"])["ca.crt"]
			return ok && dotted(r.Inputs, "metadata.namespace") == "agents"
		}, func(in map[string]any) {
			in["data"] = map[string]any{"ca.crt": "x", "ca.key": "y"}
		}), "not the CA's certificate ca.crt alone"},
		{"the service account gone", mutated(g, "kubernetes:core/v1:ServiceAccount", func(r *plan.Resource) bool {
			return dotted(r.Inputs, "metadata.namespace") == "business" && dotted(r.Inputs, "metadata.name") == "blockchain"
		}, func(in map[string]any) {
			in["metadata"] = map[string]any{"name": "blockchain-old", "namespace": "business"}
		}), "blockchain: service account business/blockchain does not exist"},
	}
	if passwordService != "" {
		cases = append(cases, struct {
			name string
			g    *plan.Graph
			want string
		}{"a password Secret of another type", mutated(g, "kubernetes:core/v1:Secret", func(r *plan.Resource) bool {
			return r.Inputs["type"] == "kubernetes.io/basic-auth"
		}, func(in map[string]any) { in["type"] = "Opaque" }), "no username/password keys"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Contains(t, strings.Join(contractProblems(c.g), "\n"), c.want)
		})
	}
}
