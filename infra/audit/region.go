package audit

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

// regional is what one region's part of the baseline hands on.
type regional struct {
	env *identity.Env
	key *kms.Key
	// bucket and bucketReady are the audit bucket (home region only) and what must exist before
	// anything writes to it (its policy, versioning, lock).
	bucket      string
	bucketReady []pulumi.Resource
	topic       pulumi.StringOutput
	rules       []string
}

// region builds one region's part: its key, the audit bucket (home), Config, GuardDuty, Security Hub,
// ECR scanning and the finding rules.
func (b *builder) region(env *identity.Env, home bool) (*regional, error) {
	r := &regional{env: env}
	key, err := b.key(env, home)
	if err != nil {
		return nil, err
	}
	r.key = key
	if home {
		if err := b.bucket(r); err != nil {
			return nil, err
		}
	}
	recorder, err := b.config(r, home)
	if err != nil {
		return nil, fmt.Errorf("audit: AWS Config in %s: %w", env.Region, err)
	}
	if err := b.guardDuty(env); err != nil {
		return nil, fmt.Errorf("audit: GuardDuty in %s: %w", env.Region, err)
	}
	if err := b.securityHub(env, recorder); err != nil {
		return nil, fmt.Errorf("audit: Security Hub in %s: %w", env.Region, err)
	}
	if err := b.ecrScanning(env); err != nil {
		return nil, fmt.Errorf("audit: ECR scanning in %s: %w", env.Region, err)
	}
	if err := b.findings(r); err != nil {
		return nil, fmt.Errorf("audit: finding rules in %s: %w", env.Region, err)
	}
	return r, nil
}

// key is the region's audit key: CloudTrail's log files and the trail's bucket (home), and in every
// region Config's bucket and the findings topic. The key policy gives the account (and so IAM) the
// key, CloudTrail what its documentation asks for, scoped to this account's trails, and EventBridge
// what an encrypted topic needs from the publisher.
func (b *builder) key(env *identity.Env, home bool) (*kms.Key, error) {
	ctx := b.ctx
	events, err := env.ServicePrincipal(ctx, "events")
	if err != nil {
		return nil, err
	}
	statements := []kitiam.Statement{
		{Sid: "Account", Effect: "Allow", Principal: map[string]any{"AWS": env.ARN("iam", "", env.AccountID, "root")},
			Action: "kms:*", Resource: "*"},
		// EventBridge publishes to the encrypted topic, so it must be able to use the topic's key:
		// GenerateDataKey* and Decrypt, the grant the SNS Developer Guide's key-management page gives
		// AWS service event sources (docs.aws.amazon.com/sns/latest/dg/sns-key-management.html; that
		// page was not in the stored corpus on 2026-12-02, so the first up in China is the check: an
		// undelivered finding shows as FailedInvocations of the rule in AWS/Events).
		{Sid: "EventBridgeToEncryptedTopic", Effect: "Allow", Principal: map[string]any{"Service": events},
			Action: []string{"kms:GenerateDataKey*", "kms:Decrypt"}, Resource: "*"},
	}
	if home {
		provided, err := env.ServicePrincipal(ctx, "cloudtrail")
		if err != nil {
			return nil, err
		}
		trail := service(awsfacts.AuditPrincipals(env.Partition, "cloudtrail", provided))
		// CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail" (China edition):
		// GenerateDataKey* for the account's trails by encryption context, DescribeKey.
		statements = append(statements,
			kitiam.Statement{Sid: "CloudTrailEncryptLogs", Effect: "Allow", Principal: trail, Action: "kms:GenerateDataKey*", Resource: "*",
				Condition: map[string]map[string]any{
					"StringLike":   map[string]any{"kms:EncryptionContext:aws:cloudtrail:arn": env.ARN("cloudtrail", "*", env.AccountID, "trail/*")},
					"StringEquals": {"aws:SourceArn": b.trailARN(env)},
				}},
			kitiam.Statement{Sid: "CloudTrailDescribeKey", Effect: "Allow", Principal: trail, Action: "kms:DescribeKey", Resource: "*"},
		)
	}
	keyPolicy, err := kitiam.Document(statements...)
	if err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, b.logical(env, "key"), &kms.KeyArgs{
		Description:       pulumi.String("audit: CloudTrail log files, AWS Config deliveries and security findings (" + env.Region + ")"),
		EnableKeyRotation: pulumi.Bool(true),
		// The longest waiting period KMS allows before deleting a key (ScheduleKeyDeletion: 7 to 30
		// days; AWS KMS API Reference, docs.amazonaws.cn/en_us/kms/latest/APIReference/API_ScheduleKeyDeletion.html):
		// the key is retained anyway, and what it encrypted is the audit record.
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(keyPolicy),
		Tags:                 tierTags(),
	}, b.opts(env)...)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, b.logical(env, "key"), &kms.AliasArgs{
		Name: pulumi.String("alias/" + b.args.Name + "-audit"), TargetKeyId: key.KeyId,
	}, b.opts(env)...); err != nil {
		return nil, err
	}
	return key, nil
}

// trailName is the multi-region trail's name; trailARN its ARN, built rather than read from the trail
// so that the key and bucket policies that the trail needs can name it before it exists.
func (b *builder) trailName() string { return b.args.Name + "-audit" }

func (b *builder) trailARN(home *identity.Env) string {
	return home.ARN("cloudtrail", home.Region, home.AccountID, "trail/"+b.trailName())
}
