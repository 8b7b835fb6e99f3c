package plan_test

import (
	"context"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// seen is what a transform received for one registration.
type seen struct {
	props            pulumi.Map
	parent, provider bool
	deps             int
}

// TestMocksRunStackTransformsLikeTheEngine: a stack transform sees every registration with its inputs,
// parent, provider and dependencies, as the engine hands them over.
func TestMocksRunStackTransformsLikeTheEngine(t *testing.T) {
	m := plan.NewMocks(region(t, "cn-northwest-1"))
	var mu sync.Mutex
	got := map[string]seen{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := ctx.RegisterResourceTransform(func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			mu.Lock()
			defer mu.Unlock()
			got[a.Name] = seen{props: a.Props, parent: a.Opts.Parent != nil, provider: a.Opts.Provider != nil, deps: len(a.Opts.DependsOn)}
			return nil
		}); err != nil {
			return err
		}
		prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("cn-northwest-1")})
		if err != nil {
			return err
		}
		vpc, err := ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")}, pulumi.Provider(prov))
		if err != nil {
			return err
		}
		_, err = ec2.NewSubnet(ctx, "subnet", &ec2.SubnetArgs{VpcId: vpc.ID(), CidrBlock: pulumi.String("10.0.0.0/24")}, pulumi.Provider(prov))
		return err
	}, pulumi.WithMocks("p", "test", m))
	require.NoError(t, err)

	require.Contains(t, got, "vpc")
	require.Contains(t, got, "subnet")
	assert.Equal(t, pulumi.String("10.0.0.0/16"), got["vpc"].props["cidrBlock"])
	assert.True(t, got["vpc"].parent, "the root stack is the parent")
	assert.True(t, got["vpc"].provider)
	assert.Equal(t, 0, got["vpc"].deps)
	assert.Equal(t, 1, got["subnet"].deps, "the subnet depends on the VPC through vpcId")
	assert.Len(t, m.Resources(), 3)
}

// A transform that changes props (or any option but protect and retainOnDelete) is refused offline:
// the mocks would record something other than what the engine registers.
func TestTransformResultsAreRefusedOffline(t *testing.T) {
	m := plan.NewMocks(region(t, "cn-northwest-1"))
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := ctx.RegisterResourceTransform(func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			props := pulumi.Map{}
			for k, v := range a.Props {
				props[k] = v
			}
			props["enableDnsSupport"] = pulumi.Bool(false)
			return &pulumi.ResourceTransformResult{Props: props, Opts: a.Opts}
		}); err != nil {
			return err
		}
		_, err := ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
		return err
	}, pulumi.WithMocks("p", "test", m))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "beyond protect and retainOnDelete")
}

// Protect and retainOnDelete set by a transform are applied to the recorded resource, as the engine
// applies them (infra/protection's transform relies on it).
func TestTransformProtectionIsRecorded(t *testing.T) {
	m := plan.NewMocks(region(t, "cn-northwest-1"))
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := ctx.RegisterResourceTransform(func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			if a.Type != "aws:ec2/vpc:Vpc" {
				return nil
			}
			opts := a.Opts
			opts.Protect, opts.RetainOnDelete = true, true
			return &pulumi.ResourceTransformResult{Props: a.Props, Opts: opts}
		}); err != nil {
			return err
		}
		_, err := ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
		return err
	}, pulumi.WithMocks("p", "test", m))
	require.NoError(t, err)
	for _, r := range m.Resources() {
		if r.Type == "aws:ec2/vpc:Vpc" {
			assert.True(t, r.Protect)
			assert.True(t, r.RetainOnDelete)
		}
	}
}

func TestInvokeTransformsAreRefusedOffline(t *testing.T) {
	m := plan.NewMocks(region(t, "cn-northwest-1"))
	m.RegisterInvokeTransform(nil)
	_, err := m.Call(pulumi.MockCallArgs{Token: "aws:index/getPartition:getPartition"})
	assert.ErrorContains(t, err, "invoke transform")
}
