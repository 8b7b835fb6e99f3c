package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/cost"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

func TestDescriptionsKeepWhatTheEstimatesRead(t *testing.T) {
	r := plan.Resource{URN: "urn:pulumi:s::p::kubernetes:helm.sh/v3:Release::r", Type: "kubernetes:helm.sh/v3:Release", Name: "r",
		Custom: true, Provider: "urn:pulumi:s::p::pulumi:providers:kubernetes::k8s::mock-0123", Dependencies: []string{"urn:a", "urn:b"},
		DependsOn: []string{"urn:b"}, Inputs: map[string]any{"chart": "x"}}
	d := Descriptions([]plan.Resource{r})
	require.Len(t, d, 1)
	assert.Equal(t, "urn:pulumi:s::p::pulumi:providers:kubernetes::k8s", d[0].Provider, "a provider reference is urn::id")
	assert.Equal(t, []string{"urn:b"}, d[0].DependsOn)
	assert.Equal(t, r.Dependencies, d[0].Dependencies)
	assert.Equal(t, "x", d[0].Inputs["chart"])
}

func costDoc(monthly map[string]float64, currency string) *Document {
	total := 0.0
	for _, v := range monthly {
		total += v
	}
	return &Document{Cost: &cost.Report{Currency: currency, Monthly: monthly, Total: total}}
}

func TestCostDiffPerTierAndTotal(t *testing.T) {
	old := costDoc(map[string]float64{"agents": 20000, "cache": 19806.45}, "CNY")
	cur := costDoc(map[string]float64{"agents": 21234, "cache": 19806.45}, "CNY")
	var b bytes.Buffer
	require.NoError(t, WriteCostDiff(&b, old, cur, false))
	assert.Contains(t, b.String(), "agents: +1,234.00 CNY/month, +6.2%")
	assert.Contains(t, b.String(), "total: +1,234.00 CNY/month, +3.1%")
	assert.NotContains(t, b.String(), "cache:", "unchanged tiers are left out")

	b.Reset()
	require.NoError(t, WriteCostDiff(&b, old, cur, true))
	assert.Contains(t, b.String(), "| total | 39,806.45 | 41,040.45 | +1,234.00 CNY/month, +3.1% |")

	b.Reset()
	require.NoError(t, WriteCostDiff(&b, old, costDoc(map[string]float64{"agents": 1}, "USD"), false))
	assert.Contains(t, b.String(), "in CNY and this one in USD; not compared")

	b.Reset()
	require.NoError(t, WriteCostDiff(&b, &Document{}, cur, false))
	assert.Contains(t, b.String(), "no cost figures")
}

func TestCostSectionsRender(t *testing.T) {
	params, err := cost.ParamsFor("cn-northwest-1", config.DefaultCostUsage())
	require.NoError(t, err)
	nat := plan.Resource{URN: "urn:pulumi:s::p::aws:ec2/natGateway:NatGateway::nat", Type: "aws:ec2/natGateway:NatGateway", Name: "nat", Custom: true, Inputs: map[string]any{}}
	eip := plan.Resource{URN: "urn:pulumi:s::p::aws:ec2/eip:Eip::ip", Type: "aws:ec2/eip:Eip", Name: "ip", Custom: true, Inputs: map[string]any{}}
	descs := Descriptions([]plan.Resource{nat, eip})
	rep := cost.Estimate(descs, params)
	dep := cost.EstimateDeploy(descs)
	d := &Document{Resources: []plan.Resource{nat, eip}, Cost: &rep, Deploy: &dep}

	var b bytes.Buffer
	p := &printer{w: &b}
	writeCostText(p, &b, d)
	require.NoError(t, p.e)
	out := b.String()
	assert.Contains(t, out, "Monthly cost by tier (CNY)")
	assert.Contains(t, out, "network")
	assert.Contains(t, out, "* rests on estimated prices")
	assert.Contains(t, out, "ip (aws:ec2/eip:Eip) [network]: no price for vpc:public-ipv4-hour")
	assert.Contains(t, out, "Deploy estimate from an empty account: 2.0 min")

	b.Reset()
	p = &printer{w: &b}
	writeCostMarkdown(p, d)
	require.NoError(t, p.e)
	md := b.String()
	assert.Contains(t, md, "```mermaid\npie showData title Monthly cost by tier (CNY)\n  \"network\" : ")
	assert.Equal(t, 1, strings.Count(md, "| **total** |"))
}
