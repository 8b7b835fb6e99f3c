package edge

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The public ALB's access logs: every request the internet sends, kept in S3 for
// logRetentionMinimumDays (infra/config/retention.go: the Cybersecurity Law's six months). The
// controller sets the load balancer's access_logs.s3.* attributes from the IngressClassParams
// (edge.go), which take precedence over any Ingress annotation, so no Ingress can turn them off.
const (
	// AccessLogPrefix is where the ALB writes under the bucket: <prefix>/AWSLogs/<account>/elasticloadbalancing/...
	AccessLogPrefix = "alb"
	// BucketRoleTag marks what a bucket holds; access-logs buckets are log sinks the retention rules
	// (infra/policy/retention.go) check, and the only buckets allowed SSE-S3 (BAK-002).
	BucketRoleTag        = "suoke.life/bucket-role"
	BucketRoleAccessLogs = "access-logs"
)

// accessLogBucketName is the bucket's name: the cluster's and the account's, within S3's 63 characters.
func accessLogBucketName(cluster, account string) string {
	suffix := "-alb-logs-" + account
	n := strings.ToLower(cluster)
	if len(n)+len(suffix) > 63 {
		n = strings.TrimRight(n[:63-len(suffix)], "-")
	}
	return n + suffix
}

// accessLogBucket creates the ALB's log bucket: private, SSE-S3 (the only encryption ALB access logs
// support: awsfacts.ALBAccessLogEncryption), versioned, TLS only, expiring objects after the floor, and
// a policy that lets the region's ELB account write under the prefix. It returns the bucket's name and
// the policy, which the IngressClassParams wait for: ELB checks that it may write when the attribute
// is set, and the controller's reconcile fails until it may.
func accessLogBucket(ctx *pulumi.Context, c *Edge) (string, pulumi.Resource, error) {
	a := c.args
	days := a.Ingress.AccessLogDays
	if days < 1 {
		return "", nil, fmt.Errorf("access logs: the expiry must be at least a day, got %d (config.Ingress.AccessLogDays follows logRetentionMinimumDays)", days)
	}
	env := a.Env
	// The ELB account that writes access logs in this region, from the provider's table (the China
	// documentation's accounts: infra/awsfacts/elb.go); the offline plan's mocks answer from awsfacts.
	sa, err := elb.GetServiceAccount(ctx, &elb.GetServiceAccountArgs{Region: &env.Region}, pulumi.Provider(env.Provider))
	if err != nil {
		return "", nil, fmt.Errorf("access logs: ELB account of %s: %w", env.Region, err)
	}
	name := accessLogBucketName(a.ClusterName, env.AccountID)
	tags := map[string]string{}
	maps.Copy(tags, a.Tags)
	maps.Copy(tags, map[string]string{BucketRoleTag: BucketRoleAccessLogs, "suoke.life/log-source": "alb"})
	parent := pulumi.Parent(c.args.Parent)
	bucket, err := s3.NewBucketV2(ctx, c.args.Prefix+"-alb-logs", &s3.BucketV2Args{
		Bucket: pulumi.String(name), ForceDestroy: pulumi.Bool(!a.Protect),
		Tags: pulumi.ToStringMap(tags),
	}, parent)
	if err != nil {
		return "", nil, err
	}
	if _, err := s3.NewBucketPublicAccessBlock(ctx, c.args.Prefix+"-alb-logs", &s3.BucketPublicAccessBlockArgs{
		Bucket: bucket.ID(), BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, parent); err != nil {
		return "", nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, c.args.Prefix+"-alb-logs", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}},
	}, parent); err != nil {
		return "", nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, c.args.Prefix+"-alb-logs", &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return "", nil, err
	}
	// Logs are written once and never rewritten: the current version expires at the floor, and a
	// version made noncurrent by that expiry (or by a stray delete) goes a day later.
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, c.args.Prefix+"-alb-logs", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("expire-after-retention"), Status: pulumi.String("Enabled"),
			Filter:                      &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Expiration:                  &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(days)},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(1)},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
		return "", nil, err
	}
	policy, err := accessLogPolicy(env.ARN("s3", "", "", name), env.Partition, sa.Id, env.AccountID)
	if err != nil {
		return "", nil, err
	}
	pol, err := s3.NewBucketPolicy(ctx, c.args.Prefix+"-alb-logs", &s3.BucketPolicyArgs{Bucket: bucket.ID(), Policy: pulumi.String(policy)}, parent)
	if err != nil {
		return "", nil, err
	}
	return name, pol, nil
}

// accessLogPolicy lets the ELB account write objects under <prefix>/AWSLogs/<our account>/ (the
// legacy policy form the China documentation gives: awsfacts.ELBLogDelivery) and denies every request
// not made over TLS.
func accessLogPolicy(bucketARN, partition, elbAccount, account string) (string, error) {
	b, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{
				"Sid": "ELBAccessLogDelivery", "Effect": "Allow",
				"Principal": map[string]any{"AWS": fmt.Sprintf("arn:%s:iam::%s:root", partition, elbAccount)},
				"Action":    "s3:PutObject",
				"Resource":  bucketARN + "/" + AccessLogPrefix + "/AWSLogs/" + account + "/*",
			},
			map[string]any{
				"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
				"Resource":  []string{bucketARN, bucketARN + "/*"},
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			},
		},
	})
	return string(b), err
}
