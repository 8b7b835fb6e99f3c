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

// TestServicePrincipalsPerPartition checks the mocks answer getServicePrincipal as the provider does.
// Expected values are transcribed from terraform-provider-aws
// internal/service/meta/service_principal_data_source.go (servicePrincipalNameForPartition and Read,
// read 2026-12-02): in aws-cn only codedeploy, elasticmapreduce and logs take amazonaws.com.cn, ec2 and
// s3 included everything else is amazonaws.com; id is <service>.<region>.<suffix>.
func TestServicePrincipalsPerPartition(t *testing.T) {
	cases := []struct{ region, service, name, id, suffix string }{
		{"cn-northwest-1", "ec2", "ec2.amazonaws.com", "ec2.cn-northwest-1.amazonaws.com", "amazonaws.com"},
		{"cn-northwest-1", "s3", "s3.amazonaws.com", "s3.cn-northwest-1.amazonaws.com", "amazonaws.com"},
		{"cn-northwest-1", "logs", "logs.amazonaws.com.cn", "logs.cn-northwest-1.amazonaws.com.cn", "amazonaws.com.cn"},
		{"cn-north-1", "codedeploy", "codedeploy.amazonaws.com.cn", "codedeploy.cn-north-1.amazonaws.com.cn", "amazonaws.com.cn"},
		{"cn-north-1", "elasticmapreduce", "elasticmapreduce.amazonaws.com.cn", "elasticmapreduce.cn-north-1.amazonaws.com.cn", "amazonaws.com.cn"},
		{"cn-northwest-1", "eks", "eks.amazonaws.com", "eks.cn-northwest-1.amazonaws.com", "amazonaws.com"},
		{"cn-north-1", "vpc-flow-logs", "vpc-flow-logs.amazonaws.com", "vpc-flow-logs.cn-north-1.amazonaws.com", "amazonaws.com"},
		{"us-east-1", "ec2", "ec2.amazonaws.com", "ec2.us-east-1.amazonaws.com", "amazonaws.com"},
		{"us-east-1", "logs", "logs.amazonaws.com", "logs.us-east-1.amazonaws.com", "amazonaws.com"},
	}
	for _, c := range cases {
		m := plan.NewMocks(region(t, c.region))
		out, err := m.Call(pulumi.MockCallArgs{Token: "aws:index/getServicePrincipal:getServicePrincipal",
			Args: resource.NewPropertyMapFromMap(map[string]any{"serviceName": c.service})})
		require.NoError(t, err)
		assert.Equal(t, c.name, out["name"].StringValue(), "name of %s in %s", c.service, c.region)
		assert.Equal(t, c.id, out["id"].StringValue(), "id of %s in %s", c.service, c.region)
		assert.Equal(t, c.suffix, out["suffix"].StringValue(), "suffix of %s in %s", c.service, c.region)
		assert.Equal(t, c.region, out["region"].StringValue())
	}
}

// TestVpcEndpointServiceLookup checks the mock of getVpcEndpointService against the provider's
// behaviour (terraform-provider-aws internal/service/ec2/vpc_endpoint_service_data_source.go, read
// 2026-12-02: custom filters pass through to DescribeVpcEndpointServices, `service` builds only
// com.amazonaws.<region>.<service>, no match and several matches are errors with these messages) and
// the names against the AWS CDK's China list (aws-cdk packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts
// @000a9eb6dd93, getDefaultEndpointPrefix, read 2026-12-02: kms is not in it, ecr.dkr is).
func TestVpcEndpointServiceLookup(t *testing.T) {
	call := func(regionName string, args map[string]any) (resource.PropertyMap, error) {
		return plan.NewMocks(region(t, regionName)).Call(pulumi.MockCallArgs{
			Token: "aws:ec2/getVpcEndpointService:getVpcEndpointService", Args: resource.NewPropertyMapFromMap(args)})
	}
	candidates := func(regionName, svc string) []any {
		return []any{"com.amazonaws." + regionName + "." + svc, "cn.com.amazonaws." + regionName + "." + svc}
	}
	lookup := func(regionName, svc, typ string) (resource.PropertyMap, error) {
		return call(regionName, map[string]any{"serviceType": typ,
			"filters": []any{map[string]any{"name": "service-name", "values": candidates(regionName, svc)}}})
	}
	for _, c := range []struct{ region, svc, typ, want string }{
		{"cn-north-1", "kms", "Interface", "com.amazonaws.cn-north-1.kms"},
		{"cn-northwest-1", "secretsmanager", "Interface", "com.amazonaws.cn-northwest-1.secretsmanager"},
		{"cn-north-1", "ecr.dkr", "Interface", "cn.com.amazonaws.cn-north-1.ecr.dkr"},
		{"cn-northwest-1", "s3", "Gateway", "com.amazonaws.cn-northwest-1.s3"},
		{"cn-northwest-1", "s3", "Interface", "cn.com.amazonaws.cn-northwest-1.s3"},
	} {
		out, err := lookup(c.region, c.svc, c.typ)
		require.NoError(t, err, "%s %s in %s", c.typ, c.svc, c.region)
		assert.Equal(t, c.want, out["serviceName"].StringValue())
		assert.Equal(t, c.typ, out["serviceType"].StringValue())
	}

	// No match: kms has no gateway endpoint.
	_, err := lookup("cn-north-1", "kms", "Gateway")
	assert.EqualError(t, err, "no matching EC2 VPC Endpoint Service found")
	// Several matches: outside China the S3 gateway and interface endpoints share one name.
	_, err = call("us-east-1", map[string]any{"filters": []any{map[string]any{"name": "service-name", "values": []any{"com.amazonaws.us-east-1.s3"}}}})
	assert.EqualError(t, err, "multiple EC2 VPC Endpoint Services matched; use additional constraints to reduce matches to a single EC2 VPC Endpoint Service")
	// `service` alone builds com.amazonaws.<region>.<service>, which does not exist for ecr.dkr in China.
	_, err = call("cn-north-1", map[string]any{"service": "ecr.dkr", "serviceType": "Interface"})
	assert.ErrorContains(t, err, "com.amazonaws.cn-north-1.ecr.dkr")
	out, err := call("cn-north-1", map[string]any{"service": "kms", "serviceType": "Interface"})
	require.NoError(t, err)
	assert.Equal(t, "com.amazonaws.cn-north-1.kms", out["serviceName"].StringValue())
	// A service without a row in infra/awsfacts is named, so adding an endpoint forces a cited row.
	_, err = lookup("cn-north-1", "sqs", "Interface")
	assert.ErrorContains(t, err, `"sqs"`)
	assert.ErrorContains(t, err, "infra/awsfacts")
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
