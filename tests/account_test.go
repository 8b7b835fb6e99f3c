package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// The three stack files are planned into one AWS account (the mocks answer every stack with the same
// account ID, as a team that keeps staging, prod and prod-dr in one account would deploy them).

// nameScope is how widely AWS keeps a resource's name unique, and the input that carries the name.
// Sources (read 2026-12-02): IAM User Guide "IAM identifiers" (role, instance profile and policy names
// are unique in the account; service-linked roles are one per service and account); S3 User Guide
// "Bucket naming rules" (unique across all accounts of the partition); every other service's API
// answers AlreadyExists / ...AlreadyExistsFault for a name taken in the same account and region
// (CreateAlias, CreateLogGroup, PutResourcePolicy, CreateSecret, CreateDomain,
// CreateReplicationGroup, CreateUser, CreateUserGroup, CreateCacheSubnetGroup,
// CreateCacheParameterGroup, CreateCluster, CreateBackupVault, CreateBackupPlan,
// CreateAutoScalingGroup, CreatePullThroughCacheRule, CreateWebACL, CreateLaunchTemplate).
type nameScope struct {
	input string
	scope string // "account", "partition" or "region"
}

var uniqueNames = map[string]nameScope{
	"aws:iam/role:Role":                                   {"name", "account"},
	"aws:iam/instanceProfile:InstanceProfile":             {"name", "account"},
	"aws:iam/policy:Policy":                               {"name", "account"},
	"aws:iam/serviceLinkedRole:ServiceLinkedRole":         {"awsServiceName", "account"},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": {"url", "account"},
	"aws:s3/bucketV2:BucketV2":                            {"bucket", "partition"},
	"aws:kms/alias:Alias":                                 {"name", "region"},
	"aws:cloudwatch/logGroup:LogGroup":                    {"name", "region"},
	"aws:cloudwatch/logResourcePolicy:LogResourcePolicy":  {"policyName", "region"},
	"aws:secretsmanager/secret:Secret":                    {"name", "region"},
	"aws:opensearch/domain:Domain":                        {"domainName", "region"},
	"aws:elasticache/replicationGroup:ReplicationGroup":   {"replicationGroupId", "region"},
	"aws:elasticache/user:User":                           {"userId", "region"},
	"aws:elasticache/userGroup:UserGroup":                 {"userGroupId", "region"},
	"aws:elasticache/subnetGroup:SubnetGroup":             {"name", "region"},
	"aws:elasticache/parameterGroup:ParameterGroup":       {"name", "region"},
	"aws:eks/cluster:Cluster":                             {"name", "region"},
	"aws:backup/vault:Vault":                              {"name", "region"},
	"aws:backup/plan:Plan":                                {"name", "region"},
	"aws:autoscaling/group:Group":                         {"name", "region"},
	"aws:ecr/pullThroughCacheRule:PullThroughCacheRule":   {"ecrRepositoryPrefix", "region"},
	"aws:wafv2/webAcl:WebAcl":                             {"name", "region"},
	"aws:ec2/launchTemplate:LaunchTemplate":               {"name", "region"},
	// The audit baseline (infra/audit): trails, Config recorders, delivery channels and rules, SNS
	// topics and EventBridge rules are named per account and region; a second stack taking a name
	// fails, or takes over the owner's.
	"aws:cloudtrail/trail:Trail":              {"name", "region"},
	"aws:cfg/recorder:Recorder":               {"name", "region"},
	"aws:cfg/deliveryChannel:DeliveryChannel": {"name", "region"},
	"aws:cfg/rule:Rule":                       {"name", "region"},
	"aws:sns/topic:Topic":                     {"name", "region"},
	"aws:cloudwatch/eventRule:EventRule":      {"name", "region"},
}

// regionOf is the region a resource is created in: its provider's region input, else the stack's.
func regionOf(g *plan.Graph, r plan.Resource, providers map[string]string) string {
	if i := strings.LastIndex(r.Provider, "::"); i >= 0 {
		if reg := providers[r.Provider[:i]]; reg != "" {
			return reg
		}
	}
	return g.Region
}

// providerRegions are the regions of the graph's AWS providers, by URN.
func providerRegions(g *plan.Graph) map[string]string {
	providers := map[string]string{}
	for _, r := range g.Resources {
		if r.Type == "pulumi:providers:aws" {
			reg, _ := r.Inputs["region"].(string)
			providers[r.URN] = reg
		}
	}
	return providers
}

// physicalNames lists the scoped names a graph takes: "scope|type|name" → where.
func physicalNames(g *plan.Graph) map[string][]string {
	providers := providerRegions(g)
	out := map[string][]string{}
	for _, r := range g.Resources {
		ns, ok := uniqueNames[r.Type]
		if !ok {
			continue
		}
		name, ok := r.Inputs[ns.input].(string)
		if !ok || name == "" || name == plan.Secret {
			continue // auto-named by Pulumi (a random suffix), or unknown until applied
		}
		scope := ns.scope
		if scope == "region" {
			scope = regionOf(g, r, providers)
		}
		key := scope + "|" + r.Type + "|" + name
		out[key] = append(out[key], g.Stack+":"+r.Name)
	}
	return out
}

// clashes lists the scoped names taken more than once across the graphs.
func clashes(graphs ...*plan.Graph) (all map[string][]string, out []string) {
	all = map[string][]string{}
	for _, g := range graphs {
		for k, where := range physicalNames(g) {
			all[k] = append(all[k], where...)
		}
	}
	for k, where := range all {
		if len(where) > 1 {
			out = append(out, fmt.Sprintf("%s taken by %s", k, strings.Join(where, ", ")))
		}
	}
	sort.Strings(out)
	return all, out
}

// TestStacksInOneAccountTakeNoNameTwice: every name AWS keeps unique in an account (or region, or
// partition) is taken once across prod, staging and prod-dr, so the second stack's `up` in the
// account does not fail with "already exists" or "has been taken"; the account-wide service-linked
// role exists once, made by prod, the owner of the account baseline.
func TestStacksInOneAccountTakeNoNameTwice(t *testing.T) {
	var graphs []*plan.Graph
	for _, s := range []string{"prod", "staging", "prod-dr"} {
		g, _ := record(t, s)
		graphs = append(graphs, g)
	}
	all, found := clashes(graphs...)
	assert.Empty(t, found)
	slrs := 0
	for k, where := range all {
		if strings.Contains(k, "serviceLinkedRole") {
			slrs += len(where)
			assert.Equal(t, []string{"prod:account-opensearch-slr"}, where, "only prod, the owner of the account baseline, creates %s", k)
		}
	}
	assert.Equal(t, 1, slrs)
}

// TestSecondBaselineOwnerClashes: the check above fails when a second stack of the account also
// claims the account baseline (the mistake that made every stack create the OpenSearch role).
func TestSecondBaselineOwnerClashes(t *testing.T) {
	prod, _ := record(t, "prod")
	sc, err := plan.LoadStackConfig(projectDir, "staging")
	require.NoError(t, err)
	sc.Values["suoke-platform:accountBaseline"] = "true"
	staging, err := plan.RecordConfig(sc)
	require.NoError(t, err)
	_, found := clashes(prod, staging)
	require.NotEmpty(t, found)
	assert.Contains(t, strings.Join(found, "\n"), "account|aws:iam/serviceLinkedRole:ServiceLinkedRole|opensearchservice.amazonaws.com taken by prod:account-opensearch-slr, staging:account-opensearch-slr")
}

// principalARNs returns every AWS principal ARN a policy document names (strings under Principal.AWS).
func principalARNs(doc string) []string {
	var d struct {
		Statement []struct {
			Principal any `json:"Principal"`
		} `json:"Statement"`
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return nil
	}
	var out []string
	for _, s := range d.Statement {
		m, _ := s.Principal.(map[string]any)
		switch v := m["AWS"].(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// awsOwnedRoots are AWS-owned accounts that exist in every customer's partition: Elastic Load
// Balancing's log-delivery accounts of the China regions (docs.amazonaws.cn/en_us/aws/latest/userguide/elb.html:
// China (Beijing) 638102146993, China (Ningxia) 037604701340; read 2026-12-02).
var awsOwnedRoots = map[string]bool{
	"arn:aws-cn:iam::638102146993:root": true,
	"arn:aws-cn:iam::037604701340:root": true,
}

// TestPoliciesNameOnlyPrincipalsThatExist: KMS and IAM reject a key policy or trust policy whose AWS
// principal does not exist yet (KMS CreateKey / PutKeyPolicy: MalformedPolicyDocumentException;
// IAM CreateRole: "Invalid principal in policy"; KMS Developer Guide "Key policies", China edition,
// read 2026-12-02). In a fresh account only the account root, "*" (with conditions) and the roles this
// stack creates before the policy exist, so a policy may name nothing else.
func TestPoliciesNameOnlyPrincipalsThatExist(t *testing.T) {
	for _, s := range stacks(t) {
		g, _ := record(t, s)
		roles := map[string]bool{}
		for _, r := range g.Resources {
			if r.Type == "aws:iam/role:Role" {
				if n, ok := r.Inputs["name"].(string); ok {
					roles[n] = true
				}
			}
		}
		for _, r := range g.Resources {
			for _, key := range []string{"policy", "assumeRolePolicy"} {
				doc, ok := r.Inputs[key].(string)
				if !ok {
					continue
				}
				for _, p := range principalARNs(doc) {
					switch {
					case p == "*", strings.HasSuffix(p, ":root") && strings.Contains(p, ":iam::"+plan.MockAccountID+":"):
					case awsOwnedRoots[p]:
					case strings.Contains(p, ":role/") && roles[p[strings.LastIndex(p, "/")+1:]] && !strings.Contains(p, "aws-service-role"):
					default:
						t.Errorf("%s: %s %s names principal %s, which need not exist when the policy is created", s, r.Type, r.Name, p)
					}
				}
			}
		}
	}
}

// TestAccessEntriesFollowConfigNotTheCaller: whoever runs the program (the mocks' caller is the role
// suoke-deployer), prod's access entries are exactly the configured roles, so a preview by the preview
// role shows no replacement of the deployer's entry.
func TestAccessEntriesFollowConfigNotTheCaller(t *testing.T) {
	g, _ := record(t, "prod")
	var got []string
	for _, r := range g.Resources {
		if r.Type == "aws:eks/accessEntry:AccessEntry" {
			got = append(got, r.Inputs["principalArn"].(string))
		}
	}
	sort.Strings(got)
	want := []string{}
	for _, n := range []string{"suoke-admin", "suoke-deploy-prod", "suoke-drift", "suoke-preview"} {
		want = append(want, "arn:aws-cn:iam::"+plan.MockAccountID+":role/"+n)
	}
	assert.Equal(t, want, got)
}

// TestProtectedStacksProtectHardToReplaceTypes: in prod and prod-dr, the EKS cluster, the VPC, the
// node groups and the OIDC provider refuse deletion like the data stores do.
func TestProtectedStacksProtectHardToReplaceTypes(t *testing.T) {
	for _, s := range []string{"prod", "prod-dr"} {
		g, _ := record(t, s)
		for _, typ := range []string{"aws:eks/cluster:Cluster", "aws:ec2/vpc:Vpc", "aws:eks/nodeGroup:NodeGroup", "aws:iam/openIdConnectProvider:OpenIdConnectProvider"} {
			n := 0
			for _, r := range g.Resources {
				if r.Type == typ {
					n++
					assert.True(t, r.Protect, "%s: %s %s is not protected", s, typ, r.Name)
				}
			}
			assert.NotZero(t, n, "%s has no %s", s, typ)
		}
	}
	g, _ := record(t, "staging")
	for _, r := range g.Resources {
		if r.Type == "aws:eks/cluster:Cluster" {
			assert.False(t, r.Protect, "staging is not protected: its cluster must be destroyable")
		}
	}
}

// minimalStack writes a stack file with only a region and an environment next to the project's
// Pulumi.yaml.
func minimalStack(t *testing.T, region, env string) *plan.StackConfig {
	dir := t.TempDir()
	copyFile(t, filepath.Join(projectDir, "Pulumi.yaml"), filepath.Join(dir, "Pulumi.yaml"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.new.yaml"), []byte(
		"config:\n  aws:region: "+region+"\n  suoke-platform:environment: "+env+"\n"), 0o644))
	sc, err := plan.LoadStackConfig(dir, "new")
	require.NoError(t, err)
	return sc
}

// TestNewStackPlansClean: a stack file with only aws:region and environment, in either partition,
// plans and passes every policy: the defaults hold what the program puts on them.
func TestNewStackPlansClean(t *testing.T) {
	for _, region := range []string{"cn-northwest-1", "cn-north-1", "us-east-1"} {
		t.Run(region, func(t *testing.T) {
			sc := minimalStack(t, region, "staging")
			g, err := plan.RecordConfig(sc)
			require.NoError(t, err)
			for _, r := range policy.Failed(policy.Evaluate(g)) {
				t.Errorf("policy %s failed on %s: %s", r.ID, r.Resource, r.Message)
			}
		})
	}
}
