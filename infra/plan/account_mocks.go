package plan

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/account"
	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	platform "github.com/suoke-life/suoke-platform/infra/config"
)

// getRole answers iam.getRole as the provider does (terraform-provider-aws
// internal/service/iam/role_data_source.go, read 2026-12-02: GetRole by name; NoSuchEntity is an
// error). The mock account is one where the owner of the account baseline has run: it holds the
// service-linked roles of infra/account under their fixed path, and no other role, so a lookup of
// anything else fails like a fresh account's would.
func getRole(args pulumi.MockCallArgs, r platform.Region) (map[string]any, error) {
	name := ""
	if v, ok := args.Args["name"]; ok && v.IsString() {
		name = v.StringValue()
	}
	for _, slr := range account.ServiceLinkedRoles {
		if slr.RoleName != name {
			continue
		}
		path := "/aws-service-role/" + slr.AWSServiceName + "/"
		return map[string]any{
			"id": name, "name": name, "path": path,
			"arn":      fmt.Sprintf("arn:%s:iam::%s:role%s%s", r.Partition, MockAccountID, path, name),
			"uniqueId": "AROAMOCKSLR" + fmt.Sprint(len(name)), "maxSessionDuration": 3600,
			"description": slr.Why, "assumeRolePolicy": "", "createDate": "2026-01-01T00:00:00Z",
		}, nil
	}
	return nil, fmt.Errorf("reading IAM Role (%s): couldn't find resource (NoSuchEntity: The role with name %s cannot be found)", name, name)
}

// addonVersion answers eks.getAddonVersion as EKS would for the default build (most_recent false):
// the row of awsfacts' add-on table, or the provider's error for an add-on or Kubernetes version
// EKS does not offer ("reading EKS Add-On version info").
func addonVersion(args pulumi.MockCallArgs) (map[string]any, error) {
	name, k8s := args.Args["addonName"].StringValue(), args.Args["kubernetesVersion"].StringValue()
	if mr, ok := args.Args["mostRecent"]; ok && mr.IsBool() && mr.BoolValue() {
		return nil, fmt.Errorf("offline plan: eks.getAddonVersion with mostRecent has no offline answer; the program asks for the default build")
	}
	v, ok := awsfacts.AddonDefault(name, k8s)
	if !ok {
		return nil, fmt.Errorf("reading EKS Add-On version info (%s, %s): couldn't find resource", name, k8s)
	}
	return map[string]any{"id": name, "addonName": name, "kubernetesVersion": k8s, "version": v, "mostRecent": false}, nil
}

// clusterVersions answers eks.getClusterVersions from the version calendar (awsfacts), honouring the
// clusterVersionsOnlies and versionStatus filters the program may pass, as the EKS API does.
func clusterVersions(args pulumi.MockCallArgs) map[string]any {
	only := map[string]bool{}
	if v, ok := args.Args["clusterVersionsOnlies"]; ok && v.IsArray() {
		for _, e := range v.ArrayValue() {
			only[e.StringValue()] = true
		}
	}
	status := ""
	if v, ok := args.Args["versionStatus"]; ok && v.IsString() {
		status = v.StringValue()
	}
	var out []any
	for _, cv := range awsfacts.ClusterVersions() {
		if (len(only) > 0 && !only[cv.Version]) || (status != "" && status != cv.Status) {
			continue
		}
		out = append(out, map[string]any{"clusterType": "eks", "clusterVersion": cv.Version, "versionStatus": cv.Status,
			"endOfStandardSupportDate": cv.EndOfStandardSupport, "defaultVersion": false, "defaultPlatformVersion": "",
			"endOfExtendedSupportDate": "", "kubernetesPatchVersion": "", "releaseDate": ""})
	}
	return map[string]any{"id": "eks", "clusterVersions": out}
}
