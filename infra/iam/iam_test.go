package iam

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/internal/recorded"
)

// TestServiceAccountTrustIsTheDocumentedIRSAForm: the trust policy is the form the EKS User Guide
// gives for a role a service account assumes ("Assign IAM roles to Kubernetes service accounts",
// read 2026-12-03): the OIDC provider as Federated principal, sts:AssumeRoleWithWebIdentity, and
// StringEquals on <issuer>:sub and <issuer>:aud = sts.amazonaws.com, the issuer without https://.
// The expected document is written here from the guide's form with a China-partition provider, not
// from the helper.
func TestServiceAccountTrustIsTheDocumentedIRSAForm(t *testing.T) {
	const provider = "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-northwest-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	const want = `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {
	      "Effect": "Allow",
	      "Principal": {"Federated": "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-northwest-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
	      "Action": "sts:AssumeRoleWithWebIdentity",
	      "Condition": {
	        "StringEquals": {
	          "oidc.eks.cn-northwest-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:monitoring:tempo",
	          "oidc.eks.cn-northwest-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com"
	        }
	      }
	    }
	  ]
	}`
	for _, issuer := range []string{
		"https://oidc.eks.cn-northwest-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE", // as EKS reports it
		"oidc.eks.cn-northwest-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
	} {
		got, err := ServiceAccountTrust(provider, issuer, "monitoring", "tempo")
		require.NoError(t, err)
		assert.JSONEq(t, want, got, issuer)
	}
}

// TestServiceAccountTrustRefusesBadInput: each input the trust cannot be right without is an error
// naming the field and the value.
func TestServiceAccountTrustRefusesBadInput(t *testing.T) {
	const provider = "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-northwest-1.amazonaws.com.cn/id/X"
	const issuer = "https://oidc.eks.cn-northwest-1.amazonaws.com.cn/id/X"
	for _, c := range []struct{ provider, issuer, ns, sa, want string }{
		{"arn:aws-cn:iam::111122223333:role/x", issuer, "ns", "sa", `oidcProviderArn: Invalid value: "arn:aws-cn:iam::111122223333:role/x"`},
		{provider, "", "ns", "sa", `oidcIssuer: Invalid value: ""`},
		{provider, "http://oidc.example", "ns", "sa", `oidcIssuer: Invalid value: "http://oidc.example"`},
		{provider, issuer, "", "sa", `serviceAccount: Required value`},
		{provider, issuer, "ns", "", `serviceAccount: Required value`},
	} {
		_, err := ServiceAccountTrust(c.provider, c.issuer, c.ns, c.sa)
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.want)
	}
}

// TestDocumentRendersThePolicyLanguage: a document carries the policy language's current version
// and its statements with the element names of the IAM policy grammar (IAM User Guide, "Grammar of
// the IAM JSON policy language", read 2026-12-03); one resource is a string, several a list.
func TestDocumentRendersThePolicyLanguage(t *testing.T) {
	got, err := Document(
		Allow([]string{"s3:GetObject"}, "arn:aws-cn:s3:::b/*"),
		Allow([]string{"s3:ListBucket"}, "arn:aws-cn:s3:::a", "arn:aws-cn:s3:::b"),
		Statement{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws-cn:s3:::b",
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}}},
	)
	require.NoError(t, err)
	assert.JSONEq(t, `{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws-cn:s3:::b/*"},
		{"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws-cn:s3:::a", "arn:aws-cn:s3:::b"]},
		{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws-cn:s3:::b",
		 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}`, got)
}

// TestDocumentRefusesWhatIAMRejects: a statement IAM would reject (MalformedPolicyDocument) fails
// before anything is created, naming the statement and the element.
func TestDocumentRefusesWhatIAMRejects(t *testing.T) {
	for _, c := range []struct {
		s    Statement
		want string
	}{
		{Statement{Effect: "allow", Action: "s3:GetObject", Resource: "*"}, `statement[0].Effect: Invalid value: "allow"`},
		{Statement{Effect: "Allow", Resource: "*"}, `statement[0].Action: Required value`},
		{Statement{Effect: "Allow", Action: []string{}, Resource: "*"}, `statement[0].Action: Required value`},
		{Statement{Effect: "Allow", Action: "s3:GetObject"}, `statement[0]: Required value`},
	} {
		_, err := Document(c.s)
		require.Error(t, err)
		assert.Contains(t, err.Error(), c.want)
	}
	_, err := Document()
	assert.ErrorContains(t, err, "at least one statement")
}

// TestServiceTrust: one principal is a string and several a list (IAM accepts both; the EC2 roles in
// China name two), and the confused-deputy guard names the account when asked.
func TestServiceTrust(t *testing.T) {
	var one, two struct {
		Statement []struct {
			Principal struct{ Service any }
			Action    string
			Condition map[string]map[string]string
		}
	}
	doc, err := ServiceTrust([]string{"eks.amazonaws.com"}, "")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(doc), &one))
	assert.Equal(t, "eks.amazonaws.com", one.Statement[0].Principal.Service)
	assert.Equal(t, "sts:AssumeRole", one.Statement[0].Action)
	assert.Empty(t, one.Statement[0].Condition)
	doc, err = ServiceTrust([]string{"ec2.amazonaws.com.cn", "ec2.amazonaws.com"}, "123456789012")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(doc), &two))
	assert.Equal(t, []any{"ec2.amazonaws.com.cn", "ec2.amazonaws.com"}, two.Statement[0].Principal.Service)
	assert.Equal(t, "123456789012", two.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
	_, err = ServiceTrust(nil, "")
	assert.ErrorContains(t, err, "Principal: Required value")
}

// TestDocumentOmitsEmptyFieldsInFixedOrder: a statement without Sid, Principal or Condition renders
// without them (IAM rejects an empty Principal), and the keys come in one fixed order, so a document
// built twice is the same bytes and a deployed policy shows no diff.
func TestDocumentOmitsEmptyFieldsInFixedOrder(t *testing.T) {
	got, err := Document(Statement{Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws-cn:s3:::b/*"})
	require.NoError(t, err)
	assert.Equal(t, `{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"arn:aws-cn:s3:::b/*"}],"Version":"2012-10-17"}`, got)
}

// TestManagedPolicyARN: AWS managed policies live in the account "aws" of each partition, with their
// path (IAM User Guide, "AWS managed policies"; the China edition names them arn:aws-cn:iam::aws:policy/…).
func TestManagedPolicyARN(t *testing.T) {
	assert.Equal(t, "arn:aws-cn:iam::aws:policy/AmazonEKSClusterPolicy", ManagedPolicyARN("aws-cn", "AmazonEKSClusterPolicy"))
	assert.Equal(t, "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", ManagedPolicyARN("aws", "service-role/AmazonEBSCSIDriverPolicy"))
}

func runRole(t *testing.T, a ServiceAccountRoleArgs) map[string]resource.PropertyMap {
	t.Helper()
	return recorded.Run(t, func(ctx *pulumi.Context) error {
		_, _, err := NewServiceAccountRole(ctx, "cluster-ebs-csi", a)
		return err
	}).Inputs
}

// TestNewServiceAccountRole: the role trusts the one service account, its managed policies are
// attached under the role's resource name, and an inline policy exists only when given; a role
// without a name is named by the provider (the cluster's roles), one with a name keeps it.
func TestNewServiceAccountRole(t *testing.T) {
	const provider = "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-northwest-1.amazonaws.com.cn/id/X"
	const issuer = "https://oidc.eks.cn-northwest-1.amazonaws.com.cn/id/X"
	a := ServiceAccountRoleArgs{Description: "d", OIDCProviderARN: pulumi.String(provider), OIDCIssuer: pulumi.String(issuer),
		Namespace: "kube-system", ServiceAccount: "ebs-csi-controller-sa",
		ManagedPolicyARNs: []string{ManagedPolicyARN("aws-cn", "service-role/AmazonEBSCSIDriverPolicy")},
		Policy:            pulumi.String(`{"Statement":[],"Version":"2012-10-17"}`)}
	res := runRole(t, a)
	role := res["aws:iam/role:Role::cluster-ebs-csi"]
	require.NotNil(t, role)
	want, err := ServiceAccountTrust(provider, issuer, "kube-system", "ebs-csi-controller-sa")
	require.NoError(t, err)
	assert.Equal(t, want, role["assumeRolePolicy"].StringValue())
	assert.NotContains(t, role, resource.PropertyKey("name"), "no name given: the provider names the role")
	att := res["aws:iam/rolePolicyAttachment:RolePolicyAttachment::cluster-ebs-csi-amazonebscsidriverpolicy"]
	require.NotNil(t, att, "one attachment per managed policy, named after the role and the policy")
	assert.Equal(t, "arn:aws-cn:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", att["policyArn"].StringValue())
	require.NotNil(t, res["aws:iam/rolePolicy:RolePolicy::cluster-ebs-csi"])
	assert.Len(t, res, 3)

	a.Name, a.ManagedPolicyARNs, a.Policy = "suoke-staging-x", nil, nil
	res = runRole(t, a)
	assert.Equal(t, "suoke-staging-x", res["aws:iam/role:Role::cluster-ebs-csi"]["name"].StringValue())
	assert.Len(t, res, 1, "no managed policies and no inline policy: the role alone")

	_, _, err = NewServiceAccountRole(nil, "x", ServiceAccountRoleArgs{Namespace: "ns", ServiceAccount: "sa"})
	assert.ErrorContains(t, err, "oidcProviderArn and oidcIssuer: Required value")
}
