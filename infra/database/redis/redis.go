// Package redis builds Redis as an ElastiCache replication group in the data subnets: a primary
// and replicas one per AZ, encrypted at rest with the data tier's key and in transit, with a user per
// cache-using service (IAM authentication) or an AUTH token where the engine has no IAM
// authentication. The data tier component (infra/database) builds it under itself.
package redis

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/credentials"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// Port is the replication group's port (the network's data security group opens it to the node
// groups only).
const Port = 6379

// Redis authentication modes.
const (
	AuthIAM   = "iam"
	AuthToken = "token"
)

// authMode picks IAM authentication where the engine supports it: Redis OSS 7.0 and later and
// every Valkey version ElastiCache offers (ElastiCache "Authenticating with IAM", Limitations, read
// 2026-11-25, on both docs.aws.amazon.com and docs.amazonaws.cn); an AUTH token otherwise.
func authMode(engine config.CacheEngine, version string) string {
	if engine == config.EngineValkey {
		return AuthIAM
	}
	if major, err := strconv.Atoi(strings.SplitN(version, ".", 2)[0]); err == nil && major >= 7 {
		return AuthIAM
	}
	return AuthToken
}

// parameterGroupFamily is the ElastiCache parameter group family of an engine version
// (ElastiCache "Engine specific parameters", read 2026-11-25): redis6.x for 6.2, redis7 for 7.x,
// valkey7 and valkey8 for Valkey.
func parameterGroupFamily(engine config.CacheEngine, version string) (string, error) {
	major, err := strconv.Atoi(strings.SplitN(version, ".", 2)[0])
	if err != nil {
		return "", fmt.Errorf("engine version %q has no major number", version)
	}
	switch {
	case engine == config.EngineRedis && major == 6:
		return "redis6.x", nil
	case engine == config.EngineRedis && major == 7:
		return "redis7", nil
	case engine == config.EngineValkey && (major == 7 || major == 8):
		return fmt.Sprintf("valkey%d", major), nil
	}
	return "", fmt.Errorf("no parameter group family known for %s %s", engine, version)
}

func userID(stack, service string) string { return stack + "-" + service }

// accessString confines a service to its own keys and channels ("<service>:*"), so one
// service can neither read nor flush another's data; dangerous commands (FLUSHALL, CONFIG, DEBUG,
// KEYS, ...) stay off.
func accessString(service string) string {
	return fmt.Sprintf("on ~%[1]s:* &%[1]s:* +@all -@dangerous", service)
}

// FinalSnapshotName names the snapshot ElastiCache takes when it deletes the replication group
// (DeleteReplicationGroup's FinalSnapshotIdentifier). A fixed name such as "suoke-staging-final"
// works once: the next deletion of a rebuilt group fails with SnapshotAlreadyExistsFault ("You
// already have a snapshot with the given name": the errors of DeleteReplicationGroup in the AWS API
// model, as the generated SDK lists them, docs.rs aws-sdk-elasticache
// operation/delete_replication_group DeleteReplicationGroupError; the operation itself,
// docs.amazonaws.cn/AmazonElastiCache/latest/APIReference/API_DeleteReplicationGroup.html; both read
// 2026-12-02), and the destroy stops there.
//
// The name carries the ID AWS assigned to the data tier's KMS key at its creation: the key is
// created in the same build as the group, before it, and encrypts the group and so this very snapshot.
// That makes the name
//   - deterministic across `up`s: the key ID never changes while the key lives (no time, no random
//     value, so a second preview shows no change);
//   - unique per build: a rebuilt stack creates a new key with a new ID; and a group replaced because
//     its key changed (kmsKeyId forces replacement) gets a new name too;
//   - useful: it names the key the snapshot needs to be restored, which must not be deleted first.
//
// The limit: a group replaced twice for another reason within one build (same key) would reuse the
// name; ElastiCache then refuses the second deletion, nothing is lost, and the old snapshot is
// renamed or deleted by hand. finalSnapshotIdentifier is read at deletion only, not a replacement
// trigger (hashicorp/terraform-provider-aws internal/service/elasticache/replication_group.go, schema
// "final_snapshot_identifier": Optional, not ForceNew, read 2026-12-02), so changing it on a deployed
// stack is an in-place state update. The result is letters, digits and single hyphens: a KMS key ID is
// a lower-case UUID.
func FinalSnapshotName(groupID, keyID string) string { return groupID + "-final-" + keyID }

func finalSnapshotName(groupID string, keyID pulumi.StringOutput) pulumi.StringOutput {
	return keyID.ApplyT(func(k string) string { return FinalSnapshotName(groupID, k) }).(pulumi.StringOutput)
}

// Outputs are the replication group's endpoints and how clients authenticate; no secret value.
type Outputs struct {
	// PrimaryEndpoint takes the writes; ReaderEndpoint spreads reads over the replicas.
	PrimaryEndpoint pulumi.StringOutput
	ReaderEndpoint  pulumi.StringOutput
	Port            int
	// Auth is AuthIAM (IAM-authenticated users, no password) or AuthToken (an AUTH token).
	Auth string
	// Users maps each cache-using service to its ElastiCache user ID (IAM mode).
	Users map[string]string
	// AuthSecretName is the Secrets Manager secret of the AUTH token (token mode), else empty.
	AuthSecretName pulumi.StringOutput
}

// New builds the replication group, its subnet and parameter groups, and its users (IAM mode) or
// AUTH token (token mode), as children of Args.Parent.
func New(ctx *pulumi.Context, r Args) (*Outputs, error) {
	name, key := r.Prefix, r.Key
	parent := pulumi.Parent(r.Parent)
	keep := []pulumi.ResourceOption{parent, pulumi.Protect(r.Protect), pulumi.RetainOnDelete(r.Protect)}
	id := "suoke-" + ctx.Stack()

	subnets, err := elasticache.NewSubnetGroup(ctx, name+"-redis", &elasticache.SubnetGroupArgs{
		Name:        pulumi.String(id + "-redis"),
		Description: pulumi.String("Redis in the data subnets, one per AZ"),
		SubnetIds:   r.DataSubnetIDs,
		Tags:        tags.Of(r.Tags, nil),
	}, parent)
	if err != nil {
		return nil, err
	}
	family, err := parameterGroupFamily(r.Engine, r.EngineVersion)
	if err != nil {
		return nil, err
	}
	params, err := elasticache.NewParameterGroup(ctx, name+"-redis", &elasticache.ParameterGroupArgs{
		Name:        pulumi.String(id + "-" + strings.ReplaceAll(family, ".", "-")),
		Family:      pulumi.String(family),
		Description: pulumi.String("suoke " + ctx.Stack() + " Redis"),
		Parameters: elasticache.ParameterGroupParameterArray{
			elasticache.ParameterGroupParameterArgs{Name: pulumi.String("maxmemory-policy"), Value: pulumi.String(r.Settings.MaxmemoryPolicy)},
		},
		Tags: tags.Of(r.Tags, nil),
	}, parent)
	if err != nil {
		return nil, err
	}

	engine := string(r.Engine)
	rg := &elasticache.ReplicationGroupArgs{
		ReplicationGroupId: pulumi.String(id),
		Description:        pulumi.String("suoke " + ctx.Stack() + ": a primary and replicas, one per AZ"),
		Engine:             pulumi.String(engine),
		EngineVersion:      pulumi.String(r.EngineVersion),
		NodeType:           pulumi.String(r.NodeType),
		NumCacheClusters:   pulumi.Int(r.Nodes),
		Port:               pulumi.Int(Port),
		ParameterGroupName: params.Name,
		SubnetGroupName:    subnets.Name,
		SecurityGroupIds:   pulumi.StringArray{r.DataSGID},
		// Failover needs a replica; with one per AZ a zone loss promotes a replica elsewhere.
		AutomaticFailoverEnabled: pulumi.Bool(r.Nodes > 1),
		MultiAzEnabled:           pulumi.Bool(r.Nodes > 1),
		AtRestEncryptionEnabled:  pulumi.Bool(true),
		KmsKeyId:                 key.Arn,
		TransitEncryptionEnabled: pulumi.Bool(true),
		TransitEncryptionMode:    pulumi.String("required"),
		SnapshotRetentionLimit:   pulumi.Int(r.Settings.SnapshotRetentionDays),
		SnapshotWindow:           pulumi.String(r.Settings.SnapshotWindow),
		MaintenanceWindow:        pulumi.String(r.Settings.MaintenanceWindow),
		FinalSnapshotIdentifier:  finalSnapshotName(id, key.KeyId),
		AutoMinorVersionUpgrade:  pulumi.Bool(true),
		Tags:                     tags.Of(r.Tags, nil),
	}
	var azs pulumi.StringArray
	for i := 0; i < r.Nodes; i++ {
		azs = append(azs, pulumi.String(r.AZs[i%len(r.AZs)]))
	}
	rg.PreferredCacheClusterAzs = azs

	out := &Outputs{Auth: authMode(r.Engine, r.EngineVersion), Users: map[string]string{}, Port: Port}
	var deps []pulumi.Resource
	switch out.Auth {
	case AuthIAM:
		group, err := iamUsers(ctx, r, out.Users)
		if err != nil {
			return nil, err
		}
		rg.UserGroupIds = pulumi.StringArray{group.UserGroupId}
		deps = append(deps, group)
		out.AuthSecretName = pulumi.String("").ToStringOutput()
	default:
		token, err := secret(ctx, r, "auth", "auth-token", "AUTH token of the suoke "+ctx.Stack()+" Redis replication group")
		if err != nil {
			return nil, err
		}
		rg.AuthToken = token.Value
		rg.AuthTokenUpdateStrategy = pulumi.String("ROTATE")
		out.AuthSecretName = token.SecretName
	}

	group, err := elasticache.NewReplicationGroup(ctx, name+"-redis", rg, append(keep, pulumi.DependsOn(deps))...)
	if err != nil {
		return nil, err
	}
	out.PrimaryEndpoint, out.ReaderEndpoint = group.PrimaryEndpointAddress, group.ReaderEndpointAddress
	return out, nil
}

// iamUsers creates one IAM-authenticated user per cache-using service and the user group, and
// records each service's user ID in ids. A user group must hold a user named "default"; ours is
// switched off and its password (required for a user that is not IAM-authenticated in a Valkey
// group) is never handed to anyone.
func iamUsers(ctx *pulumi.Context, r Args, ids map[string]string) (*elasticache.UserGroup, error) {
	name := r.Prefix
	parent := pulumi.Parent(r.Parent)
	engine := string(r.Engine)
	id := "suoke-" + ctx.Stack()
	off, err := secret(ctx, r, "default-user", "default-user",
		"Password of the disabled default user of the suoke "+ctx.Stack()+" Redis user group; no client uses it")
	if err != nil {
		return nil, err
	}
	defaultUser, err := elasticache.NewUser(ctx, name+"-redis-user-default", &elasticache.UserArgs{
		UserId:       pulumi.String(id + "-default"),
		UserName:     pulumi.String("default"),
		Engine:       pulumi.String(engine),
		AccessString: pulumi.String("off -@all"),
		AuthenticationMode: &elasticache.UserAuthenticationModeArgs{
			Type:      pulumi.String("password"),
			Passwords: pulumi.StringArray{off.Value},
		},
		Tags: tags.Of(r.Tags, nil),
	}, parent)
	if err != nil {
		return nil, err
	}
	members := pulumi.StringArray{defaultUser.UserId}
	users := append([]string(nil), r.Users...)
	sort.Strings(users)
	for _, svc := range users {
		// An IAM-authenticated user's ID and name must be equal (ElastiCache "Authenticating with IAM").
		uid := userID(ctx.Stack(), svc)
		u, err := elasticache.NewUser(ctx, name+"-redis-user-"+svc, &elasticache.UserArgs{
			UserId:             pulumi.String(uid),
			UserName:           pulumi.String(uid),
			Engine:             pulumi.String(engine),
			AccessString:       pulumi.String(accessString(svc)),
			AuthenticationMode: &elasticache.UserAuthenticationModeArgs{Type: pulumi.String("iam")},
			Tags:               tags.Of(r.Tags, map[string]string{"suoke.life/service": svc}),
		}, parent)
		if err != nil {
			return nil, err
		}
		members = append(members, u.UserId)
		ids[svc] = uid
	}
	return elasticache.NewUserGroup(ctx, name+"-redis-users", &elasticache.UserGroupArgs{
		UserGroupId: pulumi.String(id + "-redis"),
		Engine:      pulumi.String(engine),
		UserIds:     members,
		Tags:        tags.Of(r.Tags, nil),
	}, parent)
}

// secret is a generated password of the group, kept in Secrets Manager as suoke/<stack>/redis/<what>
// (the resource <prefix>-redis-<resource>) under the data tier's key, in the alphabet ElastiCache
// accepts for AUTH tokens and passwords.
func secret(ctx *pulumi.Context, r Args, resource, what, description string) (*credentials.Credential, error) {
	return credentials.New(ctx, r.Prefix+"-redis-"+resource, credentials.Args{
		SecretName:         fmt.Sprintf("suoke/%s/redis/%s", ctx.Stack(), what),
		Description:        description,
		Length:             64,
		AllowedPunctuation: credentials.ElastiCacheAuthTokenPunctuation,
		KMSKeyID:           r.Key.Arn,
		Protect:            r.Protect,
		Tags:               r.Tags,
	}, pulumi.Parent(r.Parent))
}
