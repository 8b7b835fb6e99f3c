package tests

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// The first deploy from a workstation outside AWS (docs/runbooks/first-deploy.md, steps 9–11): each
// phase's stack config is planned here as the runbook sets it.

const operatorAddress = "203.0.113.7/32" // TEST-NET-3 (RFC 5737): never a real operator

func eksVPCConfig(t *testing.T, g *plan.Graph) map[string]any {
	t.Helper()
	for _, r := range g.Resources {
		if r.Type == "aws:eks/cluster:Cluster" {
			vc, _ := r.Inputs["vpcConfig"].(map[string]any)
			return vc
		}
	}
	require.Fail(t, "no EKS cluster")
	return nil
}

func phase(t *testing.T, stack string, cidrs []string) *plan.Graph {
	t.Helper()
	sc, err := plan.LoadStackConfig(projectDir, stack)
	require.NoError(t, err)
	cluster := map[string]any{}
	require.NoError(t, json.Unmarshal([]byte(sc.Values["suoke-platform:cluster"]), &cluster))
	if cidrs != nil {
		cluster["publicEndpointCidrs"] = cidrs
	}
	b, _ := json.Marshal(cluster)
	sc.Values["suoke-platform:cluster"] = string(b)
	g, err := plan.RecordConfig(sc)
	require.NoError(t, err)
	for _, r := range policy.Failed(policy.Evaluate(g)) {
		t.Errorf("%s: policy %s failed on %s: %s", stack, r.ID, r.Resource, r.Message)
	}
	return g
}

// Phase 1: the first up from the workstation opens the public endpoint to its one address, and
// creates the runner host that phase 2 registers.
func TestBootstrapPhaseOneOpensOnlyTheOperatorsAddress(t *testing.T) {
	g := phase(t, "prod", []string{operatorAddress})
	vc := eksVPCConfig(t, g)
	assert.Equal(t, true, vc["endpointPublicAccess"])
	assert.Equal(t, []any{operatorAddress}, vc["publicAccessCidrs"])
	assert.Equal(t, true, vc["endpointPrivateAccess"])
	runner, ok := g.Outputs["runner"].(map[string]any)
	require.True(t, ok, "phase 1 creates the runner host and exports how to find it")
	assert.NotEmpty(t, runner["autoScalingGroupName"])
}

// Phase 3: with the address removed (the committed stack files), the endpoint is private only,
// and the runner can reach it: the control plane's group (the nodes' group) admits the runner's
// group on 443, and the interface endpoints admit the whole VPC.
func TestBootstrapPhaseThreeLeavesNothingPublic(t *testing.T) {
	for _, s := range []string{"prod", "staging", "prod-dr"} {
		g := phase(t, s, nil)
		vc := eksVPCConfig(t, g)
		assert.Equal(t, false, vc["endpointPublicAccess"], "%s: public endpoint must be off once the runner is up", s)
		assert.Nil(t, vc["publicAccessCidrs"], s)

		roles := map[string]string{} // security group ID → role tag
		for _, r := range g.Resources {
			if r.Type == "aws:ec2/securityGroup:SecurityGroup" {
				tags, _ := r.Inputs["tags"].(map[string]any)
				role, _ := tags["suoke.life/sg-role"].(string)
				roles[r.ID] = role
			}
		}
		runnerToAPI, vpcToEndpoints := false, false
		for _, r := range g.Resources {
			if r.Type != "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" {
				continue
			}
			group, _ := r.Inputs["securityGroupId"].(string)
			peer, _ := r.Inputs["referencedSecurityGroupId"].(string)
			from, _ := r.Inputs["fromPort"].(float64)
			cidr, _ := r.Inputs["cidrIpv4"].(string)
			if roles[group] == "nodes" && roles[peer] == "runner" && from == 443 {
				runnerToAPI = true
			}
			if roles[group] == "endpoints" && cidr == g.Config.VPCCIDR && from == 443 {
				vpcToEndpoints = true
			}
		}
		assert.True(t, runnerToAPI, "%s: the runner's group must reach the EKS API (443 on the nodes' group)", s)
		assert.True(t, vpcToEndpoints, "%s: the interface endpoints must admit HTTPS from the whole VPC", s)
	}
}

// A wider public range than one address is refused in prod before anything is planned.
func TestBootstrapRefusesAWiderRangeInProd(t *testing.T) {
	sc, err := plan.LoadStackConfig(projectDir, "prod")
	require.NoError(t, err)
	sc.Values["suoke-platform:cluster"] = `{"deployerRoles":["suoke-deploy-prod"],"publicEndpointCidrs":["203.0.113.0/24"]}`
	_, err = plan.RecordConfig(sc)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cluster.publicEndpointCidrs[0]")
	assert.Contains(t, err.Error(), "single address (/32)")
}
