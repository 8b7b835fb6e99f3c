package redis

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// Args configures the ElastiCache replication group. The composition fills the engine, sizing and
// network fields from the config and the network's outputs; the data tier component adds what it
// shares with PostgreSQL (Prefix, Parent, AZs, Protect, Tags, Key) and validates the whole
// (Validate) before New runs.
type Args struct {
	// Prefix is the data tier component's name, which every resource's name starts with; Parent is
	// that component.
	Prefix string
	Parent pulumi.Resource
	// AZs are the availability zones, in order; the nodes go round-robin over them.
	AZs []string
	// Protect keeps the replication group through a stray destroy (prod and dr).
	Protect bool
	// Tags are added beside the provider's default tags.
	Tags map[string]string
	// Key is the data tier's KMS key: the nodes and snapshots at rest, and the secrets.
	Key *kms.Key

	Engine        config.CacheEngine
	EngineVersion string
	NodeType      string
	// Nodes is the total node count: a primary and Nodes-1 replicas, spread over the AZs.
	Nodes    int
	Settings config.Redis
	// Users are the services that use the cache; each gets its own IAM-authenticated user where the
	// engine supports IAM authentication.
	Users []string
	// DataSubnetIDs and DataSGID are the network's data subnets and their security group (Redis from
	// the node groups only).
	DataSubnetIDs pulumi.StringArrayInput
	DataSGID      pulumi.StringInput
}

var elasticacheIDPattern = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// MaxUserIDLength is ElastiCache's limit on a user ID (CreateUser API, UserId, read 2026-11-25).
const MaxUserIDLength = 40

// Validate reports every violation of the engine, sizing and network fields with its field path;
// config has already validated the values it passes, so this guards against a composition mistake.
func (a Args) Validate(path *field.Path, stack string) field.ErrorList {
	var errs field.ErrorList
	if a.Nodes < 1 || a.Nodes > 6 {
		errs = append(errs, field.Invalid(path.Child("nodes"), a.Nodes, "must be between 1 and 6"))
	}
	if a.NodeType == "" {
		errs = append(errs, field.Required(path.Child("nodeType"), "resolved by config from the catalog"))
	}
	if _, err := parameterGroupFamily(a.Engine, a.EngineVersion); err != nil {
		errs = append(errs, field.Invalid(path.Child("engineVersion"), a.EngineVersion, err.Error()))
	}
	if a.DataSubnetIDs == nil {
		errs = append(errs, field.Required(path.Child("dataSubnetIds"), "the network's data subnets"))
	}
	if a.DataSGID == nil {
		errs = append(errs, field.Required(path.Child("dataSgId"), "the network's data security group"))
	}
	for i, u := range a.Users {
		id := userID(stack, u)
		if !elasticacheIDPattern.MatchString(id) || len(id) > MaxUserIDLength {
			errs = append(errs, field.Invalid(path.Child("users").Index(i), u,
				fmt.Sprintf("ElastiCache user ID %q must be lower-case letters, digits and hyphens, starting with a letter, at most %d characters", id, MaxUserIDLength)))
		}
	}
	return errs
}
