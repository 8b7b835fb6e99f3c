package plan_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

func region(t *testing.T, name string) config.Region {
	r, ok := config.LookupRegion(name)
	require.True(t, ok)
	return r
}

func TestServicePrincipalsPerPartition(t *testing.T) {
	cases := []struct{ region, service, want string }{
		{"cn-northwest-1", "ec2", "ec2.amazonaws.com.cn"},
		{"cn-northwest-1", "logs", "logs.amazonaws.com.cn"},
		{"cn-northwest-1", "eks", "eks.amazonaws.com"}, // never .cn: EKS rejects it
		{"cn-north-1", "vpc-flow-logs", "vpc-flow-logs.amazonaws.com"},
		{"us-east-1", "ec2", "ec2.amazonaws.com"},
		{"us-east-1", "logs", "logs.amazonaws.com"},
	}
	for _, c := range cases {
		m := plan.NewMocks(region(t, c.region))
		out, err := m.Call(pulumi.MockCallArgs{Token: "aws:index/getServicePrincipal:getServicePrincipal",
			Args: resource.NewPropertyMapFromMap(map[string]any{"serviceName": c.service})})
		require.NoError(t, err)
		assert.Equal(t, c.want, out["name"].StringValue(), "%s in %s", c.service, c.region)
	}
}

func TestPartitionInvokeFollowsRegion(t *testing.T) {
	m := plan.NewMocks(region(t, "cn-north-1"))
	out, err := m.Call(pulumi.MockCallArgs{Token: "aws:index/getPartition:getPartition"})
	require.NoError(t, err)
	assert.Equal(t, "aws-cn", out["partition"].StringValue())
	assert.Equal(t, "amazonaws.com.cn", out["dnsSuffix"].StringValue())
	out, err = m.Call(pulumi.MockCallArgs{Token: "aws:index/getAvailabilityZones:getAvailabilityZones"})
	require.NoError(t, err)
	assert.Equal(t, "cn-north-1d", out["names"].ArrayValue()[2].StringValue(), "cn-north-1 has no zone c")
}

func TestUnknownInvokeIsAnError(t *testing.T) {
	m := plan.NewMocks(region(t, "cn-northwest-1"))
	_, err := m.Call(pulumi.MockCallArgs{Token: "aws:ec2/getAmi:getAmi"})
	assert.ErrorContains(t, err, "no mock answer for invoke aws:ec2/getAmi:getAmi")
}

// TestSecretsAreMaskedAndOptionsRecorded registers a secret input under the mock engine and checks
// that the recorder keeps it masked, while recording the resource options reviewers rely on.
func TestSecretsAreMaskedAndOptionsRecorded(t *testing.T) {
	m := plan.NewMocks(region(t, "cn-northwest-1"))
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("cn-northwest-1")})
		if err != nil {
			return err
		}
		s, err := secretsmanager.NewSecret(ctx, "s", &secretsmanager.SecretArgs{}, pulumi.Provider(prov), pulumi.Protect(true), pulumi.RetainOnDelete(true))
		if err != nil {
			return err
		}
		_, err = secretsmanager.NewSecretVersion(ctx, "v", &secretsmanager.SecretVersionArgs{
			SecretId: s.ID(), SecretString: pulumi.ToSecret(pulumi.String("hunter2-very-secret")).(pulumi.StringOutput),
		}, pulumi.Provider(prov), pulumi.IgnoreChanges([]string{"secretString"}))
		return err
	}, pulumi.WithMocks("p", "test", m))
	require.NoError(t, err)

	byName := map[string]plan.Resource{}
	for _, r := range m.Resources() {
		byName[r.Name] = r
	}
	b, _ := json.Marshal(m.Resources())
	assert.NotContains(t, string(b), "hunter2")
	assert.Equal(t, plan.Secret, byName["v"].Inputs["secretString"])
	assert.Equal(t, []string{"secretString"}, byName["v"].IgnoreChanges)
	assert.True(t, byName["s"].Protect)
	assert.True(t, byName["s"].RetainOnDelete)
	assert.Contains(t, byName["v"].Dependencies, byName["s"].URN, "the version depends on its secret through secretId")
	assert.Equal(t, "urn:pulumi:test::p::aws:secretsmanager/secret:Secret::s", byName["s"].URN)
}

func TestStackNames(t *testing.T) {
	assert.Subset(t, plan.StackNames("../.."), []string{"prod", "prod-dr", "staging"})
}

func TestMissingStackFileNamesTheStacks(t *testing.T) {
	_, err := plan.Record("../..", "nope")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `stack "nope"`)
	assert.Contains(t, err.Error(), "prod")
}

// BenchmarkPlanProd is the whole offline plan of prod: config, mock run, recording.
func BenchmarkPlanProd(b *testing.B) {
	sc, err := plan.LoadStackConfig("../..", "prod")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g, err := plan.RecordConfig(sc)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(g.Resources)), "resources")
	}
}
