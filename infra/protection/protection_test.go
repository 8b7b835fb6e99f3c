package protection_test

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/protection"
)

func TestTransformProtectsListedTypesOnlyInProtectedStacks(t *testing.T) {
	args := func(typ string) *pulumi.ResourceTransformArgs {
		return &pulumi.ResourceTransformArgs{Custom: true, Type: typ, Name: "x", Props: pulumi.Map{"a": pulumi.String("b")}}
	}
	res := protection.Transform(true)(context.Background(), args("aws:eks/cluster:Cluster"))
	require.NotNil(t, res)
	assert.True(t, res.Opts.Protect)
	assert.False(t, res.Opts.RetainOnDelete, "a cluster is protected, not retained: an intended delete removes it")

	res = protection.Transform(true)(context.Background(), args("aws:kms/key:Key"))
	require.NotNil(t, res)
	assert.True(t, res.Opts.Protect)
	assert.True(t, res.Opts.RetainOnDelete)
	assert.Equal(t, pulumi.Map{"a": pulumi.String("b")}, res.Props, "props pass through unchanged")

	assert.Nil(t, protection.Transform(false)(context.Background(), args("aws:kms/key:Key")), "unprotected stacks change nothing")
	assert.Nil(t, protection.Transform(true)(context.Background(), args("aws:ec2/route:Route")), "unlisted types change nothing")

	already := args("aws:kms/key:Key")
	already.Opts.Protect, already.Opts.RetainOnDelete = true, true
	assert.Nil(t, protection.Transform(true)(context.Background(), already))
}
