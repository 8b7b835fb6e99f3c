package database

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/database/postgres"
	"github.com/suoke-life/suoke-platform/infra/database/redis"
	"github.com/suoke-life/suoke-platform/infra/tags"
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
	// RedisAuth is redis.AuthIAM (IAM-authenticated users, no password) or redis.AuthToken (an
	// AUTH token).
	RedisAuth string
	// RedisUsers maps each cache-using service to its ElastiCache user ID (IAM mode).
	RedisUsers map[string]string
	// RedisAuthSecretName is the Secrets Manager secret of the AUTH token (token mode), else empty.
	RedisAuthSecretName pulumi.StringOutput

	// Postgres is set when the in-cluster part was built.
	Postgres *postgres.Outputs
}

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

	// Both parts are children of the component, their names prefixed with its own, and share its key.
	r := args.Redis
	r.Prefix, r.Parent, r.AZs, r.Protect, r.Tags, r.Key = name, d, args.AZs, args.Protect, args.Tags, key
	ro, err := redis.New(ctx, r)
	if err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	d.RedisPrimaryEndpoint, d.RedisReaderEndpoint, d.RedisPort = ro.PrimaryEndpoint, ro.ReaderEndpoint, ro.Port
	d.RedisAuth, d.RedisUsers, d.RedisAuthSecretName = ro.Auth, ro.Users, ro.AuthSecretName
	if args.Postgres != nil {
		pa := *args.Postgres
		pa.Prefix, pa.Parent, pa.Env, pa.Protect, pa.Tags, pa.Key = name, d, args.Env, args.Protect, args.Tags, key
		pg, err := postgres.New(ctx, pa)
		if err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
		d.Postgres = pg
	}
	return nil
}
