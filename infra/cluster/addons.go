package cluster

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/cluster/platform"
	"github.com/suoke-life/suoke-platform/infra/cluster/tenancy"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
)

// The EKS managed add-ons, in the order a real `up` needs them, their footprints, and the storage
// classes the EBS CSI driver provisions.

// addon installs one EKS managed add-on at the version EKS marks default for the cluster's
// Kubernetes version in this region: asked of EKS (eks.getAddonVersion), not pinned from another
// region's listing. A change of that default shows in a preview as an in-place add-on update.
// Conflicts with what runs are resolved in favour of the add-on's configuration (this program owns
// it).
func addon(ctx *pulumi.Context, c *Cluster, cl *eks.Cluster, name string, role pulumi.StringInput, configuration any, opts ...pulumi.ResourceOption) (*eks.Addon, error) {
	v, err := eks.GetAddonVersion(ctx, &eks.GetAddonVersionArgs{AddonName: name, KubernetesVersion: c.args.Config.Version},
		pulumi.Provider(c.args.Env.Provider))
	if err != nil {
		return nil, fmt.Errorf("EKS add-on %s for Kubernetes %s in %s: %w", name, c.args.Config.Version, c.args.Env.Region, err)
	}
	args := &eks.AddonArgs{
		ClusterName:              cl.Name,
		AddonName:                pulumi.String(name),
		AddonVersion:             pulumi.String(v.Version),
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
	}
	if role != nil {
		args.ServiceAccountRoleArn = role
	}
	if configuration != nil {
		b, _ := json.Marshal(configuration) // typed structs of strings: Marshal cannot fail
		args.ConfigurationValues = pulumi.String(string(b))
	}
	c.Addons = append(c.Addons, config.AddonVersion{Name: name, Version: v.Version})
	return eks.NewAddon(ctx, c.name+"-"+name, args, append([]pulumi.ResourceOption{pulumi.Parent(c)}, opts...)...)
}

// vpcCNIConfig is the vpc-cni add-on's configuration: without enableNetworkPolicy the cluster
// accepts NetworkPolicies but enforces none of them.
type vpcCNIConfig struct {
	EnableNetworkPolicy string `json:"enableNetworkPolicy"`
}

// earlyAddons are the add-ons pod networking needs before any node joins: vpc-cni (with its own IRSA
// role: the node role has no CNI permissions) and kube-proxy.
func earlyAddons(ctx *pulumi.Context, c *Cluster, cl *eks.Cluster) ([]pulumi.Resource, error) {
	cniRole, err := c.irsa().Role(ctx, "vpc-cni", tenancy.NamespaceKubeSystem, "aws-node",
		[]string{kitiam.ManagedPolicyARN(c.args.Env.Partition, "AmazonEKS_CNI_Policy")}, nil)
	if err != nil {
		return nil, err
	}
	cni, err := addon(ctx, c, cl, config.AddonVPCCNI, cniRole.Arn, vpcCNIConfig{EnableNetworkPolicy: "true"})
	if err != nil {
		return nil, err
	}
	proxy, err := addon(ctx, c, cl, config.AddonKubeProxy, nil, nil)
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{cni, proxy}, nil
}

// lateAddons are the add-ons that need nodes to run (before them they hang and go DEGRADED):
// CoreDNS, the EBS CSI driver (with its own role, allowed to use the cluster's key) and the Pod
// Identity agent.
func lateAddons(ctx *pulumi.Context, c *Cluster, cp *controlPlaneOut, nodes []pulumi.Resource) ([]pulumi.Resource, error) {
	env := c.args.Env
	after := pulumi.DependsOn(nodes)
	ebsKMS := cp.key.Arn.ApplyT(func(arn string) (string, error) {
		return kitiam.Document(
			kitiam.Statement{Sid: "EncryptVolumes", Effect: "Allow", Resource: arn,
				Action: []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}},
			kitiam.Statement{Sid: "AttachVolumes", Effect: "Allow", Resource: arn, Action: []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"},
				Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "true"}}},
		)
	}).(pulumi.StringOutput)
	ebsRole, err := c.irsa().Role(ctx, "ebs-csi", tenancy.NamespaceKubeSystem, "ebs-csi-controller-sa",
		[]string{kitiam.ManagedPolicyARN(env.Partition, "service-role/AmazonEBSCSIDriverPolicy")}, ebsKMS)
	if err != nil {
		return nil, err
	}
	coredns, err := addon(ctx, c, cp.cluster, config.AddonCoreDNS, nil, nil, after)
	if err != nil {
		return nil, err
	}
	ebs, err := addon(ctx, c, cp.cluster, config.AddonEBSCSI, ebsRole.Arn, nil, after)
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{coredns, ebs}, nil
}

// StorageClasses are the cluster's storage class names.
type StorageClasses struct {
	// Default is gp3, encrypted with the cluster's key, bound when the pod is scheduled (so the
	// volume lands in the pod's AZ), deleted with its claim.
	Default string
	// Retain is the same with reclaimPolicy Retain: for databases, whose volumes outlive a deleted
	// claim. In unprotected stacks it reclaims with Delete (RetainReclaimPolicy).
	Retain string
}

// addonFootprints are the add-ons' requests: DaemonSets on every node of every pool, and the
// add-on Deployments that select no pool and so land on the untainted business pool. From the
// add-ons' default manifests (kube-proxy 100m; aws-node 25m for each of its two containers; CoreDNS
// 100m/70Mi; EBS CSI node 3 × 10m/40Mi, controller 6 × 10m/40Mi; Pod Identity agent 25m), read
// 2026-11-25, rounded up where a container sets none.
var addonFootprints = []struct {
	name      string
	perNode   bool
	replicas  int
	resources footprint.Resources
}{
	{"kube-system/aws-node", true, 0, footprint.Resources{CPUMilli: 50, MemoryMiB: 64}},
	{"kube-system/kube-proxy", true, 0, footprint.Resources{CPUMilli: 100, MemoryMiB: 64}},
	{"kube-system/ebs-csi-node", true, 0, footprint.Resources{CPUMilli: 30, MemoryMiB: 120}},
	{"kube-system/coredns", false, 2, footprint.Resources{CPUMilli: 100, MemoryMiB: 70}},
	{"kube-system/ebs-csi-controller", false, 2, footprint.Resources{CPUMilli: 60, MemoryMiB: 240}},
}

// Footprints are what the cluster itself schedules, from its Args alone: the add-ons (DaemonSets on
// every pool, Deployments on the untainted business pool) and the platform releases' Deployments on
// the monitoring pool. The composition adds them to Scheduled with every other component's.
func (a Args) Footprints() []footprint.Footprint {
	var out []footprint.Footprint
	for _, f := range addonFootprints {
		tiers := []config.Tier{config.TierBusiness}
		if f.perNode {
			tiers = config.AllTiers()
		}
		for _, t := range tiers {
			out = append(out, footprint.Footprint{Tier: t, Name: f.name, Replicas: f.replicas, PerNode: f.perNode, CPUMilli: f.resources.CPUMilli, MemoryMiB: f.resources.MemoryMiB, Source: "cluster"})
		}
	}
	return append(out, platform.Footprints()...)
}

// RetainReclaimPolicy is the reclaim policy of the database storage class: Retain where the stack is
// protected, so a deleted claim leaves its EBS volume; Delete elsewhere, so that a destroyed staging or
// throw-away stack leaves no volume behind, billed and encrypted with a key pending deletion. A PV
// keeps the policy it was provisioned with, and a StorageClass's reclaimPolicy cannot be changed in
// place: a deployed unprotected stack replaces the class on its next `up`, and its existing volumes are
// patched by hand (docs/runbooks/destroy-stack.md).
func RetainReclaimPolicy(protect bool) string {
	if protect {
		return "Retain"
	}
	return "Delete"
}

func storageClasses(ctx *pulumi.Context, c *Cluster) error {
	c.StorageClasses = StorageClasses{Default: "gp3", Retain: "gp3-retain"}
	for _, sc := range []struct {
		name, reclaim string
		isDefault     bool
		opts          []pulumi.ResourceOption
	}{
		{c.StorageClasses.Default, "Delete", true, nil},
		{c.StorageClasses.Retain, RetainReclaimPolicy(c.args.Protect), false, []pulumi.ResourceOption{pulumi.Protect(c.args.Protect), pulumi.RetainOnDelete(c.args.Protect)}},
	} {
		ann := pulumi.StringMap{"storageclass.kubernetes.io/is-default-class": pulumi.String(fmt.Sprint(sc.isDefault))}
		if _, err := storagev1.NewStorageClass(ctx, c.name+"-sc-"+sc.name, &storagev1.StorageClassArgs{
			Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(sc.name), Annotations: ann},
			Provisioner: pulumi.String("ebs.csi.aws.com"),
			Parameters: pulumi.StringMap{
				"type": pulumi.String("gp3"), "encrypted": pulumi.String("true"), "kmsKeyId": c.KMSKeyARN,
				"csi.storage.k8s.io/fstype": pulumi.String("ext4"),
				// AWS Backup's plan selects volumes by this tag (EBS CSI driver "tagSpecification_N"),
				// its value the stack's name, so that no other stack's selection matches them.
				"tagSpecification_1": pulumi.String(config.BackupVolumeTag + "=" + config.BackupVolumeTagValue(ctx.Stack())),
			},
			ReclaimPolicy:        pulumi.String(sc.reclaim),
			VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
			AllowVolumeExpansion: pulumi.Bool(true),
		}, append([]pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(c.Provider)}, sc.opts...)...); err != nil {
			return err
		}
	}
	return nil
}
