package plan

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	platform "github.com/suoke-life/suoke-platform/infra/config"
)

// monitoringOutputs are the computed outputs the monitoring component reads: the OpenSearch domain's
// ARN and VPC endpoint (vpc-<domain>-<id>.<region>.es.<dns suffix>, as OpenSearch Service names VPC
// endpoints), and the service-linked role's ARN under its service's path.
func monitoringOutputs(args pulumi.MockResourceArgs, id, name string, r platform.Region, out map[string]any) {
	arnOf := func(svc, region, account, res string) string {
		return strings.Join([]string{"arn", r.Partition, svc, region, account, res}, ":")
	}
	switch args.TypeToken {
	case "aws:opensearch/domain:Domain":
		domain := name
		if v, ok := args.Inputs["domainName"]; ok && v.IsString() {
			domain = v.StringValue()
		}
		out["arn"] = arnOf("es", r.Name, MockAccountID, "domain/"+domain)
		out["domainId"] = MockAccountID + "/" + domain
		out["endpoint"] = "vpc-" + domain + "-" + strings.TrimPrefix(id, "mock-") + "." + r.Name + ".es." + r.DNSSuffix
	case "aws:iam/serviceLinkedRole:ServiceLinkedRole":
		svc := ""
		if v, ok := args.Inputs["awsServiceName"]; ok && v.IsString() {
			svc = v.StringValue()
		}
		out["arn"] = arnOf("iam", "", MockAccountID, "role/aws-service-role/"+svc+"/AWSServiceRoleForAmazonOpenSearchService")
	}
}
