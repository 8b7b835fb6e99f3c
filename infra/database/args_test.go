package database

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

type fakeProvider struct{ pulumi.ProviderResourceState }

func validArgs() Args {
	region, _ := config.LookupRegion("cn-northwest-1")
	return Args{
		Env: &identity.Env{Partition: "aws-cn", Region: "cn-northwest-1", AccountID: "123456789012", DNSSuffix: "amazonaws.com.cn"},
		AZs: region.AZs,
		Redis: RedisArgs{Engine: config.EngineRedis, EngineVersion: "7.1", NodeType: "cache.r6g.xlarge", Nodes: 3,
			Settings: config.DefaultRedis(), Users: []string{"xiaoai"},
			DataSubnetIDs: pulumi.StringArray{pulumi.String("subnet-a")}, DataSGID: pulumi.String("sg-data")},
		Postgres: &PostgresArgs{
			KubeProvider: &fakeProvider{}, Namespace: "data", OperatorNamespace: "cnpg-system", StorageClass: "gp3-retain",
			OIDCProviderARN: pulumi.String("arn"), OIDCIssuerURL: pulumi.String("https://oidc"),
			Registries:      config.Registries{}.Resolve(region, "123456789012"),
			Database:        Placement{NodeSelector: map[string]string{"suoke.life/tier": "database"}},
			Platform:        Placement{NodeSelector: map[string]string{"suoke.life/tier": "monitoring"}},
			NodeAllocatable: Resources{CPUMilli: 7910, MemoryMiB: 30136}, Headroom: 0.2,
			Archive:  config.ArchiveTarget{Bucket: "b", Region: "cn-northwest-1", ServerName: "prod"},
			Settings: config.DefaultPostgres(), Databases: []string{"xiaoai"},
			ServiceNamespaces: map[string]string{"xiaoai": "agents"}, CertManagerNamespace: "cert-manager",
		},
	}
}

func TestArgsValidate(t *testing.T) {
	require.Empty(t, validArgs().Validate(field.NewPath("database"), "prod"))
	cases := []struct {
		name  string
		edit  func(*Args)
		field string
		typ   field.ErrorType
	}{
		{"no env", func(a *Args) { a.Env = nil }, "database.env", field.ErrorTypeRequired},
		{"no AZs", func(a *Args) { a.AZs = nil }, "database.azs", field.ErrorTypeRequired},
		{"redis nodes", func(a *Args) { a.Redis.Nodes = 0 }, "database.redis.nodes", field.ErrorTypeInvalid},
		{"redis node type", func(a *Args) { a.Redis.NodeType = "" }, "database.redis.nodeType", field.ErrorTypeRequired},
		{"redis version", func(a *Args) { a.Redis.EngineVersion = "5.0" }, "database.redis.engineVersion", field.ErrorTypeInvalid},
		{"redis subnets", func(a *Args) { a.Redis.DataSubnetIDs = nil }, "database.redis.dataSubnetIds", field.ErrorTypeRequired},
		{"redis sg", func(a *Args) { a.Redis.DataSGID = nil }, "database.redis.dataSgId", field.ErrorTypeRequired},
		{"redis user too long", func(a *Args) { a.Redis.Users = []string{strings.Repeat("a", 40)} }, "database.redis.users[0]", field.ErrorTypeInvalid},
		{"no provider", func(a *Args) { a.Postgres.KubeProvider = nil }, "database.postgres.kubeProvider", field.ErrorTypeRequired},
		{"namespace", func(a *Args) { a.Postgres.Namespace = "Data" }, "database.postgres.namespace", field.ErrorTypeInvalid},
		{"cert-manager namespace", func(a *Args) { a.Postgres.CertManagerNamespace = "" }, "database.postgres.certManagerNamespace", field.ErrorTypeInvalid},
		{"service without namespace", func(a *Args) { a.Postgres.ServiceNamespaces = nil }, "database.postgres.serviceNamespaces[xiaoai]", field.ErrorTypeInvalid},
		{"credentials beside the CA keys", func(a *Args) { a.Postgres.ServiceNamespaces["xiaoai"] = "data" }, "database.postgres.serviceNamespaces[xiaoai]", field.ErrorTypeInvalid},
		{"storage class", func(a *Args) { a.Postgres.StorageClass = "" }, "database.postgres.storageClass", field.ErrorTypeRequired},
		{"oidc", func(a *Args) { a.Postgres.OIDCIssuerURL = nil }, "database.postgres.oidcProviderArn", field.ErrorTypeRequired},
		{"registries unresolved", func(a *Args) { a.Postgres.Registries = config.Registries{} }, "database.postgres.registries", field.ErrorTypeRequired},
		{"database pool", func(a *Args) { a.Postgres.Database.NodeSelector = nil }, "database.postgres.database.nodeSelector", field.ErrorTypeRequired},
		{"platform pool", func(a *Args) { a.Postgres.Platform.NodeSelector = nil }, "database.postgres.platform.nodeSelector", field.ErrorTypeRequired},
		{"archive", func(a *Args) { a.Postgres.Archive.Bucket = "" }, "database.postgres.archive", field.ErrorTypeRequired},
		{"archive into the restore source", func(a *Args) {
			r := a.Postgres.Archive
			a.Postgres.Restore = &r
		}, "database.postgres.archive.serverName", field.ErrorTypeInvalid},
		{"topology self is not the archive's server", func(a *Args) {
			a.Postgres.Topology = &config.PostgresTopology{Self: "other", Primary: "other", Peer: config.ArchiveTarget{Bucket: "b", Region: "cn-north-1", ServerName: "dr"}}
		}, "database.postgres.topology.self", field.ErrorTypeInvalid},
		{"topology primary unknown", func(a *Args) {
			a.Postgres.Topology = &config.PostgresTopology{Self: a.Postgres.Archive.ServerName, Primary: "staging", Peer: config.ArchiveTarget{Bucket: "b", Region: "cn-north-1", ServerName: "dr"}}
		}, "database.postgres.topology.primary", field.ErrorTypeNotSupported},
		{"replica given a promotion token", func(a *Args) {
			a.Postgres.Topology = &config.PostgresTopology{Self: a.Postgres.Archive.ServerName, Primary: "dr", PromotionToken: "eyJ9",
				Peer: config.ArchiveTarget{Bucket: "b", Region: "cn-north-1", ServerName: "dr"}}
		}, "database.postgres.topology.promotionToken", field.ErrorTypeInvalid},
		{"topology and restore", func(a *Args) {
			a.Postgres.Topology = &config.PostgresTopology{Self: a.Postgres.Archive.ServerName, Primary: a.Postgres.Archive.ServerName, Peer: config.ArchiveTarget{Bucket: "b", Region: "cn-north-1", ServerName: "dr"}}
			a.Postgres.Restore = &config.ArchiveTarget{Bucket: "b", Region: "cn-north-1", ServerName: "dr"}
		}, "database.postgres.restore", field.ErrorTypeForbidden},
		{"headroom", func(a *Args) { a.Postgres.Headroom = 1 }, "database.postgres.headroom", field.ErrorTypeInvalid},
		{"node too small", func(a *Args) { a.Postgres.NodeAllocatable = Resources{CPUMilli: 1000, MemoryMiB: 2000} }, "database.postgres.nodeAllocatable", field.ErrorTypeInvalid},
		{"instances", func(a *Args) { a.Postgres.Settings.Instances = 0 }, "database.postgres.settings.instances", field.ErrorTypeInvalid},
		{"max connections", func(a *Args) { a.Postgres.Settings.MaxConnections = 5 }, "database.postgres.settings.maxConnections", field.ErrorTypeInvalid},
		{"database name", func(a *Args) { a.Postgres.Databases = []string{"Bad_Name"} }, "database.postgres.databases[0]", field.ErrorTypeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			pg := *a.Postgres
			a.Postgres = &pg
			c.edit(&a)
			errs := a.Validate(field.NewPath("database"), "prod")
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

func TestRedisAuthAndFamily(t *testing.T) {
	assert.Equal(t, AuthIAM, redisAuthMode(config.EngineRedis, "7.1"))
	assert.Equal(t, AuthIAM, redisAuthMode(config.EngineValkey, "8.0"))
	assert.Equal(t, AuthToken, redisAuthMode(config.EngineRedis, "6.2"))
	for _, c := range []struct {
		engine  config.CacheEngine
		version string
		family  string
	}{{config.EngineRedis, "6.2", "redis6.x"}, {config.EngineRedis, "7.0", "redis7"}, {config.EngineValkey, "7.2", "valkey7"}, {config.EngineValkey, "8.0", "valkey8"}} {
		f, err := parameterGroupFamily(c.engine, c.version)
		require.NoError(t, err)
		assert.Equal(t, c.family, f)
	}
	_, err := parameterGroupFamily(config.EngineRedis, "x")
	assert.Error(t, err)
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
