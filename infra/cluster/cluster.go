package cluster

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/cluster/edge"
	"github.com/suoke-life/suoke-platform/infra/cluster/nodegroups"
	"github.com/suoke-life/suoke-platform/infra/cluster/platform"
	"github.com/suoke-life/suoke-platform/infra/cluster/roles"
	"github.com/suoke-life/suoke-platform/infra/cluster/tenancy"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/pins"
)

// Cluster is the EKS component; its exported fields are what later components take.
type Cluster struct {
	pulumi.ResourceState

	// Name is the EKS cluster's name (known before it exists).
	Name string
	// KubernetesVersion is the control plane's minor version.
	KubernetesVersion string
	// ClusterName carries the dependency on the cluster's creation.
	ClusterName pulumi.StringOutput
	ClusterARN  pulumi.StringOutput
	Endpoint    pulumi.StringOutput
	// CertificateAuthority is the cluster CA, base64 (certificateAuthority.data).
	CertificateAuthority pulumi.StringOutput
	// OIDCProviderARN and OIDCIssuerURL are what IRSA trust policies name (iam.ServiceAccountTrustOf
	// and iam.NewServiceAccountRole build them).
	OIDCProviderARN pulumi.StringOutput
	OIDCIssuerURL   pulumi.StringOutput
	// KMSKeyARN is the cluster's key: Secrets envelope encryption, node and PVC volumes.
	KMSKeyARN   pulumi.StringOutput
	NodeRoleARN pulumi.StringOutput

	// Provider is the Kubernetes provider of this cluster, built from its outputs with exec
	// credentials (aws eks get-token); it waits for the deployer's access and for the nodes.
	Provider *kubernetes.Provider

	// Namespaces are the workload tiers' and the platform's namespaces; NamespaceResources holds
	// the created objects by name for DependsOn.
	Namespaces         tenancy.Namespaces
	NamespaceResources map[string]pulumi.Resource
	// ServiceAccounts maps each service to its "namespace/name"; ServiceRoleARNs to the IRSA role
	// that account runs as.
	ServiceAccounts map[string]string
	ServiceRoleARNs map[string]pulumi.StringOutput

	// StorageClasses: the default gp3 class and the Retain one for databases.
	StorageClasses StorageClasses

	// Scheduling is how to land pods on each pool (label suoke.life/tier, taint for tainted pools).
	Scheduling map[config.Tier]nodegroups.PoolScheduling

	// Registries are the resolved registries: every component takes its charts and images through
	// Registries.Chart and Registries.Image.
	Registries config.Registries

	// CRDs that later components' custom resources need: depend on these releases.
	PrometheusOperatorCRDs pulumi.Resource
	CertManager            pulumi.Resource
	// LoadBalancerController is the AWS Load Balancer Controller's release: Ingress-creating
	// releases depend on it, so that destroy removes their load balancers while it still runs.
	LoadBalancerController pulumi.Resource

	// IngressClassName is the public ALB's IngressClass; IngressAnnotations are what the gateway's
	// Ingress carries (listen ports, the load balancer security group, IP targets).
	IngressClassName   string
	IngressAnnotations pulumi.StringMap
	// WebACLArn is the regional WAFv2 web ACL in front of the public ALB.
	WebACLArn pulumi.StringOutput

	// Addons and Releases are what the cluster installed, with versions (for the plan's report).
	Addons   []config.AddonVersion
	Releases []platform.ReleaseInfo

	name string
	args Args
}

// New builds the cluster.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if errs := args.Validate(field.NewPath("cluster")); len(errs) > 0 {
		return nil, fmt.Errorf("cluster: %w", errs.ToAggregate())
	}
	c := &Cluster{Name: args.Name, KubernetesVersion: args.Config.Version, Registries: args.Registries,
		name: name, args: args, Scheduling: map[config.Tier]nodegroups.PoolScheduling{}}
	for _, t := range config.AllTiers() {
		c.Scheduling[t] = nodegroups.SchedulingFor(t)
	}
	if err := ctx.RegisterComponentResource("suoke:cluster:Cluster", name, c, opts...); err != nil {
		return nil, err
	}
	if err := build(ctx, c); err != nil {
		return nil, fmt.Errorf("cluster %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":     c.ClusterName,
		"endpoint":        c.Endpoint,
		"oidcProviderArn": c.OIDCProviderARN,
		"kmsKeyArn":       c.KMSKeyARN,
		"webAclArn":       c.WebACLArn,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// build builds the control plane, then each concern in the order a real `up` needs: the node groups,
// the add-ons that need nodes, the Kubernetes provider, the registry caches and storage classes, the
// tenancy, the platform releases and the edge. Every resource is a child of the component.
func build(ctx *pulumi.Context, c *Cluster) error {
	a := c.args
	cp, err := controlPlane(ctx, c)
	if err != nil {
		return fmt.Errorf("control plane: %w", err)
	}
	nodes, err := nodegroups.New(ctx, nodegroups.Args{Prefix: c.name, Parent: c, ClusterName: a.Name, Cluster: cp.cluster.Name,
		KMSKeyARN: cp.key.Arn, NodePools: a.NodePools, NodeVolumeGiB: a.Config.NodeVolumeGiB, MaxUnavailable: a.Config.MaxUnavailable,
		AZs: a.AZs, PrivateSubnetIDs: a.PrivateSubnetIDs, NodeSGID: a.NodeSGID, PullThroughRules: a.Registries.PullThroughRules(),
		Env: a.Env, Tags: a.Tags, DependsOn: cp.early})
	if err != nil {
		return fmt.Errorf("node pools: %w", err)
	}
	c.NodeRoleARN = nodes.RoleARN
	late, err := lateAddons(ctx, c, cp, nodes.Groups)
	if err != nil {
		return fmt.Errorf("add-ons: %w", err)
	}
	if err := kubeProvider(ctx, c, cp, append(nodes.Groups, late...)); err != nil {
		return fmt.Errorf("kubernetes provider: %w", err)
	}
	if err := registryMirror(ctx, c); err != nil {
		return fmt.Errorf("registry mirror: %w", err)
	}
	if err := storageClasses(ctx, c); err != nil {
		return fmt.Errorf("storage classes: %w", err)
	}
	ten, err := tenancy.New(ctx, tenancy.Args{Prefix: c.name, Parent: c, Provider: c.Provider, Services: a.Services,
		NodePools: a.NodePools, Scheduled: a.Scheduled, VpcCIDR: a.VpcCIDR, AZs: a.AZs, Env: a.Env, IRSA: c.irsa()})
	if err != nil {
		return fmt.Errorf("namespaces: %w", err)
	}
	c.Namespaces, c.NamespaceResources, c.ServiceAccounts, c.ServiceRoleARNs = ten.Namespaces, ten.NamespaceResources, ten.ServiceAccounts, ten.ServiceRoleARNs
	plat, err := platform.New(ctx, platform.Args{Prefix: c.name, Parent: c, Provider: c.Provider, ClusterName: a.Name,
		KubernetesVersion: a.Config.Version, VpcID: a.VpcID, Registries: a.Registries, Env: a.Env, Tags: a.Tags,
		NamespaceResources: c.NamespaceResources, IRSA: c.irsa()})
	if err != nil {
		return fmt.Errorf("releases: %w", err)
	}
	c.PrometheusOperatorCRDs, c.CertManager, c.LoadBalancerController, c.Releases = plat.PrometheusOperatorCRDs, plat.CertManager, plat.LoadBalancerController, plat.Releases
	ed, err := edge.New(ctx, edge.Args{Prefix: c.name, Parent: c, Provider: c.Provider, ClusterName: a.Name, Ingress: a.Config.Ingress,
		Production: a.Production, Protect: a.Protect, LoadBalancerSGID: a.LoadBalancerSGID, LoadBalancerController: c.LoadBalancerController,
		Env: a.Env, Tags: a.Tags})
	if err != nil {
		return fmt.Errorf("ingress: %w", err)
	}
	c.WebACLArn, c.IngressClassName, c.IngressAnnotations = ed.WebACLArn, ed.IngressClassName, ed.IngressAnnotations
	return nil
}

// irsa builds this cluster's IRSA roles (after the control plane: it names the OIDC provider).
func (c *Cluster) irsa() roles.IRSA {
	return roles.IRSA{Prefix: c.name, ClusterName: c.Name, Parent: c, OIDCProviderARN: c.OIDCProviderARN, OIDCIssuerURL: c.OIDCIssuerURL}
}

// Images are the images this cluster's pods pull, before the registries map them.
func (c *Cluster) Images() []pins.Image {
	return platform.Images(c.args.Env.Region, c.args.Env.DNSSuffix, c.args.Config.Version)
}

// Capacity is every pool's allocatable capacity at its desired size against what the program
// schedules on it: Args.Scheduled, every component's declared footprints.
func (c *Cluster) Capacity() []nodegroups.PoolCapacity {
	cat, _ := config.CatalogFor(c.args.Env.Region)
	return nodegroups.Capacity(c.args.NodePools, len(c.args.AZs), cat, c.args.Scheduled)
}
