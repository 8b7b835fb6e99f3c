package bucket

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/internal/recorded"
)

func TestNameKeepsWithinS3sLimit(t *testing.T) {
	assert.Equal(t, "suoke-platform-prod-alb-logs-123456789012", Name("Suoke-Platform-Prod", "alb-logs", "123456789012"))
	long := Name("a-very-long-cluster-name-that-goes-on-and-on-and-on-", "app-logs", "123456789012")
	assert.LessOrEqual(t, len(long), 63)
	assert.Regexp(t, `^[a-z0-9][a-z0-9-]*[a-z0-9]-app-logs-123456789012$`, long, "no dash left dangling where the cluster's name was cut")
}

func build(t *testing.T, a Args) map[string]resource.PropertyMap {
	t.Helper()
	res := recorded.Run(t, func(ctx *pulumi.Context) error {
		_, err := NewPrivate(ctx, "logs", a)
		return err
	})
	out := map[string]resource.PropertyMap{}
	for k, v := range res.Inputs {
		out[strings.TrimSuffix(k, "::logs")] = v
	}
	return out
}

func rule() *s3.BucketLifecycleConfigurationV2RuleArgs {
	return &s3.BucketLifecycleConfigurationV2RuleArgs{Id: pulumi.String("expire-after-retention"), Status: pulumi.String("Enabled"),
		Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(180)}}
}

// TestPrivateBucketIsClosedEncryptedVersionedAndTLSOnly: every part a private bucket needs is there,
// with SSE-S3 without a key and SSE-KMS with a bucket key given one, and the policy's grants come
// before the deny of plain-HTTP requests to the bucket and its objects.
func TestPrivateBucketIsClosedEncryptedVersionedAndTLSOnly(t *testing.T) {
	grant := iam.Statement{Sid: "Delivery", Effect: "Allow", Principal: map[string]any{"AWS": "arn:aws-cn:iam::638102146993:root"},
		Action: "s3:PutObject", Resource: "arn:aws-cn:s3:::b/alb/*"}
	res := build(t, Args{Bucket: "b", Partition: "aws-cn", Tags: pulumi.StringMap{"k": pulumi.String("v")}, Lifecycle: rule(),
		Statements: []iam.Statement{grant}})
	assert.Equal(t, "b", res["aws:s3/bucketV2:BucketV2"]["bucket"].StringValue())
	assert.False(t, res["aws:s3/bucketV2:BucketV2"]["forceDestroy"].BoolValue())
	pab := res["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]
	for _, k := range []resource.PropertyKey{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.True(t, pab[k].BoolValue(), k)
	}
	sse := res["aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"]["rules"].ArrayValue()[0].ObjectValue()
	assert.Equal(t, "AES256", sse["applyServerSideEncryptionByDefault"].ObjectValue()["sseAlgorithm"].StringValue())
	assert.Equal(t, "Enabled", res["aws:s3/bucketVersioningV2:BucketVersioningV2"]["versioningConfiguration"].ObjectValue()["status"].StringValue())
	assert.Equal(t, "expire-after-retention", res["aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"]["rules"].ArrayValue()[0].ObjectValue()["id"].StringValue())
	var policy struct{ Statement []iam.Statement }
	require.NoError(t, json.Unmarshal([]byte(res["aws:s3/bucketPolicy:BucketPolicy"]["policy"].StringValue()), &policy))
	require.Len(t, policy.Statement, 2)
	assert.Equal(t, "Delivery", policy.Statement[0].Sid)
	assert.Equal(t, "DenyInsecureTransport", policy.Statement[1].Sid)
	assert.Equal(t, "Deny", policy.Statement[1].Effect)
	assert.Equal(t, []any{"arn:aws-cn:s3:::b", "arn:aws-cn:s3:::b/*"}, policy.Statement[1].Resource)
	assert.Equal(t, map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}}, policy.Statement[1].Condition)

	res = build(t, Args{Bucket: "b", Partition: "aws-cn", ForceDestroy: true, KMSKeyARN: pulumi.String("arn:aws-cn:kms:cn-northwest-1:1:key/k"), Lifecycle: rule()})
	assert.True(t, res["aws:s3/bucketV2:BucketV2"]["forceDestroy"].BoolValue())
	sse = res["aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"]["rules"].ArrayValue()[0].ObjectValue()
	def := sse["applyServerSideEncryptionByDefault"].ObjectValue()
	assert.Equal(t, "aws:kms", def["sseAlgorithm"].StringValue())
	assert.Equal(t, "arn:aws-cn:kms:cn-northwest-1:1:key/k", def["kmsMasterKeyId"].StringValue())
	assert.True(t, sse["bucketKeyEnabled"].BoolValue())
	require.NoError(t, json.Unmarshal([]byte(res["aws:s3/bucketPolicy:BucketPolicy"]["policy"].StringValue()), &policy))
	require.Len(t, policy.Statement, 1, "no grants: the TLS-only deny alone")
}

func TestPrivateBucketRefusesMissingParts(t *testing.T) {
	_, err := NewPrivate(nil, "x", Args{Partition: "aws-cn", Lifecycle: rule()})
	assert.ErrorContains(t, err, "bucket and partition: Required value")
	_, err = NewPrivate(nil, "x", Args{Bucket: "b", Partition: "aws-cn"})
	assert.ErrorContains(t, err, "lifecycle: Required value")
}
