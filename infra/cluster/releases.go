package cluster

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	"github.com/suoke-life/suoke-platform/infra/config"
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

// Images are the images this cluster's pods pull, before the registries map them.
func (c *Cluster) Images() []pins.Image {
	return Images(c.args.Env.Region, c.args.Env.DNSSuffix, c.args.Config.Version)
}

// platformWorkload is one Deployment a platform release runs on the monitoring pool: the replicas
// and requests its values set, which the capacity check sums from the same numbers.
type platformWorkload struct {
	release, namespace, name string
	replicas                 int
	res                      Resources
}

// platformWorkloads are the platform Deployments and their requests. Two replicas with a PDB where
// the chart allows; the VPA recommender runs one (the chart grants it no lease write for leader
// election, and a recommender outage only delays recommendations: its state is checkpointed).
var platformWorkloads = []platformWorkload{
	{ReleaseCertManager, NamespaceCertManager, "cert-manager", 2, Resources{50, 128}},
	{ReleaseCertManager, NamespaceCertManager, "cert-manager-webhook", 2, Resources{25, 64}},
	{ReleaseCertManager, NamespaceCertManager, "cert-manager-cainjector", 2, Resources{50, 128}},
	{ReleaseLBController, NamespaceKubeSystem, "aws-load-balancer-controller", 2, Resources{100, 256}},
	{ReleaseAutoscaler, NamespaceKubeSystem, "cluster-autoscaler", 2, Resources{100, 300}},
	{ReleaseMetricsServer, NamespaceKubeSystem, "metrics-server", 2, Resources{100, 200}},
	{ReleaseVPA, NamespaceKubeSystem, "vpa-recommender", 1, Resources{50, 500}},
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
func (c *Cluster) image(key string) imageValues {
	return c.imageOf(pins.Ref(key))
}

func (c *Cluster) imageOf(upstream string) imageValues {
	ref := config.ParseImage(c.args.Registries.Image(upstream))
	return imageValues{Repository: ref.Repository(), Tag: ref.Tag()}
}

// placement is a chart's nodeSelector and tolerations for the monitoring pool.
func (c *Cluster) placement() (map[string]string, []Toleration) {
	s := c.Scheduling[config.TierMonitoring]
	return s.NodeSelector, s.Tolerations
}

// release installs one pinned chart through the registries, with typed values.
func (c *Cluster) release(ctx *pulumi.Context, key, namespace string, values any, opts ...pulumi.ResourceOption) (*helmv3.Release, error) {
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
	if ns, ok := c.NamespaceResources[namespace]; ok {
		deps = append(deps, ns)
	}
	r, ref, err := release.New(ctx, c.name+"-"+key, release.Args{Release: key, Namespace: namespace, Registries: c.args.Registries, Values: v},
		append([]pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(c.Provider), pulumi.DependsOn(deps)}, opts...)...)
	if err != nil {
		return nil, err
	}
	pin, _ := pins.ChartOf(key)
	c.Releases = append(c.Releases, ReleaseInfo{Name: key, Namespace: namespace, Chart: ref, Upstream: pin.Repo + "/" + pin.Name, Source: pin.Source})
	return r, nil
}

// platformReleases installs, in order: the CRDs later components need (prometheus-operator's,
// cert-manager with its CRDs), then the load balancer controller, the cluster autoscaler,
// metrics-server (for the HPAs) and the VPA recommender. Every one runs on the monitoring pool.
func platformReleases(ctx *pulumi.Context, c *Cluster) error {
	var err error
	if c.PrometheusOperatorCRDs, err = c.release(ctx, ReleasePrometheusCRDs, NamespaceMonitoring, struct{}{}); err != nil {
		return err
	}
	// Its ServiceMonitor needs the operator's CRDs.
	if c.CertManager, err = c.release(ctx, ReleaseCertManager, NamespaceCertManager, c.certManagerValues(),
		pulumi.DependsOn([]pulumi.Resource{c.PrometheusOperatorCRDs})); err != nil {
		return err
	}
	lbcPolicy, err := lbControllerPolicy(ctx, c.args.Env)
	if err != nil {
		return err
	}
	// The controller's policy is attached here (same name and parent as ServiceAccountRole gives it)
	// so that the release can depend on it: on destroy the controller must keep its permissions
	// until it is deleted, after the Ingresses whose load balancers it removes.
	lbcRole, err := c.ServiceAccountRole(ctx, "lb-controller", NamespaceKubeSystem, ReleaseLBController, nil, nil)
	if err != nil {
		return err
	}
	lbcPerms, err := iam.NewRolePolicy(ctx, c.name+"-lb-controller", &iam.RolePolicyArgs{Role: lbcRole.Name, Policy: pulumi.String(lbcPolicy.String())}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	if c.LoadBalancerController, err = c.release(ctx, ReleaseLBController, NamespaceKubeSystem, c.lbControllerValues(lbcRole.Arn), pulumi.DependsOn([]pulumi.Resource{lbcPerms})); err != nil {
		return err
	}
	caRole, err := c.ServiceAccountRole(ctx, "autoscaler", NamespaceKubeSystem, ReleaseAutoscaler, nil, pulumi.String(autoscalerPolicy(c).String()))
	if err != nil {
		return err
	}
	if _, err = c.release(ctx, ReleaseAutoscaler, NamespaceKubeSystem, c.autoscalerValues(caRole.Arn)); err != nil {
		return err
	}
	if _, err = c.release(ctx, ReleaseMetricsServer, NamespaceKubeSystem, c.metricsServerValues()); err != nil {
		return err
	}
	_, err = c.release(ctx, ReleaseVPA, NamespaceKubeSystem, c.vpaValues())
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
	ReplicaCount        int               `json:"replicaCount,omitempty"`
	Image               imageValues       `json:"image"`
	PodDisruptionBudget *pdbValues        `json:"podDisruptionBudget,omitempty"`
	NodeSelector        map[string]string `json:"nodeSelector"`
	Tolerations         []Toleration      `json:"tolerations"`
	Resources           map[string]any    `json:"resources,omitempty"`
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

func (c *Cluster) certManagerValues() certManagerValues {
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
	EnableServiceMutatorWebhook bool              `json:"enableServiceMutatorWebhook"`
	CreateIngressClassResource  bool              `json:"createIngressClassResource"`
	IngressClassParams          map[string]bool   `json:"ingressClassParams"`
	DefaultTags                 map[string]string `json:"defaultTags"`
	PodDisruptionBudget         pdbValues         `json:"podDisruptionBudget"`
	NodeSelector                map[string]string `json:"nodeSelector"`
	Tolerations                 []Toleration      `json:"tolerations"`
	Resources                   map[string]any    `json:"resources"`
}

func (c *Cluster) lbControllerValues(role pulumi.StringOutput) pulumi.MapOutput {
	a := c.args
	sel, tol := c.placement()
	var img imageValues
	for _, i := range Images(a.Env.Region, a.Env.DNSSuffix, a.Config.Version) {
		if i.Key == pins.ImageLBController {
			img = c.imageOf(i.Ref())
		}
	}
	w := workload(ReleaseLBController)
	return pulumi.All(role, a.VpcID).ApplyT(func(v []any) (map[string]any, error) {
		var vals lbControllerValues
		vals.ClusterName, vals.Region, vals.VpcID = a.Name, a.Env.Region, v[1].(string)
		vals.ReplicaCount, vals.Image = w.replicas, img
		vals.ServiceAccount.Create, vals.ServiceAccount.Name = true, ReleaseLBController
		vals.ServiceAccount.Annotations = map[string]string{"eks.amazonaws.com/role-arn": v[0].(string)}
		vals.EnableShield, vals.EnableWaf, vals.EnableWafv2 = false, false, true
		// The IngressClass and its parameters are created by the cluster component (ingress.go).
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
	ExtraArgs           map[string]any    `json:"extraArgs"`
	PodDisruptionBudget pdbValues         `json:"podDisruptionBudget"`
	NodeSelector        map[string]string `json:"nodeSelector"`
	Tolerations         []Toleration      `json:"tolerations"`
	Resources           map[string]any    `json:"resources"`
}

func (c *Cluster) autoscalerValues(role pulumi.StringOutput) pulumi.MapOutput {
	a := c.args
	sel, tol := c.placement()
	pin, _ := pins.ImageFor(pins.ImageAutoscaler, a.Config.Version) // the version is validated against the table
	img := c.imageOf(pin.Ref())
	w := workload(ReleaseAutoscaler)
	return role.ApplyT(func(arn string) (map[string]any, error) {
		var v autoscalerValues
		v.CloudProvider, v.AWSRegion, v.AutoDiscovery.ClusterName = "aws", a.Env.Region, a.Name
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
func autoscalerPolicy(c *Cluster) policyDoc {
	return doc(
		statement{Sid: "Describe", Effect: "Allow", Resource: "*", Action: []string{
			"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
			"autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
			"ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup",
		}},
		statement{Sid: "ScaleOwnGroups", Effect: "Allow", Resource: "*",
			Action:    []string{"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"},
			Condition: map[string]map[string]any{"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/" + c.args.Name: "owned"}}},
	)
}

type metricsServerValues struct {
	Replicas            int               `json:"replicas"`
	Image               imageValues       `json:"image"`
	PodDisruptionBudget pdbValues         `json:"podDisruptionBudget"`
	NodeSelector        map[string]string `json:"nodeSelector"`
	Tolerations         []Toleration      `json:"tolerations"`
	Resources           map[string]any    `json:"resources"`
}

func (c *Cluster) metricsServerValues() metricsServerValues {
	sel, tol := c.placement()
	w := workload(ReleaseMetricsServer)
	return metricsServerValues{Replicas: w.replicas, Image: c.image(pins.ImageMetricsServer),
		PodDisruptionBudget: pdbValues{Enabled: ptr(true), MinAvailable: ptr(1)},
		NodeSelector:        sel, Tolerations: tol, Resources: w.res.Values()}
}

type vpaComponent struct {
	Enabled      bool              `json:"enabled"`
	ReplicaCount int               `json:"replicaCount,omitempty"`
	Image        *imageValues      `json:"image,omitempty"`
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	Tolerations  []Toleration      `json:"tolerations,omitempty"`
	Resources    map[string]any    `json:"resources,omitempty"`
}

// vpaValues: recommendation mode. Only the recommender runs; without the updater and the admission
// controller, VPAs report requests and change none (HPAs scale on the same pods' CPU).
type vpaValues struct {
	Recommender         vpaComponent `json:"recommender"`
	Updater             vpaComponent `json:"updater"`
	AdmissionController vpaComponent `json:"admissionController"`
}

func (c *Cluster) vpaValues() vpaValues {
	sel, tol := c.placement()
	w := workload("vpa-recommender")
	img := c.image(pins.ImageVPARecommender)
	return vpaValues{
		Recommender: vpaComponent{Enabled: true, ReplicaCount: w.replicas, Image: &img,
			NodeSelector: sel, Tolerations: tol, Resources: w.res.Values()},
	}
}
