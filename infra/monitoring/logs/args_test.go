package logs

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestArgsValidate: each value the log pipeline cannot be built with is refused, naming the field and
// the value, before anything is registered.
func TestArgsValidate(t *testing.T) {
	ok := Args{RetentionDays: 30, ArchiveDays: 180, AZs: 3,
		DataSubnetIDs: pulumi.StringArray{pulumi.String("subnet-1")}, DataSecurityGroupID: pulumi.String("sg-1")}
	require.NoError(t, ok.Validate())
	for _, c := range []struct {
		change func(*Args)
		want   string
	}{
		{func(a *Args) { a.AZs = 1 }, "azs: Invalid value: 1"},
		{func(a *Args) { a.AZs = 4 }, "azs: Invalid value: 4"},
		{func(a *Args) { a.RetentionDays = 0 }, "retentionDays: Invalid value: 0"},
		{func(a *Args) { a.ArchiveDays = 0 }, "archiveDays: Invalid value: 0"},
		{func(a *Args) { a.DataSubnetIDs = nil }, "dataSubnetIds"},
		{func(a *Args) { a.DataSecurityGroupID = nil }, "dataSecurityGroupId"},
	} {
		a := ok
		c.change(&a)
		assert.ErrorContains(t, a.Validate(), c.want)
	}
}
