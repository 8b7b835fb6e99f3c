// Package network builds the VPC: subnets per AZ and role, NAT, VPC endpoints, flow logs and the
// security groups that later tiers take as typed outputs.
package network

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/identity"
)

// Args configures the network. The composition fills it from the validated stack config.
type Args struct {
	// CIDR is the VPC's IPv4 range (/16 to /20).
	CIDR string
	// AZs are the availability zones to span, in order.
	AZs []string
	// NATPerAZ gives each AZ its own NAT gateway; false shares one (staging).
	NATPerAZ bool
	// FlowLogRetentionDays is the flow log group's retention.
	FlowLogRetentionDays int
	// GatewayPorts are the container ports the load balancer may reach on the nodes (IP targets).
	GatewayPorts []int
	// Env is what AWS reports about partition and region (endpoint names, principals, ARNs).
	Env *identity.Env
	// Tags are added to every resource beside the provider's default tags.
	Tags map[string]string
}

// Validate checks the args on their own; config has already validated the values it passes.
func (a Args) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if _, err := Layout(a.CIDR, a.AZs); err != nil {
		errs = append(errs, field.Invalid(path.Child("cidr"), a.CIDR, err.Error()))
	}
	if len(a.AZs) < 2 {
		errs = append(errs, field.Invalid(path.Child("azs"), len(a.AZs), "must name at least 2 AZs"))
	}
	if a.FlowLogRetentionDays <= 0 {
		errs = append(errs, field.Invalid(path.Child("flowLogRetentionDays"), a.FlowLogRetentionDays, "must be positive"))
	}
	if a.Env == nil {
		errs = append(errs, field.Required(path.Child("env"), "the AWS partition and region"))
	}
	for i, p := range a.GatewayPorts {
		if p < 1 || p > 65535 {
			errs = append(errs, field.Invalid(path.Child("gatewayPorts").Index(i), p, "must be a TCP port"))
		}
	}
	return errs
}

// InterfaceEndpoints are the AWS APIs private nodes call, reached through interface endpoints so
// that image pulls, credentials and logs keep working without the NAT path (EKS User Guide "Deploy
// private clusters with limited internet access", read 2026-11-25: ec2, ecr.api, ecr.dkr, s3
// (gateway), sts, logs, elasticloadbalancing, autoscaling; kms and secretsmanager for our own keys
// and secrets).
var InterfaceEndpoints = []string{
	"autoscaling", "ec2", "ecr.api", "ecr.dkr", "elasticloadbalancing", "kms", "logs", "secretsmanager", "sts",
}
