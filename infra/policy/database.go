package policy

import (
	"fmt"
	"sort"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Resource types the data-tier rules read.
const (
	typePGCluster         = "kubernetes:postgresql.cnpg.io/v1:Cluster"
	typePGScheduledBackup = "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup"
	typeObjectStore       = "kubernetes:barmancloud.cnpg.io/v1:ObjectStore"
	typeReplicationGroup  = "aws:elasticache/replicationGroup:ReplicationGroup"
)

// barmanPlugin is the Barman Cloud plugin's name in a Cluster's plugins.
const barmanPlugin = "barman-cloud.cloudnative-pg.io"

var databaseRules = []Rule{
	{ID: "DB-001", Severity: Critical, Description: "in prod and dr, PostgreSQL runs at least 3 instances kept in different zones", Check: checkPGZones},
	{ID: "DB-002", Severity: Critical, Description: "in prod and dr, PostgreSQL commits wait for a synchronous replica (durability required)", Check: checkPGSync},
	{ID: "DB-003", Severity: High, Description: "PostgreSQL archives WAL to an object store and has a scheduled base backup", Check: checkPGBackups},
	{ID: "DB-004", Severity: High, Description: "PostgreSQL superuser access is off", Check: checkPGSuperuser},
	{ID: "DB-005", Severity: Critical, Description: "in prod and dr, Redis is Multi-AZ with automatic failover across 3 zones", Check: checkRedisFailover},
	{ID: "DB-006", Severity: Critical, Description: "Redis is encrypted at rest with a KMS key and requires TLS in transit", Check: checkRedisEncryption},
	{ID: "DB-007", Severity: Critical, Description: "data-tier security groups admit only the node groups", Check: checkDataSGIngress},
}

func inputStr(r *plan.Resource, keys ...string) string {
	s, _ := At(r, keys...).(string)
	return s
}

func inputNum(r *plan.Resource, keys ...string) int {
	f, _ := At(r, keys...).(float64)
	return int(f)
}

func objectName(r *plan.Resource) string { return inputStr(r, "metadata", "name") }

func checkPGZones(x *Index) []Finding {
	if !x.ProductionLike() {
		return []Finding{pass("", "not a prod or dr stack: %s", x.Graph.Environment)}
	}
	var out []Finding
	for _, c := range x.OfType(typePGCluster) {
		n := inputNum(c, "spec", "instances")
		key := inputStr(c, "spec", "affinity", "topologyKey")
		hard := inputStr(c, "spec", "affinity", "podAntiAffinityType") == "required"
		if enabled, set := At(c, "spec", "affinity", "enablePodAntiAffinity").(bool); set && !enabled {
			out = append(out, fail(c.URN, "pod anti-affinity is disabled: instances may share a zone"))
			continue
		}
		switch {
		case n < 3:
			out = append(out, fail(c.URN, "%d instance(s); prod needs a primary and two replicas", n))
		case key != "topology.kubernetes.io/zone" || !hard:
			out = append(out, fail(c.URN, "anti-affinity is %q on %q; instances must be required to sit in different zones (topology.kubernetes.io/zone)",
				inputStr(c, "spec", "affinity", "podAntiAffinityType"), key))
		default:
			out = append(out, pass(c.URN, "%d instances, one per zone (required anti-affinity)", n))
		}
	}
	if len(out) == 0 {
		out = append(out, fail("postgres", "no CloudNativePG Cluster in a prod stack"))
	}
	return out
}

func checkPGSync(x *Index) []Finding {
	if !x.ProductionLike() {
		return []Finding{pass("", "not a prod or dr stack: %s", x.Graph.Environment)}
	}
	var out []Finding
	for _, c := range x.OfType(typePGCluster) {
		method := inputStr(c, "spec", "postgresql", "synchronous", "method")
		number := inputNum(c, "spec", "postgresql", "synchronous", "number")
		durability := inputStr(c, "spec", "postgresql", "synchronous", "dataDurability")
		switch {
		case method == "" || number < 1:
			out = append(out, fail(c.URN, "no synchronous replication: a zone loss can lose committed transactions"))
		case durability == "preferred":
			out = append(out, fail(c.URN, "synchronous replication with dataDurability preferred: commits go unreplicated when replicas are down"))
		default:
			out = append(out, pass(c.URN, "synchronous %s %d, durability required", method, number))
		}
	}
	return out
}

func checkPGBackups(x *Index) []Finding {
	stores := map[string]bool{} // namespace/name
	for _, s := range x.OfType(typeObjectStore) {
		if inputStr(s, "spec", "configuration", "destinationPath") != "" {
			stores[inputStr(s, "metadata", "namespace")+"/"+objectName(s)] = true
		}
	}
	scheduled := map[string]bool{}
	for _, b := range x.OfType(typePGScheduledBackup) {
		if inputStr(b, "spec", "schedule") != "" {
			scheduled[inputStr(b, "metadata", "namespace")+"/"+inputStr(b, "spec", "cluster", "name")] = true
		}
	}
	var out []Finding
	for _, c := range x.OfType(typePGCluster) {
		ns := inputStr(c, "metadata", "namespace")
		archiver := ""
		plugins, _ := At(c, "spec", "plugins").([]any)
		for _, p := range plugins {
			m, _ := p.(map[string]any)
			params, _ := m["parameters"].(map[string]any)
			if isArchiver, _ := m["isWALArchiver"].(bool); isArchiver && m["name"] == barmanPlugin {
				archiver, _ = params["barmanObjectName"].(string)
			}
		}
		switch {
		case archiver == "":
			out = append(out, fail(c.URN, "no WAL archiver plugin: no point-in-time recovery"))
		case !stores[ns+"/"+archiver]:
			out = append(out, fail(c.URN, "WAL archiver points at ObjectStore %q, which this plan does not define", archiver))
		case !scheduled[ns+"/"+objectName(c)]:
			out = append(out, fail(c.URN, "no ScheduledBackup for cluster %q: WAL alone cannot be restored without a base backup", objectName(c)))
		default:
			out = append(out, pass(c.URN, "WAL archived to ObjectStore %s; scheduled base backups", archiver))
		}
	}
	return out
}

func checkPGSuperuser(x *Index) []Finding {
	var out []Finding
	for _, c := range x.OfType(typePGCluster) {
		if on, set := At(c, "spec", "enableSuperuserAccess").(bool); set && !on {
			out = append(out, pass(c.URN, "superuser access off"))
		} else {
			out = append(out, fail(c.URN, "enableSuperuserAccess must be set to false explicitly"))
		}
	}
	return out
}

func checkRedisFailover(x *Index) []Finding {
	if !x.ProductionLike() {
		return []Finding{pass("", "not a prod or dr stack: %s", x.Graph.Environment)}
	}
	var out []Finding
	for _, g := range x.OfType(typeReplicationGroup) {
		azs := map[string]bool{}
		for _, a := range List(g, "preferredCacheClusterAzs") {
			if s, ok := a.(string); ok {
				azs[s] = true
			}
		}
		n, _ := Num(g, "numCacheClusters")
		switch {
		case !Bool(g, "multiAzEnabled") || !Bool(g, "automaticFailoverEnabled"):
			out = append(out, fail(g.URN, "multiAzEnabled and automaticFailoverEnabled must both be true"))
		case n < 3 || len(azs) < 3:
			out = append(out, fail(g.URN, "%d node(s) over %d zone(s); prod needs a primary and two replicas in 3 zones", n, len(azs)))
		default:
			out = append(out, pass(g.URN, "%d nodes over %d zones, Multi-AZ with automatic failover", n, len(azs)))
		}
	}
	return out
}

func checkRedisEncryption(x *Index) []Finding {
	var out []Finding
	for _, g := range x.OfType(typeReplicationGroup) {
		var missing []string
		if !Bool(g, "atRestEncryptionEnabled") {
			missing = append(missing, "atRestEncryptionEnabled")
		}
		if Str(g, "kmsKeyId") == "" {
			missing = append(missing, "kmsKeyId (our KMS key)")
		}
		if !Bool(g, "transitEncryptionEnabled") {
			missing = append(missing, "transitEncryptionEnabled")
		}
		if Str(g, "transitEncryptionMode") != "required" {
			missing = append(missing, `transitEncryptionMode "required"`)
		}
		if len(missing) > 0 {
			out = append(out, fail(g.URN, "missing %v", missing))
		} else {
			out = append(out, pass(g.URN, "encrypted at rest with a KMS key, TLS required in transit"))
		}
	}
	return out
}

// checkDataSGIngress: every ingress to a data-role security group comes from the nodes-role group
// (no CIDR, no other group), and the replication groups sit only in data-role groups.
func checkDataSGIngress(x *Index) []Finding {
	role := map[string]string{} // SG ID → role tag
	for _, sg := range x.OfType(typeSecurityGroup) {
		role[sg.ID] = Tag(sg, "suoke.life/sg-role")
	}
	var out []Finding
	for _, r := range x.OfType(typeIngressRule) {
		if role[Str(r, "securityGroupId")] != "data" {
			continue
		}
		peer := Str(r, "referencedSecurityGroupId")
		switch {
		case Str(r, "cidrIpv4") != "" || Str(r, "cidrIpv6") != "" || Str(r, "prefixListId") != "":
			out = append(out, fail(r.URN, "data security group admits an address range (%s%s%s); only the node groups may reach it",
				Str(r, "cidrIpv4"), Str(r, "cidrIpv6"), Str(r, "prefixListId")))
		case role[peer] != "nodes":
			out = append(out, fail(r.URN, "data security group admits group %q, which is not the node groups'", peer))
		default:
			from, _ := Num(r, "fromPort")
			out = append(out, pass(r.URN, "port %d from the node groups only", from))
		}
	}
	for _, sg := range x.OfType(typeSecurityGroup) {
		if role[sg.ID] == "data" && len(List(sg, "ingress")) > 0 {
			out = append(out, fail(sg.URN, "data security group has inline ingress rules; declare them as rules from the node groups"))
		}
	}
	for _, g := range x.OfType(typeReplicationGroup) {
		var bad []string
		for _, id := range List(g, "securityGroupIds") {
			if s, _ := id.(string); role[s] != "data" {
				bad = append(bad, fmt.Sprint(id))
			}
		}
		sort.Strings(bad)
		if len(bad) > 0 || len(List(g, "securityGroupIds")) == 0 {
			out = append(out, fail(g.URN, "replication group must sit in the data security group only, not %v", bad))
		} else {
			out = append(out, pass(g.URN, "in the data security group only"))
		}
	}
	return out
}
