package postgres

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

// Args configures the CloudNativePG operator and cluster. The composition fills the in-cluster
// part from the config and from the cluster's and the backups' outputs; the data tier component adds
// what it shares with Redis (Prefix, Parent, Env, Protect, Tags, Key) and validates the whole
// (Validate) before New runs.
type Args struct {
	// Prefix is the data tier component's name, which every resource's name starts with; Parent is
	// that component.
	Prefix string
	Parent pulumi.Resource
	// Env is what AWS reports about partition, region and account (ARNs, endpoints).
	Env *identity.Env
	// Protect keeps the Cluster and the credentials through a stray destroy (prod and dr).
	Protect bool
	// Tags are added beside the provider's default tags.
	Tags map[string]string
	// Key is the data tier's KMS key: it encrypts the passwords and CAs kept in Secrets Manager.
	Key *kms.Key

	// KubeProvider is the cluster component's Kubernetes provider.
	KubeProvider pulumi.ProviderResource
	// Namespace holds the Cluster, its roles, databases and secrets; the cluster component creates it.
	Namespace string
	// OperatorNamespace holds the operator and the Barman Cloud plugin (they must share it).
	OperatorNamespace string
	// StorageClass is the Retain gp3 class for the data and WAL volumes.
	StorageClass string
	// OIDCProviderARN and OIDCIssuerURL are the EKS cluster's IRSA identity provider.
	OIDCProviderARN pulumi.StringInput
	OIDCIssuerURL   pulumi.StringInput
	// Registries turns every upstream chart and image into what the cluster pulls (the ECR mirror
	// in China), and records it for the plan's mirror list.
	Registries config.Registries
	// Database and Platform place pods on the database pool and on the platform (monitoring) pool.
	Database Placement
	Platform Placement
	// NodeAllocatable is one database node's allocatable capacity, and Headroom the share of it the
	// capacity policy keeps free; the instances' resources derive from them.
	NodeAllocatable footprint.Resources
	Headroom        float64
	// Archive is where WAL and base backups go (config.PostgresArchive); Restore, if set, is what
	// a cluster outside any topology bootstraps from (prod-dr in rebuild mode: prod's archive as
	// replicated to the DR region).
	Archive config.ArchiveTarget
	Restore *config.ArchiveTarget
	// Topology, if set, puts the cluster in the pair's distributed topology
	// (config.PostgresTopology): its role, its peer's archive, its bootstrap. It replaces Restore.
	Topology *config.PostgresTopology
	// ArchiveTimeoutSeconds bounds how stale the archive may be on a quiet database.
	ArchiveTimeoutSeconds int
	// Settings are the config's instances, volumes, connections and backup schedule.
	Settings config.Postgres
	// Databases are the services with database: true; each gets a database and an owner role.
	Databases []string
	// ServiceNamespaces maps each of them to the namespace its pods run in: its credentials and the
	// server CA's certificate are put there. CertManagerNamespace is where cert-manager runs (the
	// client CA issuer's Secret must be there).
	ServiceNamespaces    map[string]string
	CertManagerNamespace string
	// ClientDependsOn are the client namespaces: created before anything is put in them.
	ClientDependsOn []pulumi.Resource
	// DependsOn are what the operators need first (the namespaces, cert-manager, the
	// prometheus-operator CRDs) and the database node groups.
	DependsOn []pulumi.Resource
	// ClusterDependsOn is what the Cluster needs besides the operator: the archive bucket (the
	// backup component), so the first WAL segment has somewhere to go.
	ClusterDependsOn []pulumi.Resource
}

// Placement is how a pod lands on a pool: its node selector and the taints it tolerates.
type Placement struct {
	NodeSelector map[string]string
	Tolerations  []corev1.Toleration
}

// ZoneLabel is the well-known topology label the instances are spread over.
const ZoneLabel = "topology.kubernetes.io/zone"

// Validate reports every violation of the in-cluster part with its field path; config has already
// validated the values it passes, so this guards against a composition mistake.
func (p Args) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if p.KubeProvider == nil {
		errs = append(errs, field.Required(path.Child("kubeProvider"), "the cluster component's Kubernetes provider"))
	}
	for _, ns := range []struct{ name, value string }{{"namespace", p.Namespace}, {"operatorNamespace", p.OperatorNamespace}, {"certManagerNamespace", p.CertManagerNamespace}} {
		if msgs := validation.IsDNS1123Label(ns.value); len(msgs) > 0 {
			errs = append(errs, field.Invalid(path.Child(ns.name), ns.value, "must be a namespace name"))
		}
	}
	if p.StorageClass == "" {
		errs = append(errs, field.Required(path.Child("storageClass"), "the Retain gp3 storage class"))
	}
	if p.OIDCProviderARN == nil || p.OIDCIssuerURL == nil {
		errs = append(errs, field.Required(path.Child("oidcProviderArn"), "the cluster's IRSA provider ARN and issuer URL"))
	}
	if !p.Registries.Resolved() {
		errs = append(errs, field.Required(path.Child("registries"), "resolved registries (the cluster component exports them)"))
	}
	if len(p.Database.NodeSelector) == 0 {
		errs = append(errs, field.Required(path.Child("database", "nodeSelector"), "the database pool's label"))
	}
	if len(p.Platform.NodeSelector) == 0 {
		errs = append(errs, field.Required(path.Child("platform", "nodeSelector"), "the platform pool's label"))
	}
	if p.Archive.Bucket == "" || p.Archive.Region == "" || p.Archive.ServerName == "" {
		errs = append(errs, field.Required(path.Child("archive"), "bucket, region and server name (config.PostgresArchive)"))
	}
	if p.Restore != nil && p.Restore.Bucket == p.Archive.Bucket && p.Restore.ServerName == p.Archive.ServerName {
		errs = append(errs, field.Invalid(path.Child("archive", "serverName"), p.Archive.ServerName, "must differ from the restore source's: a restored cluster must not archive into the history it restores"))
	}
	if t := p.Topology; t != nil {
		tp := path.Child("topology")
		if p.Restore != nil {
			errs = append(errs, field.Forbidden(path.Child("restore"), "a cluster in a topology bootstraps from topology.bootstrap"))
		}
		if t.Self != p.Archive.ServerName {
			errs = append(errs, field.Invalid(tp.Child("self"), t.Self, fmt.Sprintf("must be the archive's server name %q: the peer reads this cluster's archive under its name", p.Archive.ServerName)))
		}
		if t.Peer.Bucket == "" || t.Peer.ServerName == "" || t.Peer.ServerName == t.Self {
			errs = append(errs, field.Invalid(tp.Child("peer"), t.Peer.ServerName, "must be the other cluster's archive"))
		}
		if t.Primary != t.Self && t.Primary != t.Peer.ServerName {
			errs = append(errs, field.NotSupported(tp.Child("primary"), t.Primary, []string{t.Self, t.Peer.ServerName}))
		}
		if t.Replica() && t.PromotionToken != "" {
			errs = append(errs, field.Invalid(tp.Child("promotionToken"), "[token]", "a replica is not being promoted"))
		}
		if b := t.Bootstrap; b != nil && b.Bucket == p.Archive.Bucket && b.ServerName == p.Archive.ServerName {
			errs = append(errs, field.Invalid(path.Child("archive", "serverName"), p.Archive.ServerName, "must differ from the bootstrap source's: a restored cluster must not archive into the history it restores"))
		}
	}
	if p.Headroom < 0 || p.Headroom >= 1 {
		errs = append(errs, field.Invalid(path.Child("headroom"), p.Headroom, "must be in [0, 1)"))
	}
	size := SizeFor(p.NodeAllocatable.CPUMilli, p.NodeAllocatable.MemoryMiB, p.Headroom, max(p.Settings.MaxConnections, 1))
	if size.CPUMilli < MinInstanceCPUMilli || size.MemoryMiB < MinInstanceMemoryMiB {
		errs = append(errs, field.Invalid(path.Child("nodeAllocatable"), fmt.Sprintf("%dm / %d MiB", p.NodeAllocatable.CPUMilli, p.NodeAllocatable.MemoryMiB),
			fmt.Sprintf("leaves PostgreSQL %dm / %d MiB after headroom, DaemonSets and the backup sidecar; at least %dm / %d MiB needed: use a larger database node",
				size.CPUMilli, size.MemoryMiB, MinInstanceCPUMilli, MinInstanceMemoryMiB)))
	}
	if p.Settings.Instances < 1 {
		errs = append(errs, field.Invalid(path.Child("settings", "instances"), p.Settings.Instances, "must be at least 1"))
	}
	if p.Settings.MaxConnections < 20 {
		errs = append(errs, field.Invalid(path.Child("settings", "maxConnections"), p.Settings.MaxConnections, "must be at least 20"))
	}
	for i, d := range p.Databases {
		if msgs := validation.IsDNS1123Label(d); len(msgs) > 0 {
			errs = append(errs, field.Invalid(path.Child("databases").Index(i), d, "must be a DNS label (it names the DatabaseRole and its certificate Secret)"))
		}
		// Its credentials go where its pods run, never into the data namespace.
		switch ns := p.ServiceNamespaces[d]; {
		case len(validation.IsDNS1123Label(ns)) > 0:
			errs = append(errs, field.Invalid(path.Child("serviceNamespaces").Key(d), ns, "must be the namespace the service runs in"))
		case ns == p.Namespace || ns == p.CertManagerNamespace:
			errs = append(errs, field.Invalid(path.Child("serviceNamespaces").Key(d), ns, "a service's credentials must not be put beside the CA keys"))
		}
	}
	return errs
}
