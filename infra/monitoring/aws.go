package monitoring

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	awsiam "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/opensearch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// OpenSearchTLSPolicy is the domain's HTTPS policy: TLS 1.2 and later only.
const OpenSearchTLSPolicy = "Policy-Min-TLS-1-2-2019-07"

// awsOut are the AWS resources the Kubernetes side refers to.
type awsOut struct {
	key    *kms.Key
	domain *opensearch.Domain
	// Role ARNs are built from the roles' explicit names, so values and bodies that carry them are
	// plain strings; the resources are kept for ordering.
	fluentBitRoleARN, bootstrapRoleARN, tempoRoleARN, yaceRoleARN string
	fluentBitRole, bootstrapRole, tempoRole, yaceRole             *awsiam.Role
	// logsMasterRoleARN is the domain's fine-grained access control master user: a role outside the
	// cluster that the bootstrap Job assumes from its IRSA role (logsMasterRole).
	logsMasterRoleARN string
	logsMasterRole    *awsiam.Role
	traceBucket       string
	traceBucketRes    *s3.BucketV2
	// archive is the application-log archive Fluent Bit writes beside OpenSearch (archive.go).
	archive logArchive
}

// DomainName is the log domain's name: at most 28 lower-case characters (OpenSearch Service rule).
func DomainName(cluster string) string {
	n := strings.ToLower(cluster + "-logs")
	if len(n) > 28 {
		n = n[:28]
	}
	return strings.TrimRight(n, "-")
}

func (b *builder) awsResources() (*awsOut, error) {
	a := b.args
	out := &awsOut{}
	env := a.Env
	awsKeep := append(append([]pulumi.ResourceOption(nil), b.aws...), b.keep...)

	key, err := kms.NewKey(b.ctx, b.child("kms"), &kms.KeyArgs{
		Description:          pulumi.String("Monitoring data of " + a.ClusterName + ": log domain, trace bucket, Grafana admin secret"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Tags:                 tags.Of(a.Tags, nil),
	}, awsKeep...)
	if err != nil {
		return nil, err
	}
	out.key = key

	// The OpenSearch service-linked role must exist before a VPC domain: it creates the domain's ENIs
	// in our subnets. It is account-wide (infra/account): created by the stack that owns the account
	// baseline, looked up by the others, whose domain then needs nothing to wait for.
	domainDeps := append([]pulumi.Resource(nil), a.AccountReady...)

	domain := DomainName(a.ClusterName)
	domainARN := env.ARN("es", env.Region, env.AccountID, "domain/"+domain)
	out.traceBucket = fmt.Sprintf("%s-traces-%s", strings.ToLower(a.ClusterName), env.AccountID)
	bucketARN := env.ARN("s3", "", "", out.traceBucket)
	out.archive.bucket = logArchiveBucketName(a.ClusterName, env.AccountID)

	// The domain's master user is a role of its own, not the bootstrap Job's IRSA role: an IRSA role's
	// trust names the cluster's OIDC provider, so a domain whose master user it was waited for the
	// whole control plane (about 10 minutes) before its own 20-minute create could start. The master
	// role trusts only the account, on condition that the caller is the bootstrap Job's IRSA role
	// (aws:PrincipalArn, whose value for a role session is the role's ARN, not the session's); a
	// condition names that role by ARN without IAM resolving it, so it may not exist yet, whereas a
	// role ARN as Principal must exist when the policy is saved ("Invalid principal in policy").
	// Sources, read 2026-12-02: IAM User Guide, "AWS JSON policy elements: Principal", section IAM role
	// principals (awsdocs/iam-user-guide doc_source/reference_policies_elements_principal.md; "AWS
	// does not convert condition key ARNs to IDs"; the role session is granted permissions "based on
	// the ARN of role that was assumed, and not the ARN of the resulting session");
	// https://repost.aws/knowledge-center/iam-trust-policy-error (a Principal naming a deleted or
	// missing user or role fails with "Invalid principal in policy").
	out.bootstrapRoleARN = env.ARN("iam", "", env.AccountID, "role/"+roleName(a.ClusterName, "logs-bootstrap"))
	masterName := roleName(a.ClusterName, "logs-master")
	out.logsMasterRoleARN = env.ARN("iam", "", env.AccountID, "role/"+masterName)
	masterTrust, err := iam.Document(iam.Statement{
		Effect: "Allow", Principal: map[string]any{"AWS": env.ARN("iam", "", env.AccountID, "root")},
		Action:    "sts:AssumeRole",
		Condition: map[string]map[string]any{"ArnEquals": {"aws:PrincipalArn": out.bootstrapRoleARN}},
	})
	if err != nil {
		return nil, err
	}
	master, err := awsiam.NewRole(b.ctx, b.child("logs-master"), &awsiam.RoleArgs{
		Name: pulumi.String(masterName), AssumeRolePolicy: pulumi.String(masterTrust), Tags: tags.Of(a.Tags, nil),
		Description: pulumi.String("Master user of the log domain " + domain + ", assumed by the logs-bootstrap Job"),
	}, b.aws...)
	if err != nil {
		return nil, err
	}
	// The domain's access policy lets the account's principals in only as far as their own IAM
	// policies allow, so the master role needs the HTTP actions the bootstrap sends.
	masterPolicy, err := iam.Document(iam.Allow([]string{"es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"}, domainARN, domainARN+"/*"))
	if err != nil {
		return nil, err
	}
	if _, err := awsiam.NewRolePolicy(b.ctx, b.child("logs-master"), &awsiam.RolePolicyArgs{Role: master.Name, Policy: pulumi.String(masterPolicy)}, b.aws...); err != nil {
		return nil, err
	}
	out.logsMasterRole = master

	// IRSA roles: one per workload, each with only what it does.
	roles := []struct {
		role, namespace, account string
		statements               []iam.Statement
		arn                      *string
		res                      **awsiam.Role
	}{
		{"fluent-bit", a.Namespace, "fluent-bit", append([]iam.Statement{
			iam.Allow([]string{"es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut"}, domainARN, domainARN+"/*"),
		}, logArchiveStatements(env.ARN("s3", "", "", out.archive.bucket))...), &out.fluentBitRoleARN, &out.fluentBitRole},
		// The bootstrap Job's role only becomes the master role (role chaining); the domain's requests
		// are signed with the master role's session.
		{"logs-bootstrap", a.Namespace, logsBootstrapAccount, []iam.Statement{
			iam.Allow([]string{"sts:AssumeRole"}, out.logsMasterRoleARN),
		}, &out.bootstrapRoleARN, &out.bootstrapRole},
		{"tempo", a.Namespace, "tempo", []iam.Statement{
			iam.Allow([]string{"s3:ListBucket"}, bucketARN),
			iam.Allow([]string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"}, bucketARN+"/*"),
			keyStmt(),
		}, &out.tempoRoleARN, &out.tempoRole},
		{"cloudwatch-exporter", a.Namespace, "cloudwatch-exporter", []iam.Statement{
			iam.Allow([]string{"cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics", "tag:GetResources"}, "*"),
		}, &out.yaceRoleARN, &out.yaceRole},
	}
	for _, r := range roles {
		name := roleName(a.ClusterName, r.role)
		role, err := b.irsaRole(r.role, name, r.namespace, r.account, r.statements, key)
		if err != nil {
			return nil, err
		}
		*r.arn = env.ARN("iam", "", env.AccountID, "role/"+name)
		*r.res = role
	}

	logGroup, err := cloudwatch.NewLogGroup(b.ctx, b.child("opensearch-logs"), &cloudwatch.LogGroupArgs{
		Name: pulumi.String("/suoke/" + b.ctx.Stack() + "/opensearch/" + domain),
		// The domain's own error log is a record of the network's operation like the others: kept for
		// logRetentionMinimumDays (a CloudWatch Logs retention value, validated by infra/config).
		RetentionInDays: pulumi.Int(a.Monitoring.LogArchiveDays),
		Tags:            tags.Of(a.Tags, nil),
	}, b.aws...)
	if err != nil {
		return nil, err
	}
	esPrincipal, err := env.ServicePrincipal(b.ctx, "es")
	if err != nil {
		return nil, err
	}
	logPolicy := logGroup.Arn.ApplyT(func(arn string) (string, error) {
		return iam.Document(iam.Statement{
			Effect: "Allow", Principal: map[string]any{"Service": esPrincipal},
			Action:   []string{"logs:PutLogEvents", "logs:CreateLogStream"},
			Resource: arn + ":*",
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.AccountID},
				"ArnLike": {"aws:SourceArn": domainARN}},
		})
	}).(pulumi.StringOutput)
	logResPolicy, err := cloudwatch.NewLogResourcePolicy(b.ctx, b.child("opensearch-logs"), &cloudwatch.LogResourcePolicyArgs{
		PolicyName:     pulumi.String(domain + "-logs"),
		PolicyDocument: logPolicy,
	}, b.aws...)
	if err != nil {
		return nil, err
	}
	// The master role exists before the domain names it; nothing here waits for the cluster.
	domainDeps = append(domainDeps, logResPolicy, out.logsMasterRole)

	// Fine-grained access control decides who reads and writes what; the resource policy only lets the
	// account's principals reach the domain at all.
	access, err := iam.Document(iam.Statement{
		Effect: "Allow", Principal: map[string]any{"AWS": env.ARN("iam", "", env.AccountID, "root")},
		Action: "es:ESHttp*", Resource: domainARN + "/*",
	})
	if err != nil {
		return nil, err
	}
	os := a.Monitoring.OpenSearch
	cluster := &opensearch.DomainClusterConfigArgs{
		InstanceType: pulumi.String(os.InstanceType), InstanceCount: pulumi.Int(os.InstanceCount),
		ZoneAwarenessEnabled: pulumi.Bool(true),
		ZoneAwarenessConfig:  &opensearch.DomainClusterConfigZoneAwarenessConfigArgs{AvailabilityZoneCount: pulumi.Int(a.AZs)},
	}
	if os.MasterCount > 0 {
		cluster.DedicatedMasterEnabled = pulumi.Bool(true)
		cluster.DedicatedMasterType = pulumi.String(os.MasterType)
		cluster.DedicatedMasterCount = pulumi.Int(os.MasterCount)
	}
	d, err := opensearch.NewDomain(b.ctx, b.child("logs"), &opensearch.DomainArgs{
		DomainName:    pulumi.String(domain),
		EngineVersion: pulumi.String(os.EngineVersion),
		ClusterConfig: cluster,
		EbsOptions: &opensearch.DomainEbsOptionsArgs{
			EbsEnabled: pulumi.Bool(true), VolumeType: pulumi.String("gp3"), VolumeSize: pulumi.Int(os.VolumeGiB),
		},
		VpcOptions: &opensearch.DomainVpcOptionsArgs{
			SubnetIds:        a.DataSubnetIDs,
			SecurityGroupIds: pulumi.StringArray{a.DataSecurityGroupID},
		},
		EncryptAtRest:        &opensearch.DomainEncryptAtRestArgs{Enabled: pulumi.Bool(true), KmsKeyId: key.Arn},
		NodeToNodeEncryption: &opensearch.DomainNodeToNodeEncryptionArgs{Enabled: pulumi.Bool(true)},
		DomainEndpointOptions: &opensearch.DomainDomainEndpointOptionsArgs{
			EnforceHttps: pulumi.Bool(true), TlsSecurityPolicy: pulumi.String(OpenSearchTLSPolicy),
		},
		// Fine-grained access control authenticates a signed request by the role behind the session:
		// an assumed-role session of the master role is the master user. Sources, read 2026-12-02:
		// OpenSearch Service Developer Guide, fgac.md ("one of the assumed roles from the identity
		// pool must match the IAM role that you specified for the master user",
		// awsdocs/amazon-opensearch-service-developer-guide doc_source/fgac.md); a Lambda's
		// assumed-role session reported as "User [name=arn:aws:iam::…:role/lambdaOpenSearchRole,
		// backend_roles=[arn:aws:iam::…:role/lambdaOpenSearchRole]]" in opensearch-project/security#4595.
		AdvancedSecurityOptions: &opensearch.DomainAdvancedSecurityOptionsArgs{
			Enabled: pulumi.Bool(true), InternalUserDatabaseEnabled: pulumi.Bool(false),
			MasterUserOptions: &opensearch.DomainAdvancedSecurityOptionsMasterUserOptionsArgs{MasterUserArn: pulumi.String(out.logsMasterRoleARN)},
		},
		AccessPolicies: pulumi.String(access),
		LogPublishingOptions: opensearch.DomainLogPublishingOptionArray{&opensearch.DomainLogPublishingOptionArgs{
			LogType: pulumi.String("ES_APPLICATION_LOGS"), CloudwatchLogGroupArn: logGroup.Arn,
		}},
		Tags: tags.Of(a.Tags, map[string]string{"Name": domain, "suoke.life/role": "logs"}),
	}, append(awsKeep, pulumi.DependsOn(domainDeps))...)
	if err != nil {
		return nil, err
	}
	out.domain = d
	b.m.LogDomainEndpoint = d.Endpoint
	b.m.LogDomainARN = d.Arn

	if err := b.traceBucketResources(out, key); err != nil {
		return nil, err
	}
	if err := b.logArchiveResources(out, key); err != nil { // archive.go
		return nil, err
	}
	b.m.TraceBucket = out.traceBucket
	return out, nil
}

// traceBucketResources creates Tempo's bucket: private, encrypted with our key, HTTPS only, versioned.
// Tempo's compactor deletes traces after the retention; the lifecycle rule clears failed uploads and
// superseded versions.
func (b *builder) traceBucketResources(out *awsOut, key *kms.Key) error {
	// Versioned like every bucket of the platform (a stray delete is undone within a day); the
	// compactor rewrites blocks all the time, so superseded versions expire after one day.
	bucket, err := b.privateBucket("traces", out.traceBucket, map[string]string{"suoke.life/role": "traces"}, key,
		&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("abort-uploads-expire-old-versions"), Status: pulumi.String("Enabled"),
			Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(2)},
			NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(1)},
		})
	out.traceBucketRes = bucket
	return err
}

// privateBucket is one bucket of the monitoring data: emptied on delete only where the stack is not
// protected, public access blocked, SSE-KMS with the monitoring key and a bucket key, versioned, the
// given lifecycle rule, and TLS only. child names every part.
func (b *builder) privateBucket(child, name string, extra map[string]string, key *kms.Key, rule *s3.BucketLifecycleConfigurationV2RuleArgs) (*s3.BucketV2, error) {
	bucket, err := s3.NewBucketV2(b.ctx, b.child(child), &s3.BucketV2Args{
		Bucket: pulumi.String(name), ForceDestroy: pulumi.Bool(!b.args.Protect), Tags: tags.Of(b.args.Tags, extra),
	}, b.aws...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketPublicAccessBlock(b.ctx, b.child(child), &s3.BucketPublicAccessBlockArgs{
		Bucket: bucket.ID(), BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, b.aws...); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(b.ctx, b.child(child), &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: key.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, b.aws...); err != nil {
		return nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(b.ctx, b.child(child), &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, b.aws...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(b.ctx, b.child(child), &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(), Rules: s3.BucketLifecycleConfigurationV2RuleArray{rule},
	}, append(b.aws, pulumi.DependsOn([]pulumi.Resource{versioning}))...); err != nil {
		return nil, err
	}
	bucketARN := b.args.Env.ARN("s3", "", "", name)
	tlsOnly, err := iam.Document(iam.Statement{
		Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
		Resource:  []string{bucketARN, bucketARN + "/*"},
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
	})
	if err != nil {
		return nil, err
	}
	_, err = s3.NewBucketPolicy(b.ctx, b.child(child), &s3.BucketPolicyArgs{Bucket: bucket.ID(), Policy: pulumi.String(tlsOnly)}, b.aws...)
	return bucket, err
}

// roleName is an IRSA role's explicit name: the cluster and the workload, within IAM's 64 characters.
func roleName(cluster, role string) string {
	n := cluster + "-" + role
	if len(n) > 64 {
		n = n[:64]
	}
	return n
}

// irsaRole is a role only the given service account of this cluster may assume, with an inline policy.
// A statement on keyPlaceholder is on the monitoring key, whose ARN is an output.
func (b *builder) irsaRole(role, name, namespace, account string, statements []iam.Statement, key *kms.Key) (*awsiam.Role, error) {
	policy := key.Arn.ApplyT(func(keyARN string) (string, error) {
		st := make([]iam.Statement, 0, len(statements))
		for _, s := range statements {
			if s.Resource == keyPlaceholder {
				s.Resource = keyARN
			}
			st = append(st, s)
		}
		return iam.Document(st...)
	}).(pulumi.StringOutput)
	r, _, err := iam.NewServiceAccountRole(b.ctx, b.child(role), iam.ServiceAccountRoleArgs{
		Name: name, Description: "IRSA role of " + namespace + "/" + account,
		OIDCProviderARN: b.args.OIDCProviderARN, OIDCIssuer: b.args.OIDCIssuer,
		Namespace: namespace, ServiceAccount: account, Policy: policy, Tags: tags.Of(b.args.Tags, nil),
	}, b.aws...)
	return r, err
}

const keyPlaceholder = "<monitoring-kms-key>"

func keyStmt() iam.Statement {
	return iam.Allow([]string{"kms:Decrypt", "kms:GenerateDataKey"}, keyPlaceholder)
}
