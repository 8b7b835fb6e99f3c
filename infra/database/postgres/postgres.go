// Package postgres builds PostgreSQL as a CloudNativePG cluster on the database node pool: the
// operator and the Barman Cloud plugin, the Cluster sized from the pool's node (sizing.go), its two
// CAs and the client certificates (pki.go), the pooler, a database and an owner role per service,
// and WAL archiving and base backups to S3. Every custom resource goes through the typed structs of
// package crd. The data tier component (infra/database) builds it under itself.
package postgres

import (
	"fmt"
	"sort"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	k8scorev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	k8smetav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apimetav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/credentials"
	"github.com/suoke-life/suoke-platform/infra/database/postgres/crd"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/pins"
	"github.com/suoke-life/suoke-platform/infra/release"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// Requests of the data tier's platform workloads (chart values below; the capacity check sums them).
var (
	operatorResources = footprint.Resources{CPUMilli: 100, MemoryMiB: 256}
	pluginResources   = footprint.Resources{CPUMilli: 50, MemoryMiB: 128}
	poolerResources   = footprint.Resources{CPUMilli: 100, MemoryMiB: 128}
)

// sizing is each instance's share of a database node (SizeFor).
func (pa Args) sizing() Sizing {
	return SizeFor(pa.NodeAllocatable.CPUMilli, pa.NodeAllocatable.MemoryMiB, pa.Headroom, pa.Settings.MaxConnections)
}

// Footprints are what PostgreSQL schedules, from its Args alone (the composition sums them before the
// cluster is built): the instances with their backup sidecar on the database pool, the operator, the
// Barman Cloud plugin and the pooler on the platform's (monitoring) pool. The same numbers as the
// chart values and the Cluster and Pooler specs below.
func (pa Args) Footprints() []footprint.Footprint {
	size, s := pa.sizing(), pa.Settings
	f := func(tier config.Tier, name string, replicas int, r footprint.Resources) footprint.Footprint {
		return footprint.Footprint{Tier: tier, Name: name, Replicas: replicas, CPUMilli: r.CPUMilli, MemoryMiB: r.MemoryMiB, Source: "database"}
	}
	return []footprint.Footprint{
		f(config.TierDatabase, pa.Namespace+"/"+ClusterName, s.Instances, footprint.Resources{CPUMilli: size.CPUMilli + SidecarCPUMilli, MemoryMiB: size.MemoryMiB + SidecarMemoryMiB}),
		f(config.TierMonitoring, pa.OperatorNamespace+"/cnpg-operator", operatorReplicas, operatorResources),
		f(config.TierMonitoring, pa.OperatorNamespace+"/barman-cloud", 1, pluginResources),
		f(config.TierMonitoring, pa.Namespace+"/"+PoolerName, s.PoolerInstances, poolerResources),
	}
}

// operatorReplicas: two, because the operator's admission webhooks fail closed, so one pod down
// would block every change to a database object.
const operatorReplicas = 2

// ClusterName is the CloudNativePG Cluster's name: its services are postgres-rw, -ro and -r, and
// its pods' service account (the IRSA subject) is named after it.
const ClusterName = "postgres"

// PoolerName is the PgBouncer pooler's name (it must differ from the cluster's).
const PoolerName = ClusterName + "-pooler-rw"

// ObjectStoreName is the Barman Cloud ObjectStore the cluster archives to.
const ObjectStoreName = ClusterName + "-backups"

// irsaAnnotation is the service-account annotation EKS's pod identity webhook reads.
const irsaAnnotation = "eks.amazonaws.com/role-arn"

func (p Placement) values() pulumi.Map {
	tols := pulumi.Array{}
	for _, t := range p.Tolerations {
		tols = append(tols, pulumi.StringMap{"key": pulumi.String(t.Key), "operator": pulumi.String(string(t.Operator)),
			"value": pulumi.String(t.Value), "effect": pulumi.String(string(t.Effect))})
	}
	return pulumi.Map{"nodeSelector": pulumi.ToStringMap(p.NodeSelector), "tolerations": tols}
}

// requirements are the same requests (footprint.Resources.Values) as a typed container field; with
// limitCPU the limits equal the requests (Guaranteed QoS).
func requirements(r footprint.Resources, limitCPU bool) corev1.ResourceRequirements {
	req := corev1.ResourceList{corev1.ResourceCPU: quantity(fmt.Sprintf("%dm", r.CPUMilli)), corev1.ResourceMemory: quantity(fmt.Sprintf("%dMi", r.MemoryMiB))}
	lim := corev1.ResourceList{corev1.ResourceMemory: quantity(fmt.Sprintf("%dMi", 2*r.MemoryMiB))}
	if limitCPU {
		lim = req.DeepCopy()
	}
	return corev1.ResourceRequirements{Requests: req, Limits: lim}
}

// roleName turns a service name into a PostgreSQL identifier: hyphens would need quoting in every
// client's SQL.
func roleName(service string) string { return strings.ReplaceAll(service, "-", "_") }

// Outputs are the PostgreSQL service names and the Secrets the services read.
type Outputs struct {
	// ClusterName is the CloudNativePG Cluster; its services are <name>-rw, -ro and -r.
	ClusterName string
	Namespace   string
	// RWHost, ROHost and PoolerHost are in-cluster DNS names; port Port on each.
	RWHost     string
	ROHost     string
	PoolerHost string
	// ServerCAConfigMap is the ConfigMap, in every client namespace, whose ca.crt is the server CA's
	// certificate (sslrootcert, for sslmode=verify-full). No CA key is ever handed to a client.
	ServerCAConfigMap string
	// Secrets maps each service to the Secret its client reads, in the service's own namespace
	// (SecretNamespaces): a TLS client certificate cert-manager keeps renewed
	// (<service>-postgres-client) or, for password services, a basic-auth Secret.
	Secrets          map[string]string
	SecretNamespaces map[string]string
	// Databases maps each service to its PostgreSQL database and owner role name.
	Databases map[string]string
	// PasswordAuth lists the services whose role logs in with a password (through the pooler)
	// instead of a client certificate.
	PasswordAuth map[string]bool
	// Sizing is each instance's resources and memory parameters.
	Sizing Sizing
}

// Port is PostgreSQL's and the pooler's port.
const Port = 5432

// New builds the operator, the plugin, the backups' role and stores, the PKI, the Cluster, its
// PodMonitors, the pooler, a role and a database per service, and the scheduled backup, as children
// of Args.Parent, in the order a real `up` needs them.
func New(ctx *pulumi.Context, a Args) (*Outputs, error) {
	pa := &a
	name := pa.Prefix
	s := pa.Settings
	k8s := pulumi.Provider(pa.KubeProvider)
	parent := pulumi.Parent(pa.Parent)

	// 1. The operator and the Barman Cloud plugin, on the platform pool.
	opValues := pa.Platform.values()
	opValues["replicaCount"] = pulumi.Int(operatorReplicas)
	opValues["image"] = release.Image(pa.Registries, pins.ImageCNPGOperator).Joined().Input()
	opValues["crds"] = pulumi.Map{"create": pulumi.Bool(true)}
	opValues["resources"] = pulumi.Any(operatorResources.Values())
	opValues["monitoring"] = pulumi.Map{"podMonitorEnabled": pulumi.Bool(true)}
	operator, _, err := release.New(ctx, name+"-cnpg-operator", release.Args{Release: pins.ReleaseCNPG, Namespace: pa.OperatorNamespace,
		Registries: pa.Registries, Values: opValues}, parent, k8s, pulumi.DependsOn(pa.DependsOn))
	if err != nil {
		return nil, err
	}
	plValues := pa.Platform.values()
	plValues["image"] = release.Image(pa.Registries, pins.ImageBarmanPlugin).Split().Input()
	plValues["sidecarImage"] = release.Image(pa.Registries, pins.ImageBarmanSidecar).Split().Input()
	plValues["crds"] = pulumi.Map{"create": pulumi.Bool(true)}
	plValues["resources"] = pulumi.Any(pluginResources.Values())
	// The plugin must share the operator's namespace (plugin-barman-cloud docs, "Installation"); its
	// certificates come from cert-manager (in pa.DependsOn).
	plugin, _, err := release.New(ctx, name+"-barman-plugin", release.Args{Release: pins.ReleaseBarmanPlugin, Namespace: pa.OperatorNamespace,
		Registries: pa.Registries, Values: plValues}, parent, k8s, pulumi.DependsOn(append([]pulumi.Resource{operator}, pa.DependsOn...)))
	if err != nil {
		return nil, err
	}

	// 2. The archive's IAM role, assumable by the cluster's service account only (IRSA).
	role, rolePolicy, roleARN, err := backupRole(ctx, name, pa, parent)
	if err != nil {
		return nil, err
	}

	ns := pa.Namespace
	labels := map[string]string{"app.kubernetes.io/part-of": "suoke-data"}
	cr := func(kind, objName string) crd.Object {
		return crd.Object{APIVersion: crd.CNPGAPIVersion, Kind: kind, Name: objName, Namespace: ns, Labels: labels}
	}

	// 3. Where backups go, and (DR) where the cluster restores from: the server name is a folder
	// in the bucket.
	stores := []pulumi.Resource{}
	store, err := crd.Render(ctx, name+"-object-store", crd.Object{APIVersion: crd.BarmanAPIVersion, Kind: crd.KindObjectStore, Name: ObjectStoreName, Namespace: ns, Labels: labels},
		objectStoreSpec(pa.Env.DNSSuffix, pa.Archive, pa.Settings.BackupRetentionDays), parent, k8s, pulumi.DependsOn([]pulumi.Resource{plugin}))
	if err != nil {
		return nil, err
	}
	stores = append(stores, store)
	// The archives this cluster reads: the bootstrap source's copy and the topology's peer. No
	// retention on either: expiring another cluster's history is that cluster's business.
	for _, rs := range pa.readStores() {
		s, err := crd.Render(ctx, name+"-object-store-"+strings.TrimPrefix(rs.name, ClusterName+"-"), crd.Object{APIVersion: crd.BarmanAPIVersion, Kind: crd.KindObjectStore, Name: rs.name, Namespace: ns, Labels: labels},
			objectStoreSpec(pa.Env.DNSSuffix, rs.target, 0), parent, k8s, pulumi.DependsOn([]pulumi.Resource{plugin}))
		if err != nil {
			return nil, err
		}
		stores = append(stores, s)
	}

	// 4. The CAs (pki.go), then the cluster.
	certs, err := buildPKI(ctx, name, pa, parent, k8s)
	if err != nil {
		return nil, err
	}
	cluster, err := crd.Render(ctx, name+"-postgres", cr(crd.KindCluster, ClusterName), clusterSpec(pa, roleARN),
		parent, k8s, pulumi.Protect(pa.Protect), pulumi.RetainOnDelete(pa.Protect),
		// The operator's CRD and webhook first; the plugin and its stores before the first WAL
		// segment is archived; the role before the pods start calling S3; the CAs before the
		// operator looks for them.
		pulumi.DependsOn(append(append(append([]pulumi.Resource{operator, plugin, role, rolePolicy}, stores...), certs.clusterDeps...), pa.ClusterDependsOn...)))
	if err != nil {
		return nil, err
	}
	after := pulumi.DependsOn([]pulumi.Resource{cluster})

	// 5. Metrics of the instances and the pooler, scraped by the Prometheus operator.
	for _, pm := range []struct{ role, labelKey, labelValue string }{
		{"postgres", "cnpg.io/cluster", ClusterName},
		{"pooler", "cnpg.io/poolerName", PoolerName},
	} {
		port := "metrics"
		pmSpec := monitoringv1.PodMonitorSpec{
			Selector: apimetav1.LabelSelector{MatchLabels: map[string]string{pm.labelKey: pm.labelValue}},
			PodMetricsEndpoints: []monitoringv1.PodMetricsEndpoint{{Port: &port, RelabelConfigs: []monitoringv1.RelabelConfig{
				// The alert rules group CloudNativePG's metrics by cluster (infra/monitoring).
				{SourceLabels: []monitoringv1.LabelName{"__meta_kubernetes_pod_label_cnpg_io_cluster"}, TargetLabel: "cluster"},
			}}},
		}
		if _, err := crd.Render(ctx, name+"-podmonitor-"+pm.role, crd.Object{APIVersion: crd.PodMonitorAPIVersion, Kind: monitoringv1.PodMonitorsKind,
			Name: ClusterName + "-" + pm.role, Namespace: ns, Labels: labels}, pmSpec, parent, k8s,
			pulumi.DependsOn(append([]pulumi.Resource{cluster}, pa.DependsOn...))); err != nil {
			return nil, err
		}
	}

	// 6. The pooler, for the clients that authenticate with a password (see poolerSpec).
	if _, err := crd.Render(ctx, name+"-pooler", cr(crd.KindPooler, PoolerName), poolerSpec(pa), parent, k8s, after); err != nil {
		return nil, err
	}

	// 7. A role and a database per service.
	size := pa.sizing()
	out := &Outputs{
		Sizing:            size,
		ClusterName:       ClusterName,
		Namespace:         ns,
		RWHost:            fmt.Sprintf("%s-rw.%s.svc.cluster.local", ClusterName, ns),
		ROHost:            fmt.Sprintf("%s-ro.%s.svc.cluster.local", ClusterName, ns),
		PoolerHost:        fmt.Sprintf("%s.%s.svc.cluster.local", PoolerName, ns),
		ServerCAConfigMap: ServerCAConfigMap,
		Secrets:           map[string]string{},
		SecretNamespaces:  map[string]string{},
		Databases:         map[string]string{},
		PasswordAuth:      map[string]bool{},
	}
	passwords := map[string]bool{}
	for _, svc := range s.PasswordServices {
		passwords[svc] = true
	}
	services := append([]string(nil), pa.Databases...)
	sort.Strings(services)
	if err := certs.serverCAConfigMaps(ctx, name, pa, parent, k8s); err != nil {
		return nil, err
	}
	for _, svc := range services {
		secret, err := serviceRole(ctx, name, pa, svc, passwords[svc], cr, cluster, certs, parent, k8s)
		if err != nil {
			return nil, err
		}
		out.Secrets[svc] = secret
		out.SecretNamespaces[svc] = pa.ServiceNamespaces[svc]
		out.Databases[svc] = roleName(svc)
		out.PasswordAuth[svc] = passwords[svc]
	}

	// 8. The daily base backup (WAL is archived continuously); the first one right away.
	immediate := true
	if _, err := crd.Render(ctx, name+"-scheduled-backup", cr(crd.KindScheduledBackup, ClusterName+"-daily"), crd.ScheduledBackupSpec{
		Schedule:             s.BackupSchedule,
		Immediate:            &immediate,
		Cluster:              crd.LocalObjectReference{Name: ClusterName},
		BackupOwnerReference: crd.BackupOwnerScheduled,
		Method:               crd.BackupMethodPlugin,
		Target:               crd.BackupTargetStandby,
		PluginConfiguration:  &crd.BackupPluginConfiguration{Name: crd.BarmanPluginName},
	}, parent, k8s, after); err != nil {
		return nil, err
	}
	return out, nil
}

// serviceRole declares a service's owner role and database, and puts its credentials in its own
// namespace. The role logs in with a client certificate cert-manager issues there from the client CA
// (Secret <service>-postgres-client), unless the service is listed as password-only: then its
// password lives in Secrets Manager and reaches the operator as a basic-auth Secret in the cluster's
// namespace, and the service as one in its own (<service>-postgres-password). It returns the name of
// the Secret the service's client reads.
func serviceRole(ctx *pulumi.Context, name string, pa *Args, svc string, password bool,
	cr func(kind, objName string) crd.Object, cluster pulumi.Resource, certs *pki, parent, k8s pulumi.ResourceOption) (string, error) {
	role := roleName(svc)
	spec := crd.DatabaseRoleSpec{
		RoleConfiguration: crd.RoleConfiguration{Name: role, Comment: "owner of database " + role + " (service " + svc + ")", Login: true},
		ClusterRef:        crd.LocalObjectReference{Name: ClusterName},
		ReclaimPolicy:     crd.ReclaimRetain,
	}
	deps := []pulumi.Resource{cluster}
	var clientSecret string
	if password {
		operatorSecret := svc + "-password"
		cred, err := credentials.New(ctx, name+"-pg-"+svc, credentials.Args{
			SecretName:  fmt.Sprintf("suoke/%s/postgres/%s", ctx.Stack(), svc),
			Description: "PostgreSQL password of role " + role + " (service " + svc + ")",
			Length:      40,
			// Safe inside a connection URI without escaping.
			AllowedPunctuation: "-_",
			KMSKeyID:           pa.Key.Arn,
			Protect:            pa.Protect,
			Tags:               pa.Tags,
		}, parent)
		if err != nil {
			return "", err
		}
		basicAuth := pulumi.StringMap{"username": pulumi.String(role), "password": cred.Value}
		k8sSecret, err := k8scorev1.NewSecret(ctx, name+"-pg-"+svc+"-password", &k8scorev1.SecretArgs{
			Metadata:   &k8smetav1.ObjectMetaArgs{Name: pulumi.String(operatorSecret), Namespace: pulumi.String(pa.Namespace)},
			Type:       pulumi.String("kubernetes.io/basic-auth"),
			StringData: basicAuth,
		}, parent, k8s)
		if err != nil {
			return "", err
		}
		clientSecret = svc + PasswordSecretSuffix
		if _, err := k8scorev1.NewSecret(ctx, name+"-pg-"+svc+"-client-password", &k8scorev1.SecretArgs{
			Metadata:   &k8smetav1.ObjectMetaArgs{Name: pulumi.String(clientSecret), Namespace: pulumi.String(pa.ServiceNamespaces[svc])},
			Type:       pulumi.String("kubernetes.io/basic-auth"),
			StringData: basicAuth,
		}, parent, k8s, pulumi.DependsOn(pa.ClientDependsOn)); err != nil {
			return "", err
		}
		spec.PasswordSecret = &crd.LocalObjectReference{Name: operatorSecret}
		deps = append(deps, k8sSecret)
	} else {
		// No password at all: pg_hba admits the role by certificate only (clusterSpec).
		spec.DisablePassword = true
		s, err := certs.clientCertificate(ctx, name, svc, pa, parent, k8s)
		if err != nil {
			return "", err
		}
		clientSecret = s
	}
	dbRole, err := crd.Render(ctx, name+"-role-"+svc, cr(crd.KindDatabaseRole, svc), spec, parent, k8s, pulumi.DependsOn(deps))
	if err != nil {
		return "", err
	}
	if _, err := crd.Render(ctx, name+"-db-"+svc, cr(crd.KindDatabase, svc), crd.DatabaseSpec{
		ClusterRef:    crd.LocalObjectReference{Name: ClusterName},
		Name:          role,
		Owner:         role,
		ReclaimPolicy: crd.ReclaimRetain,
	}, parent, k8s, pulumi.DependsOn([]pulumi.Resource{cluster, dbRole})); err != nil {
		return "", err
	}
	return clientSecret, nil
}

// serviceNames are the names a Service answers to inside the cluster.
func serviceNames(svc, ns string) []string {
	return []string{svc, svc + "." + ns, svc + "." + ns + ".svc", svc + "." + ns + ".svc.cluster.local"}
}

func quantity(s string) resource.Quantity { return resource.MustParse(s) }

// OriginStoreName is the ObjectStore of the bootstrap source when it is not the peer (prod-dr: the
// DR region's copy of prod's archive); PeerStoreName the topology peer's live archive.
const (
	OriginStoreName = ClusterName + "-origin"
	PeerStoreName   = ClusterName + "-peer"
	// OriginClusterName names the bootstrap source among the external clusters when it is not the
	// peer (whose topology name is taken by its live archive).
	OriginClusterName = "origin"
)

type readStore struct {
	name   string
	target config.ArchiveTarget
}

// bootstrapSource is what the cluster is created from: the topology's bootstrap, else Restore.
func (pa *Args) bootstrapSource() *config.ArchiveTarget {
	if t := pa.Topology; t != nil {
		return t.Bootstrap
	}
	return pa.Restore
}

// readStores are the ObjectStores of the archives the cluster reads besides its own.
func (pa *Args) readStores() []readStore {
	var out []readStore
	b := pa.bootstrapSource()
	if t := pa.Topology; t != nil {
		out = append(out, readStore{PeerStoreName, t.Peer})
		if b != nil && *b == t.Peer {
			return out
		}
	}
	if b != nil {
		out = append(out, readStore{OriginStoreName, *b})
	}
	return out
}

func barmanExternal(name, store, server string) crd.ExternalCluster {
	return crd.ExternalCluster{Name: name, PluginConfiguration: &crd.PluginConfiguration{Name: crd.BarmanPluginName,
		Parameters: map[string]string{"barmanObjectName": store, "serverName": server}}}
}

// clusterSpec is the CloudNativePG Cluster: instances one per AZ on the database pool, sized from
// the node, synchronous quorum replication, TLS-only access, WAL archived through the plugin.
func clusterSpec(pa *Args, roleARN string) crd.ClusterSpec {
	s := pa.Settings
	size := SizeFor(pa.NodeAllocatable.CPUMilli, pa.NodeAllocatable.MemoryMiB, pa.Headroom, s.MaxConnections)
	yes, no := true, false
	sc := pa.StorageClass
	params := size.Parameters()
	params["archive_timeout"] = fmt.Sprintf("%ds", pa.ArchiveTimeoutSeconds)

	// pg_hba: plain-text connections are refused outright (health data never crosses the network
	// unencrypted); certificate roles may only use their certificate. The operator's own rules (its
	// replication and pooler users) come before ours, and its scram-sha-256 catch-all after.
	hba := []string{"hostnossl all all all reject"}
	passwords := map[string]bool{}
	for _, p := range s.PasswordServices {
		passwords[p] = true
	}
	dbs := append([]string(nil), pa.Databases...)
	sort.Strings(dbs)
	for _, svc := range dbs {
		if !passwords[svc] {
			hba = append(hba, fmt.Sprintf("hostssl %[1]s %[1]s all cert", roleName(svc)))
		}
	}
	cpu := footprint.Resources{CPUMilli: size.CPUMilli, MemoryMiB: size.MemoryMiB}

	spec := crd.ClusterSpec{
		Description: "suoke PostgreSQL: a primary and replicas, one per AZ",
		ImageName:   pa.Registries.Image(pins.Ref(pins.ImagePostgres)),
		Instances:   s.Instances,
		PostgresConfiguration: crd.PostgresConfiguration{
			Parameters: params,
			PgHBA:      hba,
		},
		EnableSuperuserAccess:  &no,
		StorageConfiguration:   crd.StorageConfiguration{StorageClass: &sc, Size: fmt.Sprintf("%dGi", s.StorageGiB), ResizeInUseVolumes: &yes},
		WalStorage:             &crd.StorageConfiguration{StorageClass: &sc, Size: fmt.Sprintf("%dGi", s.WALStorageGiB), ResizeInUseVolumes: &yes},
		ServiceAccountTemplate: &crd.ServiceAccountTemplate{Metadata: crd.Metadata{Annotations: map[string]string{irsaAnnotation: roleARN}}},
		Affinity: crd.AffinityConfiguration{
			EnablePodAntiAffinity: &yes,
			TopologyKey:           ZoneLabel,
			PodAntiAffinityType:   crd.PodAntiAffinityHard,
			NodeSelector:          pa.Database.NodeSelector,
			Tolerations:           pa.Database.Tolerations,
		},
		// Guaranteed QoS: requests equal limits.
		Resources: requirements(cpu, true),
		// Updates roll the replicas, then switch the primary over rather than restarting it in place.
		PrimaryUpdateStrategy: crd.PrimaryUpdateUnsuper,
		PrimaryUpdateMethod:   crd.PrimaryUpdateSwitch,
		EnablePDB:             &yes,
		// Both CAs are ours (pki.go); the operator issues the server certificate from the first, and
		// the replication and pooler certificates from the second. The pooler serves the server
		// certificate to its clients, so its service names must be in it for verify-full.
		Certificates: &crd.CertificatesConfiguration{
			ServerCASecret:    ServerCASecret,
			ClientCASecret:    ClientCASecret,
			ServerAltDNSNames: serviceNames(PoolerName, pa.Namespace),
		},
		Plugins: []crd.PluginConfiguration{{
			Name:          crd.BarmanPluginName,
			IsWALArchiver: &yes,
			Parameters:    map[string]string{"barmanObjectName": ObjectStoreName, "serverName": pa.Archive.ServerName},
		}},
	}
	// Quorum commit: a transaction returns once one of the replicas (any) has it, and writes wait
	// rather than go unreplicated when none is healthy, so losing a zone loses no committed
	// transaction. A single instance has nobody to wait for.
	if s.Instances > 1 {
		spec.PostgresConfiguration.Synchronous = &crd.SynchronousReplicaConfiguration{Method: crd.SyncMethodAny, Number: 1, DataDurability: crd.DurabilityRequired}
	}
	// The distributed topology (CloudNativePG docs replica_cluster.md, "Distributed Topology", at
	// v1.30.0, read 2026-12-02): both clusters list both archives as external clusters, name the
	// same primary, and each names itself (self), since both Clusters are called "postgres". A
	// replica replays the peer's archive, in the peer's region, with restore_command: the peer
	// never waits on it. Changing primary on the primary demotes it (controlled: it archives its
	// last WAL and leaves status.demotionToken); naming itself primary promotes a replica, after
	// replaying to the token's LSN when promotionToken is given, at once (a failover) when not.
	if t := pa.Topology; t != nil {
		spec.ExternalClusters = []crd.ExternalCluster{
			barmanExternal(t.Self, ObjectStoreName, t.Self),
			barmanExternal(t.Peer.ServerName, PeerStoreName, t.Peer.ServerName),
		}
		spec.ReplicaCluster = &crd.ReplicaClusterConfiguration{Self: t.Self, Primary: t.Primary, Source: t.Peer.ServerName, PromotionToken: t.PromotionToken}
	}
	if b := pa.bootstrapSource(); b != nil {
		// Restore the source's base backup and replay its WAL from the object store. The peer's
		// archive is bootstrapped from directly (prod re-cloned from prod-dr); any other source
		// (prod's archive as replicated to the DR region) is an external cluster of its own.
		source := b.ServerName
		if t := pa.Topology; t == nil || *b != t.Peer {
			source = OriginClusterName
			spec.ExternalClusters = append(spec.ExternalClusters, barmanExternal(source, OriginStoreName, b.ServerName))
		}
		spec.Bootstrap = &crd.BootstrapConfiguration{Recovery: &crd.BootstrapRecovery{Source: source}}
	} else {
		spec.Bootstrap = &crd.BootstrapConfiguration{InitDB: &crd.BootstrapInitDB{
			Database: "app", Owner: "app", DataChecksums: &yes, Encoding: "UTF8",
			// The builtin provider's C.UTF-8 does not change with the image's glibc, so an image
			// update cannot silently corrupt text indexes.
			LocaleProvider: "builtin", BuiltinLocale: "C.UTF-8",
		}}
	}
	return spec
}

// objectStoreSpec points the plugin at a bucket. The endpoint is named because the archive may sit
// in the other region of the pair (standby DR), and China's endpoints end in amazonaws.com.cn.
// retentionDays 0 sets no retention policy.
func objectStoreSpec(dnsSuffix string, t config.ArchiveTarget, retentionDays int) crd.ObjectStoreSpec {
	jobs := int32(2)
	spec := crd.ObjectStoreSpec{
		Configuration: crd.BarmanObjectStoreConfiguration{
			AWS:             &crd.S3Credentials{InheritFromIAMRole: true},
			EndpointURL:     "https://s3." + t.Region + "." + dnsSuffix,
			DestinationPath: t.Path(),
			Wal:             &crd.WalBackupConfiguration{Compression: crd.CompressionGzip, MaxParallel: 4},
			Data:            &crd.DataBackupConfiguration{Compression: crd.CompressionGzip, Jobs: &jobs},
		},
		InstanceSidecarConfiguration: crd.InstanceSidecarConfiguration{
			Resources: requirements(footprint.Resources{CPUMilli: SidecarCPUMilli, MemoryMiB: SidecarMemoryMiB}, false),
		},
	}
	if retentionDays > 0 {
		spec.RetentionPolicy = fmt.Sprintf("%dd", retentionDays)
	}
	return spec
}

// poolerSpec is PgBouncer in front of the primary. Its built-in authentication looks passwords up
// in PostgreSQL (auth_query), so it serves the password roles; certificate roles connect to
// postgres-rw directly. Half of max_connections is the pooler's, shared by its pods' pools:
// default_pool_size = (max_connections / 2) / (pods × pools), a pool per password role plus the
// bootstrap app role; at least 5.
func poolerSpec(pa *Args) crd.PoolerSpec {
	s := pa.Settings
	instances := int32(s.PoolerInstances)
	pools := len(s.PasswordServices) + 1
	poolSize := max(5, s.MaxConnections/2/(s.PoolerInstances*pools))
	return crd.PoolerSpec{
		Cluster:   crd.LocalObjectReference{Name: ClusterName},
		Type:      crd.PoolerTypeRW,
		Instances: &instances,
		PgBouncer: &crd.PgBouncerSpec{
			PoolMode: crd.PoolModeTransaction,
			Image:    pa.Registries.Image(pins.Ref(pins.ImagePgBouncer)),
			Parameters: map[string]string{
				"default_pool_size": fmt.Sprint(poolSize),
				"max_client_conn":   "1000",
			},
		},
		Template: &crd.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers:   []corev1.Container{{Name: "pgbouncer", Resources: requirements(poolerResources, false)}},
			NodeSelector: pa.Platform.NodeSelector,
			Tolerations:  pa.Platform.Tolerations,
			TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{
				MaxSkew: 1, TopologyKey: ZoneLabel, WhenUnsatisfiable: corev1.ScheduleAnyway,
				LabelSelector: &apimetav1.LabelSelector{MatchLabels: map[string]string{"cnpg.io/poolerName": PoolerName}},
			}},
		}},
	}
}

// backupRole is the IAM role the cluster's pods (and so the plugin's sidecar in them) assume
// through IRSA to archive WAL and base backups. Its name is fixed so its ARN is known at preview
// and the Cluster's spec never turns unknown.
func backupRole(ctx *pulumi.Context, name string, pa *Args, parent pulumi.ResourceOption) (*iam.Role, *iam.RolePolicy, string, error) {
	env := pa.Env
	roleName := fmt.Sprintf("suoke-%s-postgres-backup", ctx.Stack())
	var reads []config.ArchiveTarget
	for _, rs := range pa.readStores() {
		reads = append(reads, rs.target)
	}
	policy, err := archivePolicy(env.Partition, env.AccountID, env.DNSSuffix, pa.Archive, reads...)
	if err != nil {
		return nil, nil, "", err
	}
	role, rp, err := kitiam.NewServiceAccountRole(ctx, name+"-backup-role", kitiam.ServiceAccountRoleArgs{
		Name:            roleName,
		Description:     "PostgreSQL WAL archive and base backups (Barman Cloud plugin, IRSA)",
		OIDCProviderARN: pa.OIDCProviderARN, OIDCIssuer: pa.OIDCIssuerURL,
		Namespace: pa.Namespace, ServiceAccount: ClusterName,
		Policy: pulumi.String(policy), Tags: tags.Of(pa.Tags, nil),
	}, parent)
	if err != nil {
		return nil, nil, "", err
	}
	return role, rp, env.ARN("iam", "", env.AccountID, "role/"+roleName), nil
}

// archivePolicy grants what barman-cloud needs: list the buckets, write and delete (retention)
// under this stack's server folder, read it and the folders of the archives it reads (bootstrap
// source, topology peer), and use the buckets' default SSE-KMS keys only through S3 and only for
// these buckets' objects (encryption context).
func archivePolicy(partition, account, dnsSuffix string, archive config.ArchiveTarget, reads ...config.ArchiveTarget) (string, error) {
	arn := func(service, region, acct, res string) string {
		return strings.Join([]string{"arn", partition, service, region, acct, res}, ":")
	}
	targets := append([]config.ArchiveTarget{archive}, reads...)
	var buckets, read, viaService, keys, contexts []string
	seen := map[string]bool{}
	for _, t := range targets {
		b := arn("s3", "", "", t.Bucket)
		read = append(read, b+"/"+t.ServerName+"/*")
		if seen[t.Bucket] {
			continue
		}
		seen[t.Bucket] = true
		buckets = append(buckets, b)
		contexts = append(contexts, b, b+"/*")
		viaService = append(viaService, "s3."+t.Region+"."+dnsSuffix)
		keys = append(keys, arn("kms", t.Region, account, "key/*"))
	}
	return kitiam.Document(
		kitiam.Statement{Sid: "List", Effect: "Allow", Action: []string{"s3:ListBucket", "s3:GetBucketLocation"}, Resource: buckets},
		kitiam.Statement{Sid: "Read", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: read},
		// Delete: the retention policy removes expired backups and WAL of this server only.
		kitiam.Statement{Sid: "Write", Effect: "Allow", Action: []string{"s3:PutObject", "s3:DeleteObject"},
			Resource: arn("s3", "", "", archive.Bucket) + "/" + archive.ServerName + "/*"},
		kitiam.Statement{Sid: "BucketKeys", Effect: "Allow", Action: []string{"kms:GenerateDataKey", "kms:Decrypt"}, Resource: keys,
			Condition: map[string]map[string]any{
				"StringEquals": {"kms:ViaService": viaService},
				"StringLike":   {"kms:EncryptionContext:aws:s3:arn": contexts},
			}},
	)
}
