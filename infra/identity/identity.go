// Package identity asks AWS where the program runs: partition, DNS suffix, region, account and
// service principals. Nothing else writes an ARN prefix or a principal by hand, so the same program
// is right in the aws and aws-cn partitions.
package identity

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Env is what AWS reports about the account and region a provider targets.
type Env struct {
	Partition  string
	DNSSuffix  string
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

// ServicePrincipal asks AWS for a service's principal in this partition ("logs" gives
// logs.amazonaws.com, or logs.amazonaws.com.cn in China).
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

// EndpointService is the VPC endpoint service name of an AWS service in this region. Interface
// endpoints take the partition's reverse-DNS prefix (cn.com.amazonaws in China); the S3 gateway
// endpoint keeps com.amazonaws everywhere (VPC User Guide "Gateway endpoints for Amazon S3" and the
// China "Amazon VPC" differences page, read 2026-11-25).
func (e *Env) EndpointService(service string, gateway bool) string {
	prefix := e.ReverseDNS
	if gateway {
		prefix = "com.amazonaws"
	}
	return prefix + "." + e.Region + "." + service
}
