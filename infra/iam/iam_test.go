package iam

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
