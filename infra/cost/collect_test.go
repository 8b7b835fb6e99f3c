package cost_test

import (
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/cost"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// TestCollectorUnderMocks runs a small program with the collector and the cost component under the
// offline plan's mocks: the outputs price what is registered, including a resource registered after
// the component, and the descriptions carry dependencies.
func TestCollectorUnderMocks(t *testing.T) {
	r, _ := config.LookupRegion("us-east-1")
	m := plan.NewMocks(r)
	var mu sync.Mutex
	var monthly map[string]any
	var minutes float64
	var described []cost.Resource
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		col, err := cost.NewCollector(ctx)
		if err != nil {
			return err
		}
		defer col.Seal()
		vpc, err := ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
		if err != nil {
			return err
		}
		c, err := cost.New(ctx, "cost", cost.Args{Collector: col, Region: "us-east-1", Usage: config.CostUsage{}})
		if err != nil {
			return err
		}
		// Registered after the component: still priced, since the collector is sealed only at the end.
		if _, err := eks.NewNodeGroup(ctx, "ng", &eks.NodeGroupArgs{
			ClusterName: pulumi.String("c"), NodeRoleArn: pulumi.String("arn"), SubnetIds: pulumi.StringArray{vpc.ID()},
			InstanceTypes: pulumi.StringArray{pulumi.String("m6i.large")}, DiskSize: pulumi.Int(20),
			Labels:        pulumi.StringMap{cost.TierKey: pulumi.String("business")},
			ScalingConfig: &eks.NodeGroupScalingConfigArgs{DesiredSize: pulumi.Int(2), MinSize: pulumi.Int(2), MaxSize: pulumi.Int(4)},
		}); err != nil {
			return err
		}
		c.MonthlyCost.ApplyT(func(v map[string]any) error {
			mu.Lock()
			defer mu.Unlock()
			monthly = v
			return nil
		})
		c.DeployEstimateMinutes.ApplyT(func(v float64) error {
			mu.Lock()
			defer mu.Unlock()
			minutes = v
			return nil
		})
		col.Resources().ApplyT(func(v any) error {
			mu.Lock()
			defer mu.Unlock()
			described = v.([]cost.Resource)
			return nil
		})
		return nil
	}, pulumi.WithMocks("p", "test", m))
	require.NoError(t, err)

	require.NotNil(t, monthly)
	assert.Equal(t, "USD", monthly["currency"])
	want := 2*730*0.096 + 2*20*0.10 // two m6i.large and their 20 GiB root volumes (EKS's launch template, gp2)
	assert.InDelta(t, want, monthly["monthly"].(map[string]any)["business"], 0.01)
	assert.Equal(t, 3.1, minutes, "VPC 0.1 min, then the node group 3 min")

	// The program above registers three resources; the count is the program's, not the mocks'
	// recording (the mocks call the collector's transform with what they record, so comparing with
	// them would agree by construction).
	byName := map[string]cost.Resource{}
	for _, d := range described {
		byName[d.Name] = d
	}
	assert.Len(t, described, 3, "the collector describes every registration: %v", byName)
	assert.Equal(t, "suoke:cost:Cost", byName["cost"].Type, "the component registered before the node group is described too")
	require.Contains(t, byName, "ng")
	assert.Equal(t, []string{byName["vpc"].URN}, byName["ng"].Dependencies)
	assert.Equal(t, "urn:pulumi:test::p::aws:eks/nodeGroup:NodeGroup::ng", byName["ng"].URN)
	assert.Equal(t, "m6i.large", byName["ng"].Inputs["instanceTypes"].([]any)[0])
}
