package awsfacts

import "slices"

// globalPrincipalSuffix is the DNS suffix of every service principal the provider builds outside the
// services a PrincipalSuffixRule names.
const globalPrincipalSuffix = "amazonaws.com"

// PrincipalSuffixRule is how the AWS provider's getServicePrincipal answers in a partition: the
// listed services take the partition's DNS suffix (amazonaws.com.cn in aws-cn), every other service
// amazonaws.com. The answer is the provider's own table, not a call to AWS, so the program cannot
// learn more by asking; where a service needs more than that answer, a TrustRow says so.
type PrincipalSuffixRule struct {
	Partition string
	Services  []string
	Source    Source
}

// ProviderPrincipalSuffixes is servicePrincipalNameForPartition of terraform-provider-aws, which
// pulumi-aws wraps: in aws-cn only codedeploy, elasticmapreduce and logs get amazonaws.com.cn; ec2,
// s3, eks and everything else get amazonaws.com. The aws partition always gets amazonaws.com.
var ProviderPrincipalSuffixes = []PrincipalSuffixRule{
	{Partition: partitionChina, Services: []string{"codedeploy", "elasticmapreduce", "logs"}, Source: Source{
		Ref:  "github.com/hashicorp/terraform-provider-aws internal/service/meta/service_principal_data_source.go @2121ce77b821, servicePrincipalNameForPartition (case endpoints.AwsCnPartitionID)",
		Read: "2026-12-02",
	}},
}

// ProviderPrincipalSuffix is the suffix getServicePrincipal gives a service in a partition whose DNS
// suffix is dnsSuffix.
func ProviderPrincipalSuffix(partition, dnsSuffix, service string) string {
	for _, r := range ProviderPrincipalSuffixes {
		if r.Partition == partition && slices.Contains(r.Services, service) {
			return dnsSuffix
		}
	}
	return globalPrincipalSuffix
}

// TrustRow names the principals a role assumed by a service must trust in a partition, where the
// provider's one answer is not enough.
type TrustRow struct {
	Partition  string
	Service    string
	Principals []string
	Why        string
	Sources    []Source
}

// RoleTrust are the partitions and services whose roles trust more than getServicePrincipal answers.
var RoleTrust = []TrustRow{
	{
		Partition: partitionChina, Service: "ec2",
		Principals: []string{"ec2.amazonaws.com", "ec2.amazonaws.com.cn"},
		Why: "EKS in aws-cn rejects a node role without ec2.amazonaws.com.cn in its trust (CreateNodegroup: " +
			"\"Following required service principals [ec2.amazonaws.com.cn] were not found in the trust relationships of nodeRole\"), " +
			"while the provider answers ec2.amazonaws.com; the node role trusts both, so it holds whichever form EC2 presents.",
		Sources: []Source{
			{Ref: "https://github.com/awslabs/cdk-eks-blueprints/issues/558 (cn-northwest-1 node group CREATE_FAILED with a trust of ec2.amazonaws.com only)", Read: "2026-12-02"},
			{Ref: "https://github.com/bottlerocket-os/bottlerocket-update-operator/issues/316 (same error in China, fixed by trusting ec2.amazonaws.com.cn)", Read: "2026-12-02"},
			{Ref: "github.com/eksctl-io/eksctl pkg/cfn/builder/partition.go (servicePrincipalPartitionMappings: aws-cn EC2 = ec2.amazonaws.com.cn, EKS = eks.amazonaws.com)", Read: "2026-12-02"},
		},
	},
}

// TrustedServicePrincipals are the principals a role assumed by the service must trust in the
// partition beyond the provider's answer; none when no row names the pair.
func TrustedServicePrincipals(partition, service string) []string {
	for _, r := range RoleTrust {
		if r.Partition == partition && r.Service == service {
			return append([]string(nil), r.Principals...)
		}
	}
	return nil
}
