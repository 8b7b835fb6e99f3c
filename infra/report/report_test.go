package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

func doc(resources []plan.Resource, outputs map[string]any, results []policy.Result) *Document {
	return &Document{Stack: "s", Resources: resources, Outputs: outputs, Policies: results}
}

var (
	comp = plan.Resource{URN: "urn:pulumi:s::p::suoke:network:Network::network", Type: "suoke:network:Network", Name: "network"}
	vpc  = plan.Resource{URN: "urn:pulumi:s::p::suoke:network:Network$aws:ec2/vpc:Vpc::network-vpc", Type: "aws:ec2/vpc:Vpc",
		Name: "network-vpc", Custom: true, Parent: comp.URN, Inputs: map[string]any{"cidrBlock": "10.0.0.0/16"}}
)

func TestDiffFindsAddedRemovedAndChanged(t *testing.T) {
	sub := plan.Resource{URN: "urn:sub", Type: "aws:ec2/subnet:Subnet", Custom: true, Inputs: map[string]any{"cidrBlock": "10.0.0.0/19"}}
	gone := plan.Resource{URN: "urn:gone", Type: "aws:ec2/eip:Eip", Custom: true, Inputs: map[string]any{}}
	old := doc([]plan.Resource{comp, vpc, gone}, map[string]any{"natGateways": 3.0, "x": "same"},
		[]policy.Result{{ID: "NET-001", Resource: "urn:r", Passed: true}})
	changed := vpc
	changed.Inputs = map[string]any{"cidrBlock": "10.1.0.0/16"}
	changed.Protect = true
	cur := doc([]plan.Resource{comp, changed, sub}, map[string]any{"natGateways": 1, "x": "same"},
		[]policy.Result{{ID: "NET-001", Resource: "urn:r", Passed: false, Message: "open"}})

	changes := Diff(old, cur)
	var buf bytes.Buffer
	require.NoError(t, WriteDiff(&buf, changes, false))
	out := buf.String()
	assert.Contains(t, out, "1 to add, 4 to change, 1 to remove")
	assert.Contains(t, out, "+ urn:sub")
	assert.Contains(t, out, "- urn:gone")
	assert.Contains(t, out, `cidrBlock: 10.0.0.0/16 → 10.1.0.0/16`)
	assert.Contains(t, out, "option protect: false → true")
	assert.Contains(t, out, "output natGateways: 3 → 1")
	assert.Contains(t, out, "policy NET-001 urn:r: now fails: open")
	assert.NotContains(t, out, "output x", "equal outputs are not changes")
}

func TestDiffOfIdenticalPlansIsEmpty(t *testing.T) {
	d := doc([]plan.Resource{comp, vpc}, map[string]any{"a": []any{"x"}}, nil)
	assert.Empty(t, Diff(d, d))
}

func TestComponentEdgesAndMarkdown(t *testing.T) {
	cl := plan.Resource{URN: "urn:pulumi:s::p::suoke:cluster:Cluster::cluster", Type: "suoke:cluster:Cluster", Name: "cluster"}
	eks := plan.Resource{URN: "urn:eks", Type: "aws:eks/cluster:Cluster", Custom: true, Parent: cl.URN, Dependencies: []string{vpc.URN}}
	rs := []plan.Resource{comp, vpc, cl, eks}
	assert.Equal(t, [][2]string{{"cluster", "network"}}, ComponentEdges(rs))

	var buf bytes.Buffer
	require.NoError(t, WriteMarkdown(&buf, doc(rs, nil, []policy.Result{{ID: "X", Passed: false, Resource: "urn:eks", Message: "bad"}})))
	md := buf.String()
	assert.Contains(t, md, "```mermaid\nflowchart LR\n")
	assert.Contains(t, md, "cluster --> network")
	assert.Contains(t, md, "❌ 1 failed policy")
	assert.Contains(t, md, "| X |  | `urn:eks` | bad |")
}

func TestTextNamesFailedPolicies(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteText(&buf, doc([]plan.Resource{comp, vpc}, map[string]any{"vpcId": "vpc-1"},
		[]policy.Result{{ID: "NET-002", Severity: policy.High, Resource: vpc.URN, Passed: false, Message: "no flow log"}})))
	out := buf.String()
	assert.Contains(t, out, "Policies: 0 passed, 1 failed")
	assert.Contains(t, out, "FAIL NET-002 [high] "+vpc.URN+": no flow log")
	assert.True(t, strings.Contains(out, "network (1)"))
}
