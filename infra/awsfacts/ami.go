package awsfacts

// The runner host launches from the latest Amazon Linux 2023 AMI through the public SSM parameter,
// which EC2 resolves at launch when an image ID is "resolve:ssm:<parameter>" (Systems Manager User
// Guide, China edition, "native parameter support for AMI IDs": the caller needs
// ssm:GetParameters). The public parameter's name is built the same way in every partition by the
// AWS CDK (aws-ec2 machine-image.ts ssmParameterName: AL2023 → ami-amazon-linux-latest/
// al2023-ami-kernel-6.1-x86_64; kernel-default is the alias of the current kernel). That it exists
// in cn-north-1 and cn-northwest-1 was not confirmed by a China page; `aws ssm get-parameter --name
// <it>` in the region is the check, and the first-deploy runbook runs it.
var al2023Parameter = Source{
	Ref:  "docs.amazonaws.cn/en_us/systems-manager/latest/userguide/parameter-store-ec2-aliases.html; github.com/aws/aws-cdk packages/aws-cdk-lib/aws-ec2/lib/machine-image/machine-image.ts (ssmParameterName)",
	Read: "2026-12-02",
}

// RunnerAMIParameter is the launch template image of the runner host: Amazon Linux 2023, x86_64.
func RunnerAMIParameter(string) string {
	return "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

// RunnerAMISource is where RunnerAMIParameter was read.
func RunnerAMISource() Source { return al2023Parameter }
