package logs

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/bucket"
	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/monitoring/scope"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// The application-log archive: Fluent Bit writes every container log twice, to OpenSearch (searchable,
// deleted by the ISM policy after monitoring.logRetentionDays) and, gzipped, to this bucket, which keeps
// it for logRetentionMinimumDays (the Cybersecurity Law's six months, infra/config/retention.go). The
// two copies are written together, so the logs are kept for the longer of the two periods, and the
// domain stays sized for its hot period only.

// LogArchivePrefix is where Fluent Bit writes in the bucket; its role may put objects there only.
const LogArchivePrefix = "app-logs/"

// logArchiveBucketName is the bucket's name: the cluster's and the account's, within S3's 63 characters.
func logArchiveBucketName(cluster, account string) string {
	return bucket.Name(cluster, "app-logs", account)
}

// newArchive creates the archive bucket: private, encrypted with the monitoring key, versioned,
// TLS only, current objects expiring after the floor. Its bucket-role tag (tags.BucketRoleLogArchive)
// makes it a log sink the retention rules (infra/policy/retention.go) check.
func newArchive(s scope.Scope, name string, days int) (*s3.BucketV2, error) {
	// Objects are written once: the current version expires at the floor, a noncurrent one (that
	// expiry's, or a stray delete's) a day later; a multipart upload a restarted Fluent Bit left behind
	// is aborted after two days.
	return s.PrivateBucket("log-archive", name,
		map[string]string{tags.BucketRole: tags.BucketRoleLogArchive, "suoke.life/log-source": "fluent-bit"},
		&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("expire-after-retention"), Status: pulumi.String("Enabled"),
			Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Expiration:                     &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(days)},
			NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(1)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(2)},
		})
}

// logArchiveStatements are what Fluent Bit's role needs to write the archive: s3:PutObject under the
// prefix only (the s3 output's documented permission, which also covers the multipart upload calls it
// makes by default: fluent/fluent-bit-docs pipeline/outputs/s3.md "Permissions", read 2026-12-02; S3's
// CreateMultipartUpload, UploadPart and CompleteMultipartUpload are authorized by s3:PutObject), and the
// bucket key's data keys for SSE-KMS.
func logArchiveStatements(bucketARN string) []iam.Statement {
	return []iam.Statement{iam.Allow([]string{"s3:PutObject"}, bucketARN+"/"+LogArchivePrefix+"*"), scope.KeyStatement()}
}

// LogArchiveOutput is the pipeline's second output: the same records as the OpenSearch output, gzipped
// into the archive bucket under LogArchivePrefix, one object per container log stream and upload.
// Options from the s3 output's reference for the Fluent Bit the chart ships (4.0.7: fluent/helm-charts
// charts/fluent-bit/Chart.yaml @fluent-bit-0.53.0; fluent/fluent-bit-docs branch 4.0,
// pipeline/outputs/s3.md; read 2026-12-02). No endpoint is set: Fluent Bit derives
// s3.<region>.amazonaws.com.cn for the China regions itself (fluent/fluent-bit src/aws/flb_aws_util.c,
// flb_aws_endpoint, "China regions end with amazonaws.com.cn"; read 2026-12-02 in a copy newer than
// 4.0.7). Multipart uploads (use_put_object off) buffer in store_dir, on the node's state volume, so a
// restart resumes them; $TAG keeps two pods from writing one key, $UUID two uploads of one stream.
func LogArchiveOutput(region, bucket string) string {
	return fmt.Sprintf(`[OUTPUT]
    Name s3
    Alias log-archive
    Match kube.*
    bucket %s
    region %s
    use_put_object Off
    compression gzip
    total_file_size 50M
    upload_timeout 10m
    s3_key_format /%s%%Y/%%m/%%d/%%H/$TAG/%%M%%S-$UUID.gz
    store_dir /var/fluent-bit/state/s3
    retry_limit 5
    storage.total_limit_size 2G
`, bucket, region, LogArchivePrefix)
}
