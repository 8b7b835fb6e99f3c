package cluster

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// chartPin is one chart the cluster installs: where it is published, the pinned version, and where
// that version was read.
type chartPin struct {
	Repo, Chart, Version, AppVersion string
	Source                           string
}

// Release names, which are also the keys of the chart table.
const (
	ReleasePrometheusCRDs = "prometheus-operator-crds"
	ReleaseCertManager    = "cert-manager"
	ReleaseLBController   = "aws-load-balancer-controller"
	ReleaseAutoscaler     = "cluster-autoscaler"
	ReleaseMetricsServer  = "metrics-server"
	ReleaseVPA            = "vpa"
)

// charts pins every chart the cluster installs (read 2026-11-25 from each chart's source at the
// commit named). Upgrading one is a change to this table and to nothing else.
var charts = map[string]chartPin{
	ReleasePrometheusCRDs: {Repo: "https://prometheus-community.github.io/helm-charts", Chart: "prometheus-operator-crds", Version: "31.0.1", AppVersion: "v0.93.1",
		Source: "prometheus-community/helm-charts charts/prometheus-operator-crds/Chart.yaml @cf408a2 (operator v0.93.1, as kube-prometheus-stack 88.5.3)"},
	ReleaseCertManager: {Repo: "https://charts.jetstack.io", Chart: "cert-manager", Version: "v1.21.1", AppVersion: "v1.21.1",
		Source: "cert-manager/cert-manager tag v1.21.1, deploy/charts/cert-manager"},
	ReleaseLBController: {Repo: "https://aws.github.io/eks-charts", Chart: "aws-load-balancer-controller", Version: "3.5.0", AppVersion: "v3.5.0",
		Source: "aws/eks-charts stable/aws-load-balancer-controller/Chart.yaml @5239609"},
	ReleaseAutoscaler: {Repo: "https://kubernetes.github.io/autoscaler", Chart: "cluster-autoscaler", Version: "9.59.0", AppVersion: "per Kubernetes minor",
		Source: "kubernetes/autoscaler cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml @55c37cd; image tag from config's Kubernetes release table"},
	ReleaseMetricsServer: {Repo: "https://kubernetes-sigs.github.io/metrics-server", Chart: "metrics-server", Version: "3.13.1", AppVersion: "v0.8.1",
		Source: "kubernetes-sigs/metrics-server charts/metrics-server/Chart.yaml @5ed5d3a"},
	ReleaseVPA: {Repo: "https://charts.fairwinds.com/stable", Chart: "vpa", Version: "5.0.0", AppVersion: "1.7.1",
		Source: "FairwindsOps/charts stable/vpa/Chart.yaml @21a94b6 (the autoscaler repo's own VPA chart is marked not production-ready)"},
}

// lbcImageAccounts are the AWS accounts whose in-region ECR serves the load balancer controller's
// image in the China regions (EKS User Guide "Amazon container image registries", and the
// controller's own e2e scripts, read 2026-11-25); elsewhere it comes from public.ecr.aws.
var lbcImageAccounts = map[string]string{"cn-north-1": "918309763551", "cn-northwest-1": "961992271922"}

// platformWorkload is one Deployment a platform release runs on the monitoring pool: the replicas
// and requests its values set, which the capacity check sums from the same numbers.
type platformWorkload struct {
	release, name string
	replicas      int
	res           Resources
}

// platformWorkloads are the platform Deployments and their requests. Two replicas with a PDB where
// the chart allows; the VPA recommender runs one (the chart grants it no lease write for leader
// election, and a recommender outage only delays recommendations: its state is checkpointed).
var platformWorkloads = []platformWorkload{
	{ReleaseCertManager, "cert-manager", 2, Resources{50, 128}},
	{ReleaseCertManager, "cert-manager-webhook", 2, Resources{25, 64}},
	{ReleaseCertManager, "cert-manager-cainjector", 2, Resources{50, 128}},
	{ReleaseLBController, "aws-load-balancer-controller", 2, Resources{100, 256}},
	{ReleaseAutoscaler, "cluster-autoscaler", 2, Resources{100, 300}},
	{ReleaseMetricsServer, "metrics-server", 2, Resources{100, 200}},
	{ReleaseVPA, "vpa-recommender", 1, Resources{50, 500}},
}

func workload(name string) platformWorkload {
	for _, w := range platformWorkloads {
		if w.name == name {
			return w
		}
	}
	return platformWorkload{}
}

// image splits the reference Registries.Image returns into a chart's repository and tag.
func (c *Cluster) image(upstream string) (repository, tag string) {
	ref := config.ParseImage(c.args.Registries.Image(upstream))
	tag = ref.Suffix
	if len(tag) > 0 && tag[0] == ':' {
		tag = tag[1:]
	}
	return ref.Repository(), tag
}

// placement is a chart's nodeSelector and tolerations for the monitoring pool.
func (c *Cluster) placement() (map[string]string, []Toleration) {
	s := c.Scheduling[config.TierMonitoring]
	return s.NodeSelector, s.Tolerations
}

// release installs one pinned chart through the registries, with typed values.
func (c *Cluster) release(ctx *pulumi.Context, key, namespace string, values any, opts ...pulumi.ResourceOption) (*helmv3.Release, error) {
	pin := charts[key]
	ref := c.args.Registries.Chart(pin.Repo, pin.Chart, pin.Version)
	v, err := toMap(values)
	if err != nil {
		return nil, fmt.Errorf("%s values: %w", key, err)
	}
	args := &helmv3.ReleaseArgs{
		Name:      pulumi.String(key),
		Namespace: pulumi.String(namespace),
		Chart:     pulumi.String(ref.Chart),
		Version:   pulumi.String(ref.Version),
		Values:    v,
		// A failed upgrade rolls back instead of leaving a half-applied release.
		Atomic:        pulumi.Bool(true),
		CleanupOnFail: pulumi.Bool(true),
		Timeout:       pulumi.Int(600),
		MaxHistory:    pulumi.Int(10),
	}
	if ref.Repo != "" {
		args.RepositoryOpts = &helmv3.RepositoryOptsArgs{Repo: pulumi.String(ref.Repo)}
	}
	deps := []pulumi.Resource{}
	if ns, ok := c.NamespaceResources[namespace]; ok {
		deps = append(deps, ns)
	}
	r, err := helmv3.NewRelease(ctx, c.name+"-"+key, args,
		append([]pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(c.Provider), pulumi.DependsOn(deps)}, opts...)...)
	if err != nil {
		return nil, err
	}
	c.Releases = append(c.Releases, ReleaseInfo{Name: key, Namespace: namespace, Chart: ref, Upstream: pin.Repo + "/" + pin.Chart, Source: pin.Source})
	for _, w := range platformWorkloads {
		if w.release == key {
			c.Reserve(Footprint{Tier: config.TierMonitoring, Name: namespace + "/" + w.name, Replicas: w.replicas,
				CPUMilli: w.res.CPUMilli, MemoryMiB: w.res.MemoryMiB, Source: "cluster"})
		}
	}
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
	pin := charts[ReleaseCertManager]
	comp := func(image, workloadName string) componentValues {
		repo, _ := c.image("quay.io/jetstack/" + image + ":" + pin.AppVersion)
		v := componentValues{Image: imageValues{Repository: repo}, NodeSelector: sel, Tolerations: tol}
		if w := workload(workloadName); w.replicas > 0 {
			v.ReplicaCount, v.Resources = w.replicas, w.res.Values()
			v.PodDisruptionBudget = &pdbValues{Enabled: ptr(true), MinAvailable: ptr(1)}
		}
		return v
	}
	var v certManagerValues
	v.CRDs.Enabled, v.CRDs.Keep = true, true
	v.componentValues = comp("cert-manager-controller", "cert-manager")
	v.Webhook = comp("cert-manager-webhook", "cert-manager-webhook")
	v.CAInjector = comp("cert-manager-cainjector", "cert-manager-cainjector")
	v.StartupAPICheck = comp("cert-manager-startupapicheck", "")
	v.ACMESolver.Image.Repository, _ = c.image("quay.io/jetstack/cert-manager-acmesolver:" + pin.AppVersion)
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
	pin := charts[ReleaseLBController]
	upstream := "public.ecr.aws/eks/aws-load-balancer-controller:" + pin.AppVersion
	if acct, ok := lbcImageAccounts[a.Env.Region]; ok {
		upstream = fmt.Sprintf("%s.dkr.ecr.%s.%s/amazon/aws-load-balancer-controller:%s", acct, a.Env.Region, a.Env.DNSSuffix, pin.AppVersion)
	}
	repo, tag := c.image(upstream)
	w := workload(ReleaseLBController)
	return pulumi.All(role, a.VpcID).ApplyT(func(v []any) (map[string]any, error) {
		var vals lbControllerValues
		vals.ClusterName, vals.Region, vals.VpcID = a.Name, a.Env.Region, v[1].(string)
		vals.ReplicaCount, vals.Image = w.replicas, imageValues{Repository: repo, Tag: tag}
		vals.ServiceAccount.Create, vals.ServiceAccount.Name = true, ReleaseLBController
		vals.ServiceAccount.Annotations = map[string]string{"eks.amazonaws.com/role-arn": v[0].(string)}
		vals.EnableShield, vals.EnableWaf, vals.EnableWafv2 = false, false, true
		// The IngressClass and its parameters are created by the cluster component (ingress.go).
		vals.CreateIngressClassResource, vals.IngressClassParams = false, map[string]bool{"create": false}
		vals.DefaultTags = a.Tags
		vals.PodDisruptionBudget = pdbValues{MaxUnavailable: ptr(1)}
		vals.NodeSelector, vals.Tolerations, vals.Resources = sel, tol, w.res.Values()
		return toPlain(vals)
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
	rel, _ := a.Config.Release()
	repo, tag := c.image("registry.k8s.io/autoscaling/cluster-autoscaler:" + rel.ClusterAutoscalerImage)
	w := workload(ReleaseAutoscaler)
	return role.ApplyT(func(arn string) (map[string]any, error) {
		var v autoscalerValues
		v.CloudProvider, v.AWSRegion, v.AutoDiscovery.ClusterName = "aws", a.Env.Region, a.Name
		v.Image, v.ReplicaCount = imageValues{Repository: repo, Tag: tag}, w.replicas
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
		return toPlain(v)
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
	repo, tag := c.image("registry.k8s.io/metrics-server/metrics-server:" + charts[ReleaseMetricsServer].AppVersion)
	w := workload(ReleaseMetricsServer)
	return metricsServerValues{Replicas: w.replicas, Image: imageValues{Repository: repo, Tag: tag},
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
	repo, tag := c.image("registry.k8s.io/autoscaling/vpa-recommender:" + charts[ReleaseVPA].AppVersion)
	w := workload("vpa-recommender")
	return vpaValues{
		Recommender: vpaComponent{Enabled: true, ReplicaCount: w.replicas, Image: &imageValues{Repository: repo, Tag: tag},
			NodeSelector: sel, Tolerations: tol, Resources: w.res.Values()},
	}
}
