package audit

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// BucketName is an audit bucket's name (kind "audit" for CloudTrail, "config" for AWS Config): unique
// in the partition through the account and region.
func BucketName(name, kind, accountID, region string) string {
	return fmt.Sprintf("%s-%s-%s-%s", name, kind, accountID, region)
}

// bucket is the trail's bucket in the home region: locked (COMPLIANCE, LockDays), and only this
// account's trail may write, as the CloudTrail User Guide's bucket policy (China edition) has it:
// GetBucketAcl on the bucket and PutObject under AWSLogs/<account>/ with bucket-owner-full-control,
// each limited to this trail by aws:SourceArn. CloudTrail into an object-locked bucket is common
// practice (Cloud Posse's cloudtrail-s3-bucket module offers it: docs.cloudposse.com/modules/library/
// aws/cloudtrail-s3-bucket, read 2026-12-02); no AWS statement against it was found, unlike AWS
// Config's (configBucket).
func (b *builder) bucket(r *regional) error {
	env := r.env
	provided, err := env.ServicePrincipal(b.ctx, "cloudtrail")
	if err != nil {
		return err
	}
	trail := service(awsfacts.AuditPrincipals(env.Partition, "cloudtrail", provided))
	name := BucketName(b.args.Name, "audit", env.AccountID, env.Region)
	arn := env.ARN("s3", "", "", name)
	sourceArn := map[string]any{"aws:SourceArn": b.trailARN(env)}
	ready, err := b.newBucket(env, r.key, "bucket", name, BucketRole, true,
		kitiam.Statement{Sid: "AWSCloudTrailAclCheck", Effect: "Allow", Principal: trail, Action: "s3:GetBucketAcl",
			Resource: arn, Condition: map[string]map[string]any{"StringEquals": sourceArn}},
		kitiam.Statement{Sid: "AWSCloudTrailWrite", Effect: "Allow", Principal: trail, Action: "s3:PutObject",
			Resource: arn + "/AWSLogs/" + env.AccountID + "/*",
			Condition: map[string]map[string]any{"StringEquals": {
				"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": b.trailARN(env)}}},
	)
	r.bucket, r.bucketReady = name, ready
	return err
}

// configBucket is the region's bucket for AWS Config. Not the trail's: Config does not deliver to a
// bucket with object lock, and in China (Beijing) only to a bucket in Beijing (AWS Config API
// Reference, China edition, PutDeliveryChannel: "Delivery channel cannot be cross-Region for the China
// (Beijing) Region"; CloudFormation AWS::Config::DeliveryChannel, China edition: "does not support the
// delivery channel to an Amazon S3 bucket where object lock is enabled"; read 2026-12-02). Config
// writes through its role (configRoleARN), so the bucket policy only denies non-TLS requests.
func (b *builder) configBucket(r *regional) (string, []pulumi.Resource, error) {
	env := r.env
	name := BucketName(b.args.Name, "config", env.AccountID, env.Region)
	ready, err := b.newBucket(env, r.key, "config-bucket", name, "config", false)
	return name, ready, err
}

// newBucket makes a versioned bucket with SSE-KMS under key, all public access blocked, a policy that
// denies non-TLS requests (and allows what statements add), expiry after ExpireDays, and with lock a
// default COMPLIANCE retention of LockDays. It returns what must exist before anything writes to it.
func (b *builder) newBucket(env *identity.Env, key *kms.Key, what, name, role string, lock bool, statements ...kitiam.Statement) ([]pulumi.Resource, error) {
	ctx := b.ctx
	n := b.logical(env, what)
	bucket, err := s3.NewBucketV2(ctx, n, &s3.BucketV2Args{
		Bucket: pulumi.String(name), ObjectLockEnabled: pulumi.Bool(lock),
		Tags: tierTags(tags.BucketRole, role),
	}, b.opts(env)...)
	if err != nil {
		return nil, err
	}
	o := b.opts(env)
	if _, err := s3.NewBucketOwnershipControls(ctx, n, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(), Rule: &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, o...); err != nil {
		return nil, err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, n, &s3.BucketPublicAccessBlockArgs{
		Bucket: bucket.ID(), BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, o...)
	if err != nil {
		return nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, n, &s3.BucketVersioningV2Args{
		Bucket: bucket.ID(), VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, o...)
	if err != nil {
		return nil, err
	}
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, n, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: key.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, o...)
	if err != nil {
		return nil, err
	}
	ready := []pulumi.Resource{bucket, versioning, sse}
	lifecycleAfter := []pulumi.Resource{versioning}
	if lock {
		l, err := s3.NewBucketObjectLockConfigurationV2(ctx, n, &s3.BucketObjectLockConfigurationV2Args{
			Bucket: bucket.ID(),
			Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
				Mode: pulumi.String(LockMode), Days: pulumi.Int(LockDays),
			}},
		}, append(o, pulumi.DependsOn([]pulumi.Resource{versioning}))...)
		if err != nil {
			return nil, err
		}
		ready, lifecycleAfter = append(ready, l), append(lifecycleAfter, l)
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, n, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("expire-after-retention"), Status: pulumi.String("Enabled"),
			Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(ExpireDays)},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(1),
			},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(7),
			},
		}},
	}, append(o, pulumi.DependsOn(lifecycleAfter))...); err != nil {
		return nil, err
	}
	arn := env.ARN("s3", "", "", name)
	all := append([]kitiam.Statement{{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
		Resource:  []string{arn, arn + "/*"},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}}}}, statements...)
	policy, err := kitiam.Document(all...)
	if err != nil {
		return nil, err
	}
	bp, err := s3.NewBucketPolicy(ctx, n, &s3.BucketPolicyArgs{Bucket: bucket.ID(), Policy: pulumi.String(policy)},
		append(o, pulumi.DependsOn([]pulumi.Resource{pab}))...)
	if err != nil {
		return nil, err
	}
	return append(ready, bp), nil
}

// trail is the account's one trail: multi-region (CloudFront's events arrive only in cn-northwest-1
// since 2021-11-22, awsfacts.CloudTrailChina), global service events included, log file validation,
// SSE-KMS with the audit key, into the locked bucket and into CloudWatch Logs (LogRetentionDays) for
// queries and alerting.
func (b *builder) trail(home *regional) (pulumi.StringOutput, error) {
	ctx, env := b.ctx, home.env
	logName := "/" + b.args.Name + "/audit/cloudtrail"
	group, err := cloudwatch.NewLogGroup(ctx, b.logical(env, "trail"), &cloudwatch.LogGroupArgs{
		Name: pulumi.String(logName), RetentionInDays: pulumi.Int(LogRetentionDays), Tags: tierTags(),
	}, b.opts(env)...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	provided, err := env.ServicePrincipal(ctx, "cloudtrail")
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	principals := awsfacts.AuditPrincipals(env.Partition, "cloudtrail", provided)
	// CloudTrail User Guide, "Sending events to CloudWatch Logs": a role CloudTrail assumes, allowed
	// CreateLogStream and PutLogEvents on the group's streams.
	trust, err := kitiam.Document(kitiam.Statement{Effect: "Allow", Principal: service(principals),
		Action: "sts:AssumeRole", Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.AccountID}}})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	streams := env.ARN("logs", env.Region, env.AccountID, "log-group:"+logName+":log-stream:*")
	logsPolicy, err := kitiam.Document(kitiam.Statement{Effect: "Allow",
		Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: streams})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	role, err := iam.NewRole(ctx, b.logical(env, "trail-logs"), &iam.RoleArgs{
		Name:             pulumi.String(b.args.Name + "-audit-trail-logs"),
		AssumeRolePolicy: pulumi.String(trust),
		Description:      pulumi.String("CloudTrail delivery of the audit trail to CloudWatch Logs"),
	}, b.opts(env)...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	rp, err := iam.NewRolePolicy(ctx, b.logical(env, "trail-logs"), &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: pulumi.String(logsPolicy),
	}, b.opts(env)...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	t, err := cloudtrail.NewTrail(ctx, b.logical(env, "trail"), &cloudtrail.TrailArgs{
		Name:                       pulumi.String(b.trailName()),
		S3BucketName:               pulumi.String(home.bucket),
		KmsKeyId:                   home.key.Arn,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		CloudWatchLogsGroupArn:     pulumi.Sprintf("%s:*", group.Arn),
		CloudWatchLogsRoleArn:      role.Arn,
		Tags:                       tierTags(),
	}, b.opts(env, pulumi.DependsOn(append([]pulumi.Resource{rp}, home.bucketReady...)))...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return t.Arn, nil
}
