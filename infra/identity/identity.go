// Package identity asks AWS where the program runs: partition, DNS suffix, region, account and
// service principals. Nothing else writes an ARN prefix or a principal by hand, so the same program
// is right in the aws and aws-cn partitions.
package identity

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
)

// Env is what AWS reports about the account and region a provider targets.
type Env struct {
	Partition string
	DNSSuffix string
	// ReverseDNS is getPartition's reverseDnsPrefix (the DNS suffix reversed: cn.com.amazonaws in
	// aws-cn; terraform-provider-aws names/names.go ReverseDNS, read 2026-12-02). It is not a VPC
	// endpoint prefix: EndpointService asks AWS for those.
	ReverseDNS string
	Region     string
	AccountID  string
	// Provider is the AWS provider the facts came from; principal look-ups go through it too.
	Provider pulumi.ProviderResource
}

// Lookup invokes getPartition, getRegion and getCallerIdentity through the given provider.
func Lookup(ctx *pulumi.Context, provider pulumi.ProviderResource) (*Env, error) {
	opt := pulumi.Provider(provider)
	part, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, opt)
	if err != nil {
		return nil, fmt.Errorf("identity: get partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, opt)
	if err != nil {
		return nil, fmt.Errorf("identity: get region: %w", err)
	}
	caller, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, opt)
	if err != nil {
		return nil, fmt.Errorf("identity: get caller identity: %w", err)
	}
	return &Env{
		Partition:  part.Partition,
		DNSSuffix:  part.DnsSuffix,
		ReverseDNS: part.ReverseDnsPrefix,
		Region:     region.Name,
		AccountID:  caller.AccountId,
		Provider:   provider,
	}, nil
}

// ServicePrincipal asks the provider for a service's principal in this partition. The answer comes
// from the provider's own table (awsfacts.ProviderPrincipalSuffixes): in aws-cn only codedeploy,
// elasticmapreduce and logs get amazonaws.com.cn, so "logs" gives logs.amazonaws.com.cn there and
// "ec2" gives ec2.amazonaws.com. A role that must trust more (the EKS node role in China) adds
// awsfacts.TrustedServicePrincipals.
func (e *Env) ServicePrincipal(ctx *pulumi.Context, service string) (string, error) {
	sp, err := aws.GetServicePrincipal(ctx, &aws.GetServicePrincipalArgs{ServiceName: service, Region: &e.Region}, pulumi.Provider(e.Provider))
	if err != nil {
		return "", fmt.Errorf("identity: service principal of %s: %w", service, err)
	}
	return sp.Name, nil
}

// ARN builds an ARN in this partition. region and account may be empty for global services (IAM, S3).
func (e *Env) ARN(service, region, account, resource string) string {
	return strings.Join([]string{"arn", e.Partition, service, region, account, resource}, ":")
}

// EndpointService asks AWS for the name of a service's VPC endpoint service of the given type
// (awsfacts.EndpointInterface or EndpointGateway) in this region. The name cannot be built from the
// partition: in China only some services take cn.com.amazonaws (ec2, ecr, sts, autoscaling), others
// keep com.amazonaws (kms, logs, secretsmanager, elasticloadbalancing), and a wrong guess fails
// CreateVpcEndpoint with InvalidServiceName (infra/awsfacts/endpoints.go has the sources). So the
// look-up filters on every name the service can have here and the provider returns the one AWS
// lists: getVpcEndpointService's own `service` argument only ever builds com.amazonaws.<region>.<svc>,
// custom filters pass through to DescribeVpcEndpointServices, and exactly one match is required
// (terraform-provider-aws internal/service/ec2/vpc_endpoint_service_data_source.go, read
// 2026-12-02). The service-type filter matters for S3, whose gateway and interface endpoints share
// one name outside China.
func (e *Env) EndpointService(ctx *pulumi.Context, service, endpointType string) (string, error) {
	candidates := awsfacts.EndpointNameCandidates(e.Partition, e.Region, service)
	res, err := ec2.LookupVpcEndpointService(ctx, &ec2.LookupVpcEndpointServiceArgs{
		ServiceType: &endpointType,
		Filters:     []ec2.GetVpcEndpointServiceFilter{{Name: "service-name", Values: candidates}},
	}, pulumi.Provider(e.Provider))
	if err != nil {
		return "", fmt.Errorf("identity: %s endpoint service of %s in %s (one of %s): %w",
			endpointType, service, e.Region, strings.Join(candidates, ", "), err)
	}
	return res.ServiceName, nil
}
