// Package tags is the one way components tag AWS resources: the stack's common tags (the provider
// also sets them as default tags) with a resource's own added.
package tags

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Of is common with extra added; extra wins on a shared key. Neither map is changed.
func Of(common, extra map[string]string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range common {
		out[k] = pulumi.String(v)
	}
	for k, v := range extra {
		out[k] = pulumi.String(v)
	}
	return out
}

// BucketRole is the tag that says what a bucket holds. The policy rules read it: log sinks are held
// to the retention floor (infra/policy/retention.go), access-log buckets are the only ones allowed
// SSE-S3 and backup buckets must be replicated (infra/policy/backup.go); the cost estimate prices a
// bucket's storage by it (infra/cost). One constant, so that writers and readers cannot drift apart.
const BucketRole = "suoke.life/bucket-role"

// The values of BucketRole.
const (
	// BucketRoleAccessLogs: S3 server access logs of the backup buckets, the ALB's access logs.
	BucketRoleAccessLogs = "access-logs"
	// BucketRoleLogArchive: the application-log archive behind OpenSearch.
	BucketRoleLogArchive = "log-archive"
	// BucketRoleAudit: CloudTrail's and AWS Config's bucket.
	BucketRoleAudit = "audit"
	// BucketRoleBackups: the backup buckets and their replicas.
	BucketRoleBackups = "backups"
)
