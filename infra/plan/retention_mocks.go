package plan

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	platform "github.com/suoke-life/suoke-platform/infra/config"
)

// elbServiceAccount answers getServiceAccount as the provider does: from its own table of ELB
// accounts per region (awsfacts.ELBLogDelivery), id the account, arn arn:<partition>:iam::<id>:root,
// for the invoke's region or else the provider's; a region the table lacks is the provider's error
// "unsupported AWS Region" (terraform-provider-aws internal/service/elb/service_account_data_source.go,
// dataSourceServiceAccountRead, read 2026-12-02).
func elbServiceAccount(args pulumi.MockCallArgs, r platform.Region) (map[string]any, error) {
	region := r.Name
	if v, ok := args.Args["region"]; ok && v.IsString() && v.StringValue() != "" {
		region = v.StringValue()
	}
	id, ok := awsfacts.ELBLogDeliveryAccount(region)
	if !ok {
		return nil, fmt.Errorf("unsupported AWS Region: %s (infra/awsfacts/elb.go has no row for it)", region)
	}
	return map[string]any{"id": id, "arn": fmt.Sprintf("arn:%s:iam::%s:root", r.Partition, id), "region": region}, nil
}
