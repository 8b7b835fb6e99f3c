// Package dbtest is what the data tier packages' tests share: a stack's config parsed the way the
// program parses it, the parts' Args filled from it with stand-ins for the network's and the
// cluster's outputs, and a run under the offline plan's mocks that records the resources.
package dbtest

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/database/postgres"
	"github.com/suoke-life/suoke-platform/infra/database/redis"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Resource types the tests look for.
const (
	TypeCluster      = "kubernetes:postgresql.cnpg.io/v1:Cluster"
	TypeDatabaseRole = "kubernetes:postgresql.cnpg.io/v1:DatabaseRole"
	TypeDatabase     = "kubernetes:postgresql.cnpg.io/v1:Database"
	TypeCertificate  = "kubernetes:cert-manager.io/v1:Certificate"
	TypeObjectStore  = "kubernetes:barmancloud.cnpg.io/v1:ObjectStore"
	TypeRelease      = "kubernetes:helm.sh/v3:Release"
	TypeRG           = "aws:elasticache/replicationGroup:ReplicationGroup"
	TypeUser         = "aws:elasticache/user:User"
	TypeRolePolicy   = "aws:iam/rolePolicy:RolePolicy"
	TypeRole         = "aws:iam/role:Role"
	TypeKey          = "aws:kms/key:Key"
)

const prodMonitoring = `{"receivers": {"oncall": {"webhooks": [{"kind": "dingtalk", "url": "[secret]"}]}}, "deadMansSwitchUrl": "[secret]"}`

// PlatformFor parses a prod stack's config in the region, values changed as given, the way the
// program does.
func PlatformFor(t *testing.T, region string, values map[string]string) *config.Platform {
	t.Helper()
	// Prod and dr must page someone and have a dead man's switch (the monitoring config's rules).
	v := map[string]string{config.KeyEnvironment: "prod", config.KeyProtect: "true", config.KeyMonitoring: prodMonitoring,
		config.KeyCluster: `{"deployerRoles": ["suoke-deploy-prod"]}`}
	if strings.HasPrefix(region, "us-") {
		v[config.KeyDRRegion] = "us-west-2"
	}
	for k, val := range values {
		v[k] = val
	}
	p, err := config.Parse(config.Input{Project: config.Namespace, Stack: "prod", Region: region, Values: v})
	require.NoError(t, err)
	return p
}

// PostgresArgs fill the in-cluster part from a config, a Kubernetes provider and stand-ins for the
// cluster's outputs.
func PostgresArgs(cfg *config.Platform, env *identity.Env, k8s pulumi.ProviderResource) *postgres.Args {
	var dbs []string
	serviceNS := map[string]string{}
	for _, s := range cfg.Services {
		if s.Database {
			dbs = append(dbs, s.Name)
			serviceNS[s.Name] = string(s.Tier)
		}
	}
	dbTol := []corev1.Toleration{{Key: "suoke.life/tier", Operator: corev1.TolerationOpEqual, Value: "database", Effect: corev1.TaintEffectNoSchedule}}
	platformTol := []corev1.Toleration{{Key: "suoke.life/tier", Operator: corev1.TolerationOpEqual, Value: "monitoring", Effect: corev1.TaintEffectNoSchedule}}
	return &postgres.Args{
		KubeProvider:      k8s,
		Namespace:         "data",
		OperatorNamespace: "cnpg-system",
		StorageClass:      "gp3-retain",
		OIDCProviderARN:   pulumi.String(env.ARN("iam", "", env.AccountID, "oidc-provider/oidc.eks."+env.Region+"."+env.DNSSuffix+"/id/ABC")),
		OIDCIssuerURL:     pulumi.String("https://oidc.eks." + env.Region + "." + env.DNSSuffix + "/id/ABC"),
		Registries:        config.Registries{Mode: config.RegistryUpstream}.Resolve(cfg.Region, env.AccountID),
		Database:          postgres.Placement{NodeSelector: map[string]string{"suoke.life/tier": "database"}, Tolerations: dbTol},
		Platform:          postgres.Placement{NodeSelector: map[string]string{"suoke.life/tier": "monitoring"}, Tolerations: platformTol},
		// m6i.2xlarge under the EKS AL2023 reservations (the cluster component's Allocatable).
		NodeAllocatable:       footprint.Resources{CPUMilli: 7910, MemoryMiB: 30136},
		Headroom:              0.20,
		Archive:               config.ArchiveTarget{Bucket: config.BackupBucketName(cfg.BackupFamily(), env.AccountID, env.Region), Region: env.Region, ServerName: cfg.PostgresServerName()},
		ArchiveTimeoutSeconds: 60,
		Settings:              cfg.Data.Postgres,
		Databases:             dbs,
		ServiceNamespaces:     serviceNS,
		CertManagerNamespace:  "cert-manager",
	}
}

// RedisArgs fill the replication group's engine, sizing and network fields from a config and
// stand-ins for the network's outputs.
func RedisArgs(cfg *config.Platform) redis.Args {
	var caches []string
	for _, s := range cfg.Services {
		if s.Cache {
			caches = append(caches, s.Name)
		}
	}
	return redis.Args{
		Engine: cfg.Cache.Engine, EngineVersion: cfg.Cache.EngineVersion, NodeType: cfg.Cache.NodeType, Nodes: cfg.Cache.Nodes,
		Settings: cfg.Data.Redis, Users: caches,
		DataSubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b", "subnet-c"}), DataSGID: pulumi.String("sg-data"),
	}
}

// Tags are the tags the tests hand the parts.
var Tags = map[string]string{"Project": "suoke"}

// Stage is what a test's build gets: the stack's identity as AWS reports it under the mocks, a
// Kubernetes provider, and both providers as an option for the component.
type Stage struct {
	Ctx       *pulumi.Context
	Env       *identity.Env
	K8s       pulumi.ProviderResource
	Providers pulumi.ResourceOption
}

// component stands in for the data tier component in a part's tests.
type component struct{ pulumi.ResourceState }

// Component registers a stand-in for the data tier component (its type and name, the providers)
// and a data key under it, so that a part's resources are named, parented and encrypted as the
// component has them.
func (s Stage) Component() (pulumi.Resource, *kms.Key, error) {
	c := &component{}
	if err := s.Ctx.RegisterComponentResource("suoke:database:Database", "database", c, s.Providers); err != nil {
		return nil, nil, err
	}
	key, err := kms.NewKey(s.Ctx, "database-key", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(true)}, pulumi.Parent(c))
	return c, key, err
}

// Deployed are the resources the mocks recorded.
type Deployed struct {
	Resources []plan.Resource
}

// OfType are the recorded resources of a type.
func (d Deployed) OfType(typ string) []plan.Resource {
	var out []plan.Resource
	for _, r := range d.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// One is the only recorded resource of a type.
func (d Deployed) One(t *testing.T, typ string) plan.Resource {
	t.Helper()
	rs := d.OfType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}

// URNOf is the URN of the recorded resource of that name.
func (d Deployed) URNOf(t *testing.T, name string) string {
	t.Helper()
	for _, r := range d.Resources {
		if r.Name == name {
			return r.URN
		}
	}
	require.Failf(t, "no resource", "%s", name)
	return ""
}

// Deploy runs build under the offline plan's mocks for the config's stack, with an AWS provider in
// its region and a locally built Kubernetes provider.
func Deploy(t *testing.T, cfg *config.Platform, build func(Stage) error) Deployed {
	t.Helper()
	m := plan.NewMocks(cfg.Region)
	m.Project, m.Stack = config.Namespace, cfg.Stack
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		awsProvider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String(cfg.Region.Name)})
		if err != nil {
			return err
		}
		env, err := identity.Lookup(ctx, awsProvider)
		if err != nil {
			return err
		}
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{})
		if err != nil {
			return err
		}
		return build(Stage{Ctx: ctx, Env: env, K8s: k8s, Providers: pulumi.Providers(awsProvider, k8s)})
	}, pulumi.WithMocks(config.Namespace, cfg.Stack, m))
	require.NoError(t, err)
	return Deployed{Resources: m.Resources()}
}

// At reads a nested input.
func At(r plan.Resource, keys ...string) any {
	var cur any = r.Inputs
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}
