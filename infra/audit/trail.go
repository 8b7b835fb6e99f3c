package audit

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
)

// BucketName is the audit bucket's name: unique in the partition through the account and region.
func BucketName(name, accountID, region string) string {
	return fmt.Sprintf("%s-audit-%s-%s", name, accountID, region)
}

// bucket is the audit bucket in the home region: object lock (COMPLIANCE, LockDays) on a versioned
// bucket, SSE-KMS with the audit key, all public access blocked, a policy that denies non-TLS requests
// and lets only this account's trail write, expiry after the lock.
func (b *builder) bucket(r *regional) error {
	ctx, env := b.ctx, r.env
	name := BucketName(b.args.Name, env.AccountID, env.Region)
	n := b.logical(env, "bucket")
	bucket, err := s3.NewBucketV2(ctx, n, &s3.BucketV2Args{
		Bucket: pulumi.String(name), ObjectLockEnabled: pulumi.Bool(true),
		Tags: tierTags("suoke.life/bucket-role", BucketRole),
	}, b.opts(env)...)
	if err != nil {
		return err
	}
	o := b.opts(env)
	if _, err := s3.NewBucketOwnershipControls(ctx, n, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(), Rule: &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, o...); err != nil {
		return err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, n, &s3.BucketPublicAccessBlockArgs{
		Bucket: bucket.ID(), BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, o...)
	if err != nil {
		return err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, n, &s3.BucketVersioningV2Args{
		Bucket: bucket.ID(), VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, o...)
	if err != nil {
		return err
	}
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, n, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: r.key.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, o...)
	if err != nil {
		return err
	}
	lock, err := s3.NewBucketObjectLockConfigurationV2(ctx, n, &s3.BucketObjectLockConfigurationV2Args{
		Bucket: bucket.ID(),
		Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
			Mode: pulumi.String(LockMode), Days: pulumi.Int(LockDays),
		}},
	}, append(o, pulumi.DependsOn([]pulumi.Resource{versioning}))...)
	if err != nil {
		return err
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
	}, append(o, pulumi.DependsOn([]pulumi.Resource{versioning, lock}))...); err != nil {
		return err
	}
	provided, err := env.ServicePrincipal(ctx, "cloudtrail")
	if err != nil {
		return err
	}
	trail := service(awsfacts.AuditPrincipals(env.Partition, "cloudtrail", provided))
	arn := env.ARN("s3", "", "", name)
	sourceArn := map[string]any{"aws:SourceArn": b.trailARN(env)}
	// CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail" (China edition): GetBucketAcl
	// on the bucket and PutObject under AWSLogs/<account>/ with bucket-owner-full-control, each
	// limited to this trail by aws:SourceArn.
	policy := policyJSON(
		map[string]any{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
			"Resource":  []string{arn, arn + "/*"},
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}},
		map[string]any{"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": trail, "Action": "s3:GetBucketAcl",
			"Resource": arn, "Condition": map[string]any{"StringEquals": sourceArn}},
		map[string]any{"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": trail, "Action": "s3:PutObject",
			"Resource": arn + "/AWSLogs/" + env.AccountID + "/*",
			"Condition": map[string]any{"StringEquals": map[string]any{
				"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": b.trailARN(env)}}},
	)
	bp, err := s3.NewBucketPolicy(ctx, n, &s3.BucketPolicyArgs{Bucket: bucket.ID(), Policy: pulumi.String(policy)},
		append(o, pulumi.DependsOn([]pulumi.Resource{pab}))...)
	if err != nil {
		return err
	}
	r.bucket, r.bucketReady = name, []pulumi.Resource{bucket, bp, versioning, sse, lock}
	return nil
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
	role, err := iam.NewRole(ctx, b.logical(env, "trail-logs"), &iam.RoleArgs{
		Name: pulumi.String(b.args.Name + "-audit-trail-logs"),
		AssumeRolePolicy: pulumi.String(policyJSON(map[string]any{"Effect": "Allow", "Principal": service(principals),
			"Action": "sts:AssumeRole", "Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": env.AccountID}}})),
		Description: pulumi.String("CloudTrail delivery of the audit trail to CloudWatch Logs"),
	}, b.opts(env)...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	streams := env.ARN("logs", env.Region, env.AccountID, "log-group:"+logName+":log-stream:*")
	rp, err := iam.NewRolePolicy(ctx, b.logical(env, "trail-logs"), &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: pulumi.String(policyJSON(map[string]any{"Effect": "Allow",
			"Action": []string{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": streams})),
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
