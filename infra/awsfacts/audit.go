package awsfacts

import (
	"slices"
	"sort"
)

// Facts behind the audit and detection baseline (infra/audit): how CloudTrail and AWS Config present
// themselves to S3, KMS and IAM, which GuardDuty protections, Config managed rules and Security Hub
// standards the China regions offer, and how ECR scans there. Each row carries where it was read.

// chinaDocsDate is when the China documentation pages below were read.
const chinaDocsDate = "2026-12-02"

// AuditPrincipalRows name how a service that writes audit data presents itself in a partition, beside
// what the provider's getServicePrincipal answers. The bucket, key and trust policies name the union,
// so they hold whichever form the service uses.
var AuditPrincipalRows = []TrustRow{
	{
		Partition: partitionChina, Service: "cloudtrail",
		Principals: []string{"cloudtrail.amazonaws.com"},
		Why: "CloudTrail's bucket policy examples in the China documentation name cloudtrail.amazonaws.com (no .cn suffix), " +
			"and the provider answers cloudtrail.amazonaws.com too (cloudtrail is not in its aws-cn list, ProviderPrincipalSuffixes); " +
			"both name the same principal, so the policies carry one",
		Sources: []Source{
			{Ref: "https://docs.amazonaws.cn/awscloudtrail/latest/userguide/cloudtrail-set-bucket-policy-for-multiple-accounts.html (bucket policy example: \"Principal\": {\"Service\": \"cloudtrail.amazonaws.com\"}); https://docs.amazonaws.cn/en_us/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html (aws:SourceArn of the trail recommended)", Read: chinaDocsDate},
		},
	},
	{
		Partition: partitionChina, Service: "config",
		Principals: []string{"config.amazonaws.com"},
		Why:        "the China documentation's trust policy example for the role assigned to AWS Config names config.amazonaws.com",
		Sources: []Source{
			{Ref: "https://docs.amazonaws.cn/en_us/config/latest/developerguide/iamrole-permissions.html (\"Adding an IAM Trust Policy to your Role\"; AWS_ConfigRole for getting configuration details)", Read: chinaDocsDate},
		},
	},
}

// AuditPrincipals are the principals a policy names for the service in the partition: the provider's
// answer and every form a row lists, sorted, without duplicates.
func AuditPrincipals(partition, service, providerAnswer string) []string {
	out := []string{providerAnswer}
	for _, r := range AuditPrincipalRows {
		if r.Partition == partition && r.Service == service {
			out = append(out, r.Principals...)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// CloudTrailChina is the China-specific CloudTrail difference the trail is built around: CloudFront
// events are delivered only in cn-northwest-1 since 2021-11-22, so a single-region trail in cn-north-1
// would miss them; the trail is multi-region and its home is the owner's region.
var CloudTrailChina = Source{
	Ref:  "http://docs.amazonaws.cn/en_us/aws/latest/userguide/cloudtrail.html (via /work/shared/facts/aws-china-prices.md, \"Service availability in the China regions\")",
	Read: chinaDocsDate,
}

// GuardDutyFeature is one GuardDuty protection plan (a detector feature, by the API's name) and whether
// the baseline turns it on in a partition.
type GuardDutyFeature struct {
	Name string
	// Enable lists the partitions where the baseline turns the feature on; elsewhere it is left off.
	Enable []string
	Why    string
	Source Source
}

// GuardDutyFeatures are the protections the detector is configured with. A feature not listed keeps
// GuardDuty's own default.
var GuardDutyFeatures = []GuardDutyFeature{
	{
		Name: "S3_DATA_EVENTS", Enable: []string{partitionChina, partitionGlobal},
		Why:    "S3 protection: the backups, WAL archive and audit logs are in S3; GuardDuty in China analyses CloudTrail S3 data events",
		Source: Source{Ref: "https://www.amazonaws.cn/en/guardduty/faqs/ (\"Amazon CloudTrail S3 Data Event analysis\"); https://docs.amazonaws.cn/en_us/aws/latest/userguide/guardduty.html (via the shared facts file)", Read: chinaDocsDate},
	},
	{
		Name: "EKS_AUDIT_LOGS", Enable: []string{partitionChina, partitionGlobal},
		Why:    "EKS Protection (audit-log monitoring) is documented for China; some of its finding types are not available there",
		Source: Source{Ref: "https://docs.amazonaws.cn/en_us/guardduty/latest/ug/kubernetes-protection.html; /work/shared/facts/aws-china-prices.md (GuardDuty row: some EKS audit-log finding types unavailable)", Read: chinaDocsDate},
	},
	{
		Name: "RUNTIME_MONITORING", Enable: nil,
		Why:    "Runtime Monitoring, EKS Runtime Monitoring included, is not supported in the China regions; left off everywhere so that the plan is the same in both partitions",
		Source: Source{Ref: "https://docs.amazonaws.cn/en_us/aws/latest/userguide/guardduty.html (via /work/shared/facts/aws-china-prices.md, GuardDuty row)", Read: chinaDocsDate},
	},
}

// GuardDutyFeaturesFor lists the features to turn on in the partition. Features the partition lacks
// are not touched at all (no detector-feature resource, not even a DISABLED one): whether the API
// accepts naming a feature the region does not offer was not found documented, and a feature the
// region does not offer cannot be running there.
func GuardDutyFeaturesFor(partition string) []string {
	var on []string
	for _, f := range GuardDutyFeatures {
		if slices.Contains(f.Enable, partition) {
			on = append(on, f.Name)
		}
	}
	return on
}

// GuardDutyPublishing is how often GuardDuty sends updated findings to EventBridge (and so to the
// on-call): FIFTEEN_MINUTES, the shortest the API offers (the others are ONE_HOUR and SIX_HOURS).
const GuardDutyPublishing = "FIFTEEN_MINUTES"

// ConfigRule is one AWS Config managed rule, with the program policy it mirrors in the account and
// whether the China regions offer it.
type ConfigRule struct {
	// Name is the rule's name in the documentation; Identifier is what the API takes.
	Name, Identifier string
	// Mirrors is the program's policy the rule checks in the running account.
	Mirrors string
	// China is false where the rule's page excludes China (Beijing) and China (Ningxia).
	China  bool
	Source Source
}

func configDoc(name string) Source {
	return Source{Ref: "https://docs.amazonaws.cn/en_us/config/latest/developerguide/" + name + ".html (\"Amazon Web Services Region\")", Read: chinaDocsDate}
}

// ConfigRules are the managed rules the recorder evaluates. Rows with China false are kept so the
// reason they are missing stays next to the rules that are there.
var ConfigRules = []ConfigRule{
	{"multi-region-cloudtrail-enabled", "MULTI_REGION_CLOUD_TRAIL_ENABLED", "AUD-001 (a multi-region trail)", true, configDoc("multi-region-cloudtrail-enabled")},
	{"cloud-trail-log-file-validation-enabled", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", "AUD-001 (log file validation)", true, configDoc("cloud-trail-log-file-validation-enabled")},
	{"cloud-trail-encryption-enabled", "CLOUD_TRAIL_ENCRYPTION_ENABLED", "AUD-001 (trail encrypted with KMS)", true, configDoc("cloud-trail-encryption-enabled")},
	{"eks-endpoint-no-public-access", "EKS_ENDPOINT_NO_PUBLIC_ACCESS", "EKS-001 (API endpoint not public)", true, configDoc("eks-endpoint-no-public-access")},
	{"cmk-backing-key-rotation-enabled", "CMK_BACKING_KEY_ROTATION_ENABLED", "BAK-007 (every KMS key rotates)", true, configDoc("cmk-backing-key-rotation-enabled")},
	{"s3-bucket-level-public-access-prohibited", "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", "BAK-003 (buckets block public access)", true, configDoc("s3-bucket-level-public-access-prohibited")},
	{"s3-bucket-ssl-requests-only", "S3_BUCKET_SSL_REQUESTS_ONLY", "BAK-004 (buckets deny non-TLS requests)", true, configDoc("s3-bucket-ssl-requests-only")},
	{"ec2-launch-templates-ebs-volume-encrypted", "EC2_LAUNCH_TEMPLATES_EBS_VOLUME_ENCRYPTED", "EKS-005 (node volumes encrypted, set in the launch templates)", true, configDoc("ec2-launch-templates-ebs-volume-encrypted")},
	{"guardduty-enabled-centralized", "GUARDDUTY_ENABLED_CENTRALIZED", "the detector of this baseline stays on", true, configDoc("guardduty-enabled-centralized")},
	// encrypted-volumes: the global page lists China (Beijing) and China (Ningxia) among the regions
	// without it; the China page says otherwise. The launch-template rule above covers the nodes.
	{"encrypted-volumes", "ENCRYPTED_VOLUMES", "EKS-005", false, Source{Ref: "https://docs.aws.amazon.com/config/latest/developerguide/encrypted-volumes.html (\"All supported AWS regions except China (Beijing), ... China (Ningxia)\"), contradicted by https://docs.amazonaws.cn/en_us/config/latest/developerguide/encrypted-volumes.html; left out until a region answers", Read: chinaDocsDate}},
	{"eks-cluster-secrets-encrypted", "EKS_CLUSTER_SECRETS_ENCRYPTED", "EKS-002", false, Source{Ref: "https://docs.aws.amazon.com/config/latest/developerguide/eks-cluster-secrets-encrypted.html (\"except China (Beijing), ... China (Ningxia)\")", Read: chinaDocsDate}},
	{"ecr-private-image-scanning-enabled", "ECR_PRIVATE_IMAGE_SCANNING_ENABLED", "the registry scanning configuration", false, Source{Ref: "/work/shared/facts/aws-china-prices.md (ECR row: the rule is unavailable in both China regions)", Read: chinaDocsDate}},
}

// ConfigRulesFor lists the rules the partition offers.
func ConfigRulesFor(partition string) []ConfigRule {
	var out []ConfigRule
	for _, r := range ConfigRules {
		if r.China || partition != partitionChina {
			out = append(out, r)
		}
	}
	return out
}

// SecurityHubStandard is one Security Hub standard, by the path of its ARN
// (arn:<partition>:securityhub:<region>::<path>).
type SecurityHubStandard struct {
	Path   string
	Why    string
	Source Source
}

// SecurityHubStandards are the standards subscribed in each region. The China documentation names
// AWS Foundational Security Best Practices v1.0.0 and CIS AWS Foundations Benchmark v1.2.0 as the
// standards enabled by default there, so both exist in China; only FSBP is subscribed: CIS v1.2.0's
// monitoring controls want CloudWatch metric-filter alarms this platform does not use (its alerts go
// through Prometheus), and would keep failing without adding a check FSBP and the Config rules lack.
var SecurityHubStandards = []SecurityHubStandard{
	{
		Path:   "standards/aws-foundational-security-best-practices/v/1.0.0",
		Why:    "AWS's own best-practice controls, including the services used here (EKS, S3, KMS, ElastiCache, OpenSearch)",
		Source: Source{Ref: "https://docs.amazonaws.cn/securityhub/latest/userguide/securityhub-auto-enabled-standards.html (default standards in China: AWS FSBP v1.0.0 and CIS v1.2.0); /work/shared/facts/aws-china-prices.md (Security Hub in both China regions)", Read: chinaDocsDate},
	},
}

// ECRScanning is the registry scanning configuration: BASIC (scan on push, CVEs from the Clair
// database) in every partition, because enhanced scanning through Inspector is not confirmed for
// China (shared facts) and basic scanning is documented there.
var ECRScanning = struct {
	ScanType, Frequency string
	Source              Source
}{
	ScanType: "BASIC", Frequency: "SCAN_ON_PUSH",
	Source: Source{Ref: "https://docs.amazonaws.cn/en_us/AmazonECR/latest/userguide/image-scanning.html (basic scanning, scan-on-push filters); https://docs.amazonaws.cn/en_us/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html; /work/shared/facts/aws-china-prices.md (enhanced scanning not confirmed)", Read: chinaDocsDate},
}
