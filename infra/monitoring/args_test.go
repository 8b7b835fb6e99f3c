package monitoring

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// TestArgsValidate: empty args name every missing field; the component refuses them before
// registering anything.
func TestArgsValidate(t *testing.T) {
	errs := Args{Namespace: "Monitoring", StorageClass: "gp3", TierLabel: "suoke.life/tier", AZs: 4}.Validate(field.NewPath("monitoring"))
	got := map[string]field.ErrorType{}
	for _, e := range errs {
		got[e.Field] = e.Type
	}
	want := map[string]field.ErrorType{
		"monitoring.env": field.ErrorTypeRequired, "monitoring.kubernetes": field.ErrorTypeRequired,
		"monitoring.namespace": field.ErrorTypeInvalid, "monitoring.clusterName": field.ErrorTypeRequired,
		"monitoring.oidcProviderArn": field.ErrorTypeRequired, "monitoring.oidcIssuer": field.ErrorTypeRequired,
		"monitoring.dataSubnetIds": field.ErrorTypeRequired, "monitoring.dataSecurityGroupId": field.ErrorTypeRequired,
		"monitoring.azs": field.ErrorTypeInvalid, "monitoring.services": field.ErrorTypeRequired,
		"monitoring.rpo": field.ErrorTypeInvalid, "monitoring.grafanaAdminSecretName": field.ErrorTypeRequired,
	}
	assert.Equal(t, want, got)
}

// TestFindingRuleNamesAreValidated: a rule name EventBridge would refuse names its region and index.
func TestFindingRuleNamesAreValidated(t *testing.T) {
	a := Args{FindingRules: map[string][]string{"cn-north-1": {"ok-name", "bad name"}}}
	errs := a.Validate(field.NewPath("monitoring"))
	var found bool
	for _, e := range errs {
		if e.Field == "monitoring.findingRules[cn-north-1][1]" {
			found = true
			assert.Equal(t, "bad name", e.BadValue)
		}
		assert.NotContains(t, e.Field, "findingRules[cn-north-1][0]")
	}
	assert.True(t, found, "%v", errs)
}
