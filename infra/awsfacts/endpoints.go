package awsfacts

import (
	"slices"
	"sort"
	"strings"
)

// Endpoint types, as DescribeVpcEndpointServices reports a service's ServiceType.
const (
	EndpointInterface = "Interface"
	EndpointGateway   = "Gateway"
)

// Partition names, as getPartition answers them. awsfacts keeps its own copies so that it imports
// nothing of the program (config may read these rows; it must not be read by them).
const (
	partitionGlobal = "aws"
	partitionChina  = "aws-cn"
)

// The two prefixes of AWS-owned endpoint service names: <prefix>.<region>.<service>.
const (
	prefixGlobal = "com.amazonaws"
	prefixChina  = "cn.com.amazonaws"
)

var (
	// cdkEndpointPrefixes is the AWS CDK's table of the services whose endpoint service name takes
	// cn.com.amazonaws in each China region; every other service there, and every service in the aws
	// partition, is com.amazonaws.<region>.<service>. Its code comment says the list was taken from
	// `aws ec2 describe-vpc-endpoint-services` in those regions.
	cdkEndpointPrefixes = Source{
		Ref:  "github.com/aws/aws-cdk packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts @000a9eb6dd93, InterfaceVpcEndpointAwsService.getDefaultEndpointPrefix (VPC_ENDPOINT_SERVICE_EXCEPTIONS); GatewayVpcEndpointAwsService uses com.amazonaws for every region",
		Read: "2026-12-02",
	}
	// eksctlEndpoints is eksctl's own table for fully private clusters, which agrees for the services
	// it covers (ec2, ecr.api, ecr.dkr, sts, autoscaling: cn.com.amazonaws; s3 gateway and logs:
	// com.amazonaws), and its recorded cn-north-1 DescribeVpcEndpointServices answer.
	eksctlEndpoints = Source{
		Ref:  "github.com/eksctl-io/eksctl pkg/cfn/builder/vpc_endpoint.go (chinaPartitionServiceHasChinaPrefix) and pkg/cfn/builder/testdata/service_details_china.json",
		Read: "2026-12-02",
	}
)

// chinaRegions are the regions of aws-cn; the CDK's table has the same list for both.
var chinaRegions = []string{"cn-north-1", "cn-northwest-1"}

// EndpointService is one AWS-owned VPC endpoint service the program uses, as a row: the service's
// short name and endpoint type, and the regions where its name takes the cn.com.amazonaws prefix
// (elsewhere it is com.amazonaws.<region>.<service>). The program asks AWS for the real name
// (identity.Env.EndpointService); the offline plan's mock answers from these rows.
type EndpointService struct {
	Service     string
	Type        string
	ChinaPrefix []string
	Sources     []Source
}

// EndpointServices are the endpoint services the program creates endpoints for. A new endpoint needs
// a row here with its source, or the offline plan fails naming it.
var EndpointServices = []EndpointService{
	{Service: "autoscaling", Type: EndpointInterface, ChinaPrefix: chinaRegions, Sources: []Source{cdkEndpointPrefixes, eksctlEndpoints}},
	{Service: "ec2", Type: EndpointInterface, ChinaPrefix: chinaRegions, Sources: []Source{cdkEndpointPrefixes, eksctlEndpoints}},
	{Service: "ecr.api", Type: EndpointInterface, ChinaPrefix: chinaRegions, Sources: []Source{cdkEndpointPrefixes, eksctlEndpoints}},
	{Service: "ecr.dkr", Type: EndpointInterface, ChinaPrefix: chinaRegions, Sources: []Source{cdkEndpointPrefixes, eksctlEndpoints}},
	{Service: "elasticloadbalancing", Type: EndpointInterface, Sources: []Source{cdkEndpointPrefixes}},
	{Service: "kms", Type: EndpointInterface, Sources: []Source{cdkEndpointPrefixes}},
	{Service: "logs", Type: EndpointInterface, Sources: []Source{cdkEndpointPrefixes, eksctlEndpoints}},
	{Service: "secretsmanager", Type: EndpointInterface, Sources: []Source{cdkEndpointPrefixes}},
	{Service: "sts", Type: EndpointInterface, ChinaPrefix: chinaRegions, Sources: []Source{cdkEndpointPrefixes, eksctlEndpoints}},
	// S3 has both kinds, under different names in China: the interface endpoint is in the CDK's
	// cn.com.amazonaws list, the gateway keeps com.amazonaws (the CDK's gateway class, and eksctl's
	// recorded cn-north-1 answer: com.amazonaws.cn-north-1.s3, ServiceType Gateway). Elsewhere both
	// share one name, so a look-up of S3 must say which type it wants.
	{Service: "s3", Type: EndpointInterface, ChinaPrefix: chinaRegions, Sources: []Source{cdkEndpointPrefixes}},
	{Service: "s3", Type: EndpointGateway, Sources: []Source{cdkEndpointPrefixes, eksctlEndpoints}},
}

// endpointPrefixes are the prefixes endpoint service names take per partition (cdkEndpointPrefixes).
var endpointPrefixes = map[string][]string{
	partitionGlobal: {prefixGlobal},
	partitionChina:  {prefixGlobal, prefixChina},
}

// EndpointNameCandidates are the names a service's endpoint service can have in a region of the
// partition, for a look-up that lets AWS say which one exists: com.amazonaws.<region>.<service>
// everywhere, and cn.com.amazonaws.<region>.<service> too in aws-cn.
func EndpointNameCandidates(partition, region, service string) []string {
	prefixes, ok := endpointPrefixes[partition]
	if !ok {
		prefixes = []string{prefixGlobal}
	}
	out := make([]string, len(prefixes))
	for i, p := range prefixes {
		out[i] = p + "." + region + "." + service
	}
	return out
}

// EndpointServiceDetail is a row resolved for one region: the full name and type
// DescribeVpcEndpointServices lists.
type EndpointServiceDetail struct {
	Service string
	Name    string
	Type    string
}

// EndpointServicesIn lists the endpoint services of the table as they are named in a region, sorted
// by name and type.
func EndpointServicesIn(region string) []EndpointServiceDetail {
	out := make([]EndpointServiceDetail, 0, len(EndpointServices))
	for _, e := range EndpointServices {
		prefix := prefixGlobal
		if slices.Contains(e.ChinaPrefix, region) {
			prefix = prefixChina
		}
		out = append(out, EndpointServiceDetail{Service: e.Service, Name: prefix + "." + region + "." + e.Service, Type: e.Type})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// EndpointServiceOf returns the short service name in a full endpoint service name of the region
// ("cn.com.amazonaws.cn-north-1.ecr.dkr" gives "ecr.dkr"), or false when the name has neither prefix.
func EndpointServiceOf(region, name string) (string, bool) {
	for _, p := range []string{prefixChina, prefixGlobal} {
		if s, ok := strings.CutPrefix(name, p+"."+region+"."); ok && s != "" {
			return s, true
		}
	}
	return "", false
}

// HasEndpointService reports whether the table has a row for the service, of any type.
func HasEndpointService(service string) bool {
	return slices.ContainsFunc(EndpointServices, func(e EndpointService) bool { return e.Service == service })
}
