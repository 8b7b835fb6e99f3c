package awsfacts

// Facts behind the ALB's access logs (infra/cluster/edge/accesslogs.go): which principal Elastic Load
// Balancing writes access logs as in each China region, and what encryption the log bucket may use.

// elbDocsChina is the China documentation's ELB page: "When using the legacy bucket policy, specify the
// following Amazon account IDs in the policy to grant ELB permission to write logs to your S3 bucket:
// China (Beijing) 638102146993, China (Ningxia) 037604701340". The China page names no service
// principal for the newer policy form, so the bucket policy grants the account.
var elbDocsChina = Source{
	Ref:  "https://docs.amazonaws.cn/en_us/aws/latest/userguide/elb.html (Feature Availability and Implementation Differences)",
	Read: chinaDocsDate,
}

// elbProviderTable is the table the AWS provider's getServiceAccount (aws:elb/getServiceAccount)
// answers from: no call to AWS, the same two accounts for the China regions, as arn:<partition>:iam::<id>:root.
var elbProviderTable = Source{
	Ref:  "github.com/hashicorp/terraform-provider-aws internal/service/elb/service_account_data_source.go @01f431114674, accountIDPerRegionMap and dataSourceServiceAccountRead",
	Read: "2026-12-02",
}

// ELBLogDeliveryRow is the account that Elastic Load Balancing writes access logs as in a region.
type ELBLogDeliveryRow struct {
	Region    string
	AccountID string
	Sources   []Source
}

// ELBLogDelivery are the regions the program deploys to whose load balancers write access logs as an
// ELB-owned account (the "legacy" policy form: Principal {"AWS": "arn:aws-cn:iam::<id>:root"}).
var ELBLogDelivery = []ELBLogDeliveryRow{
	{Region: "cn-north-1", AccountID: "638102146993", Sources: []Source{elbDocsChina, elbProviderTable}},
	{Region: "cn-northwest-1", AccountID: "037604701340", Sources: []Source{elbDocsChina, elbProviderTable}},
	// The global regions the config offers, for tests and a non-China stack (the ALB guide's table,
	// "Regions available before August 2022").
	{Region: "us-east-1", AccountID: "127311923021", Sources: []Source{elbProviderTable}},
	{Region: "us-west-2", AccountID: "797873946194", Sources: []Source{elbProviderTable}},
}

// ELBLogDeliveryAccount is the ELB account of a region, and whether a row names it.
func ELBLogDeliveryAccount(region string) (string, bool) {
	for _, r := range ELBLogDelivery {
		if r.Region == region {
			return r.AccountID, true
		}
	}
	return "", false
}

// ALBAccessLogEncryption is the only default encryption an access-log bucket may have: "The only
// server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3)".
var ALBAccessLogEncryption = Source{
	Ref:  "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html (Step 1: Create an S3 bucket, Requirements)",
	Read: "2026-12-02",
}
