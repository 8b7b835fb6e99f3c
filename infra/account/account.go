// Package account holds the account-wide prerequisites: what AWS allows once per account and every
// stack in the account needs. One stack owns them (config accountBaseline, prod by convention):
// it creates them and keeps them when it is destroyed. Every other stack of the account asks AWS
// for them (an invoke), so a second stack never tries to create them ("has been taken") and a
// destroy of staging never deletes what prod depends on.
//
// A prerequisite is a row of data; New has one loop over the rows.
package account

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ServiceLinkedRole is one IAM service-linked role the platform needs before a resource of the
// service can be created. IAM allows exactly one per account; its name and path are fixed by AWS.
type ServiceLinkedRole struct {
	// Key names the row (resource names, outputs).
	Key string
	// AWSServiceName is what CreateServiceLinkedRole takes; it is also the role's path segment.
	AWSServiceName string
	// RoleName is the role AWS creates under /aws-service-role/<AWSServiceName>/.
	RoleName string
	// Why the platform cannot leave its creation to the service.
	Why string
	// Source and Date are where the name was checked.
	Source, Date string
}

// ServiceLinkedRoles are the service-linked roles the program must see to exist before it creates
// what needs them. Roles a service creates for itself on first use (EKS's cluster and node-group
// roles, Auto Scaling's, ElastiCache's, Elastic Load Balancing's, AWS Backup's) are not listed:
// nothing here names them, and the cluster key's policy grants EC2 use through kms:ViaService
// instead of naming Auto Scaling's role, which does not exist in a fresh account.
var ServiceLinkedRoles = []ServiceLinkedRole{
	{
		Key:            "opensearch",
		AWSServiceName: "opensearchservice.amazonaws.com",
		RoleName:       "AWSServiceRoleForAmazonOpenSearchService",
		Why:            "a VPC domain creates its network interfaces through this role; when created through the API, the role must exist first",
		// The China documentation writes the role's ARN with the global service suffix in aws-cn:
		// arn:aws-cn:iam::111122223333:role/aws-service-role/opensearchservice.amazonaws.com/AWSServiceRoleForAmazonOpenSearchService
		Source: "docs.amazonaws.cn/en_us/personalize/latest/dg/domain-user-managed.html (policy example); terraform-provider-aws docs of aws_opensearch_domain (VPC domains need the service-linked role)",
		Date:   "2026-12-02",
	},
}

// Args says whether this stack owns the baseline.
type Args struct {
	// Owner creates the prerequisites (kept on destroy); otherwise they are looked up.
	Owner bool
}

// Account is the component; Ready holds what a resource needing a prerequisite depends on (the
// created roles; empty for a non-owner, whose roles exist before its run by definition).
type Account struct {
	pulumi.ResourceState

	// RoleARNs are the service-linked roles' ARNs by row key.
	RoleARNs map[string]pulumi.StringOutput
	// Ready are the created prerequisites, for DependsOn.
	Ready []pulumi.Resource
}

// New creates (owner) or looks up (everyone else) every prerequisite. The AWS provider comes in
// opts, like every component's.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Account, error) {
	a := &Account{RoleARNs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("suoke:platform:Account", name, a, opts...); err != nil {
		return nil, err
	}
	for _, slr := range ServiceLinkedRoles {
		if args.Owner {
			// Kept on destroy: other stacks of the account use it. Protected: a destroy of the owner
			// is refused until an operator unprotects it on purpose.
			role, err := iam.NewServiceLinkedRole(ctx, name+"-"+slr.Key+"-slr", &iam.ServiceLinkedRoleArgs{
				AwsServiceName: pulumi.String(slr.AWSServiceName),
				Description:    pulumi.String(slr.Why),
			}, pulumi.Parent(a), pulumi.Protect(true), pulumi.RetainOnDelete(true))
			if err != nil {
				return nil, err
			}
			a.RoleARNs[slr.Key] = role.Arn
			a.Ready = append(a.Ready, role)
			continue
		}
		found, err := iam.LookupRole(ctx, &iam.LookupRoleArgs{Name: slr.RoleName}, pulumi.Parent(a))
		if err != nil {
			return nil, fmt.Errorf("account baseline: the service-linked role %s (%s) was not found in this account: "+
				"deploy the stack that owns the account baseline (accountBaseline: true, prod) first, or set accountBaseline: true "+
				"if this stack is alone in its account: %w", slr.RoleName, slr.AWSServiceName, err)
		}
		a.RoleARNs[slr.Key] = pulumi.String(found.Arn).ToStringOutput()
	}
	outs := pulumi.Map{}
	for k, v := range a.RoleARNs {
		outs[k] = v
	}
	return a, ctx.RegisterResourceOutputs(a, outs)
}
