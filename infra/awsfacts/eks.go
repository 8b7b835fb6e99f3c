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

// eksVersionCalendar is the EKS Kubernetes version calendar: the offline answer of
// eks.getClusterVersions. The real run asks the region, whose offer can lag the global calendar.
var eksVersionCalendar = Source{
	Ref:  "EKS User Guide \"Understand the Kubernetes version lifecycle on EKS\" (release calendar), China edition docs.amazonaws.cn/en_us/eks/latest/userguide/kubernetes-versions.html",
	Read: "2026-11-25",
}

// ClusterVersion is one Kubernetes minor EKS offers, with its support status on the day read.
type ClusterVersion struct {
	Version, Status, EndOfStandardSupport string
}

// clusterVersions: 1.35 in standard support until 2027-03-27; 1.34's standard support ends
// 2026-12-02, after which it is in extended support (priced per cluster-hour on top).
var clusterVersions = []ClusterVersion{
	{"1.35", "STANDARD_SUPPORT", "2027-03-27"},
	{"1.34", "EXTENDED_SUPPORT", "2026-12-02"},
	{"1.33", "EXTENDED_SUPPORT", "2026-07-29"},
}

// ClusterVersions is the offline answer of eks.getClusterVersions.
func ClusterVersions() []ClusterVersion { return append([]ClusterVersion(nil), clusterVersions...) }

// ClusterVersionsSource is where ClusterVersions was read.
func ClusterVersionsSource() Source { return eksVersionCalendar }

// containerImageAccounts are the AWS accounts whose in-region ECR registry serves AWS's own EKS
// images (the load balancer controller's among them) in the China regions, where public.ecr.aws is
// not the source: EKS User Guide "View Amazon container image registries for Amazon EKS add-ons"
// on docs.amazonaws.cn, and the controller's own e2e scripts; elsewhere the image comes from
// public.ecr.aws.
var containerImageAccounts = map[string]string{"cn-north-1": "918309763551", "cn-northwest-1": "961992271922"}

// ContainerImageRegistry is the in-region ECR registry that serves AWS's EKS images in a region, or
// "" where they come from public.ecr.aws.
func ContainerImageRegistry(region, dnsSuffix string) string {
	acct, ok := containerImageAccounts[region]
	if !ok {
		return ""
	}
	return acct + ".dkr.ecr." + region + "." + dnsSuffix
}
