package cluster

import (
	"fmt"
	"sort"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
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

// StorageClasses are the cluster's storage class names.
type StorageClasses struct {
	// Default is gp3, encrypted with the cluster's key, bound when the pod is scheduled (so the
	// volume lands in the pod's AZ), deleted with its claim.
	Default string
	// Retain is the same with reclaimPolicy Retain: for databases, whose volumes outlive a deleted
	// claim. In unprotected stacks it reclaims with Delete (RetainReclaimPolicy).
	Retain string
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

// addonFootprints are the add-ons' requests: DaemonSets on every node of every pool, and the
// add-on Deployments that select no pool and so land on the untainted business pool. From the
// add-ons' default manifests (kube-proxy 100m; aws-node 25m for each of its two containers; CoreDNS
// 100m/70Mi; EBS CSI node 3 × 10m/40Mi, controller 6 × 10m/40Mi; Pod Identity agent 25m), read
// 2026-11-25, rounded up where a container sets none.
var addonFootprints = []struct {
	name      string
	perNode   bool
	replicas  int
	resources Resources
}{
	{"kube-system/aws-node", true, 0, Resources{50, 64}},
	{"kube-system/kube-proxy", true, 0, Resources{100, 64}},
	{"kube-system/ebs-csi-node", true, 0, Resources{30, 120}},
	{"kube-system/coredns", false, 2, Resources{100, 70}},
	{"kube-system/ebs-csi-controller", false, 2, Resources{60, 240}},
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
	for _, w := range platformWorkloads {
		out = append(out, footprint.Footprint{Tier: config.TierMonitoring, Name: w.namespace + "/" + w.name, Replicas: w.replicas,
			CPUMilli: w.res.CPUMilli, MemoryMiB: w.res.MemoryMiB, Source: "cluster"})
	}
	return out
}

func baseline(ctx *pulumi.Context, c *Cluster) error {
	a := c.args
	k8s := pulumi.Provider(c.Provider)
	parent := pulumi.Parent(c)

	if err := storageClasses(ctx, c); err != nil {
		return err
	}

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
			labels[TierLabel] = pulumi.String(string(ns.workload))
			c.Namespaces.Workloads[ns.workload] = ns.name
		}
		n, err := corev1.NewNamespace(ctx, c.name+"-ns-"+ns.name, &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(ns.name), Labels: labels,
				Annotations: pulumi.StringMap{"suoke.life/purpose": pulumi.String(ns.why)}},
		}, parent, k8s)
		if err != nil {
			return err
		}
		c.NamespaceResources[ns.name] = n
	}

	cat, _ := config.CatalogFor(a.Env.Region)
	layout, err := network.Layout(a.VpcCIDR, a.AZs)
	if err != nil {
		return err
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
		if _, err := corev1.NewResourceQuota(ctx, c.name+"-quota-"+ns, &corev1.ResourceQuotaArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("tier-capacity"), Namespace: pulumi.String(ns)},
			Spec:     &corev1.ResourceQuotaSpecArgs{Hard: pulumi.ToStringMap(q.Hard())},
		}, parent, k8s, after); err != nil {
			return err
		}
		if _, err := corev1.NewLimitRange(ctx, c.name+"-limits-"+ns, &corev1.LimitRangeArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("container-defaults"), Namespace: pulumi.String(ns)},
			Spec: &corev1.LimitRangeSpecArgs{Limits: corev1.LimitRangeItemArray{&corev1.LimitRangeItemArgs{
				Type:           pulumi.String("Container"),
				DefaultRequest: pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("128Mi")},
				Default:        pulumi.StringMap{"memory": pulumi.String("512Mi")},
				Max:            pulumi.StringMap{"cpu": pulumi.Sprintf("%dm", q.PerNode.CPUMilli), "memory": pulumi.Sprintf("%dMi", q.PerNode.MemoryMiB)},
			}}},
		}, parent, k8s, after); err != nil {
			return err
		}
		for _, np := range policiesFor(t, a.Services, cidrs, a.VpcCIDR) {
			if _, err := networkingv1.NewNetworkPolicy(ctx, c.name+"-netpol-"+ns+"-"+np.Name, np.args(ns), parent, k8s, after); err != nil {
				return err
			}
		}
		for _, s := range servicesOn(a.Services, t) {
			if err := serviceAccount(ctx, c, s, ns, after); err != nil {
				return err
			}
		}
	}
	return nil
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
func serviceAccount(ctx *pulumi.Context, c *Cluster, s config.Service, ns string, opts ...pulumi.ResourceOption) error {
	var inline pulumi.StringInput
	if stmts := ServiceStatements(c.args.Env.Partition, c.args.Env.Region, c.args.Env.AccountID, ctx.Stack(), s); len(stmts) > 0 {
		inline = pulumi.String(doc(stmts...).String())
	}
	role, err := c.ServiceAccountRole(ctx, "sa-"+s.Name, ns, s.Name, nil, inline)
	if err != nil {
		return err
	}
	_, err = corev1.NewServiceAccount(ctx, c.name+"-sa-"+s.Name, &corev1.ServiceAccountArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(s.Name), Namespace: pulumi.String(ns),
			Annotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": role.Arn}},
		AutomountServiceAccountToken: pulumi.Bool(false),
	}, append([]pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(c.Provider)}, opts...)...)
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
	PerNode Resources
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
	per := Allocatable(it)
	cpu, mem, pods := per.CPUMilli*pool.Max, per.MemoryMiB*pool.Max, it.MaxPods*pool.Max
	for _, f := range items {
		if f.Tier != t {
			continue
		}
		n := f.Pods(pool.Max)
		cpu, mem, pods = cpu-n*f.CPUMilli, mem-n*f.MemoryMiB, pods-n
	}
	keep := 1 - Headroom
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
