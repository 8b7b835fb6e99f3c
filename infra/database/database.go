package database

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/suoke-life/suoke-platform/infra/tags"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Database is the data tier component. Its outputs name endpoints and secrets, never secret values.
type Database struct {
	pulumi.ResourceState

	// KeyARN is the data tier's KMS key (Redis at rest, its Secrets Manager secrets).
	KeyARN pulumi.StringOutput

	// Redis endpoints: the primary for writes, the reader spreading reads over the replicas.
	RedisPrimaryEndpoint pulumi.StringOutput
	RedisReaderEndpoint  pulumi.StringOutput
	RedisPort            int
	// RedisAuth is "iam" (IAM-authenticated users, no password) or "token" (an AUTH token).
	RedisAuth string
	// RedisUsers maps each cache-using service to its ElastiCache user ID (IAM mode).
	RedisUsers map[string]string
	// RedisAuthSecretName is the Secrets Manager secret of the AUTH token (token mode), else empty.
	RedisAuthSecretName pulumi.StringOutput

	// Postgres is set when the in-cluster part was built.
	Postgres *PostgresOutputs
}

// PostgresOutputs are the PostgreSQL service names and the Secrets the services read.
type PostgresOutputs struct {
	// ClusterName is the CloudNativePG Cluster; its services are <name>-rw, -ro and -r.
	ClusterName string
	Namespace   string
	// RWHost, ROHost and PoolerHost are in-cluster DNS names; port 5432 on each.
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

// PostgresPort is PostgreSQL's and the pooler's port.
const PostgresPort = 5432

// New builds the data tier.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Database, error) {
	if errs := args.Validate(field.NewPath("database"), ctx.Stack()); len(errs) > 0 {
		return nil, fmt.Errorf("database: %w", errs.ToAggregate())
	}
	d := &Database{}
	if err := ctx.RegisterComponentResource("suoke:database:Database", name, d, opts...); err != nil {
		return nil, err
	}
	if err := build(ctx, name, args, d); err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	outs := pulumi.Map{
		"redisPrimaryEndpoint": d.RedisPrimaryEndpoint,
		"redisReaderEndpoint":  d.RedisReaderEndpoint,
		"redisPort":            pulumi.Int(d.RedisPort),
	}
	if d.Postgres != nil {
		outs["postgresRwHost"] = pulumi.String(d.Postgres.RWHost)
		outs["postgresPoolerHost"] = pulumi.String(d.Postgres.PoolerHost)
	}
	return d, ctx.RegisterResourceOutputs(d, outs)
}

func build(ctx *pulumi.Context, name string, args Args, d *Database) error {
	parent := pulumi.Parent(d)
	// One key for the tier's data at rest outside the cluster: the Redis nodes and snapshots, and
	// the Secrets Manager secrets. Rotated yearly by KMS; kept (and its deletion window at the
	// maximum) so that snapshots stay readable.
	key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:          pulumi.Sprintf("suoke %s data tier: ElastiCache at rest and its secrets", ctx.Stack()),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Tags:                 tags.Of(args.Tags, nil),
	}, parent, pulumi.Protect(args.Protect), pulumi.RetainOnDelete(args.Protect))
	if err != nil {
		return err
	}
	if _, err := kms.NewAlias(ctx, name+"-key", &kms.AliasArgs{
		Name:        pulumi.Sprintf("alias/suoke-%s-data", ctx.Stack()),
		TargetKeyId: key.KeyId,
	}, parent); err != nil {
		return err
	}
	d.KeyARN = key.Arn

	if err := buildRedis(ctx, name, args, key, d); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	if args.Postgres != nil {
		pg, err := buildPostgres(ctx, name, args, key, d)
		if err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
		d.Postgres = pg
	}
	return nil
}
