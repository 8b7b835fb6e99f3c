package cluster

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
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
	// OIDCProviderARN and OIDCIssuerURL are what IRSA trust policies name (TrustPolicyFor,
	// ServiceAccountRole build them).
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
	Namespaces         Namespaces
	NamespaceResources map[string]pulumi.Resource
	// ServiceAccounts maps each service to its "namespace/name"; ServiceRoleARNs to the IRSA role
	// that account runs as.
	ServiceAccounts map[string]string
	ServiceRoleARNs map[string]pulumi.StringOutput

	// StorageClasses: the default gp3 class and the Retain one for databases.
	StorageClasses StorageClasses

	// Scheduling is how to land pods on each pool (label suoke.life/tier, taint for tainted pools).
	Scheduling map[config.Tier]PoolScheduling

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
	Releases []ReleaseInfo

	name string
	args Args
}

// ReleaseInfo is one Helm release the cluster installed.
type ReleaseInfo struct {
	Name      string
	Namespace string
	Chart     config.ChartRef
	// Upstream is where the chart is published; Source says where its version was read.
	Upstream string
	Source   string
}

// New builds the cluster.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if errs := args.Validate(field.NewPath("cluster")); len(errs) > 0 {
		return nil, fmt.Errorf("cluster: %w", errs.ToAggregate())
	}
	c := &Cluster{Name: args.Name, KubernetesVersion: args.Config.Version, Registries: args.Registries,
		name: name, args: args, Scheduling: map[config.Tier]PoolScheduling{}}
	for _, t := range config.AllTiers() {
		c.Scheduling[t] = SchedulingFor(t)
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

func build(ctx *pulumi.Context, c *Cluster) error {
	cp, err := controlPlane(ctx, c)
	if err != nil {
		return fmt.Errorf("control plane: %w", err)
	}
	nodes, err := nodePools(ctx, c, cp)
	if err != nil {
		return fmt.Errorf("node pools: %w", err)
	}
	late, err := lateAddons(ctx, c, cp, nodes)
	if err != nil {
		return fmt.Errorf("add-ons: %w", err)
	}
	if err := kubeProvider(ctx, c, cp, append(nodes, late...)); err != nil {
		return fmt.Errorf("kubernetes provider: %w", err)
	}
	if err := registryMirror(ctx, c); err != nil {
		return fmt.Errorf("registry mirror: %w", err)
	}
	if err := baseline(ctx, c); err != nil {
		return fmt.Errorf("namespaces: %w", err)
	}
	if err := platformReleases(ctx, c); err != nil {
		return fmt.Errorf("releases: %w", err)
	}
	if err := ingress(ctx, c); err != nil {
		return fmt.Errorf("ingress: %w", err)
	}
	return nil
}

// Capacity is every pool's allocatable capacity at its desired size against what the program
// schedules on it: Args.Scheduled, every component's declared footprints.
func (c *Cluster) Capacity() []PoolCapacity {
	cat, _ := config.CatalogFor(c.args.Env.Region)
	return capacity(c.args.NodePools, len(c.args.AZs), cat, c.args.Scheduled)
}

// tags returns the common tags plus extra ones.
func (c *Cluster) tags(extra map[string]string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range c.args.Tags {
		out[k] = pulumi.String(v)
	}
	for k, v := range extra {
		out[k] = pulumi.String(v)
	}
	return out
}
