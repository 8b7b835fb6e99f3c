// Package tenancy builds what the cluster gives each tenant: the namespaces with their Pod Security
// levels, the workload namespaces' quotas, limit ranges and network policies, and each service's
// account with its IRSA role (what a service may reach: access.go).
package tenancy

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/cluster/nodegroups"
	"github.com/suoke-life/suoke-platform/infra/cluster/roles"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/network"
)

// The platform's namespaces. Workload namespaces are named after their tier.
const (
	NamespaceKubeSystem  = "kube-system"
	NamespaceMonitoring  = "monitoring"
	NamespaceData        = "data"
	NamespaceCNPGSystem  = "cnpg-system"
	NamespaceCertManager = "cert-manager"
	NamespaceVelero      = "velero"
)

// PrometheusPods are the labels of the Prometheus pods the operator runs.
var PrometheusPods = map[string]string{"app.kubernetes.io/name": "prometheus"}

// Ports the network policies open. MetricsPort is where workloads serve /metrics when not on their
// service port; OTLP is the OpenTelemetry collector's gRPC and HTTP intake.
const (
	MetricsPort  = 9090
	OTLPGRPCPort = 4317
	OTLPHTTPPort = 4318
	PostgresPort = 5432
	RedisPort    = 6379
	DNSPort      = 53
	HTTPSPort    = 443
)

// LabelService is the pod label that names a service's pods (the delivery pipeline sets it); the
// network policies select pods by it.
const LabelService = "app.kubernetes.io/name"

// Pod Security Standards levels.
const (
	PSSRestricted = "restricted"
	PSSBaseline   = "baseline"
	PSSPrivileged = "privileged"
)

// Namespaces are the names later components deploy into.
type Namespaces struct {
	// Workloads maps each workload tier (gateway, agents, business) to its namespace.
	Workloads   map[config.Tier]string
	Monitoring  string
	Data        string
	CNPGSystem  string
	CertManager string
	KubeSystem  string
	// Velero is where the cluster's backup tool runs (the backup component installs it).
	Velero string
}

// namespaceSpec is one namespace the cluster creates, with its Pod Security level and why.
type namespaceSpec struct {
	name     string
	pss      string
	workload config.Tier
	why      string
}

// namespaceSpecs are the namespaces: one per workload tier (restricted, guarded), then the
// platform's. Monitoring runs node-exporter and Fluent Bit, which read the host: privileged. The data
// tier's PostgreSQL instances and operator enforce baseline and warn on restricted.
func namespaceSpecs() []namespaceSpec {
	var out []namespaceSpec
	for _, t := range config.WorkloadTiers() {
		out = append(out, namespaceSpec{name: string(t), pss: PSSRestricted, workload: t, why: "workloads of the " + string(t) + " tier"})
	}
	return append(out,
		namespaceSpec{name: NamespaceMonitoring, pss: PSSPrivileged, why: "node-exporter and Fluent Bit read the host"},
		namespaceSpec{name: NamespaceData, pss: PSSBaseline, why: "PostgreSQL (CloudNativePG clusters)"},
		namespaceSpec{name: NamespaceCNPGSystem, pss: PSSBaseline, why: "the CloudNativePG operator"},
		namespaceSpec{name: NamespaceCertManager, pss: PSSRestricted, why: "cert-manager"},
		// Created here rather than by the release (createNamespace) so that it carries the Pod
		// Security labels too; Velero's server runs no host access and no privilege (chart 12.1.0,
		// node agent off), which baseline admits.
		namespaceSpec{name: NamespaceVelero, pss: PSSBaseline, why: "Velero, the cluster's backups"},
	)
}

// Args configures the tenancy. The cluster component fills it from its own Args and what it built.
type Args struct {
	// Prefix is the cluster component's name, which every resource's name starts with; Parent is
	// that component, Provider its Kubernetes provider.
	Prefix   string
	Parent   pulumi.Resource
	Provider *kubernetes.Provider
	// Services each get an account and a role in their tier's namespace.
	Services []config.Service
	// NodePools and Scheduled (every component's footprints) size the workload namespaces' quotas.
	NodePools map[config.Tier]config.NodePool
	Scheduled []footprint.Footprint
	// VpcCIDR and AZs lay out the subnets the network policies name (network.Layout).
	VpcCIDR string
	AZs     []string
	Env     *identity.Env
	// IRSA builds the services' roles.
	IRSA roles.IRSA
}

// Tenancy is what New built.
type Tenancy struct {
	// Namespaces are the workload tiers' and the platform's namespaces; NamespaceResources holds the
	// created objects by name for DependsOn.
	Namespaces         Namespaces
	NamespaceResources map[string]pulumi.Resource
	// ServiceAccounts maps each service to its "namespace/name"; ServiceRoleARNs to the IRSA role
	// that account runs as.
	ServiceAccounts map[string]string
	ServiceRoleARNs map[string]pulumi.StringOutput
}

// New creates the namespaces, then each workload namespace's guard rails and service accounts.
func New(ctx *pulumi.Context, a Args) (*Tenancy, error) {
	c := &Tenancy{}
	k8s := pulumi.Provider(a.Provider)
	parent := pulumi.Parent(a.Parent)

	c.Namespaces = Namespaces{Workloads: map[config.Tier]string{}, Monitoring: NamespaceMonitoring, Data: NamespaceData,
		CNPGSystem: NamespaceCNPGSystem, CertManager: NamespaceCertManager, KubeSystem: NamespaceKubeSystem, Velero: NamespaceVelero}
	c.NamespaceResources = map[string]pulumi.Resource{}
	for _, ns := range namespaceSpecs() {
		labels := pulumi.StringMap{
			"pod-security.kubernetes.io/enforce": pulumi.String(ns.pss),
			"pod-security.kubernetes.io/audit":   pulumi.String(PSSRestricted),
			"pod-security.kubernetes.io/warn":    pulumi.String(PSSRestricted),
		}
		if ns.workload != "" {
			labels[nodegroups.TierLabel] = pulumi.String(string(ns.workload))
			c.Namespaces.Workloads[ns.workload] = ns.name
		}
		n, err := corev1.NewNamespace(ctx, a.Prefix+"-ns-"+ns.name, &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(ns.name), Labels: labels,
				Annotations: pulumi.StringMap{"suoke.life/purpose": pulumi.String(ns.why)}},
		}, parent, k8s)
		if err != nil {
			return nil, err
		}
		c.NamespaceResources[ns.name] = n
	}

	cat, _ := config.CatalogFor(a.Env.Region)
	layout, err := network.Layout(a.VpcCIDR, a.AZs)
	if err != nil {
		return nil, err
	}
	cidrs := map[network.Role][]string{}
	for _, s := range layout {
		cidrs[s.Role] = append(cidrs[s.Role], s.CIDR)
	}
	c.ServiceAccounts = map[string]string{}
	c.ServiceRoleARNs = map[string]pulumi.StringOutput{}
	for _, t := range config.WorkloadTiers() {
		ns := c.Namespaces.Workloads[t]
		after := pulumi.DependsOn([]pulumi.Resource{c.NamespaceResources[ns]})
		q := quotaFor(t, a.NodePools[t], cat, a.Scheduled)
		if _, err := corev1.NewResourceQuota(ctx, a.Prefix+"-quota-"+ns, &corev1.ResourceQuotaArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("tier-capacity"), Namespace: pulumi.String(ns)},
			Spec:     &corev1.ResourceQuotaSpecArgs{Hard: pulumi.ToStringMap(q.Hard())},
		}, parent, k8s, after); err != nil {
			return nil, err
		}
		if _, err := corev1.NewLimitRange(ctx, a.Prefix+"-limits-"+ns, &corev1.LimitRangeArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("container-defaults"), Namespace: pulumi.String(ns)},
			Spec: &corev1.LimitRangeSpecArgs{Limits: corev1.LimitRangeItemArray{&corev1.LimitRangeItemArgs{
				Type:           pulumi.String("Container"),
				DefaultRequest: pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("128Mi")},
				Default:        pulumi.StringMap{"memory": pulumi.String("512Mi")},
				Max:            pulumi.StringMap{"cpu": pulumi.Sprintf("%dm", q.PerNode.CPUMilli), "memory": pulumi.Sprintf("%dMi", q.PerNode.MemoryMiB)},
			}}},
		}, parent, k8s, after); err != nil {
			return nil, err
		}
		for _, np := range policiesFor(t, a.Services, cidrs, a.VpcCIDR) {
			if _, err := networkingv1.NewNetworkPolicy(ctx, a.Prefix+"-netpol-"+ns+"-"+np.Name, np.args(ns), parent, k8s, after); err != nil {
				return nil, err
			}
		}
		for _, s := range servicesOn(a.Services, t) {
			if err := serviceAccount(ctx, a, c, s, ns, after); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

func servicesOn(svcs []config.Service, t config.Tier) []config.Service {
	var out []config.Service
	for _, s := range svcs {
		if s.Tier == t {
			out = append(out, s)
		}
	}
	return out
}

// serviceAccount gives a service its account and, always, an IRSA role (ServiceStatements says what
// it may do; with nothing to grant it has no policy, and app pipelines still find one role per
// service). Pods do not mount an API token unless their manifest asks: the services do not call the API.
func serviceAccount(ctx *pulumi.Context, a Args, c *Tenancy, s config.Service, ns string, opts ...pulumi.ResourceOption) error {
	var inline pulumi.StringInput
	if stmts := ServiceStatements(a.Env.Partition, a.Env.Region, a.Env.AccountID, ctx.Stack(), s); len(stmts) > 0 {
		doc, err := kitiam.Document(stmts...)
		if err != nil {
			return fmt.Errorf("service %s: %w", s.Name, err)
		}
		inline = pulumi.String(doc)
	}
	role, err := a.IRSA.Role(ctx, "sa-"+s.Name, ns, s.Name, nil, inline)
	if err != nil {
		return err
	}
	_, err = corev1.NewServiceAccount(ctx, a.Prefix+"-sa-"+s.Name, &corev1.ServiceAccountArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(s.Name), Namespace: pulumi.String(ns),
			Annotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": role.Arn}},
		AutomountServiceAccountToken: pulumi.Bool(false),
	}, append([]pulumi.ResourceOption{pulumi.Parent(a.Parent), pulumi.Provider(a.Provider)}, opts...)...)
	c.ServiceAccounts[s.Name] = ns + "/" + s.Name
	c.ServiceRoleARNs[s.Name] = role.Arn
	return err
}

// Quota is a workload namespace's ResourceQuota: its pool's allocatable capacity at max size, less
// the DaemonSets and add-ons that run there and the headroom, so HPAs can grow a tier up to what the
// autoscaler can add and no further.
type Quota struct {
	CPUMilli  int
	MemoryMiB int
	Pods      int
	// PerNode is one node's allocatable capacity (the LimitRange's max per container).
	PerNode footprint.Resources
}

// Hard renders the quota's hard limits.
func (q Quota) Hard() map[string]string {
	return map[string]string{
		"requests.cpu":    fmt.Sprintf("%dm", q.CPUMilli),
		"requests.memory": fmt.Sprintf("%dMi", q.MemoryMiB),
		"limits.memory":   fmt.Sprintf("%dMi", 2*q.MemoryMiB),
		"pods":            fmt.Sprint(q.Pods),
	}
}

func quotaFor(t config.Tier, pool config.NodePool, cat config.Catalog, items []footprint.Footprint) Quota {
	it := cat.EC2[pool.InstanceType]
	per := nodegroups.Allocatable(it)
	cpu, mem, pods := per.CPUMilli*pool.Max, per.MemoryMiB*pool.Max, it.MaxPods*pool.Max
	for _, f := range items {
		if f.Tier != t {
			continue
		}
		n := f.Pods(pool.Max)
		cpu, mem, pods = cpu-n*f.CPUMilli, mem-n*f.MemoryMiB, pods-n
	}
	keep := 1 - nodegroups.Headroom
	return Quota{CPUMilli: int(float64(cpu) * keep), MemoryMiB: int(float64(mem) * keep), Pods: pods, PerNode: per}
}

// netPeer is one side of a network policy rule: pods of a namespace, or an IP block.
type netPeer struct {
	Namespace string
	Pods      map[string]string
	CIDR      string
	// Except are ranges inside CIDR the peer leaves out.
	Except []string
}

type netPort struct {
	Protocol string
	Port     int
}

type netRule struct {
	Peers []netPeer
	Ports []netPort
}

// NetPolicy is a network policy as data, so the flows can be read and tested apart from Kubernetes.
type NetPolicy struct {
	Name string
	// Pods selects the policy's pods; empty selects every pod of the namespace.
	Pods    map[string]string
	Ingress []netRule
	Egress  []netRule
	// Types are the directions the policy governs.
	Types []string
}

func tcp(ports ...int) []netPort {
	out := make([]netPort, len(ports))
	for i, p := range ports {
		out[i] = netPort{"TCP", p}
	}
	return out
}

func portsOf(svcs []config.Service) []int {
	var out []int
	for _, s := range svcs {
		out = append(out, s.Port)
	}
	sort.Ints(out)
	return out
}

// policiesFor is a workload namespace's network policies: deny everything, then allow the flows the
// platform needs.
func policiesFor(t config.Tier, svcs []config.Service, cidrs map[network.Role][]string, vpcCIDR string) []NetPolicy {
	mine := servicesOn(svcs, t)
	ports := portsOf(mine)
	ns := string(t)
	var out []NetPolicy
	out = append(out,
		NetPolicy{Name: "default-deny", Types: []string{"Ingress", "Egress"}},
		NetPolicy{Name: "allow-dns", Types: []string{"Egress"}, Egress: []netRule{{
			Peers: []netPeer{{Namespace: NamespaceKubeSystem, Pods: map[string]string{"k8s-app": "kube-dns"}}},
			Ports: []netPort{{"UDP", DNSPort}, {"TCP", DNSPort}},
		}}},
	)
	if len(ports) > 0 {
		// Services of one tier call each other (the agents coordinate).
		out = append(out, NetPolicy{Name: "allow-same-tier", Types: []string{"Ingress"},
			Ingress: []netRule{{Peers: []netPeer{{Namespace: ns}}, Ports: tcp(ports...)}}})
		// Prometheus, and nothing else of the monitoring namespace, scrapes the one metrics port
		// (the port the services' http-metrics Service port targets). The operator's Prometheus pods
		// carry app.kubernetes.io/name=prometheus: kube-prometheus-stack 88.5.3 selects them so in
		// its own templates/prometheus/networkpolicy.yaml (read 2026-12-03).
		out = append(out, NetPolicy{Name: "allow-metrics-scrape", Types: []string{"Ingress"},
			Ingress: []netRule{{Peers: []netPeer{{Namespace: NamespaceMonitoring, Pods: PrometheusPods}}, Ports: tcp(MetricsPort)}}})
	}
	if t == config.TierGateway {
		var lb []netPeer
		for _, c := range cidrs[network.RolePublic] {
			lb = append(lb, netPeer{CIDR: c})
		}
		out = append(out, NetPolicy{Name: "allow-load-balancer", Types: []string{"Ingress"}, Ingress: []netRule{{Peers: lb, Ports: tcp(ports...)}}})
		var backends []netRule
		for _, bt := range []config.Tier{config.TierAgents, config.TierBusiness} {
			if p := portsOf(servicesOn(svcs, bt)); len(p) > 0 {
				backends = append(backends, netRule{Peers: []netPeer{{Namespace: string(bt)}}, Ports: tcp(p...)})
			}
		}
		if len(backends) > 0 {
			out = append(out, NetPolicy{Name: "allow-to-backends", Types: []string{"Egress"}, Egress: backends})
		}
	} else if len(ports) > 0 {
		out = append(out, NetPolicy{Name: "allow-from-gateway", Types: []string{"Ingress"},
			Ingress: []netRule{{Peers: []netPeer{{Namespace: string(config.TierGateway)}}, Ports: tcp(ports...)}}})
	}
	if len(ports) > 0 {
		out = append(out, NetPolicy{Name: "allow-same-tier-egress", Types: []string{"Egress"},
			Egress: []netRule{{Peers: []netPeer{{Namespace: ns}}, Ports: tcp(ports...)}}})
	}
	out = append(out, NetPolicy{Name: "allow-telemetry", Types: []string{"Egress"},
		Egress: []netRule{{Peers: []netPeer{{Namespace: NamespaceMonitoring}}, Ports: tcp(OTLPGRPCPort, OTLPHTTPPort)}}})
	for _, s := range mine {
		if np, ok := serviceEgress(s, cidrs, vpcCIDR); ok {
			out = append(out, np)
		}
	}
	return out
}

func (p NetPolicy) args(ns string) *networkingv1.NetworkPolicyArgs {
	peers := func(ps []netPeer) networkingv1.NetworkPolicyPeerArray {
		var out networkingv1.NetworkPolicyPeerArray
		for _, p := range ps {
			if p.CIDR != "" {
				block := &networkingv1.IPBlockArgs{Cidr: pulumi.String(p.CIDR)}
				if len(p.Except) > 0 {
					block.Except = pulumi.ToStringArray(p.Except)
				}
				out = append(out, &networkingv1.NetworkPolicyPeerArgs{IpBlock: block})
				continue
			}
			peer := &networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: &metav1.LabelSelectorArgs{
				MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(p.Namespace)}}}
			if len(p.Pods) > 0 {
				peer.PodSelector = &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(p.Pods)}
			}
			out = append(out, peer)
		}
		return out
	}
	ports := func(ps []netPort) networkingv1.NetworkPolicyPortArray {
		var out networkingv1.NetworkPolicyPortArray
		for _, p := range ps {
			out = append(out, &networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String(p.Protocol), Port: pulumi.Int(p.Port)})
		}
		return out
	}
	spec := &networkingv1.NetworkPolicySpecArgs{
		PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(p.Pods)},
		PolicyTypes: pulumi.ToStringArray(p.Types),
	}
	var in networkingv1.NetworkPolicyIngressRuleArray
	for _, r := range p.Ingress {
		in = append(in, &networkingv1.NetworkPolicyIngressRuleArgs{From: peers(r.Peers), Ports: ports(r.Ports)})
	}
	var eg networkingv1.NetworkPolicyEgressRuleArray
	for _, r := range p.Egress {
		eg = append(eg, &networkingv1.NetworkPolicyEgressRuleArgs{To: peers(r.Peers), Ports: ports(r.Ports)})
	}
	if len(in) > 0 {
		spec.Ingress = in
	}
	if len(eg) > 0 {
		spec.Egress = eg
	}
	return &networkingv1.NetworkPolicyArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Namespace: pulumi.String(ns)},
		Spec:     spec,
	}
}
