package plan

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	platform "github.com/suoke-life/suoke-platform/infra/config"
)

// elasticacheRegionCodes are the short region codes in ElastiCache endpoint names
// (<id>.<hash>.<code>.cache.<dns suffix>; ElastiCache "Finding connection endpoints", read
// 2026-11-25, for the global regions; the China codes follow the same scheme).
var elasticacheRegionCodes = map[string]string{"cn-northwest-1": "cnw1", "cn-north-1": "cnn1", "us-east-1": "use1", "us-west-2": "usw2"}

// databaseOutputs are the computed outputs the data tier reads: the replication group's primary and
// reader endpoints (TLS groups get master./replica. names), ElastiCache ARNs, and Secrets Manager's
// ARN with its random six-character suffix.
func databaseOutputs(args pulumi.MockResourceArgs, id, name string, r platform.Region, out map[string]any) {
	arnOf := func(svc, region, account, res string) string {
		return strings.Join([]string{"arn", r.Partition, svc, region, account, res}, ":")
	}
	input := func(key string) string {
		if v, ok := args.Inputs[resource.PropertyKey(key)]; ok && v.IsString() {
			return v.StringValue()
		}
		return name
	}
	hash := strings.TrimPrefix(id, "mock-")
	if len(hash) > 6 {
		hash = hash[:6]
	}
	switch args.TypeToken {
	case "aws:elasticache/replicationGroup:ReplicationGroup":
		rg := input("replicationGroupId")
		host := func(role string) string {
			return role + "." + rg + "." + hash + "." + elasticacheRegionCodes[r.Name] + ".cache." + r.DNSSuffix
		}
		out["arn"] = arnOf("elasticache", r.Name, MockAccountID, "replicationgroup:"+rg)
		out["primaryEndpointAddress"] = host("master")
		out["readerEndpointAddress"] = host("replica")
		out["memberClusters"] = []any{}
	case "aws:elasticache/user:User":
		out["arn"] = arnOf("elasticache", r.Name, MockAccountID, "user:"+input("userId"))
	case "aws:elasticache/userGroup:UserGroup":
		out["arn"] = arnOf("elasticache", r.Name, MockAccountID, "usergroup:"+input("userGroupId"))
	case "aws:elasticache/parameterGroup:ParameterGroup":
		out["arn"] = arnOf("elasticache", r.Name, MockAccountID, "parametergroup:"+input("name"))
	case "aws:secretsmanager/secret:Secret":
		out["arn"] = arnOf("secretsmanager", r.Name, MockAccountID, "secret:"+input("name")+"-"+hash)
	case "aws:kms/alias:Alias":
		out["arn"] = arnOf("kms", r.Name, MockAccountID, input("name"))
	}
}
