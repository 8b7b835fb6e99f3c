package cost

import "strings"

// Duration is how long creating one resource of a type takes, in minutes, with its source.
type Duration struct {
	Minutes float64
	Source  string
}

// Sources of the create durations. Figures are typical wall-clock times of a create, from an empty
// account, until the provider reports the resource ready (what a `pulumi up` waits for). Each says
// where it comes from (read 2026-12-02 unless dated otherwise) and what was taken; "estimate" marks a
// figure no measurement backs, with the evidence there is. Taken figures sit at or above what the
// sources measured: the deploy estimate must not look better than a real up.
const (
	srcEKSCluster = "EKS control plane: 8 m 33 s in a 2024 apply log (DevopsArtFactory/terraform-provisioning#46), 10 m 6 s in a 2024 apply log " +
		"(terraform-aws-modules/terraform-aws-eks#3218); 15 min average in 2021 per aws/containers-roadmap#1227, reduced since (EKS API " +
		"CreateCluster: 'several minutes'); 10 min taken"
	srcNodeGroup = "managed node group until ACTIVE (instances booted and joined): 1 m 48 s and 1 m 59 s for two groups in a 2024 apply log " +
		"(DevopsArtFactory/terraform-provisioning#46); 3 min taken for larger groups and slower instance starts"
	srcAddon = "EKS add-on until ACTIVE: vpc-cni and kube-proxy as soon as their pods are ready, coredns and aws-ebs-csi-driver wait for " +
		"nodes and then for their pods (aws-ia/terraform-aws-eks-blueprints#642, 2022, which also reports coredns and the EBS CSI " +
		"driver taking ~15 min then; without nodes coredns stays DEGRADED until the 20 min timeout: terraform-aws-modules/" +
		"terraform-aws-eks#3001, 2024); 1.5 min taken (estimate for a healthy create once nodes are up)"
	srcHelm = "Helm release with wait on (the Pulumi helm.v3.Release default): until the chart's pods are ready, 1–3 min for platform " +
		"charts; 2 min taken (estimate)"
	srcElastiCache = "ElastiCache: 395 s for a cluster and 813 s with snapshots in the provider's acceptance tests (hashicorp/terraform#8275); " +
		"a 3-node Multi-AZ encrypted replication group 10–15 min; 12 min taken"
	srcOpenSearch = "OpenSearch domain: 'New domains typically take 15–30 minutes to initialize, but can take longer depending on the " +
		"configuration' (OpenSearch Service Developer Guide, gsgcreate-domain: awsdocs/amazon-opensearch-service-developer-guide " +
		"doc_source/gsgcreate-domain.md); roughly 15–25 min (alchemy.run Domain provider documentation); 20 min taken"
	srcNAT        = "NAT gateway pending → available: typically 1–2 min; 2 min taken (estimate)"
	srcEndpoint   = "interface endpoint pending → available: about 2 min; 2 min taken (estimate)"
	srcLB         = "load balancer provisioning → active: about 3 min; 3 min taken (estimate)"
	srcSmall      = "API-only resource: 0–10 s in apply logs (subnets 10 s, route table associations 1 s in terraform-aws-modules/terraform-aws-eks#2203)"
	srcKubernetes = "Kubernetes object without readiness wait: seconds (Pulumi's Kubernetes provider waits only for the kinds it knows)"
	srcAwaited    = "Kubernetes workload the provider waits on (Job until complete, Deployment and StatefulSet until ready): about 1 min for a small one; 1 min taken (estimate)"
	srcDefault    = "no figure for this type: 0.1 min assumed"
)

// durations are the create durations per type. Types not here take defaultDuration and are listed in
// the estimate as assumed.
var durations = map[string]Duration{
	"aws:eks/cluster:Cluster":                           {10, srcEKSCluster},
	"aws:eks/nodeGroup:NodeGroup":                       {3, srcNodeGroup},
	"aws:eks/addon:Addon":                               {1.5, srcAddon},
	"kubernetes:helm.sh/v3:Release":                     {2, srcHelm},
	"aws:elasticache/replicationGroup:ReplicationGroup": {12, srcElastiCache},
	"aws:elasticache/cluster:Cluster":                   {7, srcElastiCache},
	"aws:opensearch/domain:Domain":                      {20, srcOpenSearch},
	"aws:ec2/natGateway:NatGateway":                     {2, srcNAT},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                   {2, srcEndpoint},
	"aws:lb/loadBalancer:LoadBalancer":                  {3, srcLB},
	"aws:ec2/subnet:Subnet":                             {0.2, srcSmall},
	"aws:ec2/vpc:Vpc":                                   {0.1, srcSmall},
	"aws:iam/role:Role":                                 {0.1, srcSmall},
	"aws:kms/key:Key":                                   {0.1, srcSmall},
	"kubernetes:batch/v1:Job":                           {1, srcAwaited},
	"kubernetes:apps/v1:Deployment":                     {1, srcAwaited},
	"kubernetes:apps/v1:StatefulSet":                    {1, srcAwaited},
}

// smallPrefixes take seconds: API-only AWS resources, and Kubernetes objects the provider does not
// wait on.
var smallPrefixes = []struct {
	prefix string
	d      Duration
}{
	{"aws:", Duration{0.05, srcSmall}},
	{"kubernetes:", Duration{0.05, srcKubernetes}},
}

var defaultDuration = Duration{0.1, srcDefault}

// durationOf returns a resource's create duration; assumed is true when the type has no figure.
func durationOf(r *Resource) (d Duration, assumed bool) {
	switch {
	case !r.Custom, strings.HasPrefix(r.Type, "pulumi:providers:"):
		return Duration{}, false // components and providers take no time of their own
	}
	if d, ok := durations[r.Type]; ok {
		return d, false
	}
	for _, p := range smallPrefixes {
		if strings.HasPrefix(r.Type, p.prefix) {
			return p.d, false
		}
	}
	return defaultDuration, true
}

// DurationTable lists the per-type figures with their sources, for the plan.
func DurationTable() map[string]Duration {
	out := make(map[string]Duration, len(durations))
	for k, v := range durations {
		out[k] = v
	}
	return out
}
