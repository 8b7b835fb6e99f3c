package logs

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	awsiam "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/opensearch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/monitoring/scope"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// OpenSearchTLSPolicy is the domain's HTTPS policy: TLS 1.2 and later only.
const OpenSearchTLSPolicy = "Policy-Min-TLS-1-2-2019-07"

// DomainName is the log domain's name: at most 28 lower-case characters (OpenSearch Service rule).
func DomainName(cluster string) string {
	n := strings.ToLower(cluster + "-logs")
	if len(n) > 28 {
		n = n[:28]
	}
	return strings.TrimRight(n, "-")
}

// domainOut is the log domain and the roles around it that the Kubernetes side refers to.
type domainOut struct {
	domain *opensearch.Domain
	// masterRoleARN is the domain's fine-grained access control master user: a role outside the
	// cluster that the bootstrap Job assumes from its IRSA role (bootstrapRoleARN).
	masterRoleARN, bootstrapRoleARN string
	masterRole                      *awsiam.Role
}

// newDomain creates the log domain, its master role, and the log group of its error log.
func newDomain(s scope.Scope, a Args) (*domainOut, error) {
	env := s.Env
	d := &domainOut{}
	// The OpenSearch service-linked role must exist before a VPC domain: it creates the domain's ENIs
	// in our subnets. It is account-wide (infra/account): created by the stack that owns the account
	// baseline, looked up by the others, whose domain then needs nothing to wait for.
	domainDeps := append([]pulumi.Resource(nil), a.AccountReady...)
	domain := DomainName(s.ClusterName)
	domainARN := env.ARN("es", env.Region, env.AccountID, "domain/"+domain)

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
	d.bootstrapRoleARN = env.ARN("iam", "", env.AccountID, "role/"+s.RoleName("logs-bootstrap"))
	masterName := s.RoleName("logs-master")
	d.masterRoleARN = env.ARN("iam", "", env.AccountID, "role/"+masterName)
	masterTrust, err := iam.Document(iam.Statement{
		Effect: "Allow", Principal: map[string]any{"AWS": env.ARN("iam", "", env.AccountID, "root")},
		Action:    "sts:AssumeRole",
		Condition: map[string]map[string]any{"ArnEquals": {"aws:PrincipalArn": d.bootstrapRoleARN}},
	})
	if err != nil {
		return nil, err
	}
	master, err := awsiam.NewRole(s.Ctx, s.Child("logs-master"), &awsiam.RoleArgs{
		Name: pulumi.String(masterName), AssumeRolePolicy: pulumi.String(masterTrust), Tags: tags.Of(s.Tags, nil),
		Description: pulumi.String("Master user of the log domain " + domain + ", assumed by the logs-bootstrap Job"),
	}, s.AWS()...)
	if err != nil {
		return nil, err
	}
	// The domain's access policy lets the account's principals in only as far as their own IAM
	// policies allow, so the master role needs the HTTP actions the bootstrap sends.
	masterPolicy, err := iam.Document(iam.Allow([]string{"es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"}, domainARN, domainARN+"/*"))
	if err != nil {
		return nil, err
	}
	if _, err := awsiam.NewRolePolicy(s.Ctx, s.Child("logs-master"), &awsiam.RolePolicyArgs{Role: master.Name, Policy: pulumi.String(masterPolicy)}, s.AWS()...); err != nil {
		return nil, err
	}
	d.masterRole = master

	logGroup, err := cloudwatch.NewLogGroup(s.Ctx, s.Child("opensearch-logs"), &cloudwatch.LogGroupArgs{
		Name: pulumi.String("/suoke/" + s.Ctx.Stack() + "/opensearch/" + domain),
		// The domain's own error log is a record of the network's operation like the others: kept for
		// logRetentionMinimumDays (a CloudWatch Logs retention value, validated by infra/config).
		RetentionInDays: pulumi.Int(a.ArchiveDays),
		Tags:            tags.Of(s.Tags, nil),
	}, s.AWS()...)
	if err != nil {
		return nil, err
	}
	esPrincipal, err := env.ServicePrincipal(s.Ctx, "es")
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
	logResPolicy, err := cloudwatch.NewLogResourcePolicy(s.Ctx, s.Child("opensearch-logs"), &cloudwatch.LogResourcePolicyArgs{
		PolicyName:     pulumi.String(domain + "-logs"),
		PolicyDocument: logPolicy,
	}, s.AWS()...)
	if err != nil {
		return nil, err
	}
	// The master role exists before the domain names it; nothing here waits for the cluster.
	domainDeps = append(domainDeps, logResPolicy, d.masterRole)

	// Fine-grained access control decides who reads and writes what; the resource policy only lets the
	// account's principals reach the domain at all.
	access, err := iam.Document(iam.Statement{
		Effect: "Allow", Principal: map[string]any{"AWS": env.ARN("iam", "", env.AccountID, "root")},
		Action: "es:ESHttp*", Resource: domainARN + "/*",
	})
	if err != nil {
		return nil, err
	}
	os := a.OpenSearch
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
	dom, err := opensearch.NewDomain(s.Ctx, s.Child("logs"), &opensearch.DomainArgs{
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
		EncryptAtRest:        &opensearch.DomainEncryptAtRestArgs{Enabled: pulumi.Bool(true), KmsKeyId: s.Key.Arn},
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
			MasterUserOptions: &opensearch.DomainAdvancedSecurityOptionsMasterUserOptionsArgs{MasterUserArn: pulumi.String(d.masterRoleARN)},
		},
		AccessPolicies: pulumi.String(access),
		LogPublishingOptions: opensearch.DomainLogPublishingOptionArray{&opensearch.DomainLogPublishingOptionArgs{
			LogType: pulumi.String("ES_APPLICATION_LOGS"), CloudwatchLogGroupArn: logGroup.Arn,
		}},
		Tags: tags.Of(s.Tags, map[string]string{"Name": domain, "suoke.life/role": "logs"}),
	}, append(s.Kept(), pulumi.DependsOn(domainDeps))...)
	if err != nil {
		return nil, err
	}

	d.domain = dom
	return d, nil
}
