// Package cluster builds the EKS cluster and composes its parts: here the control plane with its KMS
// key, logs and access entries, the EKS add-ons in the order a real `up` needs, the storage classes
// and the Kubernetes provider every in-cluster resource uses; then, in their own packages, the node
// groups (nodegroups), the namespaces with their guard rails and service accounts (tenancy), the
// platform charts (platform) and the public ingress behind a WAF web ACL (edge). Every resource is a
// child of the one suoke:cluster:Cluster component. Later components take its typed outputs.
package cluster

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

// Args configures the cluster. The composition fills it from the validated stack config and the
// network's outputs.
type Args struct {
	// Name is the EKS cluster's name; it names the control-plane log group
	// /aws/eks/<name>/cluster, which is created before the cluster.
	Name string
	// Config is the cluster's config (`cluster`, `registries`, `ingress`).
	Config config.ClusterConfig
	// NodePools are the resolved node pools by tier (instance types from the catalog).
	NodePools map[config.Tier]config.NodePool
	// Scheduled is everything the program schedules on the pools: every component's footprints,
	// this one's (Args.Footprints) included, summed by the composition before the cluster is built.
	// The workload namespaces' quotas and the capacity output are computed from it.
	Scheduled []footprint.Footprint
	// Services are the workloads: each gets a service account in its tier's namespace.
	Services []config.Service
	// Registries are the resolved registries (config.Registries.Resolve) every chart and image
	// comes through.
	Registries config.Registries
	// Protect protects the stateful resources (the KMS key, the Retain storage class).
	Protect bool
	// Production turns on what only prod and dr need (ALB deletion protection).
	Production bool

	// From the network.
	VpcID            pulumi.StringInput
	VpcCIDR          string
	AZs              []string
	PrivateSubnetIDs pulumi.StringArrayInput
	NodeSGID         pulumi.StringInput
	LoadBalancerSGID pulumi.StringInput

	// Env is what AWS reports about partition, region and account.
	Env *identity.Env
	// Tags go on the instances and volumes the node groups launch (the provider's default tags do
	// not reach them).
	Tags map[string]string
}

var clusterName = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$`)

// Validate checks the args on their own; config has already validated the values it passes.
func (a Args) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !clusterName.MatchString(a.Name) {
		errs = append(errs, field.Invalid(path.Child("name"), a.Name, "must be 1-100 letters, digits, - and _, starting with a letter or digit (EKS cluster name)"))
	}
	if !a.Config.Supported() {
		errs = append(errs, field.NotSupported(path.Child("config", "version"), a.Config.Version, config.SupportedKubernetesVersions()))
	}
	for _, t := range config.AllTiers() {
		p, ok := a.NodePools[t]
		tp := path.Child("nodePools", string(t))
		switch {
		case !ok:
			errs = append(errs, field.Required(tp, "every tier of the sizing plan needs a pool"))
		case p.InstanceType == "":
			errs = append(errs, field.Required(tp.Child("instanceType"), "resolve the type from the catalog first"))
		case p.Min < 0 || p.Desired < p.Min || p.Desired > p.Max:
			errs = append(errs, field.Invalid(tp.Child("desired"), p.Desired, fmt.Sprintf("must be between min (%d) and max (%d)", p.Min, p.Max)))
		}
	}
	if !a.Registries.Resolved() {
		errs = append(errs, field.Required(path.Child("registries"), "resolve the registries for the region and account (config.Registries.Resolve)"))
	}
	if len(a.AZs) < 2 {
		errs = append(errs, field.Invalid(path.Child("azs"), len(a.AZs), "must name at least 2 AZs"))
	}
	if a.VpcID == nil || a.PrivateSubnetIDs == nil || a.NodeSGID == nil || a.LoadBalancerSGID == nil {
		errs = append(errs, field.Required(path.Child("network"), "the network's VPC, private subnets and security groups"))
	}
	if a.Env == nil {
		errs = append(errs, field.Required(path.Child("env"), "the AWS partition, region and account"))
	}
	errs = append(errs, footprint.Validate(path.Child("scheduled"), a.Scheduled)...)
	if !footprint.Contains(a.Scheduled, a.Footprints()) {
		errs = append(errs, field.Invalid(path.Child("scheduled"), len(a.Scheduled), "must include the cluster's own footprints (Args.Footprints): the quotas would leave no room for its add-ons and releases"))
	}
	for i, s := range a.Services {
		if !tierIn(s.Tier, config.WorkloadTiers()) {
			errs = append(errs, field.NotSupported(path.Child("services").Index(i).Child("tier"), string(s.Tier), tierNames(config.WorkloadTiers())))
		}
	}
	return errs
}

func tierIn(t config.Tier, list []config.Tier) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}

func tierNames(ts []config.Tier) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}
