package cost

import (
	"fmt"
	"sort"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// line is one priced quantity of a resource, per month, in the unit of its meter's price.
type line struct {
	meter    string
	quantity float64
	// detail says how the quantity was derived ("3 × m6i.xlarge × 730 h").
	detail string
	// tier, when set, overrides the resource's tier (a chart's volume belongs to the pool its pods
	// are scheduled on).
	tier string
}

// meter turns one resource's inputs (and the usage config) into priced lines; problems say what keeps
// a part of its cost from being known.
type meter func(g *graph, r *Resource, u config.CostUsage) (lines []line, problems []string)

const hours = config.HoursPerMonth

// meters price the resource types that cost money in themselves, keyed by Pulumi type token; the
// input names are the provider's (pulumi-aws v6, Kubernetes API objects).
var meters = map[string]meter{
	"aws:eks/cluster:Cluster":                           eksCluster,
	"aws:eks/nodeGroup:NodeGroup":                       nodeGroup,
	"aws:autoscaling/group:Group":                       autoScalingGroup,
	"aws:elasticache/replicationGroup:ReplicationGroup": cacheReplicationGroup,
	"aws:elasticache/cluster:Cluster":                   cacheCluster,
	"aws:opensearch/domain:Domain":                      openSearchDomain,
	"aws:ec2/natGateway:NatGateway":                     natGateway,
	"aws:ec2/eip:Eip":                                   publicIPv4,
	"aws:ec2/vpcEndpoint:VpcEndpoint":                   vpcEndpoint,
	"aws:lb/loadBalancer:LoadBalancer":                  loadBalancer,
	"aws:alb/loadBalancer:LoadBalancer":                 loadBalancer,
	"aws:s3/bucketV2:BucketV2":                          bucket,
	"aws:s3/bucket:Bucket":                              bucket,
	"aws:backup/plan:Plan":                              backupPlan,
	"aws:cloudwatch/logGroup:LogGroup":                  logGroup,
	"aws:cloudwatch/metricAlarm:MetricAlarm":            perMonth(config.PriceAlarm, "alarm"),
	"aws:kms/key:Key":                                   perMonth(config.PriceKMSKey, "key"),
	"aws:kms/replicaKey:ReplicaKey":                     perMonth(config.PriceKMSKey, "key"),
	"aws:secretsmanager/secret:Secret":                  perMonth(config.PriceSecret, "secret"),
	"aws:wafv2/webAcl:WebAcl":                           webACL,
	"kubernetes:core/v1:PersistentVolumeClaim":          persistentVolumeClaim,
	"kubernetes:apps/v1:StatefulSet":                    statefulSet,
	"kubernetes:postgresql.cnpg.io/v1:Cluster":          cnpgCluster,
	"kubernetes:core/v1:Service":                        loadBalancerService,
	"kubernetes:networking.k8s.io/v1:Ingress":           albIngress,
	"kubernetes:helm.sh/v3:Release":                     helmVolumes,
	// The audit baseline's services bill by use, and no China price for them was found
	// (/work/shared/facts/aws-china-prices.md, CloudTrail, GuardDuty and AWS Config rows: "not found"):
	// reported as unknown, never as zero.
	"aws:cloudtrail/trail:Trail":      notEstimated("billed per event delivered beyond what CloudTrail includes, by use; no China price found (shared facts); its storage is priced on the bucket and log group"),
	"aws:guardduty/detector:Detector": notEstimated("billed by the CloudTrail events, flow logs, DNS logs, S3 data events and EKS audit logs analysed; no China price found (shared facts)"),
	"aws:cfg/recorder:Recorder":       notEstimated("billed per configuration item recorded; no China price found (shared facts)"),
	"aws:cfg/rule:Rule":               notEstimated("billed per rule evaluation; no China price found (shared facts)"),
	"aws:securityhub/account:Account": notEstimated("billed per security check and finding ingested; no China price found (shared facts)"),
}

// noCharge are types that cost nothing in themselves, each with the reason.
var noCharge = map[string]string{
	"aws:ec2/vpc:Vpc":                                                     "VPCs are free",
	"aws:ec2/subnet:Subnet":                                               "subnets are free",
	"aws:ec2/routeTable:RouteTable":                                       "route tables are free",
	"aws:ec2/route:Route":                                                 "routes are free",
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                 "free",
	"aws:ec2/internetGateway:InternetGateway":                             "internet gateways are free (data transfer out is not estimated)",
	"aws:ec2/securityGroup:SecurityGroup":                                 "security groups are free",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":                   "security groups are free",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":           "free",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":             "free",
	"aws:ec2/securityGroupRule:SecurityGroupRule":                         "free",
	"aws:ec2/flowLog:FlowLog":                                             "billed as log ingestion of its log group",
	"aws:ec2/launchTemplate:LaunchTemplate":                               "its volumes are priced with the node groups that launch it",
	"aws:iam/instanceProfile:InstanceProfile":                             "IAM is free",
	"aws:ec2/tag:Tag":                                                     "free",
	"aws:eks/addon:Addon":                                                 "add-ons run on the node groups",
	"aws:eks/accessEntry:AccessEntry":                                     "free",
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation":             "free",
	"aws:eks/podIdentityAssociation:PodIdentityAssociation":               "free",
	"aws:elasticache/subnetGroup:SubnetGroup":                             "free",
	"aws:elasticache/parameterGroup:ParameterGroup":                       "free",
	"aws:elasticache/user:User":                                           "free",
	"aws:elasticache/userGroup:UserGroup":                                 "free",
	"aws:opensearch/domainPolicy:DomainPolicy":                            "free",
	"aws:kms/alias:Alias":                                                 "free",
	"aws:secretsmanager/secretVersion:SecretVersion":                      "priced with its secret",
	"aws:secretsmanager/secretPolicy:SecretPolicy":                        "free",
	"aws:backup/vault:Vault":                                              "storage is priced with the backup plan (cost.snapshotStorageGB)",
	"aws:backup/selection:Selection":                                      "free",
	"aws:backup/vaultLockConfiguration:VaultLockConfiguration":            "free",
	"aws:backup/vaultPolicy:VaultPolicy":                                  "free",
	"aws:ecr/pullThroughCacheRule:PullThroughCacheRule":                   "free; cached images are billed as ECR storage (not estimated)",
	"aws:ecr/repository:Repository":                                       "billed by stored GB (not estimated)",
	"aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate":       "free",
	"aws:ecr/registryPolicy:RegistryPolicy":                               "free",
	"aws:ecr/lifecyclePolicy:LifecyclePolicy":                             "free",
	"aws:wafv2/webAclAssociation:WebAclAssociation":                       "free",
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration":     "billed as log ingestion",
	"aws:acm/certificate:Certificate":                                     "public ACM certificates are free",
	"aws:ssm/parameter:Parameter":                                         "standard parameters are free",
	"aws:sns/topic:Topic":                                                 "billed per request (not estimated)",
	"aws:sns/topicSubscription:TopicSubscription":                         "billed per request (not estimated)",
	"aws:cloudwatch/logResourcePolicy:LogResourcePolicy":                  "free",
	"aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter":          "free",
	"aws:cfg/deliveryChannel:DeliveryChannel":                             "delivery is billed as storage of its bucket",
	"aws:cfg/recorderStatus:RecorderStatus":                               "priced with its recorder",
	"aws:guardduty/detectorFeature:DetectorFeature":                       "priced with its detector (the data it analyses)",
	"aws:securityhub/standardsSubscription:StandardsSubscription":         "priced with the Security Hub account (its checks)",
	"aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": "configuration; basic scan-on-push is not priced here (enhanced scanning, billed through Inspector, is not used)",
	"aws:cloudwatch/eventRule:EventRule":                                  "matching AWS service events on the default bus is not priced here; what it sends is billed as SNS requests",
	"aws:cloudwatch/eventTarget:EventTarget":                              "configuration of its rule",
	"aws:sns/topicPolicy:TopicPolicy":                                     "free",
}

// noChargePrefixes cover whole families: IAM is free, S3 bucket settings are free (storage is priced
// on the bucket), providers are not resources, and Kubernetes objects run on the node groups' capacity
// (the ones that create AWS resources, volumes and load balancers, have meters above).
var noChargePrefixes = []struct{ prefix, reason string }{
	{"aws:iam/", "IAM is free"},
	{"aws:s3/bucket", "bucket settings are free; storage is priced on the bucket"},
	{"pulumi:providers:", "a provider is not billed"},
	{"kubernetes:", "runs on the node groups' capacity"},
}

// chargeRule finds how a type is priced: a meter, or the reason it costs nothing; neither means the
// type has no rule and its cost is unknown.
func chargeRule(typ string) (meter, string) {
	if m, ok := meters[typ]; ok {
		return m, ""
	}
	if why, ok := noCharge[typ]; ok {
		return nil, why
	}
	for _, p := range noChargePrefixes {
		if strings.HasPrefix(typ, p.prefix) {
			return nil, p.reason
		}
	}
	return nil, ""
}

func perMonth(key, what string) meter {
	return func(*graph, *Resource, config.CostUsage) ([]line, []string) {
		return []line{{meter: key, quantity: 1, detail: "1 " + what + " × 1 month"}}, nil
	}
}

// notEstimated reports a usage-billed type as unknown, with why.
func notEstimated(why string) meter {
	return func(*graph, *Resource, config.CostUsage) ([]line, []string) { return nil, []string{why} }
}

func eksCluster(_ *graph, _ *Resource, _ config.CostUsage) ([]line, []string) {
	return []line{{meter: config.PriceEKSCluster, quantity: hours, detail: "1 cluster × 730 h"}}, nil
}

// nodeGroup prices desiredSize instances of the group's type and their volumes. The autoscaler moves
// the count between min and max: desired is what the plan sizes, the figure to review.
func nodeGroup(g *graph, r *Resource, _ config.CostUsage) ([]line, []string) {
	n, ok := r.num("scalingConfig.desiredSize")
	if !ok {
		return nil, []string{"scalingConfig.desiredSize is not known"}
	}
	lt, ltProblem := launchTemplateOf(g, r)
	if ltProblem != "" {
		return nil, []string{ltProblem}
	}
	itype := ""
	if types := r.list("instanceTypes"); len(types) > 0 {
		itype, _ = types[0].(string)
	}
	if itype == "" && lt != nil {
		itype = lt.str("instanceType")
	}
	if itype == "" || isOpaque(itype) {
		return nil, []string{"no instance type in instanceTypes or the launch template"}
	}
	detail := fmt.Sprintf("%g × %s × 730 h", n, itype)
	if strings.EqualFold(r.str("capacityType"), "SPOT") {
		detail += " (spot, priced on demand: an upper bound)"
	}
	lines := []line{{meter: config.PriceEC2Prefix + itype, quantity: n * hours, detail: detail}}
	var problems []string
	if lt == nil {
		size := 20.0 // EKS's default disk size for Linux nodes (EKS API CreateNodegroup diskSize)
		if s, ok := r.num("diskSize"); ok {
			size = s
		}
		lines = append(lines, line{meter: config.PriceEBSPrefix + "gp2", quantity: n * size, detail: fmt.Sprintf("%g × %g GiB root volume of EKS's own launch template (priced as gp2: an upper bound)", n, size)})
		return lines, problems
	}
	l, p := launchTemplateVolumes(lt, n)
	return append(lines, l...), append(problems, p...)
}

// launchTemplateVolumes prices count instances' EBS volumes as a launch template declares them.
func launchTemplateVolumes(lt *Resource, count float64) (lines []line, problems []string) {
	for i, m := range lt.list("blockDeviceMappings") {
		bdm, _ := m.(map[string]any)
		ebs, _ := bdm["ebs"].(map[string]any)
		if ebs == nil {
			continue
		}
		v := volume{size: numOf(ebs["volumeSize"]), kind: strOf(ebs["volumeType"]), iops: numOf(ebs["iops"]), throughput: numOf(ebs["throughput"])}
		l, p := v.lines(count, fmt.Sprintf("launch template %s volume %d", lt.Name, i))
		lines, problems = append(lines, l...), append(problems, p...)
	}
	return lines, problems
}

// autoScalingGroup prices desiredCapacity instances of its launch template's type and their volumes
// (the runner host).
func autoScalingGroup(g *graph, r *Resource, _ config.CostUsage) ([]line, []string) {
	n, ok := r.num("desiredCapacity")
	if !ok {
		return nil, []string{"desiredCapacity is not known"}
	}
	lts := g.dependenciesOfType(r, "aws:ec2/launchTemplate:LaunchTemplate")
	if len(lts) != 1 {
		return nil, []string{fmt.Sprintf("it depends on %d launch templates; cannot tell which it launches", len(lts))}
	}
	lt := lts[0]
	itype := lt.str("instanceType")
	if itype == "" || isOpaque(itype) {
		return nil, []string{"no instance type in the launch template"}
	}
	lines := []line{{meter: config.PriceEC2Prefix + itype, quantity: n * hours, detail: fmt.Sprintf("%g × %s × 730 h", n, itype)}}
	l, p := launchTemplateVolumes(lt, n)
	return append(lines, l...), p
}

// launchTemplateOf finds the launch template a node group launches: the one it depends on (through its
// launchTemplate input), matched by name when it depends on several.
func launchTemplateOf(g *graph, ng *Resource) (*Resource, string) {
	switch v, present := ng.value("launchTemplate"); {
	case !present:
		return nil, "" // EKS's own launch template
	case v == opaqueUnknown || v == opaqueSecret:
		return nil, "its launchTemplate is not known yet"
	}
	lts := g.dependenciesOfType(ng, "aws:ec2/launchTemplate:LaunchTemplate")
	if name := ng.str("launchTemplate.name"); name != "" && len(lts) > 1 {
		for _, lt := range lts {
			if lt.str("name") == name {
				return lt, ""
			}
		}
	}
	switch len(lts) {
	case 0:
		return nil, "its launch template is not in the graph"
	case 1:
		return lts[0], ""
	}
	return nil, fmt.Sprintf("it depends on %d launch templates; cannot tell which it launches", len(lts))
}

// volume is an EBS volume's inputs.
type volume struct {
	size, iops, throughput float64
	kind                   string
}

// gp3 includes 3,000 IOPS and 125 MB/s; more is priced per provisioned unit (EBS pricing page).
const (
	gp3BaseIOPS       = 3000
	gp3BaseThroughput = 125
)

// lines prices count volumes: storage by type, and gp3/io1/io2 provisioned performance.
func (v volume) lines(count float64, what string) ([]line, []string) {
	if v.size <= 0 {
		return nil, []string{what + ": volume size not set (it follows the AMI's snapshot)"}
	}
	if v.kind == "" {
		return nil, []string{what + ": volume type not set (it follows the AMI)"}
	}
	out := []line{{meter: config.PriceEBSPrefix + v.kind, quantity: count * v.size, detail: fmt.Sprintf("%g × %g GiB %s (%s)", count, v.size, v.kind, what)}}
	switch v.kind {
	case "gp3":
		if v.iops > gp3BaseIOPS {
			out = append(out, line{meter: config.PriceGP3IOPS, quantity: count * (v.iops - gp3BaseIOPS), detail: fmt.Sprintf("%g × %g IOPS above 3,000 (%s)", count, v.iops-gp3BaseIOPS, what)})
		}
		if v.throughput > gp3BaseThroughput {
			out = append(out, line{meter: config.PriceGP3Throughput, quantity: count * (v.throughput - gp3BaseThroughput), detail: fmt.Sprintf("%g × %g MB/s above 125 (%s)", count, v.throughput-gp3BaseThroughput, what)})
		}
	case "io1", "io2":
		if v.iops > 0 {
			out = append(out, line{meter: config.PriceIO1IOPS, quantity: count * v.iops, detail: fmt.Sprintf("%g × %g provisioned IOPS (%s)", count, v.iops, what)})
		}
	}
	return out, nil
}

func cacheReplicationGroup(_ *graph, r *Resource, _ config.CostUsage) ([]line, []string) {
	nodeType := r.str("nodeType")
	if nodeType == "" {
		return nil, []string{"nodeType is not known"}
	}
	nodes := 1.0 // ElastiCache's default: a primary alone
	if n, ok := r.num("numCacheClusters"); ok {
		nodes = n
	} else if shards, ok := r.num("numNodeGroups"); ok {
		replicas, _ := r.num("replicasPerNodeGroup")
		nodes = shards * (1 + replicas)
	}
	return []line{{meter: config.PriceCachePrefix + nodeType, quantity: nodes * hours, detail: fmt.Sprintf("%g × %s × 730 h", nodes, nodeType)}}, nil
}

func cacheCluster(_ *graph, r *Resource, _ config.CostUsage) ([]line, []string) {
	if r.known("replicationGroupId") {
		return nil, nil // a member of a replication group, priced with the group
	}
	nodeType := r.str("nodeType")
	if nodeType == "" {
		return nil, []string{"nodeType is not known"}
	}
	nodes := 1.0
	if n, ok := r.num("numCacheNodes"); ok {
		nodes = n
	}
	return []line{{meter: config.PriceCachePrefix + nodeType, quantity: nodes * hours, detail: fmt.Sprintf("%g × %s × 730 h", nodes, nodeType)}}, nil
}

// openSearchDomain prices data nodes (standby included: AWS bills them), dedicated masters, warm
// nodes, and each data node's EBS volume.
func openSearchDomain(_ *graph, r *Resource, _ config.CostUsage) ([]line, []string) {
	var lines []line
	var problems []string
	itype := r.str("clusterConfig.instanceType")
	count := 1.0
	if n, ok := r.num("clusterConfig.instanceCount"); ok {
		count = n
	}
	if itype == "" {
		problems = append(problems, "clusterConfig.instanceType is not known")
	} else {
		lines = append(lines, line{meter: config.PriceOpenSearchPrefix + itype, quantity: count * hours, detail: fmt.Sprintf("%g data × %s × 730 h", count, itype)})
	}
	if r.boolean("clusterConfig.dedicatedMasterEnabled") {
		mtype := r.str("clusterConfig.dedicatedMasterType")
		masters := 3.0
		if n, ok := r.num("clusterConfig.dedicatedMasterCount"); ok {
			masters = n
		}
		if mtype == "" {
			problems = append(problems, "clusterConfig.dedicatedMasterType is not known")
		} else {
			lines = append(lines, line{meter: config.PriceOpenSearchPrefix + mtype, quantity: masters * hours, detail: fmt.Sprintf("%g master × %s × 730 h", masters, mtype)})
		}
	}
	if r.boolean("clusterConfig.warmEnabled") {
		wtype := r.str("clusterConfig.warmType")
		warm, _ := r.num("clusterConfig.warmCount")
		lines = append(lines, line{meter: config.PriceOpenSearchPrefix + wtype, quantity: warm * hours, detail: fmt.Sprintf("%g warm × %s × 730 h", warm, wtype)})
	}
	if r.boolean("ebsOptions.ebsEnabled") {
		size, _ := r.num("ebsOptions.volumeSize")
		kind := r.str("ebsOptions.volumeType")
		switch {
		case size <= 0 || kind == "":
			problems = append(problems, "ebsOptions.volumeSize and volumeType must be set to price its storage")
		default:
			lines = append(lines, line{meter: config.PriceOpenSearchStorage + kind, quantity: count * size, detail: fmt.Sprintf("%g × %g GiB %s", count, size, kind)})
			iops, _ := r.num("ebsOptions.iops")
			tp, _ := r.num("ebsOptions.throughput")
			if kind == "gp3" && (iops > gp3BaseIOPS || tp > gp3BaseThroughput) {
				problems = append(problems, fmt.Sprintf("gp3 IOPS %g / throughput %g above the baseline: the catalog has no OpenSearch price for provisioned performance", iops, tp))
			}
		}
	}
	return lines, problems
}

// natGateway prices the gateway-hours and its share of the processed data (cost.natProcessedGB).
func natGateway(g *graph, r *Resource, u config.CostUsage) ([]line, []string) {
	lines := []line{{meter: config.PriceNATHour, quantity: hours, detail: "1 NAT gateway × 730 h"}}
	if n := len(g.byType[r.Type]); n > 0 && u.NATProcessedGB > 0 {
		share := float64(u.NATProcessedGB) / float64(n)
		lines = append(lines, line{meter: config.PriceNATGB, quantity: share, detail: fmt.Sprintf("%g GB processed (cost.natProcessedGB %d ÷ %d gateways)", share, u.NATProcessedGB, n)})
	}
	return lines, nil
}

func publicIPv4(_ *graph, _ *Resource, _ config.CostUsage) ([]line, []string) {
	return []line{{meter: config.PricePublicIPv4Hour, quantity: hours, detail: "1 public IPv4 address × 730 h"}}, nil
}

// vpcEndpoint prices interface endpoints per AZ-hour (one ENI per subnet) and their share of the
// processed data (cost.endpointProcessedGB); gateway endpoints (S3, DynamoDB) are free.
func vpcEndpoint(g *graph, r *Resource, u config.CostUsage) ([]line, []string) {
	switch r.str("vpcEndpointType") {
	case "Gateway":
		return nil, nil
	case "Interface":
	default:
		return nil, []string{fmt.Sprintf("endpoint type %q is not priced", r.str("vpcEndpointType"))}
	}
	subnets := r.list("subnetIds")
	if len(subnets) == 0 || !r.known("subnetIds") {
		return nil, []string{"subnetIds are not known: cannot count the endpoint's AZs"}
	}
	n := float64(len(subnets))
	lines := []line{{meter: config.PriceEndpointAZHour, quantity: n * hours, detail: fmt.Sprintf("%g AZs × 730 h", n)}}
	interfaces := 0
	for _, e := range g.byType[r.Type] {
		if e.str("vpcEndpointType") == "Interface" {
			interfaces++
		}
	}
	if interfaces > 0 && u.EndpointProcessedGB > 0 {
		share := float64(u.EndpointProcessedGB) / float64(interfaces)
		lines = append(lines, line{meter: config.PriceEndpointGB, quantity: share, detail: fmt.Sprintf("%.4g GB processed (cost.endpointProcessedGB %d ÷ %d endpoints)", share, u.EndpointProcessedGB, interfaces)})
	}
	return lines, nil
}

// lbLines prices one load balancer: its hours and cost.loadBalancerLCU capacity units.
func lbLines(kind string, u config.CostUsage, why string) []line {
	hour, lcu, name := config.PriceALBHour, config.PriceALBLCUHour, "ALB"
	if kind == "network" {
		hour, lcu, name = config.PriceNLBHour, config.PriceNLBLCUHour, "NLB"
	}
	lines := []line{{meter: hour, quantity: hours, detail: fmt.Sprintf("1 %s × 730 h (%s)", name, why)}}
	if u.LoadBalancerLCU > 0 {
		lines = append(lines, line{meter: lcu, quantity: float64(u.LoadBalancerLCU) * hours, detail: fmt.Sprintf("%d LCU × 730 h (cost.loadBalancerLCU)", u.LoadBalancerLCU)})
	}
	return lines
}

func loadBalancer(_ *graph, r *Resource, u config.CostUsage) ([]line, []string) {
	kind := r.str("loadBalancerType")
	switch kind {
	case "", "application":
		return lbLines("application", u, "aws load balancer"), nil
	case "network":
		return lbLines("network", u, "aws load balancer"), nil
	}
	return nil, []string{fmt.Sprintf("load balancer type %q is not priced", kind)}
}

// loadBalancerService prices a Kubernetes Service of type LoadBalancer: the AWS Load Balancer
// Controller provisions an NLB for it.
func loadBalancerService(_ *graph, r *Resource, u config.CostUsage) ([]line, []string) {
	if r.str("spec.type") != "LoadBalancer" {
		return nil, nil
	}
	return lbLines("network", u, "Service of type LoadBalancer"), nil
}

// albControllers are the IngressClass controllers that provision an ALB (AWS Load Balancer Controller).
const albController = "ingress.k8s.aws/alb"

// albIngress prices the ALB that the AWS Load Balancer Controller creates for an Ingress of an ALB
// class: one per Ingress, or one per ingress group (annotation alb.ingress.kubernetes.io/group.name),
// carried by the group's first Ingress.
func albIngress(g *graph, r *Resource, u config.CostUsage) ([]line, []string) {
	if !isALBIngress(g, r) {
		return nil, nil
	}
	group := annotation(r, "alb.ingress.kubernetes.io/group.name")
	if group == "" {
		return lbLines("application", u, "Ingress "+r.Name), nil
	}
	var members []string
	for _, other := range g.byType[r.Type] {
		if isALBIngress(g, other) && annotation(other, "alb.ingress.kubernetes.io/group.name") == group {
			members = append(members, other.URN)
		}
	}
	sort.Strings(members)
	if members[0] != r.URN {
		return nil, nil // the group's ALB is priced on its first Ingress
	}
	return lbLines("application", u, fmt.Sprintf("ingress group %s, %d Ingress", group, len(members))), nil
}

func isALBIngress(g *graph, r *Resource) bool {
	class := r.str("spec.ingressClassName")
	if class == "" {
		class = annotation(r, "kubernetes.io/ingress.class")
	}
	if class == "alb" {
		return true
	}
	for _, ic := range g.byType["kubernetes:networking.k8s.io/v1:IngressClass"] {
		if ic.str("metadata.name") == class && ic.str("spec.controller") == albController {
			return true
		}
	}
	return false
}

func annotation(r *Resource, key string) string {
	v, _ := r.object("metadata.annotations")[key].(string)
	return v
}

// bucketRoleKeys are the tags components name a bucket's purpose with.
var bucketRoleKeys = []string{tags.BucketRole, "suoke.life/role"}

// bucketUsage says what a bucket of each role holds, from the usage config. Backup buckets (the
// primary and its DR replica) each hold one copy of cost.backupStorageGB.
var bucketUsage = map[string]struct {
	gb  func(config.CostUsage) int
	key string
}{
	tags.BucketRoleBackups: {func(u config.CostUsage) int { return u.BackupStorageGB }, "cost.backupStorageGB"},
}

// bucket prices what a bucket stores, by its role, at S3 Standard (lifecycle transitions to colder
// classes make it an upper bound). A role with no usage figure is reported, not taken as empty.
func bucket(_ *graph, r *Resource, u config.CostUsage) ([]line, []string) {
	role := ""
	for _, k := range bucketRoleKeys {
		if v, _ := r.object("tags")[k].(string); v != "" {
			role = v
			break
		}
	}
	use, ok := bucketUsage[role]
	if !ok {
		return nil, []string{fmt.Sprintf("stored GB not estimated: no usage figure for a bucket of role %q (tag %s)", role, bucketRoleKeys[0])}
	}
	gb := use.gb(u)
	if gb == 0 {
		return nil, nil
	}
	return []line{{meter: config.PriceS3Standard, quantity: float64(gb), detail: fmt.Sprintf("%d GB stored (%s; S3 Standard, before lifecycle)", gb, use.key)}}, nil
}

// backupPlan prices cost.snapshotStorageGB of EBS snapshots once, and again for each other vault
// its rules copy to.
func backupPlan(_ *graph, r *Resource, u config.CostUsage) ([]line, []string) {
	if u.SnapshotStorageGB == 0 {
		return nil, nil
	}
	copies := map[string]bool{}
	for _, rule := range r.list("rules") {
		rm, _ := rule.(map[string]any)
		for _, c := range asList(rm["copyActions"]) {
			cm, _ := c.(map[string]any)
			copies[strOf(cm["destinationVaultArn"])] = true
		}
	}
	n := 1 + len(copies)
	return []line{{meter: config.PriceEBSSnapshot, quantity: float64(u.SnapshotStorageGB * n), detail: fmt.Sprintf("%d GB × %d cop%s (cost.snapshotStorageGB)", u.SnapshotStorageGB, n, plural(n, "y", "ies"))}}, nil
}

// logGroup prices its share of cost.logsIngestedGB and the storage that share fills over its
// retention (uncompressed: an upper bound).
func logGroup(g *graph, r *Resource, u config.CostUsage) ([]line, []string) {
	n := len(g.byType[r.Type])
	if n == 0 || u.LogsIngestedGB == 0 {
		return nil, nil
	}
	share := float64(u.LogsIngestedGB) / float64(n)
	lines := []line{{meter: config.PriceLogsIngestGB, quantity: share, detail: fmt.Sprintf("%.4g GB ingested (cost.logsIngestedGB %d ÷ %d log groups)", share, u.LogsIngestedGB, n)}}
	days, ok := r.num("retentionInDays")
	if !ok || days == 0 {
		return lines, []string{"no retention: stored logs grow without bound"}
	}
	months := days / 30
	lines = append(lines, line{meter: config.PriceLogsStorageGB, quantity: share * months, detail: fmt.Sprintf("%.4g GB stored (%g days of ingestion)", share*months, days)})
	return lines, nil
}

func webACL(_ *graph, r *Resource, _ config.CostUsage) ([]line, []string) {
	rules := len(r.list("rules"))
	lines := []line{{meter: config.PriceWAFWebACL, quantity: 1, detail: "1 web ACL × 1 month"}}
	if rules > 0 {
		lines = append(lines, line{meter: config.PriceWAFRule, quantity: float64(rules), detail: fmt.Sprintf("%d rules × 1 month (requests not estimated)", rules)})
	}
	return lines, nil
}

// Kubernetes volumes: a claim's size and its StorageClass's EBS type.

func persistentVolumeClaim(g *graph, r *Resource, _ config.CostUsage) ([]line, []string) {
	return claimLines(g, 1, r.str("spec.resources.requests.storage"), r.str("spec.storageClassName"), "claim "+r.Name)
}

func statefulSet(g *graph, r *Resource, _ config.CostUsage) ([]line, []string) {
	replicas := 1.0
	if n, ok := r.num("spec.replicas"); ok {
		replicas = n
	}
	var lines []line
	var problems []string
	for _, t := range r.list("spec.volumeClaimTemplates") {
		tr := &Resource{Inputs: asMap(t)}
		l, p := claimLines(g, replicas, tr.str("spec.resources.requests.storage"), tr.str("spec.storageClassName"), "volumeClaimTemplate "+tr.str("metadata.name"))
		lines, problems = append(lines, l...), append(problems, p...)
	}
	return lines, problems
}

// cnpgCluster prices a CloudNativePG cluster's data and WAL volumes, one of each per instance.
func cnpgCluster(g *graph, r *Resource, _ config.CostUsage) ([]line, []string) {
	instances := 1.0
	if n, ok := r.num("spec.instances"); ok {
		instances = n
	}
	var lines []line
	var problems []string
	for _, vol := range []string{"storage", "walStorage"} {
		spec := r.object("spec." + vol)
		if spec == nil {
			continue
		}
		vr := &Resource{Inputs: spec}
		size := vr.str("size")
		if size == "" {
			size = vr.str("pvcTemplate.resources.requests.storage")
		}
		class := vr.str("storageClass")
		if class == "" {
			class = vr.str("pvcTemplate.storageClassName")
		}
		l, p := claimLines(g, instances, size, class, vol)
		lines, problems = append(lines, l...), append(problems, p...)
	}
	return lines, problems
}

func claimLines(g *graph, count float64, size, class, what string) ([]line, []string) {
	gib, err := parseQuantityGiB(size)
	if err != nil {
		return nil, []string{fmt.Sprintf("%s: size %q: %v", what, size, err)}
	}
	v, problem := storageClassVolume(g, class)
	if problem != "" {
		return nil, []string{what + ": " + problem}
	}
	v.size = gib
	return v.lines(count, what)
}

// storageClassVolume finds the EBS volume type (and provisioned performance) a StorageClass gives;
// "" is the cluster's default class.
func storageClassVolume(g *graph, name string) (volume, string) {
	for _, sc := range g.byType["kubernetes:storage.k8s.io/v1:StorageClass"] {
		isDefault := annotation(sc, "storageclass.kubernetes.io/is-default-class") == "true"
		if (name == "" && isDefault) || (name != "" && sc.str("metadata.name") == name) {
			v := volume{kind: sc.str("parameters.type")}
			if v.kind == "" {
				switch sc.str("provisioner") {
				case "ebs.csi.aws.com":
					v.kind = "gp3" // the EBS CSI driver's default type
				case "kubernetes.io/aws-ebs":
					v.kind = "gp2" // the in-tree provisioner's default type
				default:
					return volume{}, fmt.Sprintf("storage class %q provisions %q, not EBS", name, sc.str("provisioner"))
				}
			}
			v.iops = numString(sc.str("parameters.iops"))
			v.throughput = numString(sc.str("parameters.throughput"))
			return v, ""
		}
	}
	if name == "gp2" {
		// EKS creates a gp2 class (in-tree provisioner) in every cluster; it is not in our graph.
		return volume{kind: "gp2"}, ""
	}
	if name == "" {
		return volume{}, "no default storage class in the graph"
	}
	return volume{}, fmt.Sprintf("storage class %q is not in the graph", name)
}

func numOf(v any) float64 {
	f, _ := v.(float64)
	return f
}

func strOf(v any) string {
	s, _ := v.(string)
	if isOpaque(s) {
		return ""
	}
	return s
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// helmVolumes prices the volumes a chart's values ask for: prometheus-operator's
// storage.volumeClaimTemplate (Prometheus, Alertmanager) and the common persistence {enabled, size}
// convention, times the nearest replicas. Each volume's tier is the pool its pods select
// (nodeSelector suoke.life/tier), else the release's. A chart's own defaults are not in the graph.
func helmVolumes(g *graph, r *Resource, _ config.CostUsage) ([]line, []string) {
	var lines []line
	var problems []string
	var walk func(m map[string]any, ancestors []map[string]any, path string)
	walk = func(m map[string]any, ancestors []map[string]any, path string) {
		chain := append(append([]map[string]any(nil), ancestors...), m)
		replicas, tier := 1.0, ""
		for i := len(chain) - 1; i >= 0; i-- {
			if n, ok := firstNum(chain[i], "replicas", "replicaCount"); ok && replicas == 1 {
				replicas = n
			}
			if t, _ := asMap(chain[i]["nodeSelector"])[TierKey].(string); t != "" && tier == "" {
				tier = t
			}
		}
		if vct := asMap(m["volumeClaimTemplate"]); vct != nil {
			spec := &Resource{Inputs: asMap(vct["spec"])}
			l, p := claimLines(g, replicas, spec.str("resources.requests.storage"), spec.str("storageClassName"), "chart values "+path+".volumeClaimTemplate")
			lines, problems = append(lines, withTier(l, tier)...), append(problems, p...)
		}
		if pers := asMap(m["persistence"]); pers != nil && pers["enabled"] == true {
			class := strOf(pers["storageClassName"])
			if class == "" {
				class = strOf(pers["storageClass"])
			}
			l, p := claimLines(g, replicas, strOf(pers["size"]), class, "chart values "+path+".persistence")
			lines, problems = append(lines, withTier(l, tier)...), append(problems, p...)
		}
		for _, k := range sortedMapKeys(m) {
			if k == "volumeClaimTemplate" || k == "persistence" {
				continue
			}
			if child := asMap(m[k]); child != nil {
				walk(child, chain, strings.TrimPrefix(path+"."+k, "."))
			}
		}
	}
	walk(r.object("values"), nil, "")
	return lines, problems
}

func withTier(lines []line, tier string) []line {
	for i := range lines {
		lines[i].tier = tier
	}
	return lines
}

func firstNum(m map[string]any, keys ...string) (float64, bool) {
	for _, k := range keys {
		if n, ok := m[k].(float64); ok {
			return n, true
		}
	}
	return 0, false
}

func sortedMapKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
