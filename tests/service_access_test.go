package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// stackWithServices writes a throw-away stack file: staging's region and a services list written in
// YAML, the way an SRE would add awsAccess and egress to a stack file.
func stackWithServices(t *testing.T, name, services string) string {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, filepath.Join(projectDir, "Pulumi.yaml"), filepath.Join(dir, "Pulumi.yaml"))
	body := "config:\n  aws:region: cn-northwest-1\n  suoke-platform:services:\n" + services
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+name+".yaml"), []byte(body), 0o644))
	return dir
}

// TestWildcardAccessFailsThePlanFromAStackFile: Resource "*", s3:* and kms:* in a stack file stop the
// plan before any resource, each error naming its field path and value.
func TestWildcardAccessFailsThePlanFromAStackFile(t *testing.T) {
	dir := stackWithServices(t, "wild", `    - name: media
      tier: business
      port: 8100
      awsAccess:
        - actions: ["s3:*"]
          resources: ["*"]
        - actions: ["kms:*"]
          resources: ["arn:aws-cn:kms:cn-northwest-1:123456789012:key/*"]
        - actions: [s3:GetObject]
          resources: ["arn:aws:s3:::media/*"]
`)
	_, err := plan.Record(dir, "wild")
	require.Error(t, err)
	for _, want := range []string{
		`services[0].awsAccess[0].actions[0]: Forbidden: "s3:*" grants every action of s3`,
		`services[0].awsAccess[0].resources[0]: Forbidden: "*" grants the actions on every resource`,
		`services[0].awsAccess[1].actions[0]: Forbidden: "kms:*" grants every action of kms`,
		`services[0].awsAccess[1].resources[0]: Forbidden: "arn:aws-cn:kms:cn-northwest-1:123456789012:key/*"`,
		`services[0].awsAccess[2].resources[0]: Invalid value: "arn:aws:s3:::media/*": must be in partition aws-cn`,
	} {
		assert.Contains(t, err.Error(), want)
	}
}

// TestAccessAndEgressFromAStackFile: a stack file's awsAccess and egress reach the service's role
// and its egress policy as written.
func TestAccessAndEgressFromAStackFile(t *testing.T) {
	dir := stackWithServices(t, "acc", `    - name: media
      tier: business
      port: 8100
      cache: true
      awsAccess:
        - actions: [s3:GetObject, s3:PutObject]
          resources: ["arn:aws-cn:s3:::suoke-media-acc/uploads/*"]
      egress:
        - cidrs: [203.0.113.0/24]
          ports: [443]
`)
	g, err := plan.Record(dir, "acc")
	require.NoError(t, err)
	var role, netpol map[string]any
	for _, r := range g.Resources {
		switch {
		case r.Type == "aws:iam/rolePolicy:RolePolicy" && r.Name == "cluster-sa-media":
			role = r.Inputs
		case r.Type == "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.Name == "cluster-netpol-business-egress-media":
			netpol = r.Inputs
		}
	}
	require.NotNil(t, role)
	require.NotNil(t, netpol)
	// Read as a policy, not as bytes: each action stands in one statement with exactly its resources,
	// whatever order the document's keys are written in.
	type statement struct {
		Effect           string
		Action, Resource any
	}
	var policy struct{ Statement []statement }
	require.NoError(t, json.Unmarshal([]byte(role["policy"].(string)), &policy))
	assert.Contains(t, policy.Statement, statement{Effect: "Allow", Action: []any{"s3:GetObject", "s3:PutObject"},
		Resource: []any{"arn:aws-cn:s3:::suoke-media-acc/uploads/*"}})
	assert.Contains(t, policy.Statement, statement{Effect: "Allow", Action: "elasticache:Connect",
		Resource: []any{"arn:aws-cn:elasticache:cn-northwest-1:123456789012:replicationgroup:suoke-acc", "arn:aws-cn:elasticache:cn-northwest-1:123456789012:user:acc-media"}})
	b, err := json.Marshal(netpol)
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(b), `{"ipBlock":{"cidr":"203.0.113.0/24"}}`), string(b))
}
