// Package database builds the data tier: PostgreSQL as a CloudNativePG cluster on the database node
// pool (package postgres: operator, plugin, Cluster, pooler, per-service databases and roles,
// backups to S3), and Redis as an ElastiCache replication group in the data subnets (package redis).
// This package is the component that composes them: its Args, their validation, the KMS key both
// share, and the outputs.
package database

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/database/postgres"
	"github.com/suoke-life/suoke-platform/infra/database/redis"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

// Args configures the data tier. The composition fills it from the validated config and from the
// network's and cluster's outputs.
type Args struct {
	// Env is what AWS reports about partition, region and account (ARNs, principals).
	Env *identity.Env
	// AZs are the availability zones, in order; Redis nodes go round-robin over them.
	AZs []string
	// Protect keeps stateful resources through a stray destroy (prod and dr).
	Protect bool
	// Tags are added beside the provider's default tags.
	Tags map[string]string
	// Redis is the ElastiCache replication group. New fills in what the component shares with it
	// (its name, itself as parent, AZs, Protect, Tags, the key).
	Redis redis.Args
	// Postgres is the in-cluster part. Nil until the cluster component provides a Kubernetes
	// provider: the Redis part needs only the network. New fills in what the component shares with it.
	Postgres *postgres.Args
}

// Footprints are what the data tier schedules on the pools, from its Args alone: PostgreSQL's
// (ElastiCache runs no pod). The composition sums them before the cluster is built.
func (a Args) Footprints() []footprint.Footprint {
	if a.Postgres == nil {
		return nil
	}
	return a.Postgres.Footprints()
}

// Validate reports every violation with its field path; config has already validated the values
// it passes, so this guards against a composition mistake.
func (a Args) Validate(path *field.Path, stack string) field.ErrorList {
	var errs field.ErrorList
	if a.Env == nil {
		errs = append(errs, field.Required(path.Child("env"), "the AWS partition, region and account"))
	}
	if len(a.AZs) == 0 {
		errs = append(errs, field.Required(path.Child("azs"), "the availability zones"))
	}
	errs = append(errs, a.Redis.Validate(path.Child("redis"), stack)...)
	if a.Postgres != nil {
		errs = append(errs, a.Postgres.Validate(path.Child("postgres"))...)
	}
	return errs
}
