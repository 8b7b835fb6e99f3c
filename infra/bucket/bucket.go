// Package bucket is the one way the program builds a private S3 bucket that a platform component
// writes into (the ALB's access logs, the application-log archive, Tempo's traces): public access
// blocked, encrypted by default, versioned, one lifecycle rule, and a bucket policy that denies every
// request not made over TLS after the statements the caller grants. The backup and audit buckets,
// with object lock and replication, have their own builders (infra/backup, infra/audit).
package bucket

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/iam"
)

// Name is a bucket's name: the cluster's, what it holds and the account's (S3 names are global),
// the cluster's part cut to keep within S3's 63 characters.
func Name(cluster, purpose, account string) string {
	suffix := "-" + purpose + "-" + account
	n := strings.ToLower(cluster)
	if len(n)+len(suffix) > 63 {
		n = strings.TrimRight(n[:63-len(suffix)], "-")
	}
	return n + suffix
}

// Args are one private bucket's.
type Args struct {
	// Bucket is the bucket's name; Partition makes its ARN for the policy.
	Bucket    string
	Partition string
	// ForceDestroy empties the bucket on delete: only where the stack is not protected.
	ForceDestroy bool
	Tags         pulumi.StringMap
	// KMSKeyARN encrypts with SSE-KMS and a bucket key. Nil: SSE-S3 (AES256), the only default
	// encryption ALB access logs support (awsfacts.ALBAccessLogEncryption).
	KMSKeyARN pulumi.StringInput
	// Lifecycle is the bucket's one lifecycle rule.
	Lifecycle *s3.BucketLifecycleConfigurationV2RuleArgs
	// Statements are the bucket policy's grants, before the TLS-only deny.
	Statements []iam.Statement
}

// Private is what NewPrivate built.
type Private struct {
	Bucket *s3.BucketV2
	// Policy is the bucket policy: a writer that S3 checks when it is pointed at the bucket (ELB's
	// log delivery) waits for it.
	Policy *s3.BucketPolicy
}

// TLSOnly denies every request to the bucket and its objects not made over TLS.
func TLSOnly(bucketARN string) iam.Statement {
	return iam.Statement{
		Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
		Resource:  []string{bucketARN, bucketARN + "/*"},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	}
}

// NewPrivate creates the bucket and its parts, each under the resource name name: public access
// block, default encryption, versioning, the lifecycle rule (after versioning, whose noncurrent
// versions it expires) and the policy.
func NewPrivate(ctx *pulumi.Context, name string, a Args, opts ...pulumi.ResourceOption) (*Private, error) {
	if a.Bucket == "" || a.Partition == "" {
		return nil, fmt.Errorf("bucket %s: bucket and partition: Required value", name)
	}
	if a.Lifecycle == nil {
		return nil, fmt.Errorf("bucket %s: lifecycle: Required value: every bucket the platform writes into expires what it holds", name)
	}
	b, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket: pulumi.String(a.Bucket), ForceDestroy: pulumi.Bool(a.ForceDestroy), Tags: a.Tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket: b.ID(), BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...); err != nil {
		return nil, err
	}
	rule := &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
		ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm: pulumi.String("AES256"),
		},
	}
	if a.KMSKeyARN != nil {
		rule = &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: a.KMSKeyARN,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.ID(), Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{rule},
	}, opts...); err != nil {
		return nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  b.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: b.ID(), Rules: s3.BucketLifecycleConfigurationV2RuleArray{a.Lifecycle},
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{versioning}))...); err != nil {
		return nil, err
	}
	bucketARN := "arn:" + a.Partition + ":s3:::" + a.Bucket
	policy, err := iam.Document(append(append([]iam.Statement{}, a.Statements...), TLSOnly(bucketARN))...)
	if err != nil {
		return nil, err
	}
	pol, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{Bucket: b.ID(), Policy: pulumi.String(policy)}, opts...)
	if err != nil {
		return nil, err
	}
	return &Private{Bucket: b, Policy: pol}, nil
}
