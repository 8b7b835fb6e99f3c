package edge

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/bucket"
	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// The public ALB's access logs: every request the internet sends, kept in S3 for
// logRetentionMinimumDays (infra/config/retention.go: the Cybersecurity Law's six months). The
// controller sets the load balancer's access_logs.s3.* attributes from the IngressClassParams
// (edge.go), which take precedence over any Ingress annotation, so no Ingress can turn them off.

// AccessLogPrefix is where the ALB writes under the bucket: <prefix>/AWSLogs/<account>/elasticloadbalancing/...
const AccessLogPrefix = "alb"

// accessLogBucketName is the bucket's name: the cluster's and the account's, within S3's 63 characters.
func accessLogBucketName(cluster, account string) string {
	return bucket.Name(cluster, "alb-logs", account)
}

// accessLogBucket creates the ALB's log bucket (bucket.NewPrivate): private, SSE-S3 (the only
// encryption ALB access logs support: awsfacts.ALBAccessLogEncryption), versioned, TLS only, expiring
// objects after the floor, and a policy that lets the region's ELB account write under the prefix. Its
// bucket-role tag (tags.BucketRoleAccessLogs) makes it a log sink the retention rules
// (infra/policy/retention.go) check, and the only kind of bucket allowed SSE-S3 (BAK-002). It returns
// the bucket's name and the policy, which the IngressClassParams wait for: ELB checks that it may write
// when the attribute is set, and the controller's reconcile fails until it may.
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
	b, err := bucket.NewPrivate(ctx, c.args.Prefix+"-alb-logs", bucket.Args{
		Bucket: name, Partition: env.Partition, ForceDestroy: !a.Protect,
		Tags: tags.Of(a.Tags, map[string]string{tags.BucketRole: tags.BucketRoleAccessLogs, "suoke.life/log-source": "alb"}),
		// Logs are written once and never rewritten: the current version expires at the floor, and a
		// version made noncurrent by that expiry (or by a stray delete) goes a day later.
		Lifecycle: &s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("expire-after-retention"), Status: pulumi.String("Enabled"),
			Filter:                      &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Expiration:                  &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(days)},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(1)},
		},
		Statements: []iam.Statement{accessLogDelivery(env.ARN("s3", "", "", name), env.Partition, sa.Id, env.AccountID)},
	}, pulumi.Parent(c.args.Parent))
	if err != nil {
		return "", nil, err
	}
	return name, b.Policy, nil
}

// accessLogDelivery lets the ELB account write objects under <prefix>/AWSLogs/<our account>/ (the
// legacy policy form the China documentation gives: awsfacts.ELBLogDelivery).
func accessLogDelivery(bucketARN, partition, elbAccount, account string) iam.Statement {
	return iam.Statement{
		Sid: "ELBAccessLogDelivery", Effect: "Allow",
		Principal: map[string]any{"AWS": fmt.Sprintf("arn:%s:iam::%s:root", partition, elbAccount)},
		Action:    "s3:PutObject",
		Resource:  bucketARN + "/" + AccessLogPrefix + "/AWSLogs/" + account + "/*",
	}
}
