// Package crd is the custom resources PostgreSQL is declared with, as typed structs: CloudNativePG's
// and the Barman Cloud plugin's, written here (cnpg.go), and cert-manager's and prometheus-operator's
// from their upstream modules; and the one way a typed spec becomes a CustomResource (Render), which
// checks that it decodes strictly back into its kind's struct (DecodeSpec).
package crd

import (
	corev1 "k8s.io/api/core/v1"
)

// Our own typed subset of the CloudNativePG API (postgresql.cnpg.io/v1, operator 1.30) and of the
// Barman Cloud plugin's ObjectStore (barmancloud.cnpg.io/v1, plugin 0.13), because their Go modules
// are not served to this project. Field names and JSON tags were read from the upstream API types
// (cloudnative-pg api/v1 at tag v1.30.0: cluster_types.go, pooler_types.go, database_types.go,
// databaserole_types.go, scheduledbackup_types.go, backup_types.go, common_types.go; barman-cloud
// pkg/api/config.go; plugin-barman-cloud api/v1/objectstore_types.go at v0.13.0; read 2026-11-25).
// Only the fields this program sets are declared; every tag is the upstream one. Kubernetes core
// types come from k8s.io/api, the upstream module itself. Whatever reaches a CustomResource passes
// through these structs (render.go), and a test of package postgres decodes every rendered object
// back into them with unknown fields disallowed.

// API groups and kinds.
const (
	CNPGAPIVersion   = "postgresql.cnpg.io/v1"
	BarmanAPIVersion = "barmancloud.cnpg.io/v1"

	KindCluster         = "Cluster"
	KindPooler          = "Pooler"
	KindDatabase        = "Database"
	KindDatabaseRole    = "DatabaseRole"
	KindScheduledBackup = "ScheduledBackup"
	KindObjectStore     = "ObjectStore"
)

// LocalObjectReference names an object in the same namespace (cloudnative-pg/machinery).
type LocalObjectReference struct {
	Name string `json:"name"`
}

// Metadata is CloudNativePG's embedded object metadata (common_types.go Metadata).
type Metadata struct {
	Name        string            `json:"name,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ClusterSpec is the subset of Cluster.spec we set.
type ClusterSpec struct {
	Description string `json:"description,omitempty"`
	ImageName   string `json:"imageName,omitempty"`
	// Instances is required upstream (no omitempty).
	Instances              int                          `json:"instances"`
	PostgresConfiguration  PostgresConfiguration        `json:"postgresql,omitempty"`
	Bootstrap              *BootstrapConfiguration      `json:"bootstrap,omitempty"`
	ReplicaCluster         *ReplicaClusterConfiguration `json:"replica,omitempty"`
	EnableSuperuserAccess  *bool                        `json:"enableSuperuserAccess,omitempty"`
	StorageConfiguration   StorageConfiguration         `json:"storage,omitempty"`
	WalStorage             *StorageConfiguration        `json:"walStorage,omitempty"`
	ServiceAccountTemplate *ServiceAccountTemplate      `json:"serviceAccountTemplate,omitempty"`
	Affinity               AffinityConfiguration        `json:"affinity,omitempty"`
	Resources              corev1.ResourceRequirements  `json:"resources,omitempty"`
	PriorityClassName      string                       `json:"priorityClassName,omitempty"`
	PrimaryUpdateStrategy  string                       `json:"primaryUpdateStrategy,omitempty"`
	PrimaryUpdateMethod    string                       `json:"primaryUpdateMethod,omitempty"`
	Monitoring             *MonitoringConfiguration     `json:"monitoring,omitempty"`
	ExternalClusters       []ExternalCluster            `json:"externalClusters,omitempty"`
	EnablePDB              *bool                        `json:"enablePDB,omitempty"`
	Plugins                []PluginConfiguration        `json:"plugins,omitempty"`
	Certificates           *CertificatesConfiguration   `json:"certificates,omitempty"`
}

// PostgresConfiguration is Cluster.spec.postgresql.
type PostgresConfiguration struct {
	Parameters  map[string]string                `json:"parameters,omitempty"`
	Synchronous *SynchronousReplicaConfiguration `json:"synchronous,omitempty"`
	PgHBA       []string                         `json:"pg_hba,omitempty"`
}

// Synchronous replication methods and durability levels (cluster_types.go).
const (
	SyncMethodAny        = "any"
	SyncMethodFirst      = "first"
	DurabilityRequired   = "required"
	DurabilityPreferred  = "preferred"
	PodAntiAffinityHard  = "required"
	PrimaryUpdateUnsuper = "unsupervised"
	PrimaryUpdateSwitch  = "switchover"
)

// SynchronousReplicaConfiguration is Cluster.spec.postgresql.synchronous.
type SynchronousReplicaConfiguration struct {
	// Method and Number are required upstream.
	Method         string `json:"method"`
	Number         int    `json:"number"`
	DataDurability string `json:"dataDurability,omitempty"`
}

// BootstrapConfiguration is Cluster.spec.bootstrap: initdb for a new cluster, recovery for the DR copy.
type BootstrapConfiguration struct {
	InitDB   *BootstrapInitDB   `json:"initdb,omitempty"`
	Recovery *BootstrapRecovery `json:"recovery,omitempty"`
}

// BootstrapInitDB is Cluster.spec.bootstrap.initdb.
type BootstrapInitDB struct {
	Database       string `json:"database,omitempty"`
	Owner          string `json:"owner,omitempty"`
	DataChecksums  *bool  `json:"dataChecksums,omitempty"`
	Encoding       string `json:"encoding,omitempty"`
	LocaleProvider string `json:"localeProvider,omitempty"`
	BuiltinLocale  string `json:"builtinLocale,omitempty"`
}

// BootstrapRecovery is Cluster.spec.bootstrap.recovery.
type BootstrapRecovery struct {
	Source   string `json:"source,omitempty"`
	Database string `json:"database,omitempty"`
	Owner    string `json:"owner,omitempty"`
}

// ReplicaClusterConfiguration is Cluster.spec.replica. In a distributed topology every cluster
// names the same Primary, and the one whose Self equals it is the primary; the others replay
// Source. PromotionToken (the demoted primary's status.demotionToken) makes a promotion a
// controlled switchover: the operator promotes only after replaying up to the token's LSN.
type ReplicaClusterConfiguration struct {
	Self    string `json:"self,omitempty"`
	Primary string `json:"primary,omitempty"`
	// Source is required upstream: the external cluster to follow.
	Source         string `json:"source"`
	Enabled        *bool  `json:"enabled,omitempty"`
	PromotionToken string `json:"promotionToken,omitempty"`
}

// StorageConfiguration is Cluster.spec.storage and .walStorage.
type StorageConfiguration struct {
	StorageClass       *string `json:"storageClass,omitempty"`
	Size               string  `json:"size,omitempty"`
	ResizeInUseVolumes *bool   `json:"resizeInUseVolumes,omitempty"`
}

// ServiceAccountTemplate is Cluster.spec.serviceAccountTemplate (the IRSA annotation goes here).
type ServiceAccountTemplate struct {
	Metadata Metadata `json:"metadata"`
}

// AffinityConfiguration is Cluster.spec.affinity.
type AffinityConfiguration struct {
	EnablePodAntiAffinity *bool               `json:"enablePodAntiAffinity,omitempty"`
	TopologyKey           string              `json:"topologyKey,omitempty"`
	NodeSelector          map[string]string   `json:"nodeSelector,omitempty"`
	Tolerations           []corev1.Toleration `json:"tolerations,omitempty"`
	PodAntiAffinityType   string              `json:"podAntiAffinityType,omitempty"`
}

// MonitoringConfiguration is Cluster.spec.monitoring. Its enablePodMonitor is deprecated upstream
// ("create a PodMonitor manually"), so the PodMonitor is a resource of its own.
type MonitoringConfiguration struct {
	DisableDefaultQueries *bool `json:"disableDefaultQueries,omitempty"`
}

// ExternalCluster is one entry of Cluster.spec.externalClusters (the DR copy's recovery source).
type ExternalCluster struct {
	Name                string               `json:"name"`
	PluginConfiguration *PluginConfiguration `json:"plugin,omitempty"`
}

// PluginConfiguration is one entry of Cluster.spec.plugins, and ExternalCluster.plugin.
type PluginConfiguration struct {
	Name          string            `json:"name"`
	Enabled       *bool             `json:"enabled,omitempty"`
	IsWALArchiver *bool             `json:"isWALArchiver,omitempty"`
	Parameters    map[string]string `json:"parameters,omitempty"`
}

// PoolerSpec is Pooler.spec.
type PoolerSpec struct {
	Cluster   LocalObjectReference `json:"cluster"`
	Type      string               `json:"type,omitempty"`
	Instances *int32               `json:"instances,omitempty"`
	Template  *PodTemplateSpec     `json:"template,omitempty"`
	// PgBouncer is required upstream (no omitempty).
	PgBouncer *PgBouncerSpec `json:"pgbouncer"`
}

// Pooler types and pool modes (pooler_types.go).
const (
	PoolerTypeRW        = "rw"
	PoolModeTransaction = "transaction"
	PoolModeSession     = "session"
)

// PodTemplateSpec is CloudNativePG's pod template (pooler_types.go).
type PodTemplateSpec struct {
	ObjectMeta Metadata       `json:"metadata,omitempty"`
	Spec       corev1.PodSpec `json:"spec,omitempty"`
}

// PgBouncerSpec is Pooler.spec.pgbouncer.
type PgBouncerSpec struct {
	PoolMode   string            `json:"poolMode,omitempty"`
	Parameters map[string]string `json:"parameters,omitempty"`
	Image      string            `json:"image,omitempty"`
}

// DatabaseSpec is Database.spec.
type DatabaseSpec struct {
	ClusterRef LocalObjectReference `json:"cluster"`
	// Name and Owner are required upstream.
	Name          string `json:"name"`
	Owner         string `json:"owner"`
	Encoding      string `json:"encoding,omitempty"`
	ReclaimPolicy string `json:"databaseReclaimPolicy,omitempty"`
}

// Reclaim policies of Database and DatabaseRole: retain keeps the PostgreSQL object when the
// Kubernetes resource goes (a renamed service must not drop its data).
const ReclaimRetain = "retain"

// DatabaseRoleSpec is DatabaseRole.spec (CloudNativePG 1.30): a RoleConfiguration inlined, plus the
// cluster, reclaim policy and client certificate.
type DatabaseRoleSpec struct {
	RoleConfiguration `json:",inline"`
	ClusterRef        LocalObjectReference            `json:"cluster"`
	ReclaimPolicy     string                          `json:"databaseRoleReclaimPolicy,omitempty"`
	ClientCertificate *ClientCertificateConfiguration `json:"clientCertificate,omitempty"`
}

// RoleConfiguration is a PostgreSQL role (cluster_types.go RoleConfiguration).
type RoleConfiguration struct {
	Name            string                `json:"name"`
	Comment         string                `json:"comment,omitempty"`
	PasswordSecret  *LocalObjectReference `json:"passwordSecret,omitempty"`
	ConnectionLimit int64                 `json:"connectionLimit,omitempty"`
	InRoles         []string              `json:"inRoles,omitempty"`
	DisablePassword bool                  `json:"disablePassword,omitempty"`
	Superuser       bool                  `json:"superuser,omitempty"`
	CreateDB        bool                  `json:"createdb,omitempty"`
	CreateRole      bool                  `json:"createrole,omitempty"`
	Login           bool                  `json:"login,omitempty"`
	Replication     bool                  `json:"replication,omitempty"`
	BypassRLS       bool                  `json:"bypassrls,omitempty"`
}

// CertificatesConfiguration is Cluster.spec.certificates (api/v1/cluster_types.go
// CertificatesConfiguration at v1.30.0): with ServerCASecret and ClientCASecret holding both ca.crt and
// ca.key, the operator still issues and renews the server certificate, the streaming_replica one and
// the pooler's from them (internal/controller/cluster_pki.go, cluster_create.go reconcilePoolerSecrets).
type CertificatesConfiguration struct {
	ServerCASecret       string   `json:"serverCASecret,omitempty"`
	ServerTLSSecret      string   `json:"serverTLSSecret,omitempty"`
	ClientCASecret       string   `json:"clientCASecret,omitempty"`
	ReplicationTLSSecret string   `json:"replicationTLSSecret,omitempty"`
	ServerAltDNSNames    []string `json:"serverAltDNSNames,omitempty"`
}

// ClientCertificateConfiguration is DatabaseRole.spec.clientCertificate: the operator issues and
// renews a TLS client certificate in the Secret "<databaserole-name>-client-cert", in the cluster's
// namespace, and only from a client CA whose ca.key it holds (databaserole_pki.go). Unused here:
// services' certificates must be in their own namespaces (pki.go).
type ClientCertificateConfiguration struct {
	Enabled *bool `json:"enabled,omitempty"`
}

// ScheduledBackupSpec is ScheduledBackup.spec.
type ScheduledBackupSpec struct {
	Suspend              *bool                      `json:"suspend,omitempty"`
	Immediate            *bool                      `json:"immediate,omitempty"`
	Schedule             string                     `json:"schedule"`
	Cluster              LocalObjectReference       `json:"cluster"`
	BackupOwnerReference string                     `json:"backupOwnerReference,omitempty"`
	Target               string                     `json:"target,omitempty"`
	Method               string                     `json:"method,omitempty"`
	PluginConfiguration  *BackupPluginConfiguration `json:"pluginConfiguration,omitempty"`
}

// Backup methods and targets (backup_types.go, cluster_types.go).
const (
	BackupMethodPlugin   = "plugin"
	BackupTargetStandby  = "prefer-standby"
	BackupOwnerScheduled = "self"
)

// BackupPluginConfiguration is ScheduledBackup.spec.pluginConfiguration.
type BackupPluginConfiguration struct {
	Name       string            `json:"name"`
	Parameters map[string]string `json:"parameters,omitempty"`
}

// ObjectStoreSpec is the Barman Cloud plugin's ObjectStore.spec.
type ObjectStoreSpec struct {
	Configuration                BarmanObjectStoreConfiguration `json:"configuration"`
	RetentionPolicy              string                         `json:"retentionPolicy,omitempty"`
	InstanceSidecarConfiguration InstanceSidecarConfiguration   `json:"instanceSidecarConfiguration,omitempty"`
}

// BarmanObjectStoreConfiguration is barman-cloud's object store configuration (pkg/api). The S3
// credentials are inlined upstream (BarmanCredentials); we only ever use IRSA.
type BarmanObjectStoreConfiguration struct {
	AWS             *S3Credentials           `json:"s3Credentials,omitempty"`
	EndpointURL     string                   `json:"endpointURL,omitempty"`
	DestinationPath string                   `json:"destinationPath"`
	Wal             *WalBackupConfiguration  `json:"wal,omitempty"`
	Data            *DataBackupConfiguration `json:"data,omitempty"`
	Tags            map[string]string        `json:"tags,omitempty"`
}

// S3Credentials: inheritFromIAMRole takes credentials from the pod's IAM role (IRSA). The plugin
// does not support EKS Pod Identity.
type S3Credentials struct {
	InheritFromIAMRole bool `json:"inheritFromIAMRole,omitempty"`
}

// Compression of WAL and base backups; encryption is the bucket's default SSE-KMS (ours never sets
// the encryption field, which would force a choice the bucket already makes).
const CompressionGzip = "gzip"

// WalBackupConfiguration is the ObjectStore's configuration.wal.
type WalBackupConfiguration struct {
	Compression string `json:"compression,omitempty"`
	Encryption  string `json:"encryption,omitempty"`
	MaxParallel int    `json:"maxParallel,omitempty"`
}

// DataBackupConfiguration is the ObjectStore's configuration.data.
type DataBackupConfiguration struct {
	Compression string `json:"compression,omitempty"`
	Encryption  string `json:"encryption,omitempty"`
	Jobs        *int32 `json:"jobs,omitempty"`
}

// InstanceSidecarConfiguration is the ObjectStore's instanceSidecarConfiguration: the plugin's
// sidecar in every PostgreSQL pod.
type InstanceSidecarConfiguration struct {
	RetentionPolicyIntervalSeconds int                         `json:"retentionPolicyIntervalSeconds,omitempty"`
	Resources                      corev1.ResourceRequirements `json:"resources,omitempty"`
}

// BarmanPluginName is the plugin's name in Cluster.spec.plugins (plugin-barman-cloud docs "Usage").
const BarmanPluginName = "barman-cloud.cloudnative-pg.io"
