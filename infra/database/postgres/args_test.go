package postgres

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
)

type fakeProvider struct{ pulumi.ProviderResourceState }

// validArgs are the in-cluster part as the composition fills it.
func validArgs() Args {
	region, _ := config.LookupRegion("cn-northwest-1")
	return Args{
		KubeProvider: &fakeProvider{}, Namespace: "data", OperatorNamespace: "cnpg-system", StorageClass: "gp3-retain",
		OIDCProviderARN: pulumi.String("arn"), OIDCIssuerURL: pulumi.String("https://oidc"),
		Registries:      config.Registries{}.Resolve(region, "123456789012"),
		Database:        Placement{NodeSelector: map[string]string{"suoke.life/tier": "database"}},
		Platform:        Placement{NodeSelector: map[string]string{"suoke.life/tier": "monitoring"}},
		NodeAllocatable: footprint.Resources{CPUMilli: 7910, MemoryMiB: 30136}, Headroom: 0.2,
		Archive:  config.ArchiveTarget{Bucket: "b", Region: "cn-northwest-1", ServerName: "prod"},
		Settings: config.DefaultPostgres(), Databases: []string{"xiaoai"},
		ServiceNamespaces: map[string]string{"xiaoai": "agents"}, CertManagerNamespace: "cert-manager",
	}
}

// The paths are the component's: it validates this part under database.postgres.
func TestArgsValidate(t *testing.T) {
	path := field.NewPath("database").Child("postgres")
	require.Empty(t, validArgs().Validate(path))
	cases := []struct {
		name  string
		edit  func(*Args)
		field string
		typ   field.ErrorType
	}{
		{"no provider", func(a *Args) { a.KubeProvider = nil }, "database.postgres.kubeProvider", field.ErrorTypeRequired},
		{"namespace", func(a *Args) { a.Namespace = "Data" }, "database.postgres.namespace", field.ErrorTypeInvalid},
		{"cert-manager namespace", func(a *Args) { a.CertManagerNamespace = "" }, "database.postgres.certManagerNamespace", field.ErrorTypeInvalid},
		{"service without namespace", func(a *Args) { a.ServiceNamespaces = nil }, "database.postgres.serviceNamespaces[xiaoai]", field.ErrorTypeInvalid},
		{"credentials beside the CA keys", func(a *Args) { a.ServiceNamespaces["xiaoai"] = "data" }, "database.postgres.serviceNamespaces[xiaoai]", field.ErrorTypeInvalid},
		{"storage class", func(a *Args) { a.StorageClass = "" }, "database.postgres.storageClass", field.ErrorTypeRequired},
		{"oidc", func(a *Args) { a.OIDCIssuerURL = nil }, "database.postgres.oidcProviderArn", field.ErrorTypeRequired},
		{"registries unresolved", func(a *Args) { a.Registries = config.Registries{} }, "database.postgres.registries", field.ErrorTypeRequired},
		{"database pool", func(a *Args) { a.Database.NodeSelector = nil }, "database.postgres.database.nodeSelector", field.ErrorTypeRequired},
		{"platform pool", func(a *Args) { a.Platform.NodeSelector = nil }, "database.postgres.platform.nodeSelector", field.ErrorTypeRequired},
		{"archive", func(a *Args) { a.Archive.Bucket = "" }, "database.postgres.archive", field.ErrorTypeRequired},
		{"archive into the restore source", func(a *Args) {
			r := a.Archive
			a.Restore = &r
		}, "database.postgres.archive.serverName", field.ErrorTypeInvalid},
		{"topology self is not the archive's server", func(a *Args) {
			a.Topology = &config.PostgresTopology{Self: "other", Primary: "other", Peer: config.ArchiveTarget{Bucket: "b", Region: "cn-north-1", ServerName: "dr"}}
		}, "database.postgres.topology.self", field.ErrorTypeInvalid},
		{"topology primary unknown", func(a *Args) {
			a.Topology = &config.PostgresTopology{Self: a.Archive.ServerName, Primary: "staging", Peer: config.ArchiveTarget{Bucket: "b", Region: "cn-north-1", ServerName: "dr"}}
		}, "database.postgres.topology.primary", field.ErrorTypeNotSupported},
		{"replica given a promotion token", func(a *Args) {
			a.Topology = &config.PostgresTopology{Self: a.Archive.ServerName, Primary: "dr", PromotionToken: "eyJ9",
				Peer: config.ArchiveTarget{Bucket: "b", Region: "cn-north-1", ServerName: "dr"}}
		}, "database.postgres.topology.promotionToken", field.ErrorTypeInvalid},
		{"topology and restore", func(a *Args) {
			a.Topology = &config.PostgresTopology{Self: a.Archive.ServerName, Primary: a.Archive.ServerName, Peer: config.ArchiveTarget{Bucket: "b", Region: "cn-north-1", ServerName: "dr"}}
			a.Restore = &config.ArchiveTarget{Bucket: "b", Region: "cn-north-1", ServerName: "dr"}
		}, "database.postgres.restore", field.ErrorTypeForbidden},
		{"headroom", func(a *Args) { a.Headroom = 1 }, "database.postgres.headroom", field.ErrorTypeInvalid},
		{"node too small", func(a *Args) { a.NodeAllocatable = footprint.Resources{CPUMilli: 1000, MemoryMiB: 2000} }, "database.postgres.nodeAllocatable", field.ErrorTypeInvalid},
		{"instances", func(a *Args) { a.Settings.Instances = 0 }, "database.postgres.settings.instances", field.ErrorTypeInvalid},
		{"max connections", func(a *Args) { a.Settings.MaxConnections = 5 }, "database.postgres.settings.maxConnections", field.ErrorTypeInvalid},
		{"database name", func(a *Args) { a.Databases = []string{"Bad_Name"} }, "database.postgres.databases[0]", field.ErrorTypeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			c.edit(&a)
			errs := a.Validate(path)
			var found bool
			for _, e := range errs {
				if e.Field == c.field && e.Type == c.typ {
					found = true
				}
			}
			assert.True(t, found, "no %s at %s in %v", c.typ, c.field, errs)
		})
	}
}

func TestArchivePolicyScopesKeysToTheBuckets(t *testing.T) {
	p, err := archivePolicy("aws-cn", "123456789012", "amazonaws.com.cn",
		config.ArchiveTarget{Bucket: "dr-bucket", Region: "cn-north-1", ServerName: "dr"},
		config.ArchiveTarget{Bucket: "dr-bucket", Region: "cn-north-1", ServerName: "prod"})
	require.NoError(t, err)
	assert.Contains(t, p, `"Resource":"arn:aws-cn:s3:::dr-bucket/dr/*"`, "writes only its own folder")
	assert.Contains(t, p, `"arn:aws-cn:s3:::dr-bucket/prod/*"`, "reads the source's")
	assert.Contains(t, p, `"kms:ViaService":["s3.cn-north-1.amazonaws.com.cn"]`)
	assert.Contains(t, p, `"kms:EncryptionContext:aws:s3:arn"`)
}
