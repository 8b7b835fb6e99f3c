package plan

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	platform "github.com/suoke-life/suoke-platform/infra/config"
)

// sessionContext answers iam.getSessionContext for the caller getCallerIdentity returns: an
// assumed-role session of the role suoke-deployer, as a CI runner's would be.
func sessionContext(args pulumi.MockCallArgs, r platform.Region) map[string]any {
	arn := ""
	if v, ok := args.Args["arn"]; ok && v.IsString() {
		arn = v.StringValue()
	}
	issuer := fmt.Sprintf("arn:%s:iam::%s:role/suoke-deployer", r.Partition, MockAccountID)
	return map[string]any{"id": arn, "arn": arn, "issuerArn": issuer, "issuerId": "AROAMOCKDEPLOYER",
		"issuerName": "suoke-deployer", "sessionName": "offline-plan"}
}

// clusterOutputs adds the computed outputs the cluster component reads: the EKS endpoint, CA and
// OIDC issuer in the region's own domain (amazonaws.com.cn in China), the OIDC provider's ARN, the
// launch template's version and the web ACL's ARN.
func clusterOutputs(args pulumi.MockResourceArgs, id, name string, r platform.Region, out map[string]any) {
	arnOf := func(svc, region, account, res string) string {
		return strings.Join([]string{"arn", r.Partition, svc, region, account, res}, ":")
	}
	hexID := strings.ToUpper(strings.TrimPrefix(id, "mock-"))
	switch args.TypeToken {
	case "aws:eks/cluster:Cluster":
		out["arn"] = arnOf("eks", r.Name, MockAccountID, "cluster/"+name)
		out["endpoint"] = fmt.Sprintf("https://%s.gr7.%s.eks.%s", hexID, r.Name, r.DNSSuffix)
		out["certificateAuthority"] = map[string]any{"data": base64.StdEncoding.EncodeToString([]byte("offline-plan mock CA for " + name))}
		out["identities"] = []any{map[string]any{"oidcs": []any{map[string]any{
			"issuer": fmt.Sprintf("https://oidc.eks.%s.%s/id/%s", r.Name, r.DNSSuffix, hexID)}}}}
		out["status"] = "ACTIVE"
		out["platformVersion"] = "eks.1"
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		if u, ok := args.Inputs["url"]; ok && u.IsString() {
			out["arn"] = arnOf("iam", "", MockAccountID, "oidc-provider/"+strings.TrimPrefix(u.StringValue(), "https://"))
		}
	case "aws:ec2/launchTemplate:LaunchTemplate":
		out["latestVersion"] = 1
		out["defaultVersion"] = 1
	case "aws:wafv2/webAcl:WebAcl":
		out["arn"] = arnOf("wafv2", r.Name, MockAccountID, "regional/webacl/"+name+"/"+id)
	}
}
