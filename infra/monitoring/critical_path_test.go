package monitoring_test

import (
	"encoding/json"
	"fmt"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/cost"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/report"
)

// deployGoalMinutes is issue #11's goal for a `pulumi up` of prod from an empty account.
const deployGoalMinutes = 25.0

// recordStack runs a stack of the project under the mock engine, as `go run ./cmd/plan` does.
func recordStack(t *testing.T, stack string) []cost.Resource {
	t.Helper()
	g, err := plan.Record("../..", stack)
	require.NoError(t, err)
	return report.Descriptions(g.Resources)
}

// waitsFor is everything a resource's create waits for, transitively, the way the deploy estimate
// counts it (infra/cost/deploy.go): dependencies, explicit DependsOn, its provider, a custom parent.
func waitsFor(rs []cost.Resource, urn string) map[string]bool {
	byURN := map[string]cost.Resource{}
	for _, r := range rs {
		byURN[r.URN] = r
	}
	seen := map[string]bool{}
	var walk func(u string)
	walk = func(u string) {
		r, ok := byURN[u]
		if !ok {
			return
		}
		next := append(append(append([]string(nil), r.Dependencies...), r.DependsOn...), r.Provider)
		if p, ok := byURN[r.Parent]; ok && p.Custom {
			next = append(next, r.Parent)
		}
		for _, n := range next {
			if n != "" && !seen[n] {
				seen[n] = true
				walk(n)
			}
		}
	}
	walk(urn)
	return seen
}

func typeOf(urn string) string {
	// The SDK's own URN parser: the qualified type's last $-part.
	return string(resource.URN(urn).Type())
}

// TestLogDomainIsOffTheClusterPath: the OpenSearch domain (20 minutes to create) must not wait for
// the EKS control plane (10 minutes) or its OIDC provider, directly or through anything else, e.g.
// a master user role whose trust names the cluster's OIDC provider. Run over prod's recorded graph.
func TestLogDomainIsOffTheClusterPath(t *testing.T) {
	rs := recordStack(t, "prod")
	var domain string
	for _, r := range rs {
		if r.Type == "aws:opensearch/domain:Domain" {
			require.Empty(t, domain, "one log domain")
			domain = r.URN
		}
	}
	require.NotEmpty(t, domain, "prod has a log domain")
	deps := waitsFor(rs, domain)
	types := map[string]bool{}
	for u := range deps {
		types[typeOf(u)] = true
	}
	// The walk reaches what the domain does need: its subnets, its key, its master role.
	assert.True(t, types["aws:ec2/subnet:Subnet"], "the domain waits for its subnets")
	assert.True(t, types["aws:kms/key:Key"], "the domain waits for its key")
	assert.True(t, types["aws:iam/role:Role"], "the domain waits for its master user's role")
	for u := range deps {
		switch typeOf(u) {
		case "aws:eks/cluster:Cluster", "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws:eks/nodeGroup:NodeGroup":
			t.Errorf("the log domain waits for %s; its chain: %s", u, strings.Join(chainTo(rs, domain, u), " → "))
		}
	}
}

// chainTo is one path of waits from a resource to one it (transitively) waits for, for the message.
func chainTo(rs []cost.Resource, from, to string) []string {
	byURN := map[string]cost.Resource{}
	for _, r := range rs {
		byURN[r.URN] = r
	}
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if u == to {
			var path []string
			for ; u != ""; u = prev[u] {
				path = append([]string{u[strings.LastIndex(u, "::")+2:]}, path...)
			}
			return path
		}
		r := byURN[u]
		for _, n := range append(append(append([]string(nil), r.Dependencies...), r.DependsOn...), r.Provider, r.Parent) {
			if _, ok := prev[n]; !ok && n != "" {
				prev[n] = u
				queue = append(queue, n)
			}
		}
	}
	return nil
}

// TestProdDeployEstimate: a `pulumi up` of prod from an empty account, estimated over the recorded
// graph with the sourced durations of infra/cost/durations.go, stays within the goal.
func TestProdDeployEstimate(t *testing.T) {
	est := cost.EstimateDeploy(recordStack(t, "prod"))
	var path []string
	for _, s := range est.Steps {
		if s.Minutes > 0 {
			path = append(path, fmt.Sprintf("%.1f→%.1f %s", s.Start, s.Finish, s.Resource[strings.LastIndex(s.Resource, "::")+2:]))
		}
	}
	assert.LessOrEqual(t, est.EstimatedMinutes, deployGoalMinutes, "critical path:\n  %s", strings.Join(path, "\n  "))
	assert.Empty(t, est.AssumedTypes, "every type on the graph has a sourced duration")
}

// TestLogsMasterRole: the master user is a role the bootstrap Job's IRSA role (and only it) may
// assume; the IRSA role may do nothing else.
func TestLogsMasterRole(t *testing.T) {
	rs, _ := build(t, "cn-northwest-1", config.EnvProd, prodMonitoring())
	roles := map[string]plan.Resource{}
	for _, r := range ofType(rs, "aws:iam/role:Role") {
		roles[r.Inputs["name"].(string)] = r
	}
	master, ok := roles["suoke-prod-logs-master"]
	require.True(t, ok, "the master role exists")
	irsaARN := "arn:aws-cn:iam::" + plan.MockAccountID + ":role/suoke-prod-logs-bootstrap"
	masterARN := "arn:aws-cn:iam::" + plan.MockAccountID + ":role/suoke-prod-logs-master"

	var trust struct {
		Statement []struct {
			Effect    string
			Principal map[string]string
			Action    string
			Condition map[string]map[string]string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(master.Inputs["assumeRolePolicy"].(string)), &trust))
	require.Len(t, trust.Statement, 1)
	st := trust.Statement[0]
	assert.Equal(t, "Allow", st.Effect)
	assert.Equal(t, "arn:aws-cn:iam::"+plan.MockAccountID+":root", st.Principal["AWS"], "the account, not a role that may not exist yet")
	assert.NotContains(t, st.Principal, "Federated", "no cluster in the master role's trust")
	assert.Equal(t, "sts:AssumeRole", st.Action)
	assert.Equal(t, map[string]map[string]string{"ArnEquals": {"aws:PrincipalArn": irsaARN}}, st.Condition)

	d := one(t, rs, "aws:opensearch/domain:Domain")
	assert.Equal(t, masterARN, dig(d.Inputs, "advancedSecurityOptions", "masterUserOptions", "masterUserArn"))
	assert.Contains(t, d.Dependencies, master.URN, "the master role exists before the domain names it")
	assert.NotContains(t, d.Dependencies, roles["suoke-prod-logs-bootstrap"].URN, "the domain does not wait for the IRSA role")

	policies := map[string]string{}
	for _, p := range ofType(rs, "aws:iam/rolePolicy:RolePolicy") {
		policies[p.Name] = fmt.Sprint(p.Inputs["policy"])
	}
	var irsa struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(policies["monitoring-logs-bootstrap"]), &irsa))
	assert.Equal(t, []map[string]any{{"Effect": "Allow", "Action": []any{"sts:AssumeRole"}, "Resource": masterARN}}, irsa.Statement,
		"the IRSA role may only become the master role")
	assert.Contains(t, policies["monitoring-logs-master"], `"es:ESHttpPut"`, "the master role may call the domain")

	// The Job signs as the master role and passes Pod Security restricted.
	job := one(t, rs, "kubernetes:batch/v1:Job")
	pod := dig(job.Inputs, "spec", "template", "spec").(map[string]any)
	c := pod["containers"].([]any)[0].(map[string]any)
	env := map[string]string{}
	for _, e := range c["env"].([]any) {
		m := e.(map[string]any)
		env[m["name"].(string)], _ = m["value"].(string)
	}
	assert.Equal(t, "logs-master", env["AWS_PROFILE"])
	assert.Equal(t, "/bootstrap/aws-config", env["AWS_CONFIG_FILE"])
	mounts := map[string]string{}
	for _, m := range c["volumeMounts"].([]any) {
		mm := m.(map[string]any)
		mounts[mm["mountPath"].(string)] = mm["name"].(string)
	}
	volumes := map[string]map[string]any{}
	for _, v := range pod["volumes"].([]any) {
		vm := v.(map[string]any)
		volumes[vm["name"].(string)] = vm
	}
	home := volumes[mounts[env["HOME"]]]
	require.NotNil(t, home, "HOME (%s) is a mounted volume", env["HOME"])
	assert.Contains(t, home, "emptyDir", "HOME is writable: the AWS CLI caches the assumed role's credentials there")
	assert.Equal(t, "RuntimeDefault", dig(pod, "securityContext", "seccompProfile", "type"))
	assert.Equal(t, true, dig(pod, "securityContext", "runAsNonRoot"))
	assert.Equal(t, false, dig(c, "securityContext", "allowPrivilegeEscalation"))
	assert.Equal(t, []any{"ALL"}, dig(c, "securityContext", "capabilities", "drop"))
}
