package config

import "k8s.io/apimachinery/pkg/util/validation/field"

// A section is one area's config: the keys it declares (Pulumi.yaml and the README are checked
// against them), how its raw values decode over the defaults, and its validations. Parse runs every
// section's decode; Validate runs every section's checks and returns all errors together. An area
// adds its keys in a file of its own and one line to sections().
type section struct {
	keys     []KeySpec
	decode   func(d *decoder, values map[string]string, p *Platform)
	validate []func(*Platform) field.ErrorList
}

func sections() []section {
	return []section{
		coreSection(),
		monitoringSection(),
		databaseSection(),
		clusterSection(),
		costSection(),
		backupSection(),
		retentionSection(), // last: it hands its floor to the monitoring and ingress sections' derived fields
	}
}

// coreSection is the spine's config: environment, regions, network, node pools, cache, services.
func coreSection() section {
	return section{
		keys: []KeySpec{
			{KeyEnvironment, "string", "What the stack is for: prod, staging or dr (the disaster-recovery copy of prod).", string(DefaultEnvironment)},
			{KeyDRRegion, "string", "Region that receives cross-region backups and hosts the DR stack; same partition as aws:region. Empty: the partition's other region (cn-northwest-1 and cn-north-1 back each other up).", DefaultDRRegion},
			{KeyProtect, "boolean", "Protect stateful resources from deletion (pulumi protect, retain on delete, AWS deletion protection). Must be true in prod and dr.", false},
			{KeyAccountBaseline, "boolean", "This stack creates the account-wide prerequisites (service-linked roles) and keeps them on destroy. Exactly one stack per account sets true (prod); the others set false and look them up, so the owner is deployed first.", DefaultAccountBaseline},
			{KeyVPCCIDR, "string", "VPC IPv4 CIDR, a private range from /16 to /20; split into private /19s, public and data /22s per AZ.", DefaultVPCCIDR},
			{KeyAvailabilityZones, "integer", "How many AZs to span (2 to the region's count); prod and dr require 3.", DefaultAvailabilityZones},
			{KeyNATGateways, "string", "NAT gateways: perAz (one per AZ, required in prod and dr) or single.", string(DefaultNATGateways)},
			{KeyFlowLogRetentionDays, "integer", "Retention of the VPC flow log group, a CloudWatch Logs retention value of at least logRetentionMinimumDays (e.g. 180, 365).", DefaultFlowLogRetentionDays},
			{KeyNodePools, "object", "Node pools keyed by tier (gateway, agents, business, database, monitoring): {min, desired, max, vcpu, memoryGiB, arch, instanceType, reason}. Database counts are per AZ. Keys given merge over the sizing baseline.", nodePoolsJSON(DefaultNodePools())},
			{KeyCache, "object", "ElastiCache: {nodes, vcpu, memoryGiB, nodeType, engine (redis|valkey), engineVersion}. Keys given merge over the default.", cacheJSON(DefaultCache())},
			{KeyServices, "array", "The workloads: [{name, tier, slo (core|agent|support), port, database, cache, awsAccess, egress}]. Each gets an IAM role; with cache, elasticache:Connect on the replication group and its own Redis user only. awsAccess: IAM statements [{actions, resources}], resources named by ARN in the stack's partition (arn:aws-cn: in China), none covering a whole service, no wildcard actions on s3 or kms, no iam actions, no platform bucket (backups, audit, logs, traces). egress: what its pods may reach outside the VPC, [{cidrs, ports, protocol (TCP or UDP, default TCP)}], e.g. a model API's published ranges on 443; its network policies allow only that, DNS, its PostgreSQL and Redis, and the AWS endpoints when it uses AWS. A value replaces the whole list.", servicesJSON(DefaultServices())},
		},
		decode: decodeCore,
		validate: []func(*Platform) field.ErrorList{
			validateEnvironment, validateRegions, validateNetwork, validateNodePools, validateCache, validateServices,
		},
	}
}

func decodeCore(d *decoder, v map[string]string, p *Platform) {
	if raw, ok := v[KeyEnvironment]; ok {
		p.Environment = Environment(raw)
	}
	if raw, ok := v[KeyDRRegion]; ok {
		p.DRRegionName = raw
	}
	if raw, ok := v[KeyProtect]; ok {
		d.scalarBool(field.NewPath(KeyProtect), raw, &p.Protect)
	}
	if raw, ok := v[KeyAccountBaseline]; ok {
		d.scalarBool(field.NewPath(KeyAccountBaseline), raw, &p.AccountBaseline)
	}
	if raw, ok := v[KeyVPCCIDR]; ok {
		p.VPCCIDR = raw
	}
	if raw, ok := v[KeyAvailabilityZones]; ok {
		d.scalarInt(field.NewPath(KeyAvailabilityZones), raw, &p.AvailabilityZones)
	}
	if raw, ok := v[KeyNATGateways]; ok {
		p.NATGateways = NATMode(raw)
	}
	if raw, ok := v[KeyFlowLogRetentionDays]; ok {
		d.scalarInt(field.NewPath(KeyFlowLogRetentionDays), raw, &p.FlowLogRetentionDays)
	}
	if raw, ok := v[KeyNodePools]; ok {
		d.nodePools(field.NewPath(KeyNodePools), raw, p.NodePools)
	}
	if raw, ok := v[KeyCache]; ok {
		d.cache(field.NewPath(KeyCache), raw, &p.Cache)
	}
	if raw, ok := v[KeyServices]; ok {
		p.Services = d.services(field.NewPath(KeyServices), raw)
	}
}
