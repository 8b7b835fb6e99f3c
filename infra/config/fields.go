package config

import (
	"encoding/json"
	"fmt"
	"strings"
)

// FieldDoc documents one field of an object-valued key, for the README's config reference (rendered
// like terraform-docs' inputs). Path is dotted from the key: "<tier>" stands for each node-pool tier,
// "[]" for each element of a list.
type FieldDoc struct {
	Path        string
	Type        string // integer, number, string, boolean, object, list(string), list(object), map(string)
	Allowed     string // allowed values or the validation, empty when any value of the type goes
	Description string
	// Default overrides what DefaultOf reads from the key's default, for list elements (which have
	// none of their own) and fields the program fills in when unset.
	Default string
}

// FieldPlaceholders are the path segments of Fields that stand for names: each node-pool tier, and
// each receiver group.
func FieldPlaceholders() map[string][]string {
	return map[string][]string{"<tier>": tierList(), "<group>": {FieldOnCall, FieldTeam, FieldTicket}}
}

func oneOf(values []string) string { return "one of " + strings.Join(values, ", ") }

func tierList() []string {
	var out []string
	for _, t := range AllTiers() {
		out = append(out, string(t))
	}
	return out
}

// Fields documents every field of every object-valued key, in the keys' order. Allowed values come
// from the lists the validation checks against, where there is one.
func Fields() []FieldDoc {
	return []FieldDoc{
		{Path: "nodePools.<tier>", Type: "object", Allowed: oneOf(tierList()) + " as the key", Description: "One node pool per tier; keys given merge over the sizing baseline's pool."},
		{Path: "nodePools.<tier>.min", Type: "integer", Allowed: "at least 1 (per AZ for database); at most max", Description: "Fewest nodes the autoscaler keeps."},
		{Path: "nodePools.<tier>.desired", Type: "integer", Allowed: "between min and max; in prod at least the sizing baseline's", Description: "Nodes at creation; the autoscaler moves it afterwards (the program ignores later changes)."},
		{Path: "nodePools.<tier>.max", Type: "integer", Allowed: "at least 1", Description: "Most nodes the autoscaler may add."},
		{Path: "nodePools.<tier>.vcpu", Type: "integer", Allowed: "1 to 192", Description: "vCPUs per node the instance type must offer at least."},
		{Path: "nodePools.<tier>.memoryGiB", Type: "integer", Allowed: "1 to 1536", Description: "Memory per node the instance type must offer at least."},
		{Path: "nodePools.<tier>.arch", Type: "string", Allowed: oneOf(AllArchs()), Description: "CPU architecture of the nodes."},
		{Path: "nodePools.<tier>.instanceType", Type: "string", Allowed: "an EC2 type of the region's catalog with at least vcpu and memoryGiB", Default: "picked from the catalog", Description: "Instance type; unset, the cheapest type of the catalog that fits vcpu, memoryGiB and arch."},
		{Path: "nodePools.<tier>.reason", Type: "string", Allowed: "required in prod when desired exceeds the sizing baseline's", Description: "Why the pool differs from the sizing baseline."},

		{Path: "cache.nodes", Type: "integer", Allowed: "1 to 6; in prod and dr at least one per AZ", Description: "ElastiCache nodes: one primary and replicas."},
		{Path: "cache.vcpu", Type: "integer", Allowed: "at least 1", Description: "vCPUs per node the node type must offer at least."},
		{Path: "cache.memoryGiB", Type: "integer", Allowed: "at least 1", Description: "Memory per node the node type must offer at least."},
		{Path: "cache.nodeType", Type: "string", Allowed: "a cache node type of the region's catalog", Default: "picked from the catalog", Description: "Node type; unset, the cheapest that fits vcpu and memoryGiB."},
		{Path: "cache.engine", Type: "string", Allowed: oneOf(AllCacheEngines()) + " (as the region offers)", Description: "Cache engine."},
		{Path: "cache.engineVersion", Type: "string", Allowed: "a version the region offers for the engine", Description: "Engine version."},

		{Path: "services[]", Type: "object", Description: "One workload; the list replaces the default whole."},
		{Path: "services[].name", Type: "string", Allowed: "a lower-case DNS label of at most 40 characters, unique", Default: "(required)", Description: "Names its service account, database role, IAM role and Redis user."},
		{Path: "services[].tier", Type: "string", Allowed: oneOf(tierList()), Default: "(required)", Description: "The tier (and namespace) its pods run in."},
		{Path: "services[].slo", Type: "string", Allowed: oneOf(AllSLOClasses()), Default: string(SLOSupport), Description: "SLO class: which burn-rate alerts page."},
		{Path: "services[].port", Type: "integer", Allowed: "1024 to 65535, unique across services", Default: "(required)", Description: "Service port the network policies open."},
		{Path: "services[].database", Type: "boolean", Default: "false", Description: "Gets its own PostgreSQL database and role."},
		{Path: "services[].cache", Type: "boolean", Default: "false", Description: "Gets its own Redis user and elasticache:Connect on the replication group."},
		{Path: "services[].awsAccess", Type: "list(object)", Default: "[]", Description: "IAM statements added to its role."},
		{Path: "services[].awsAccess[].actions", Type: "list(string)", Allowed: "IAM actions such as s3:GetObject (a trailing * at most); no wildcard actions on " + strings.Join(noWildcardActions, " or ") + ", no iam actions", Default: "(required)", Description: "IAM actions allowed."},
		{Path: "services[].awsAccess[].resources", Type: "list(string)", Allowed: "ARNs in the stack's partition, none covering a whole service, no platform bucket (backups, audit, logs, traces)", Default: "(required)", Description: "Resources the actions apply to."},
		{Path: "services[].egress", Type: "list(object)", Default: "[]", Description: "What its pods may reach outside the VPC, besides DNS, its PostgreSQL and Redis, and the AWS endpoints."},
		{Path: "services[].egress[].cidrs", Type: "list(string)", Allowed: "IPv4 CIDRs", Default: "(required)", Description: "Destinations, e.g. a model API's published ranges."},
		{Path: "services[].egress[].ports", Type: "list(integer)", Allowed: "1 to 65535", Default: "(required)", Description: "Destination ports."},
		{Path: "services[].egress[].protocol", Type: "string", Allowed: oneOf(AllEgressProtocols()), Default: ProtocolTCP, Description: "Transport protocol."},

		{Path: "monitoring.retention", Type: "string", Allowed: "a whole number of h, d, w or y, 1d to 2y", Description: "How long Prometheus keeps samples."},
		{Path: "monitoring.storageGiB", Type: "integer", Allowed: "10 to 16384", Description: "Prometheus volume per replica."},
		{Path: "monitoring.prometheusReplicas", Type: "integer", Description: "Prometheus replicas."},
		{Path: "monitoring.alertmanagerReplicas", Type: "integer", Description: "Alertmanager replicas."},
		{Path: "monitoring.logRetentionDays", Type: "integer", Allowed: "1 to 3650", Description: "Days OpenSearch keeps log indices hot; the S3 archive keeps them for logRetentionMinimumDays."},
		{Path: "monitoring.traceSampling", Type: "number", Allowed: "greater than 0, at most 1", Description: "Share of traces the collector keeps."},
		{Path: "monitoring.traceRetentionDays", Type: "integer", Allowed: "1 to 365", Description: "Days Tempo keeps traces."},
		{Path: "monitoring.runbookBaseUrl", Type: "string", Allowed: "an https URL", Description: "Base of every alert's runbook link."},
		{Path: "monitoring.opensearch", Type: "object", Description: "The log store's OpenSearch domain."},
		{Path: "monitoring.opensearch.instanceType", Type: "string", Allowed: "an OpenSearch type of the catalog (m5, m6g, r5, r6g, c6g; .search)", Description: "Data node type."},
		{Path: "monitoring.opensearch.instanceCount", Type: "integer", Allowed: "1 to 30", Description: "Data nodes."},
		{Path: "monitoring.opensearch.masterType", Type: "string", Allowed: "an OpenSearch type of the catalog", Description: "Dedicated master node type."},
		{Path: "monitoring.opensearch.masterCount", Type: "integer", Allowed: "0 (none), 3 or 5; 3 or 5 in prod and dr", Description: "Dedicated master nodes."},
		{Path: "monitoring.opensearch.volumeGiB", Type: "integer", Allowed: "10 to 3072", Description: "gp3 volume per data node."},
		{Path: "monitoring.opensearch.engineVersion", Type: "string", Allowed: oneOf(openSearchVersions), Description: "Engine version."},
		{Path: "monitoring.receivers", Type: "object", Description: "Alertmanager receivers of the alert routing: P0 pages oncall, P1 tells team, P2 and P3 go to ticket. Set with pulumi config set --secret --path."},
		{Path: "monitoring.receivers.oncall", Type: "object", Allowed: "at least one webhook or email in prod and dr", Description: "Where P0 alerts page."},
		{Path: "monitoring.receivers.team", Type: "object", Description: "Where P1 alerts go."},
		{Path: "monitoring.receivers.ticket", Type: "object", Description: "Where P2 and P3 alerts open tickets."},
		{Path: "monitoring.receivers.<group>.webhooks", Type: "list(object)", Default: "[]", Description: "Webhook receivers of the group (oncall, team or ticket)."},
		{Path: "monitoring.receivers.<group>.webhooks[].kind", Type: "string", Allowed: oneOf(AllWebhookKinds()), Default: "(required)", Description: "What the webhook is: a robot bridge, an SMS or voice gateway, a ticket system, anything else."},
		{Path: "monitoring.receivers.<group>.webhooks[].url", Type: "string (secret)", Default: "(required)", Description: "Where Alertmanager posts."},
		{Path: "monitoring.receivers.<group>.emails", Type: "list(string) (secret)", Allowed: "plain email addresses; needs smtp", Default: "[]", Description: "Email receivers of the group."},
		{Path: "monitoring.receivers.smtp", Type: "object", Description: "Mail relay for email receivers."},
		{Path: "monitoring.receivers.smtp.smarthost", Type: "string (secret)", Allowed: "host:port; required with email receivers", Description: "SMTP relay."},
		{Path: "monitoring.receivers.smtp.from", Type: "string (secret)", Allowed: "required with email receivers", Description: "Sender address."},
		{Path: "monitoring.receivers.smtp.username", Type: "string (secret)", Allowed: "set with password or not at all", Description: "Relay login."},
		{Path: "monitoring.receivers.smtp.password", Type: "string (secret)", Allowed: "set with username or not at all", Description: "Relay password."},
		{Path: "monitoring.deadMansSwitchUrl", Type: "string (secret)", Allowed: "required in prod and dr", Description: "Where the always-firing watchdog alert goes, so silence pages someone outside the cluster."},

		{Path: "postgres.instances", Type: "integer", Description: "PostgreSQL instances: a primary and replicas, one per AZ."},
		{Path: "postgres.storageGiB", Type: "integer", Allowed: "10 to a gp3 volume's maximum", Description: "Data volume per instance."},
		{Path: "postgres.walStorageGiB", Type: "integer", Allowed: "5 to a gp3 volume's maximum; enough headroom for walWriteMiBPerHour", Description: "WAL volume per instance."},
		{Path: "postgres.maxConnections", Type: "integer", Allowed: "20 up to what the instance's memory allows", Description: "max_connections; work_mem is divided among them."},
		{Path: "postgres.backupRetentionDays", Type: "integer", Allowed: "1 to 3650; at least 7 in prod and dr", Description: "Days of point-in-time recovery in the backup bucket."},
		{Path: "postgres.backupSchedule", Type: "string", Allowed: "a 6-field cron with seconds, UTC", Description: "When the base backup runs."},
		{Path: "postgres.poolerInstances", Type: "integer", Allowed: "1 to 10; at least 2 in prod and dr", Description: "PgBouncer pods."},
		{Path: "postgres.passwordServices", Type: "list(string)", Allowed: "services with database: true", Description: "Services that log in with a password through the pooler instead of a client certificate."},

		{Path: "redis.maxmemoryPolicy", Type: "string", Allowed: oneOf(maxmemoryPolicies), Description: "What Redis evicts when full."},
		{Path: "redis.snapshotRetentionDays", Type: "integer", Allowed: "7 to 35", Description: "Days of daily snapshots."},
		{Path: "redis.snapshotWindow", Type: "string", Allowed: "hh:mm-hh:mm UTC, at least 60 minutes, not overlapping the maintenance window", Description: "When the daily snapshot runs."},
		{Path: "redis.maintenanceWindow", Type: "string", Allowed: "ddd:hh:mm-ddd:hh:mm UTC, at least 60 minutes", Description: "When ElastiCache may patch."},

		{Path: "cluster.version", Type: "string", Allowed: oneOf(SupportedKubernetesVersions()), Description: "Kubernetes minor version (one the add-on table covers)."},
		{Path: "cluster.publicEndpointCidrs", Type: "list(string)", Allowed: "IPv4 CIDRs; in prod and dr only single /32 addresses", Description: "Who reaches the public API endpoint; empty: the public endpoint is off (the bootstrap alone needs it)."},
		{Path: "cluster.deployerRoles", Type: "list(string)", Allowed: "role names in this account or role ARNs", Description: "Who runs up: cluster admins."},
		{Path: "cluster.previewRoles", Type: "list(string)", Allowed: "role names in this account or role ARNs", Description: "Who runs preview and the drift refresh: read-only."},
		{Path: "cluster.adminRoleArns", Type: "list(string)", Allowed: "role ARNs", Description: "Other cluster admins."},
		{Path: "cluster.readOnlyRoleArns", Type: "list(string)", Allowed: "role ARNs", Description: "Other read-only users."},
		{Path: "cluster.logRetentionDays", Type: "integer", Allowed: "a CloudWatch Logs retention value, at least 365", Description: "Days the control-plane logs are kept."},
		{Path: "cluster.nodeVolumeGiB", Type: "integer", Allowed: "20 to 1000", Description: "Root volume of every node."},
		{Path: "cluster.maxUnavailable", Type: "integer", Allowed: "1 to 100", Description: "Nodes a node-group update may take down at once."},

		{Path: "runner.enabled", Type: "boolean", Description: "Create the in-VPC runner host."},
		{Path: "runner.instanceType", Type: "string", Allowed: "an EC2 type of the region's catalog", Description: "Its instance type."},
		{Path: "runner.volumeGiB", Type: "integer", Allowed: "30 to 1000", Description: "Its root volume (Go and Pulumi caches need about 15 GiB)."},

		{Path: "registries.mode", Type: "string", Allowed: oneOf(AllRegistryModes()), Description: "auto: an ECR mirror in China, upstream elsewhere; mirror; upstream."},
		{Path: "registries.mirrorRegistry", Type: "string", Allowed: "a registry host, no scheme or path", Description: "The mirror; empty: this account's ECR in the region."},
		{Path: "registries.mirrorPrefix", Type: "string", Description: "Repository prefix of every mirrored chart and image."},
		{Path: "registries.pullThroughCache", Type: "boolean", Description: "Create ECR pull-through cache rules where the region offers them."},
		{Path: "registries.images", Type: "map(string)", Description: "Upstream registry host to its replacement."},
		{Path: "registries.charts", Type: "map(string)", Description: "Upstream chart repository to its replacement."},

		{Path: "ingress.certificateArn", Type: "string", Allowed: "an ACM certificate ARN in the stack's region", Description: "The listener's certificate; empty: discovered by host."},
		{Path: "ingress.sslPolicy", Type: "string", Allowed: oneOf(tlsPolicies), Description: "The listener's TLS policy."},
		{Path: "ingress.deletionProtection", Type: "boolean", Description: "Deletion protection of the load balancer."},
		{Path: "ingress.rateRules", Type: "list(object)", Description: "WAF rate limits per client IP; the list replaces the default whole."},
		{Path: "ingress.rateRules[].name", Type: "string", Allowed: "a lower-case DNS label of at most 40 characters", Default: "(required)", Description: "Names the WAF rule and its metric."},
		{Path: "ingress.rateRules[].limit", Type: "integer", Allowed: "WAF's limits for a rate-based rule (at least 10)", Default: "(required)", Description: "Requests per window before blocking."},
		{Path: "ingress.rateRules[].windowSeconds", Type: "integer", Allowed: "60, 120, 300 or 600", Default: "(required)", Description: "The window the limit counts over."},
		{Path: "ingress.rateRules[].pathPrefix", Type: "string", Allowed: "a URI path starting with /", Default: `""`, Description: "Only requests under this path count; empty: all."},

		{Path: "cost.natProcessedGB", Type: "number", Description: "GB a month through each NAT gateway."},
		{Path: "cost.endpointProcessedGB", Type: "number", Description: "GB a month through each interface endpoint."},
		{Path: "cost.logsIngestedGB", Type: "number", Description: "GB of logs ingested a month."},
		{Path: "cost.backupStorageGB", Type: "number", Description: "GB held by each backup-tier bucket."},
		{Path: "cost.snapshotStorageGB", Type: "number", Description: "GB of snapshots per copy; cross-region copies count again."},
		{Path: "cost.loadBalancerLCU", Type: "number", Description: "Average LCU per load balancer."},

		{Path: "backup.drMode", Type: "string", Allowed: oneOf(AllDRModes()), Description: "standby: prod-dr runs a replica cluster; rebuild: it is built from backups when needed."},
		{Path: "backup.archiveTimeoutSeconds", Type: "integer", Allowed: "10 to 210 (the 5-minute RPO)", Description: "PostgreSQL's archive_timeout: the most WAL a lost primary can take with it."},
		{Path: "backup.objectLockMode", Type: "string", Allowed: oneOf(objectLockModes), Description: "S3 Object Lock mode of the backup buckets."},
		{Path: "backup.objectLockDays", Type: "integer", Allowed: "1 to expireDays", Description: "Days every backup object is locked."},
		{Path: "backup.transitionDays", Type: "integer", Allowed: "at least 30", Description: "Days before backups move to STANDARD_IA."},
		{Path: "backup.expireDays", Type: "integer", Allowed: "more than transitionDays, at least postgres.backupRetentionDays", Description: "Days before old backup versions expire."},
		{Path: "backup.replicationTimeControl", Type: "boolean", Description: "S3 Replication Time Control on the cross-region copy."},
		{Path: "backup.vaultLock", Type: "boolean", Allowed: "true in prod and dr", Description: "AWS Backup vault lock."},
		{Path: "backup.dailyRetentionDays", Type: "integer", Allowed: "7 to 3650", Description: "Days AWS Backup keeps daily EBS recovery points (the backup plan's daily rule)."},
		{Path: "backup.weeklyRetentionDays", Type: "integer", Allowed: "dailyRetentionDays to 3650", Description: "Days AWS Backup keeps weekly recovery points."},
		{Path: "backup.veleroSchedule", Type: "string", Allowed: "a 5-field cron, UTC", Description: "When Velero backs up the cluster's objects."},
		{Path: "backup.veleroTtlHours", Type: "integer", Allowed: "at least 24", Description: "How long each Velero backup is kept."},
		{Path: "backup.restoreDataGiB", Type: "integer", Allowed: "at least 1", Description: "Data a restore moves, for the RTO estimate."},
		{Path: "backup.restoreThroughputMiBps", Type: "integer", Allowed: "1 to 10000", Description: "Restore throughput, for the RTO estimate (the DR drill measures it)."},
		{Path: "backup.postgresPrimary", Type: "string", Allowed: "prod or dr", Description: "The primary of the pair's PostgreSQL; dr once prod-dr is promoted."},
		{Path: "backup.promotionToken", Type: "string", Description: "The demoted cluster's demotionToken, for a controlled switchover."},
		{Path: "backup.primaryEpoch", Type: "integer", Allowed: "at least 1; raised by one with every change of postgresPrimary", Description: "An up refuses an epoch older than either stack of the pair recorded."},
		{Path: "backup.walWriteMiBPerHour", Type: "integer", Allowed: "at least 1", Description: "Peak WAL rate, for the WAL volume's headroom."},
	}
}

// DefaultOf is a field's default: its Default where it sets one (prose, literal false), else the
// value the key's default declares at its path (compact JSON, literal true; per tier for a "<tier>"
// path), else "".
func DefaultOf(f FieldDoc) (text string, literal bool) {
	if f.Default != "" {
		return f.Default, false
	}
	key, rest, _ := strings.Cut(f.Path, ".")
	var def any
	for _, k := range Keys() {
		if k.Name == key {
			// Decoding the JSON form makes every default the same plain shape as a stack file's value.
			_ = json.Unmarshal([]byte(k.DefaultJSON()), &def)
		}
	}
	if tierPath, ok := strings.CutPrefix(rest, "<tier>"); ok {
		pools, _ := def.(map[string]any)
		var parts []string
		for _, t := range tierList() {
			if v, ok := lookupPath(pools[t], strings.TrimPrefix(tierPath, ".")); ok {
				parts = append(parts, t+": "+compactJSON(v))
			}
		}
		return strings.Join(parts, ", "), len(parts) > 0
	}
	if v, ok := lookupPath(def, rest); ok {
		return compactJSON(v), true
	}
	return "", false
}

func lookupPath(v any, path string) (any, bool) {
	if path == "" {
		return v, v != nil
	}
	for _, seg := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return v, true
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// ObjectKeys are the keys whose values are objects or lists of objects, the keys Fields documents:
// an object key by its name, a list key as name[] (its elements).
func ObjectKeys() []string {
	var out []string
	for _, k := range Keys() {
		switch k.Type {
		case "object":
			out = append(out, k.Name)
		case "array":
			out = append(out, k.Name+"[]")
		}
	}
	return out
}
