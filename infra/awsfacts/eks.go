package awsfacts

import "sort"

// EKS managed add-on versions are asked of the region at run time (eks.getAddonVersion: the
// version EKS marks default for the cluster's Kubernetes version, in the stack's own region, China
// included). Only the offline plan's mocks answer from this table. Its rows are the default builds
// `aws eks describe-addon-versions --kubernetes-version <v>` listed in the global regions, as
// recorded in public EKS configurations pinned against that output; China's defaults can lag, which
// is exactly why the real run asks.
var eksAddonDefaults = Source{
	Ref:  "aws eks describe-addon-versions (aws partition) as recorded in public EKS configurations; terraform-provider-aws internal/service/eks/addon_version_data_source.go (most_recent false: the default version)",
	Read: "2026-11-25",
}

// addonDefaults are the default add-on builds per Kubernetes minor (aws partition).
var addonDefaults = map[string]map[string]string{
	"1.34": {
		"vpc-cni": "v1.21.1-eksbuild.3", "kube-proxy": "v1.34.3-eksbuild.5", "coredns": "v1.13.2-eksbuild.1",
		"aws-ebs-csi-driver": "v1.55.0-eksbuild.2",
	},
	"1.35": {
		"vpc-cni": "v1.21.1-eksbuild.3", "kube-proxy": "v1.35.0-eksbuild.2", "coredns": "v1.13.2-eksbuild.1",
		"aws-ebs-csi-driver": "v1.55.0-eksbuild.2",
	},
}

// AddonDefault is the offline answer of eks.getAddonVersion: the default build of an add-on for a
// Kubernetes minor; ok is false where the table has no row (the real API would fail the same way
// for an add-on or version EKS does not offer).
func AddonDefault(addon, kubernetesVersion string) (version string, ok bool) {
	v, ok := addonDefaults[kubernetesVersion][addon]
	return v, ok
}

// AddonKubernetesVersions lists the minors the offline table covers, sorted.
func AddonKubernetesVersions() []string {
	out := make([]string, 0, len(addonDefaults))
	for v := range addonDefaults {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// AddonDefaultsSource is where the offline answers come from.
func AddonDefaultsSource() Source { return eksAddonDefaults }
