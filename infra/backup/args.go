// Package backup builds the backup side of the platform: KMS keys and versioned, locked, encrypted
// buckets in the primary and DR regions with cross-region replication, AWS Backup vaults and a plan
// for the cluster's EBS volumes with copies to the DR region, and Velero for Kubernetes objects.
// Every name comes from config.Platform.BackupTopology, the one place prod and prod-dr share.
package backup

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

// Args configures the backup component.
type Args struct {
	Config   config.Backup
	Topology config.BackupTopology
	// Env is the stack's region; DREnv the DR region's (its provider creates the DR-side resources).
	Env   *identity.Env
	DREnv *identity.Env
	// Protect marks keys, buckets and vaults protected and retained on delete.
	Protect bool
	// Velero is nil where there is no cluster to back up.
	Velero *VeleroArgs
}

// VeleroArgs is what Velero needs from the cluster.
type VeleroArgs struct {
	Provider  pulumi.ProviderResource
	Namespace string
	// OIDCProviderARN and OIDCIssuer are the cluster's IAM OIDC provider: only Velero's service
	// account may assume its role (IRSA, iam.NewServiceAccountRole).
	OIDCProviderARN pulumi.StringInput
	OIDCIssuer      pulumi.StringInput
	// Registries turn the pinned chart and images into what the cluster pulls.
	Registries   config.Registries
	NodeSelector map[string]string
	Tolerations  []map[string]string
	DependsOn    []pulumi.Resource
}

// VeleroServiceAcct is Velero's service account.
const VeleroServiceAcct = "velero"

// BackupTag is the tag AWS Backup selects a stack's volumes by: its storage classes put it on every
// EBS volume they provision.
func BackupTag(stack string) (key, value string) {
	return config.BackupVolumeTag, config.BackupVolumeTagValue(stack)
}

// Validate checks the args.
func (a Args) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if a.Env == nil {
		errs = append(errs, field.Required(path.Child("env"), "the stack region's identity"))
	}
	if len(a.Topology.Buckets) == 0 || len(a.Topology.Vaults) == 0 {
		errs = append(errs, field.Required(path.Child("topology"), "at least one bucket and one vault"))
	}
	needDR := len(a.Topology.Vaults) > 1
	for _, b := range a.Topology.Buckets {
		if a.Env != nil && b.Region != a.Env.Region {
			needDR = true
		}
	}
	if needDR && a.DREnv == nil {
		errs = append(errs, field.Required(path.Child("drEnv"), "the DR region's identity: the topology spans two regions"))
	}
	if v := a.Velero; v != nil {
		vp := path.Child("velero")
		if v.Provider == nil {
			errs = append(errs, field.Required(vp.Child("provider"), "the cluster's Kubernetes provider"))
		}
		if v.Namespace == "" {
			errs = append(errs, field.Required(vp.Child("namespace"), ""))
		}
		if v.OIDCProviderARN == nil || v.OIDCIssuer == nil {
			errs = append(errs, field.Required(vp.Child("oidcProvider"), "the cluster's OIDC provider, which Velero's role trusts (IRSA)"))
		}
		if !v.Registries.Resolved() {
			errs = append(errs, field.Required(vp.Child("registries"), "registries resolved for the stack's account"))
		}
	}
	return errs
}
