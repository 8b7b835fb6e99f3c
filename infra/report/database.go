package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// DataTier is what the plan shows of PostgreSQL and Redis, read from the recorded graph's own inputs
// (what would be registered, not what config asked for).
type DataTier struct {
	Postgres []PostgresLine `json:"postgres,omitempty"`
	Redis    []RedisLine    `json:"redis,omitempty"`
}

// PostgresLine is one CloudNativePG cluster.
type PostgresLine struct {
	Name         string `json:"name"`
	Namespace    string `json:"namespace"`
	Instances    int    `json:"instances"`
	AntiAffinity string `json:"antiAffinity"` // "required on topology.kubernetes.io/zone"
	Pool         string `json:"pool"`
	Sync         string `json:"sync"`
	CPU          string `json:"cpu"`
	Memory       string `json:"memory"`
	Storage      string `json:"storage"`
	WALStorage   string `json:"walStorage"`
	StorageClass string `json:"storageClass"`
	Bootstrap    string `json:"bootstrap"`
	Archive      string `json:"archive"`
	Schedule     string `json:"schedule"`
	Retention    string `json:"retention"`
	CertRoles    int    `json:"certRoles"`
	PassRoles    int    `json:"passwordRoles"`
	Pooler       string `json:"pooler"`
}

// RedisLine is one ElastiCache replication group.
type RedisLine struct {
	ID                string   `json:"id"`
	Engine            string   `json:"engine"`
	NodeType          string   `json:"nodeType"`
	Nodes             int      `json:"nodes"`
	AZs               []string `json:"azs"`
	MultiAZ           bool     `json:"multiAz"`
	Failover          bool     `json:"failover"`
	AtRest            string   `json:"atRest"`
	InTransit         string   `json:"inTransit"`
	Auth              string   `json:"auth"`
	SnapshotRetention int      `json:"snapshotRetentionDays"`
}

func dataStr(r *plan.Resource, keys ...string) string {
	s, _ := policy.At(r, keys...).(string)
	return s
}

func dataNum(r *plan.Resource, keys ...string) int {
	f, _ := policy.At(r, keys...).(float64)
	return int(f)
}

// Data reads the data tier from the graph.
func Data(resources []plan.Resource) *DataTier {
	byType := map[string][]*plan.Resource{}
	for i := range resources {
		byType[resources[i].Type] = append(byType[resources[i].Type], &resources[i])
	}
	d := &DataTier{}
	for _, c := range byType["kubernetes:postgresql.cnpg.io/v1:Cluster"] {
		ns, name := dataStr(c, "metadata", "namespace"), dataStr(c, "metadata", "name")
		l := PostgresLine{Name: name, Namespace: ns, Instances: dataNum(c, "spec", "instances"),
			AntiAffinity: fmt.Sprintf("%s on %s", dataStr(c, "spec", "affinity", "podAntiAffinityType"), dataStr(c, "spec", "affinity", "topologyKey")),
			Pool:         selector(policy.At(c, "spec", "affinity", "nodeSelector")),
			Sync:         "off",
			CPU:          dataStr(c, "spec", "resources", "requests", "cpu"), Memory: dataStr(c, "spec", "resources", "requests", "memory"),
			Storage: dataStr(c, "spec", "storage", "size"), WALStorage: dataStr(c, "spec", "walStorage", "size"),
			StorageClass: dataStr(c, "spec", "storage", "storageClass"), Bootstrap: "initdb"}
		if m := dataStr(c, "spec", "postgresql", "synchronous", "method"); m != "" {
			l.Sync = fmt.Sprintf("quorum %s %d, durability %s", m, dataNum(c, "spec", "postgresql", "synchronous", "number"),
				dataStr(c, "spec", "postgresql", "synchronous", "dataDurability"))
		}
		if src := dataStr(c, "spec", "bootstrap", "recovery", "source"); src != "" {
			l.Bootstrap = "recovery from " + src
			if on, _ := policy.At(c, "spec", "replica", "enabled").(bool); on {
				l.Bootstrap = "standby replaying " + src
			}
		}
		store, server := "", ""
		plugins, _ := policy.At(c, "spec", "plugins").([]any)
		for _, p := range plugins {
			m, _ := p.(map[string]any)
			if on, _ := m["isWALArchiver"].(bool); on {
				params, _ := m["parameters"].(map[string]any)
				store, _ = params["barmanObjectName"].(string)
				server, _ = params["serverName"].(string)
			}
		}
		for _, s := range byType["kubernetes:barmancloud.cnpg.io/v1:ObjectStore"] {
			if dataStr(s, "metadata", "namespace") == ns && dataStr(s, "metadata", "name") == store {
				l.Archive = fmt.Sprintf("%s (server %s)", dataStr(s, "spec", "configuration", "destinationPath"), server)
				l.Retention = dataStr(s, "spec", "retentionPolicy")
			}
		}
		for _, b := range byType["kubernetes:postgresql.cnpg.io/v1:ScheduledBackup"] {
			if dataStr(b, "metadata", "namespace") == ns && dataStr(b, "spec", "cluster", "name") == name {
				l.Schedule = dataStr(b, "spec", "schedule")
			}
		}
		for _, r := range byType["kubernetes:postgresql.cnpg.io/v1:DatabaseRole"] {
			if dataStr(r, "spec", "cluster", "name") != name {
				continue
			}
			if policy.At(r, "spec", "clientCertificate") != nil {
				l.CertRoles++
			} else {
				l.PassRoles++
			}
		}
		for _, p := range byType["kubernetes:postgresql.cnpg.io/v1:Pooler"] {
			if dataStr(p, "spec", "cluster", "name") == name {
				l.Pooler = fmt.Sprintf("%s × %d (%s)", dataStr(p, "spec", "type"), dataNum(p, "spec", "instances"), dataStr(p, "spec", "pgbouncer", "poolMode"))
			}
		}
		d.Postgres = append(d.Postgres, l)
	}
	for _, g := range byType["aws:elasticache/replicationGroup:ReplicationGroup"] {
		l := RedisLine{ID: policy.Str(g, "replicationGroupId"), Engine: policy.Str(g, "engine") + " " + policy.Str(g, "engineVersion"),
			NodeType: policy.Str(g, "nodeType"), MultiAZ: policy.Bool(g, "multiAzEnabled"), Failover: policy.Bool(g, "automaticFailoverEnabled"),
			AtRest: "off", InTransit: "off", Auth: "none"}
		l.Nodes, _ = policy.Num(g, "numCacheClusters")
		l.SnapshotRetention, _ = policy.Num(g, "snapshotRetentionLimit")
		seen := map[string]bool{}
		for _, a := range policy.List(g, "preferredCacheClusterAzs") {
			if s, _ := a.(string); !seen[s] {
				seen[s] = true
				l.AZs = append(l.AZs, s)
			}
		}
		if policy.Bool(g, "atRestEncryptionEnabled") {
			l.AtRest = "default key"
			if policy.Str(g, "kmsKeyId") != "" {
				l.AtRest = "KMS key"
			}
		}
		if policy.Bool(g, "transitEncryptionEnabled") {
			l.InTransit = "TLS " + policy.Str(g, "transitEncryptionMode")
		}
		switch {
		case len(policy.List(g, "userGroupIds")) > 0:
			users := 0
			for _, u := range byType["aws:elasticache/user:User"] {
				if dataStr(u, "authenticationMode", "type") == "iam" {
					users++
				}
			}
			l.Auth = fmt.Sprintf("IAM (%d users)", users)
		case g.Inputs["authToken"] != nil:
			l.Auth = "AUTH token (Secrets Manager)"
		}
		d.Redis = append(d.Redis, l)
	}
	if len(d.Postgres) == 0 && len(d.Redis) == 0 {
		return nil
	}
	return d
}

func selector(v any) string {
	m, _ := v.(map[string]any)
	var parts []string
	for k, val := range m {
		parts = append(parts, fmt.Sprintf("%s=%v", k, val))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func writeDataText(p *printer, _ io.Writer, d *Document) {
	if d.DataTier == nil {
		return
	}
	p.f("\nData tier\n")
	for _, l := range d.DataTier.Postgres {
		p.f("  PostgreSQL %s/%s: %d instances (1 primary + %d replicas), anti-affinity %s, on %s\n", l.Namespace, l.Name, l.Instances, max(l.Instances-1, 0), l.AntiAffinity, l.Pool)
		p.f("    replication: %s; each %s CPU / %s; data %s + WAL %s on %s\n", l.Sync, l.CPU, l.Memory, l.Storage, l.WALStorage, l.StorageClass)
		p.f("    backups: WAL → %s, base backup %q, retention %s; bootstrap: %s\n", l.Archive, l.Schedule, l.Retention, l.Bootstrap)
		p.f("    roles: %d with client certificates, %d with passwords; pooler %s\n", l.CertRoles, l.PassRoles, l.Pooler)
	}
	for _, l := range d.DataTier.Redis {
		p.f("  Redis %s: %s, %s × %d over %d AZ(s) (%s); Multi-AZ %t, failover %t\n", l.ID, l.Engine, l.NodeType, l.Nodes, len(l.AZs), strings.Join(l.AZs, ", "), l.MultiAZ, l.Failover)
		p.f("    encryption: at rest %s, in transit %s; auth %s; snapshots kept %d days\n", l.AtRest, l.InTransit, l.Auth, l.SnapshotRetention)
	}
}

func writeDataMarkdown(p *printer, d *Document) {
	if d.DataTier == nil {
		return
	}
	if len(d.DataTier.Postgres) > 0 {
		p.f("\n**PostgreSQL** (CloudNativePG)\n\n| cluster | instances | anti-affinity | pool | replication | per instance | storage | backups | bootstrap | roles (cert/password) | pooler |\n|---|---:|---|---|---|---|---|---|---|---|---|\n")
		for _, l := range d.DataTier.Postgres {
			p.f("| `%s/%s` | %d | %s | `%s` | %s | %s / %s | %s + WAL %s (`%s`) | `%s`, %q, %s | %s | %d / %d | %s |\n",
				l.Namespace, l.Name, l.Instances, l.AntiAffinity, l.Pool, l.Sync, l.CPU, l.Memory, l.Storage, l.WALStorage, l.StorageClass,
				l.Archive, l.Schedule, l.Retention, l.Bootstrap, l.CertRoles, l.PassRoles, l.Pooler)
		}
	}
	if len(d.DataTier.Redis) > 0 {
		p.f("\n**Redis** (ElastiCache)\n\n| group | engine | node type | nodes | AZs | Multi-AZ / failover | at rest | in transit | auth | snapshots |\n|---|---|---|---:|---|---|---|---|---|---:|\n")
		for _, l := range d.DataTier.Redis {
			p.f("| `%s` | %s | `%s` | %d | %s | %t / %t | %s | %s | %s | %d d |\n", l.ID, l.Engine, l.NodeType, l.Nodes, strings.Join(l.AZs, ", "),
				l.MultiAZ, l.Failover, l.AtRest, l.InTransit, l.Auth, l.SnapshotRetention)
		}
	}
}
