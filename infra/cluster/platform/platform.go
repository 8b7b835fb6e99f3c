// Package platform installs the in-cluster platform charts every later component needs: the
// prometheus-operator CRDs, cert-manager, the AWS Load Balancer Controller, the cluster autoscaler,
// metrics-server and the VPA recommender, all on the monitoring pool, each through the pin table and
// the registries, and states what they schedule (Footprints).
package platform

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	"github.com/suoke-life/suoke-platform/infra/cluster/nodegroups"
	"github.com/suoke-life/suoke-platform/infra/cluster/roles"
	"github.com/suoke-life/suoke-platform/infra/cluster/tenancy"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/pins"
	"github.com/suoke-life/suoke-platform/infra/release"
)

// Release names, which are also the keys of the pin table's charts.
const (
	ReleasePrometheusCRDs = pins.ReleasePrometheusCRDs
	ReleaseCertManager    = pins.ReleaseCertManager
	ReleaseLBController   = pins.ReleaseLBController
	ReleaseAutoscaler     = pins.ReleaseAutoscaler
	ReleaseMetricsServer  = pins.ReleaseMetricsServer
	ReleaseVPA            = pins.ReleaseVPA
)

// Images are the pin table's images as a cluster in this region and of this Kubernetes version
// pulls them: the autoscaler of its minor, and the load balancer controller from AWS's in-region
// ECR where AWS serves it there (the China regions). The mirror list is derived from these.
func Images(region, dnsSuffix, kubernetesVersion string) []pins.Image {
	out := pins.For(kubernetesVersion)
	if host := awsfacts.ContainerImageRegistry(region, dnsSuffix); host != "" {
		for i, img := range out {
			if img.Key == pins.ImageLBController {
				out[i].Repository = host + "/amazon/aws-load-balancer-controller"
			}
		}
	}
	return out
}

// Args configures the platform releases. The cluster component fills it from its own Args and what
// it built.
type Args struct {
	// Prefix is the cluster component's name, which every resource's name starts with; Parent is
	// that component, Provider its Kubernetes provider.
	Prefix   string
	Parent   pulumi.Resource
	Provider *kubernetes.Provider
	// ClusterName and KubernetesVersion are the EKS cluster's.
	ClusterName       string
	KubernetesVersion string
	VpcID             pulumi.StringInput
	// Registries turn every pinned chart and image into what the cluster pulls.
	Registries config.Registries
	Env        *identity.Env
	// Tags are what the load balancer controller puts on what it creates.
	Tags map[string]string
	// NamespaceResources are the namespaces by name: a release waits for its own.
	NamespaceResources map[string]pulumi.Resource
	// IRSA builds the controllers' roles.
	IRSA roles.IRSA
}

// Platform is what New installed.
type Platform struct {
	// CRDs that later components' custom resources need: depend on these releases.
	PrometheusOperatorCRDs pulumi.Resource
	CertManager            pulumi.Resource
	// LoadBalancerController is the AWS Load Balancer Controller's release: Ingress-creating
	// releases depend on it, so that destroy removes their load balancers while it still runs.
	LoadBalancerController pulumi.Resource
	// Releases are what was installed, with versions (for the plan's report).
	Releases []ReleaseInfo

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

// Footprints are what the platform releases schedule, all on the monitoring pool: the same
// replicas and requests their values set.
func Footprints() []footprint.Footprint {
	var out []footprint.Footprint
	for _, w := range platformWorkloads {
		out = append(out, footprint.Footprint{Tier: config.TierMonitoring, Name: w.namespace + "/" + w.name, Replicas: w.replicas,
			CPUMilli: w.res.CPUMilli, MemoryMiB: w.res.MemoryMiB, Source: "cluster"})
	}
	return out
}

// platformWorkload is one Deployment a platform release runs on the monitoring pool: the replicas
// and requests its values set, which the capacity check sums from the same numbers.
type platformWorkload struct {
	release, namespace, name string
	replicas                 int
	res                      footprint.Resources
}

// platformWorkloads are the platform Deployments and their requests. Two replicas with a PDB where
// the chart allows; the VPA recommender runs one (the chart grants it no lease write for leader
// election, and a recommender outage only delays recommendations: its state is checkpointed).
var platformWorkloads = []platformWorkload{
	{ReleaseCertManager, tenancy.NamespaceCertManager, "cert-manager", 2, footprint.Resources{CPUMilli: 50, MemoryMiB: 128}},
	{ReleaseCertManager, tenancy.NamespaceCertManager, "cert-manager-webhook", 2, footprint.Resources{CPUMilli: 25, MemoryMiB: 64}},
	{ReleaseCertManager, tenancy.NamespaceCertManager, "cert-manager-cainjector", 2, footprint.Resources{CPUMilli: 50, MemoryMiB: 128}},
	{ReleaseLBController, tenancy.NamespaceKubeSystem, "aws-load-balancer-controller", 2, footprint.Resources{CPUMilli: 100, MemoryMiB: 256}},
	{ReleaseAutoscaler, tenancy.NamespaceKubeSystem, "cluster-autoscaler", 2, footprint.Resources{CPUMilli: 100, MemoryMiB: 300}},
	{ReleaseMetricsServer, tenancy.NamespaceKubeSystem, "metrics-server", 2, footprint.Resources{CPUMilli: 100, MemoryMiB: 200}},
	{ReleaseVPA, tenancy.NamespaceKubeSystem, "vpa-recommender", 1, footprint.Resources{CPUMilli: 50, MemoryMiB: 500}},
}

func workload(name string) platformWorkload {
	for _, w := range platformWorkloads {
		if w.name == name {
			return w
		}
	}
	return platformWorkload{}
}

// image is a pinned image through the registries, as a chart's repository and tag.
func (c *Platform) image(key string) imageValues {
	return c.imageOf(pins.Ref(key))
}

func (c *Platform) imageOf(upstream string) imageValues {
	ref := config.ParseImage(c.args.Registries.Image(upstream))
	return imageValues{Repository: ref.Repository(), Tag: ref.Tag()}
}

// placement is a chart's nodeSelector and tolerations for the monitoring pool.
func (c *Platform) placement() (map[string]string, []nodegroups.Toleration) {
	s := nodegroups.SchedulingFor(config.TierMonitoring)
	return s.NodeSelector, s.Tolerations
}

// release installs one pinned chart through the registries, with typed values.
func (c *Platform) release(ctx *pulumi.Context, key, namespace string, values any, opts ...pulumi.ResourceOption) (*helmv3.Release, error) {
	var v pulumi.MapInput
	if o, ok := values.(pulumi.MapOutput); ok {
		v = o
	} else {
		m, err := release.Values(values)
		if err != nil {
			return nil, fmt.Errorf("%s values: %w", key, err)
		}
		v = m
	}
	deps := []pulumi.Resource{}
	if ns, ok := c.args.NamespaceResources[namespace]; ok {
		deps = append(deps, ns)
	}
	r, ref, err := release.New(ctx, c.args.Prefix+"-"+key, release.Args{Release: key, Namespace: namespace, Registries: c.args.Registries, Values: v},
		append([]pulumi.ResourceOption{pulumi.Parent(c.args.Parent), pulumi.Provider(c.args.Provider), pulumi.DependsOn(deps)}, opts...)...)
	if err != nil {
		return nil, err
	}
	pin, _ := pins.ChartOf(key)
	c.Releases = append(c.Releases, ReleaseInfo{Name: key, Namespace: namespace, Chart: ref, Upstream: pin.Repo + "/" + pin.Name, Source: pin.Source})
	return r, nil
}

// New installs, in order: the CRDs later components need (prometheus-operator's, cert-manager with
// its CRDs), then the load balancer controller, the cluster autoscaler, metrics-server (for the HPAs)
// and the VPA recommender. Every one runs on the monitoring pool.
func New(ctx *pulumi.Context, a Args) (*Platform, error) {
	c := &Platform{args: a}
	if err := c.install(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Platform) install(ctx *pulumi.Context) error {
	var err error
	if c.PrometheusOperatorCRDs, err = c.release(ctx, ReleasePrometheusCRDs, tenancy.NamespaceMonitoring, struct{}{}); err != nil {
		return err
	}
	// Its ServiceMonitor needs the operator's CRDs.
	if c.CertManager, err = c.release(ctx, ReleaseCertManager, tenancy.NamespaceCertManager, c.certManagerValues(),
		pulumi.DependsOn([]pulumi.Resource{c.PrometheusOperatorCRDs})); err != nil {
		return err
	}
	lbcPolicy, err := lbControllerPolicy(ctx, c.args.Env)
	if err != nil {
		return err
	}
	// The controller's policy is attached here (same name and parent as iam.NewServiceAccountRole
	// gives it)
	// so that the release can depend on it: on destroy the controller must keep its permissions
	// until it is deleted, after the Ingresses whose load balancers it removes.
	lbcRole, err := c.args.IRSA.Role(ctx, "lb-controller", tenancy.NamespaceKubeSystem, ReleaseLBController, nil, nil)
	if err != nil {
		return err
	}
	lbcPerms, err := iam.NewRolePolicy(ctx, c.args.Prefix+"-lb-controller", &iam.RolePolicyArgs{Role: lbcRole.Name, Policy: pulumi.String(lbcPolicy)}, pulumi.Parent(c.args.Parent))
	if err != nil {
		return err
	}
	if c.LoadBalancerController, err = c.release(ctx, ReleaseLBController, tenancy.NamespaceKubeSystem, c.lbControllerValues(lbcRole.Arn), pulumi.DependsOn([]pulumi.Resource{lbcPerms})); err != nil {
		return err
	}
	caPolicy, err := autoscalerPolicy(c)
	if err != nil {
		return err
	}
	caRole, err := c.args.IRSA.Role(ctx, "autoscaler", tenancy.NamespaceKubeSystem, ReleaseAutoscaler, nil, pulumi.String(caPolicy))
	if err != nil {
		return err
	}
	if _, err = c.release(ctx, ReleaseAutoscaler, tenancy.NamespaceKubeSystem, c.autoscalerValues(caRole.Arn)); err != nil {
		return err
	}
	if _, err = c.release(ctx, ReleaseMetricsServer, tenancy.NamespaceKubeSystem, c.metricsServerValues()); err != nil {
		return err
	}
	_, err = c.release(ctx, ReleaseVPA, tenancy.NamespaceKubeSystem, c.vpaValues())
	return err
}

// Values of each chart, as typed Go. Field names and JSON tags are the charts' value keys (each
// chart's values.yaml at the pinned version).

type imageValues struct {
	Repository string `json:"repository"`
	Tag        string `json:"tag,omitempty"`
}

type pdbValues struct {
	Enabled        *bool `json:"enabled,omitempty"`
	MinAvailable   *int  `json:"minAvailable,omitempty"`
	MaxUnavailable *int  `json:"maxUnavailable,omitempty"`
}

func ptr[T any](v T) *T { return &v }

// componentValues is what cert-manager's controller, webhook and cainjector each take.
type componentValues struct {
	ReplicaCount        int                     `json:"replicaCount,omitempty"`
	Image               imageValues             `json:"image"`
	PodDisruptionBudget *pdbValues              `json:"podDisruptionBudget,omitempty"`
	NodeSelector        map[string]string       `json:"nodeSelector"`
	Tolerations         []nodegroups.Toleration `json:"tolerations"`
	Resources           map[string]any          `json:"resources,omitempty"`
}

type certManagerValues struct {
	CRDs struct {
		Enabled bool `json:"enabled"`
		// Keep the CRDs (and so every Certificate) when the release is uninstalled.
		Keep bool `json:"keep"`
	} `json:"crds"`
	componentValues
	Webhook         componentValues `json:"webhook"`
	CAInjector      componentValues `json:"cainjector"`
	StartupAPICheck componentValues `json:"startupapicheck"`
	ACMESolver      struct {
		Image imageValues `json:"image"`
	} `json:"acmesolver"`
	// The certificate alerts read cert-manager's metrics. Without a ServiceMonitor the chart only
	// annotates its pods with prometheus.io/*, which kube-prometheus-stack's Prometheus does not read
	// (deploy/charts/cert-manager/values.yaml at v1.21.1: prometheus.servicemonitor.enabled false).
	Prometheus struct {
		Enabled        bool `json:"enabled"`
		ServiceMonitor struct {
			Enabled bool `json:"enabled"`
		} `json:"servicemonitor"`
	} `json:"prometheus"`
}

func (c *Platform) certManagerValues() certManagerValues {
	sel, tol := c.placement()
	comp := func(image, workloadName string) componentValues {
		v := componentValues{Image: c.image(image), NodeSelector: sel, Tolerations: tol}
		if w := workload(workloadName); w.replicas > 0 {
			v.ReplicaCount, v.Resources = w.replicas, w.res.Values()
			v.PodDisruptionBudget = &pdbValues{Enabled: ptr(true), MinAvailable: ptr(1)}
		}
		return v
	}
	var v certManagerValues
	v.CRDs.Enabled, v.CRDs.Keep = true, true
	v.componentValues = comp(pins.ImageCertManager, "cert-manager")
	v.Webhook = comp(pins.ImageCertManagerHook, "cert-manager-webhook")
	v.CAInjector = comp(pins.ImageCAInjector, "cert-manager-cainjector")
	v.StartupAPICheck = comp(pins.ImageStartupAPICheck, "")
	v.ACMESolver.Image = c.image(pins.ImageACMESolver)
	v.Prometheus.Enabled, v.Prometheus.ServiceMonitor.Enabled = true, true
	return v
}

type lbControllerValues struct {
	ClusterName    string      `json:"clusterName"`
	Region         string      `json:"region"`
	VpcID          string      `json:"vpcId"`
	ReplicaCount   int         `json:"replicaCount"`
	Image          imageValues `json:"image"`
	ServiceAccount struct {
		Create      bool              `json:"create"`
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"serviceAccount"`
	// Shield and WAF classic have no place here (China offers neither; WAF classic is retired):
	// off. WAFv2 stays on, so the IngressClassParams' web ACL is attached.
	EnableShield bool `json:"enableShield"`
	EnableWaf    bool `json:"enableWaf"`
	EnableWafv2  bool `json:"enableWafv2"`
	// The Service mutating webhook (mservice.elbv2.k8s.aws) only makes the controller the default
	// for new Services of type LoadBalancer; it admits every Service in the cluster and fails closed
	// (eks-charts stable/aws-load-balancer-controller templates/webhook.yaml and values.yaml at
	// 5239609, chart 3.5.0, read 2026-12-03), so any release creating a Service while the controller
	// is not Ready would fail and roll back. The platform exposes through ALB Ingresses and creates no
	// LoadBalancer Service: off. A Service that wants an NLB names loadBalancerClass
	// service.k8s.aws/nlb, which the controller still reconciles.
	EnableServiceMutatorWebhook bool                    `json:"enableServiceMutatorWebhook"`
	CreateIngressClassResource  bool                    `json:"createIngressClassResource"`
	IngressClassParams          map[string]bool         `json:"ingressClassParams"`
	DefaultTags                 map[string]string       `json:"defaultTags"`
	PodDisruptionBudget         pdbValues               `json:"podDisruptionBudget"`
	NodeSelector                map[string]string       `json:"nodeSelector"`
	Tolerations                 []nodegroups.Toleration `json:"tolerations"`
	Resources                   map[string]any          `json:"resources"`
}

func (c *Platform) lbControllerValues(role pulumi.StringOutput) pulumi.MapOutput {
	a := c.args
	sel, tol := c.placement()
	var img imageValues
	for _, i := range Images(a.Env.Region, a.Env.DNSSuffix, a.KubernetesVersion) {
		if i.Key == pins.ImageLBController {
			img = c.imageOf(i.Ref())
		}
	}
	w := workload(ReleaseLBController)
	return pulumi.All(role, a.VpcID).ApplyT(func(v []any) (map[string]any, error) {
		var vals lbControllerValues
		vals.ClusterName, vals.Region, vals.VpcID = a.ClusterName, a.Env.Region, v[1].(string)
		vals.ReplicaCount, vals.Image = w.replicas, img
		vals.ServiceAccount.Create, vals.ServiceAccount.Name = true, ReleaseLBController
		vals.ServiceAccount.Annotations = map[string]string{"eks.amazonaws.com/role-arn": v[0].(string)}
		vals.EnableShield, vals.EnableWaf, vals.EnableWafv2 = false, false, true
		// The IngressClass and its parameters are created by the edge (infra/cluster/edge).
		vals.CreateIngressClassResource, vals.IngressClassParams = false, map[string]bool{"create": false}
		vals.DefaultTags = a.Tags
		vals.PodDisruptionBudget = pdbValues{MaxUnavailable: ptr(1)}
		vals.NodeSelector, vals.Tolerations, vals.Resources = sel, tol, w.res.Values()
		return release.Plain(vals)
	}).(pulumi.MapOutput)
}

type autoscalerValues struct {
	CloudProvider string `json:"cloudProvider"`
	AWSRegion     string `json:"awsRegion"`
	AutoDiscovery struct {
		ClusterName string `json:"clusterName"`
	} `json:"autoDiscovery"`
	Image        imageValues `json:"image"`
	ReplicaCount int         `json:"replicaCount"`
	RBAC         struct {
		ServiceAccount struct {
			Name        string            `json:"name"`
			Annotations map[string]string `json:"annotations"`
		} `json:"serviceAccount"`
	} `json:"rbac"`
	ExtraArgs           map[string]any          `json:"extraArgs"`
	PodDisruptionBudget pdbValues               `json:"podDisruptionBudget"`
	NodeSelector        map[string]string       `json:"nodeSelector"`
	Tolerations         []nodegroups.Toleration `json:"tolerations"`
	Resources           map[string]any          `json:"resources"`
}

func (c *Platform) autoscalerValues(role pulumi.StringOutput) pulumi.MapOutput {
	a := c.args
	sel, tol := c.placement()
	pin, _ := pins.ImageFor(pins.ImageAutoscaler, a.KubernetesVersion) // the version is validated against the table
	img := c.imageOf(pin.Ref())
	w := workload(ReleaseAutoscaler)
	return role.ApplyT(func(arn string) (map[string]any, error) {
		var v autoscalerValues
		v.CloudProvider, v.AWSRegion, v.AutoDiscovery.ClusterName = "aws", a.Env.Region, a.ClusterName
		v.Image, v.ReplicaCount = img, w.replicas
		v.RBAC.ServiceAccount.Name = ReleaseAutoscaler
		v.RBAC.ServiceAccount.Annotations = map[string]string{"eks.amazonaws.com/role-arn": arn}
		v.ExtraArgs = map[string]any{
			// Keep the per-AZ database groups (and any split pool) the same size.
			"balance-similar-node-groups": true,
			// Scale up the group that wastes least CPU and memory after the pending pods land.
			"expander": "least-waste",
			// kube-system pods (CoreDNS, controllers) have PDBs; they must not pin nodes forever.
			"skip-nodes-with-system-pods": false,
		}
		v.PodDisruptionBudget = pdbValues{MaxUnavailable: ptr(1)}
		v.NodeSelector, v.Tolerations, v.Resources = sel, tol, w.res.Values()
		return release.Plain(v)
	}).(pulumi.MapOutput)
}

// autoscalerPolicy is the cluster autoscaler's IAM policy (its AWS provider README, "IAM Policy",
// read 2026-11-25): read everywhere; change capacity only of groups tagged as this cluster's.
func autoscalerPolicy(c *Platform) (string, error) {
	return kitiam.Document(
		kitiam.Statement{Sid: "Describe", Effect: "Allow", Resource: "*", Action: []string{
			"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
			"autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
			"ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup",
		}},
		kitiam.Statement{Sid: "ScaleOwnGroups", Effect: "Allow", Resource: "*",
			Action:    []string{"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"},
			Condition: map[string]map[string]any{"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/" + c.args.ClusterName: "owned"}}},
	)
}

type metricsServerValues struct {
	Replicas            int                     `json:"replicas"`
	Image               imageValues             `json:"image"`
	PodDisruptionBudget pdbValues               `json:"podDisruptionBudget"`
	NodeSelector        map[string]string       `json:"nodeSelector"`
	Tolerations         []nodegroups.Toleration `json:"tolerations"`
	Resources           map[string]any          `json:"resources"`
}

func (c *Platform) metricsServerValues() metricsServerValues {
	sel, tol := c.placement()
	w := workload(ReleaseMetricsServer)
	return metricsServerValues{Replicas: w.replicas, Image: c.image(pins.ImageMetricsServer),
		PodDisruptionBudget: pdbValues{Enabled: ptr(true), MinAvailable: ptr(1)},
		NodeSelector:        sel, Tolerations: tol, Resources: w.res.Values()}
}

type vpaComponent struct {
	Enabled      bool                    `json:"enabled"`
	ReplicaCount int                     `json:"replicaCount,omitempty"`
	Image        *imageValues            `json:"image,omitempty"`
	NodeSelector map[string]string       `json:"nodeSelector,omitempty"`
	Tolerations  []nodegroups.Toleration `json:"tolerations,omitempty"`
	Resources    map[string]any          `json:"resources,omitempty"`
}

// vpaValues: recommendation mode. Only the recommender runs; without the updater and the admission
// controller, VPAs report requests and change none (HPAs scale on the same pods' CPU).
type vpaValues struct {
	Recommender         vpaComponent `json:"recommender"`
	Updater             vpaComponent `json:"updater"`
	AdmissionController vpaComponent `json:"admissionController"`
}

func (c *Platform) vpaValues() vpaValues {
	sel, tol := c.placement()
	w := workload("vpa-recommender")
	img := c.image(pins.ImageVPARecommender)
	return vpaValues{
		Recommender: vpaComponent{Enabled: true, ReplicaCount: w.replicas, Image: &img,
			NodeSelector: sel, Tolerations: tol, Resources: w.res.Values()},
	}
}

// lbControllerPolicy is the load balancer controller's IAM policy: the controller's own
// docs/install/iam_policy.json (v3.5.0; iam_policy_cn.json differs only in partition), without the
// WAF classic, Shield and Cognito actions this cluster turns off. ARNs take this partition.
func lbControllerPolicy(ctx *pulumi.Context, env *identity.Env) (string, error) {
	elb, err := env.ServicePrincipal(ctx, "elasticloadbalancing")
	if err != nil {
		return "", err
	}
	arn := func(svc, res string) string { return env.ARN(svc, "*", "*", res) }
	clusterTagged := map[string]map[string]any{"Null": {"aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
	requestTagged := map[string]map[string]any{"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}
	retag := map[string]map[string]any{"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
	lbs := []string{arn("elasticloadbalancing", "targetgroup/*/*"), arn("elasticloadbalancing", "loadbalancer/net/*/*"), arn("elasticloadbalancing", "loadbalancer/app/*/*")}
	return kitiam.Document(
		kitiam.Statement{Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: "*", Condition: map[string]map[string]any{"StringEquals": {"iam:AWSServiceName": elb}}},
		kitiam.Statement{Effect: "Allow", Resource: "*", Action: []string{
			"ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
			"ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances",
			"ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools", "ec2:GetSecurityGroupsForVpc",
			"ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
			"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeListeners",
			"elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
			"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
			"elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
			"elasticloadbalancing:DescribeCapacityReservation",
		}},
		kitiam.Statement{Effect: "Allow", Resource: "*", Action: []string{
			"acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate",
			"wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
		}},
		kitiam.Statement{Effect: "Allow", Resource: "*", Action: []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"}},
		kitiam.Statement{Effect: "Allow", Resource: "*", Action: "ec2:CreateSecurityGroup"},
		kitiam.Statement{Effect: "Allow", Resource: arn("ec2", "security-group/*"), Action: "ec2:CreateTags",
			Condition: map[string]map[string]any{"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"}, "Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}},
		kitiam.Statement{Effect: "Allow", Resource: arn("ec2", "security-group/*"), Action: []string{"ec2:CreateTags", "ec2:DeleteTags"}, Condition: retag},
		kitiam.Statement{Effect: "Allow", Resource: "*", Action: []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"}, Condition: clusterTagged},
		kitiam.Statement{Effect: "Allow", Resource: "*", Action: []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"}, Condition: requestTagged},
		kitiam.Statement{Effect: "Allow", Resource: "*", Action: []string{"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"}},
		kitiam.Statement{Effect: "Allow", Resource: lbs, Action: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}, Condition: retag},
		kitiam.Statement{Effect: "Allow", Action: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}, Resource: []string{
			arn("elasticloadbalancing", "listener/net/*/*/*"), arn("elasticloadbalancing", "listener/app/*/*/*"),
			arn("elasticloadbalancing", "listener-rule/net/*/*/*"), arn("elasticloadbalancing", "listener-rule/app/*/*/*"),
		}},
		kitiam.Statement{Effect: "Allow", Resource: "*", Condition: clusterTagged, Action: []string{
			"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
			"elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
			"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyListenerAttributes",
			"elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
		}},
		kitiam.Statement{Effect: "Allow", Resource: lbs, Action: "elasticloadbalancing:AddTags", Condition: map[string]map[string]any{
			"StringEquals": {"elasticloadbalancing:CreateAction": []string{"CreateTargetGroup", "CreateLoadBalancer"}},
			"Null":         {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}},
		kitiam.Statement{Effect: "Allow", Resource: arn("elasticloadbalancing", "targetgroup/*/*"), Action: []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"}},
		kitiam.Statement{Effect: "Allow", Resource: "*", Action: []string{
			"elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates",
			"elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
		}},
	)
}
