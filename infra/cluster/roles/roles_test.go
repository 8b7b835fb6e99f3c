package roles

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServiceTrust: one principal is a string and several a list (IAM accepts both; the node role in
// China names two), and the confused-deputy guard names the account when asked.
func TestServiceTrust(t *testing.T) {
	var one, two struct {
		Statement []struct {
			Principal struct{ Service any }
			Action    string
			Condition map[string]map[string]string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(ServiceTrust([]string{"eks.amazonaws.com"}, "123456789012", false)), &one))
	assert.Equal(t, "eks.amazonaws.com", one.Statement[0].Principal.Service)
	assert.Equal(t, "sts:AssumeRole", one.Statement[0].Action)
	assert.Empty(t, one.Statement[0].Condition)
	require.NoError(t, json.Unmarshal([]byte(ServiceTrust([]string{"ec2.amazonaws.com.cn", "ec2.amazonaws.com"}, "123456789012", true)), &two))
	assert.Equal(t, []any{"ec2.amazonaws.com.cn", "ec2.amazonaws.com"}, two.Statement[0].Principal.Service)
	assert.Equal(t, "123456789012", two.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
}

// TestDocOmitsEmptyFields: a statement without Sid, Principal, Resource or Condition renders without
// them (IAM rejects an empty Principal).
func TestDocOmitsEmptyFields(t *testing.T) {
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`,
		Doc(Statement{Effect: "Allow", Action: "s3:GetObject"}).String())
}
