package config

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// oneService is a services value with one business service carrying the given extra JSON fields.
func oneService(extra string) map[string]string {
	return map[string]string{KeyServices: fmt.Sprintf(`[{"name": "media", "tier": "business", "port": 8100, "cache": true%s}]`, extra)}
}

func grant(actions, resources string) map[string]string {
	return oneService(fmt.Sprintf(`, "awsAccess": [{"actions": %s, "resources": %s}]`, actions, resources))
}

func egress(rule string) map[string]string {
	return oneService(fmt.Sprintf(`, "egress": [%s]`, rule))
}

// TestAWSAccessRules: every rule of an awsAccess statement has a case that breaks it, and the error
// names the field path and the value. The stack is in cn-northwest-1 (partition aws-cn).
func TestAWSAccessRules(t *testing.T) {
	const ok = `["arn:aws-cn:s3:::suoke-media-prod/uploads/*"]`
	const act = `["s3:GetObject"]`
	at := func(sub string) string { return "services[0].awsAccess[0]." + sub }
	cases := []struct {
		name   string
		values map[string]string
		path   string
		typ    field.ErrorType
		want   string
	}{
		// Actions.
		{"no actions", grant(`[]`, ok), at("actions"), field.ErrorTypeRequired, "name the IAM actions"},
		{"actions missing", oneService(`, "awsAccess": [{"resources": ["arn:aws-cn:s3:::b/x"]}]`), at("actions"), field.ErrorTypeRequired, "name the IAM actions"},
		{"action *", grant(`["*"]`, ok), at("actions[0]"), field.ErrorTypeForbidden, `"*" grants every action`},
		{"action *:*", grant(`["*:GetObject"]`, ok), at("actions[0]"), field.ErrorTypeForbidden, `"*:GetObject"`},
		{"action s3:*", grant(`["s3:*"]`, ok), at("actions[0]"), field.ErrorTypeForbidden, `"s3:*" grants every action of s3`},
		{"action kms:*", grant(`["kms:*"]`, `["arn:aws-cn:kms:cn-northwest-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]`), at("actions[0]"), field.ErrorTypeForbidden, `"kms:*"`},
		{"action iam:*", grant(`["iam:*"]`, ok), at("actions[0]"), field.ErrorTypeForbidden, `"iam:*"`},
		{"action iam named", grant(`["iam:PassRole"]`, `["arn:aws-cn:iam::123456789012:role/x"]`), at("actions[0]"), field.ErrorTypeForbidden, "may not hold IAM permissions"},
		{"action s3 prefix", grant(`["s3:Get*"]`, ok), at("actions[0]"), field.ErrorTypeForbidden, `"s3:Get*": no wildcard actions on s3`},
		{"action kms prefix", grant(`["kms:Decrypt*"]`, ok), at("actions[0]"), field.ErrorTypeForbidden, `"kms:Decrypt*"`},
		{"action sqs:*", grant(`["sqs:*"]`, `["arn:aws-cn:sqs:cn-northwest-1:123456789012:jobs"]`), at("actions[0]"), field.ErrorTypeForbidden, `"sqs:*" grants every action of sqs`},
		{"action not service:name", grant(`["GetObject"]`, ok), at("actions[0]"), field.ErrorTypeInvalid, `"GetObject"`},
		{"action inner wildcard", grant(`["s3:Get*Acl"]`, ok), at("actions[0]"), field.ErrorTypeInvalid, `"s3:Get*Acl"`},
		{"action derived by prefix", grant(`["elasticache:Conn*"]`, `["arn:aws-cn:elasticache:cn-northwest-1:123456789012:user:test-other"]`), at("actions[0]"), field.ErrorTypeForbidden, `"elasticache:Conn*" covers elasticache:connect`},
		{"action derived", grant(`["elasticache:Connect"]`, `["arn:aws-cn:elasticache:cn-northwest-1:123456789012:user:suoke-test-other"]`), at("actions[0]"), field.ErrorTypeForbidden, "own Redis user"},
		// Resources.
		{"no resources", grant(act, `[]`), at("resources"), field.ErrorTypeRequired, "arn:aws-cn:s3:::"},
		{"resource *", grant(act, `["*"]`), at("resources[0]"), field.ErrorTypeForbidden, `"*" grants the actions on every resource`},
		{"resource not an ARN", grant(act, `["suoke-media-prod/uploads/*"]`), at("resources[0]"), field.ErrorTypeInvalid, `"suoke-media-prod/uploads/*"`},
		{"resource wrong partition", grant(act, `["arn:aws:s3:::suoke-media-prod/uploads/*"]`), at("resources[0]"), field.ErrorTypeInvalid, "must be in partition aws-cn"},
		{"resource partition wildcard", grant(act, `["arn:*:s3:::suoke-media-prod/uploads/*"]`), at("resources[0]"), field.ErrorTypeInvalid, `"arn:*:s3:::suoke-media-prod/uploads/*"`},
		{"resource service wildcard", grant(`["sqs:SendMessage"]`, `["arn:aws-cn:*:cn-northwest-1:123456789012:jobs"]`), at("resources[0]"), field.ErrorTypeForbidden, "names no one service"},
		{"resource every s3 object", grant(act, `["arn:aws-cn:s3:::*"]`), at("resources[0]"), field.ErrorTypeForbidden, "covers every resource of s3"},
		{"resource every s3 object 2", grant(act, `["arn:aws-cn:s3:::*/*"]`), at("resources[0]"), field.ErrorTypeForbidden, `"arn:aws-cn:s3:::*/*"`},
		{"resource bucket pattern", grant(act, `["arn:aws-cn:s3:::suoke-*/*"]`), at("resources[0]"), field.ErrorTypeForbidden, "the bucket must be named"},
		{"resource backup bucket", grant(act, `["arn:aws-cn:s3:::suoke-prod-backup-123456789012-cn-northwest-1/prod/*"]`), at("resources[0]"), field.ErrorTypeForbidden, "is a platform bucket"},
		{"resource DR backup bucket", grant(act, `["arn:aws-cn:s3:::suoke-prod-backup-123456789012-cn-north-1"]`), at("resources[0]"), field.ErrorTypeForbidden, "is a platform bucket"},
		{"resource audit bucket", grant(act, `["arn:aws-cn:s3:::suoke-platform-audit-123456789012-cn-northwest-1/*"]`), at("resources[0]"), field.ErrorTypeForbidden, "is a platform bucket"},
		{"resource app logs bucket", grant(act, `["arn:aws-cn:s3:::suoke-platform-prod-app-logs-123456789012/*"]`), at("resources[0]"), field.ErrorTypeForbidden, "is a platform bucket"},
		{"resource s3 with account", grant(act, `["arn:aws-cn:s3::123456789012:media/*"]`), at("resources[0]"), field.ErrorTypeInvalid, "no region or account"},
		{"resource every kms key", grant(`["kms:Decrypt"]`, `["arn:aws-cn:kms:cn-northwest-1:123456789012:key/*"]`), at("resources[0]"), field.ErrorTypeForbidden, "name the key"},
		{"resource every region", grant(`["sqs:SendMessage"]`, `["arn:aws-cn:sqs:*:123456789012:jobs"]`), at("resources[0]"), field.ErrorTypeForbidden, "every region or account"},
		{"resource every account", grant(`["sqs:SendMessage"]`, `["arn:aws-cn:sqs:cn-northwest-1:*:jobs"]`), at("resources[0]"), field.ErrorTypeForbidden, "every region or account"},
		{"resource every of a type", grant(`["dynamodb:GetItem"]`, `["arn:aws-cn:dynamodb:cn-northwest-1:123456789012:table/*"]`), at("resources[0]"), field.ErrorTypeForbidden, "covers every table of dynamodb"},
		{"resource every queue", grant(`["sqs:SendMessage"]`, `["arn:aws-cn:sqs:cn-northwest-1:123456789012:*"]`), at("resources[0]"), field.ErrorTypeForbidden, "covers every resource of sqs"},
		// Shape.
		{"grant not object", oneService(`, "awsAccess": [["s3:GetObject"]]`), "services[0].awsAccess[0]", field.ErrorTypeInvalid, "must be an object"},
		{"grant unknown field", oneService(`, "awsAccess": [{"action": ["s3:GetObject"], "resources": ["arn:aws-cn:s3:::b/x"]}]`), at("action"), field.ErrorTypeInvalid, `did you mean "actions"`},
		{"resources not list", grant(act, `"arn:aws-cn:s3:::b/x"`), at("resources"), field.ErrorTypeInvalid, `"arn:aws-cn:s3:::b/x"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(prodInput(c.values))
			require.Error(t, err)
			requireFieldError(t, err, c.path, c.typ, c.want)
		})
	}
}

// TestAWSAccessPartitionFollowsRegion: the same statement is right in one partition and wrong in the
// other; the partition is aws:region's, never assumed.
func TestAWSAccessPartitionFollowsRegion(t *testing.T) {
	global := grant(`["s3:GetObject"]`, `["arn:aws:s3:::suoke-media-prod/uploads/*"]`)
	in := prodInput(global)
	in.Region, in.Values[KeyDRRegion] = "us-east-1", "us-west-2"
	_, err := Parse(in)
	require.NoError(t, err)

	_, err = Parse(prodInput(global))
	require.Error(t, err)
	requireFieldError(t, err, "services[0].awsAccess[0].resources[0]", field.ErrorTypeInvalid, "aws:region cn-northwest-1")
}

// TestAWSAccessAccepted: statements that name their resources pass and decode as written.
func TestAWSAccessAccepted(t *testing.T) {
	p, err := Parse(prodInput(oneService(`, "awsAccess": [` +
		`{"actions": ["s3:GetObject", "s3:PutObject"], "resources": ["arn:aws-cn:s3:::suoke-media-prod/uploads/*"]},` +
		`{"actions": ["kms:Decrypt"], "resources": ["arn:aws-cn:kms:cn-northwest-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]},` +
		`{"actions": ["sqs:Send*"], "resources": ["arn:aws-cn:sqs:cn-northwest-1:123456789012:jobs-*"]}]`)))
	require.NoError(t, err)
	require.Len(t, p.Services, 1)
	assert.Equal(t, []AWSGrant{
		{Actions: []string{"s3:GetObject", "s3:PutObject"}, Resources: []string{"arn:aws-cn:s3:::suoke-media-prod/uploads/*"}},
		{Actions: []string{"kms:Decrypt"}, Resources: []string{"arn:aws-cn:kms:cn-northwest-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}},
		{Actions: []string{"sqs:Send*"}, Resources: []string{"arn:aws-cn:sqs:cn-northwest-1:123456789012:jobs-*"}},
	}, p.Services[0].AWSAccess)
}

// TestEgressRules: every rule of an egress entry has a case that breaks it. The VPC is the default
// 10.40.0.0/16.
func TestEgressRules(t *testing.T) {
	at := func(sub string) string { return "services[0].egress[0]." + sub }
	cases := []struct {
		name   string
		values map[string]string
		path   string
		typ    field.ErrorType
		want   string
	}{
		{"no cidrs", egress(`{"cidrs": [], "ports": [443]}`), at("cidrs"), field.ErrorTypeRequired, "IPv4 ranges"},
		{"anywhere", egress(`{"cidrs": ["0.0.0.0/0"], "ports": [443]}`), at("cidrs[0]"), field.ErrorTypeForbidden, `"0.0.0.0/0" is wider than /8`},
		{"too wide", egress(`{"cidrs": ["64.0.0.0/2"], "ports": [443]}`), at("cidrs[0]"), field.ErrorTypeForbidden, `"64.0.0.0/2"`},
		{"not a cidr", egress(`{"cidrs": ["api.example.com"], "ports": [443]}`), at("cidrs[0]"), field.ErrorTypeInvalid, `"api.example.com"`},
		{"ipv6", egress(`{"cidrs": ["2001:db8::/32"], "ports": [443]}`), at("cidrs[0]"), field.ErrorTypeInvalid, `"2001:db8::/32"`},
		{"host bits", egress(`{"cidrs": ["203.0.113.7/24"], "ports": [443]}`), at("cidrs[0]"), field.ErrorTypeInvalid, "did you mean 203.0.113.0/24"},
		{"inside the VPC", egress(`{"cidrs": ["10.40.112.0/22"], "ports": [6379]}`), at("cidrs[0]"), field.ErrorTypeInvalid, "overlaps the VPC 10.40.0.0/16"},
		{"covering the VPC", egress(`{"cidrs": ["10.0.0.0/8"], "ports": [443]}`), at("cidrs[0]"), field.ErrorTypeInvalid, `"10.0.0.0/8"`},
		{"instance metadata", egress(`{"cidrs": ["169.254.169.254/32"], "ports": [80]}`), at("cidrs[0]"), field.ErrorTypeForbidden, `"169.254.169.254/32" is link-local`},
		{"loopback", egress(`{"cidrs": ["127.0.0.1/32"], "ports": [80]}`), at("cidrs[0]"), field.ErrorTypeForbidden, "loopback"},
		{"multicast", egress(`{"cidrs": ["239.1.1.0/24"], "ports": [5000], "protocol": "UDP"}`), at("cidrs[0]"), field.ErrorTypeForbidden, "multicast"},
		{"EKS services", egress(`{"cidrs": ["172.20.0.10/32"], "ports": [443]}`), at("cidrs[0]"), field.ErrorTypeForbidden, "EKS Service address range (172.20.0.0/16)"},
		{"EKS services other", egress(`{"cidrs": ["10.100.0.0/20"], "ports": [443]}`), at("cidrs[0]"), field.ErrorTypeForbidden, "10.100.0.0/16"},
		{"no ports", egress(`{"cidrs": ["203.0.113.0/24"], "ports": []}`), at("ports"), field.ErrorTypeRequired, "destination ports"},
		{"ports missing", egress(`{"cidrs": ["203.0.113.0/24"]}`), at("ports"), field.ErrorTypeRequired, "destination ports"},
		{"port zero", egress(`{"cidrs": ["203.0.113.0/24"], "ports": [0]}`), at("ports[0]"), field.ErrorTypeInvalid, "0"},
		{"port too high", egress(`{"cidrs": ["203.0.113.0/24"], "ports": [70000]}`), at("ports[0]"), field.ErrorTypeInvalid, "70000"},
		{"port not int", egress(`{"cidrs": ["203.0.113.0/24"], "ports": ["https"]}`), at("ports"), field.ErrorTypeInvalid, "must be a list of integers"},
		{"protocol", egress(`{"cidrs": ["203.0.113.0/24"], "ports": [443], "protocol": "ICMP"}`), at("protocol"), field.ErrorTypeNotSupported, `"ICMP"`},
		{"unknown field", egress(`{"cidr": ["203.0.113.0/24"], "ports": [443]}`), at("cidr"), field.ErrorTypeInvalid, `did you mean "cidrs"`},
		{"not a list", oneService(`, "egress": {"cidrs": ["203.0.113.0/24"]}`), "services[0].egress", field.ErrorTypeInvalid, "must be a list of egress objects"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(prodInput(c.values))
			require.Error(t, err)
			requireFieldError(t, err, c.path, c.typ, c.want)
		})
	}
}

// TestEgressAccepted: rules decode with TCP as the default protocol, and the services key's default
// (none of the nine services declares egress) round-trips.
func TestEgressAccepted(t *testing.T) {
	p, err := Parse(prodInput(egress(`{"cidrs": ["203.0.113.0/24", "198.51.100.10/32"], "ports": [443, 8443]}, {"cidrs": ["192.0.2.0/24"], "ports": [30303], "protocol": "UDP"}`)))
	require.NoError(t, err)
	assert.Equal(t, []EgressRule{
		{CIDRs: []string{"203.0.113.0/24", "198.51.100.10/32"}, Ports: []int{443, 8443}, Protocol: ProtocolTCP},
		{CIDRs: []string{"192.0.2.0/24"}, Ports: []int{30303}, Protocol: ProtocolUDP},
	}, p.Services[0].Egress)
	for _, s := range DefaultServices() {
		assert.Empty(t, s.Egress, s.Name)
		assert.Empty(t, s.AWSAccess, s.Name)
	}
}
