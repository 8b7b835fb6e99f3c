package cost

// TierKey is the tag (AWS resources) or label (node groups' node labels, Kubernetes objects) that puts
// a resource in a cost tier. Components set it on what they create; nothing here lists the tiers.
const TierKey = "suoke.life/tier"

// Tiers of resources that carry no TierKey: their type says where their cost belongs.
const (
	TierControlPlane = "control-plane"
	TierNetwork      = "network"
	TierCache        = "cache"
	TierDatabase     = "database"
	TierLogging      = "logging"
	TierBackup       = "backup"
	TierSecurity     = "security"
	// TierUnassigned collects what has neither a tier tag nor a type default: the plan lists it so
	// that the component creating it adds the tag.
	TierUnassigned = "unassigned"
)

// typeTiers is the tier of a resource type when the resource carries no tier tag or label.
var typeTiers = map[string]string{
	"aws:eks/cluster:Cluster":                           TierControlPlane,
	"aws:autoscaling/group:Group":                       TierControlPlane, // the runner host: how operators and CI reach the control plane
	"aws:ec2/natGateway:NatGateway":                     TierNetwork,
	"aws:ec2/eip:Eip":                                   TierNetwork,
	"aws:ec2/vpcEndpoint:VpcEndpoint":                   TierNetwork,
	"aws:lb/loadBalancer:LoadBalancer":                  TierNetwork,
	"aws:alb/loadBalancer:LoadBalancer":                 TierNetwork,
	"aws:wafv2/webAcl:WebAcl":                           TierNetwork,
	"kubernetes:networking.k8s.io/v1:Ingress":           TierNetwork,
	"aws:elasticache/replicationGroup:ReplicationGroup": TierCache,
	"aws:elasticache/cluster:Cluster":                   TierCache,
	"kubernetes:postgresql.cnpg.io/v1:Cluster":          TierDatabase,
	"aws:opensearch/domain:Domain":                      TierLogging,
	"aws:cloudwatch/logGroup:LogGroup":                  TierLogging,
	"aws:s3/bucketV2:BucketV2":                          TierBackup,
	"aws:s3/bucket:Bucket":                              TierBackup,
	"aws:backup/plan:Plan":                              TierBackup,
	"aws:kms/key:Key":                                   TierSecurity,
	"aws:kms/replicaKey:ReplicaKey":                     TierSecurity,
	"aws:secretsmanager/secret:Secret":                  TierSecurity,
	"aws:cloudtrail/trail:Trail":                        TierSecurity,
	"aws:guardduty/detector:Detector":                   TierSecurity,
	"aws:cfg/recorder:Recorder":                         TierSecurity,
	"aws:cfg/rule:Rule":                                 TierSecurity,
	"aws:securityhub/account:Account":                   TierSecurity,
}

// tierOf returns a resource's tier: its tier tag, else its node labels (node groups) or metadata
// labels (Kubernetes objects), else its type's default, else TierUnassigned.
func tierOf(r *Resource) string {
	if t := ownTier(r); t != "" {
		return t
	}
	if t, ok := typeTiers[r.Type]; ok {
		return t
	}
	return TierUnassigned
}

func ownTier(r *Resource) string {
	for _, path := range []string{"tags", "labels", "metadata.labels"} {
		if t, _ := r.object(path)[TierKey].(string); t != "" && !isOpaque(t) {
			return t
		}
	}
	return ""
}

// tierOf is tierOf with one more source for Kubernetes objects: the labels of their namespace (a Helm
// release names it in `namespace`, an object in metadata.namespace).
func (g *graph) tierOf(r *Resource) string {
	if t := ownTier(r); t != "" {
		return t
	}
	ns := r.str("metadata.namespace")
	if ns == "" && r.Type == "kubernetes:helm.sh/v3:Release" {
		ns = r.str("namespace")
	}
	if ns != "" {
		for _, n := range g.byType["kubernetes:core/v1:Namespace"] {
			if n.str("metadata.name") == ns {
				if t := ownTier(n); t != "" {
					return t
				}
			}
		}
	}
	return tierOf(r)
}
