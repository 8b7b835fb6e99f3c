package cluster

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// kubeconfig is the provider's kubeconfig, as the Kubernetes client reads it.
type kubeconfig struct {
	APIVersion     string          `json:"apiVersion"`
	Kind           string          `json:"kind"`
	Clusters       []namedCluster  `json:"clusters"`
	Contexts       []namedContext  `json:"contexts"`
	CurrentContext string          `json:"current-context"`
	Users          []namedExecUser `json:"users"`
}

type namedCluster struct {
	Name    string `json:"name"`
	Cluster struct {
		Server                   string `json:"server"`
		CertificateAuthorityData string `json:"certificate-authority-data"`
	} `json:"cluster"`
}

type namedContext struct {
	Name    string `json:"name"`
	Context struct {
		Cluster string `json:"cluster"`
		User    string `json:"user"`
	} `json:"context"`
}

type namedExecUser struct {
	Name string `json:"name"`
	User struct {
		Exec execConfig `json:"exec"`
	} `json:"user"`
}

type execConfig struct {
	APIVersion      string   `json:"apiVersion"`
	Command         string   `json:"command"`
	Args            []string `json:"args"`
	InteractiveMode string   `json:"interactiveMode"`
}

// Kubeconfig renders a kubeconfig for the cluster whose credentials come from
// `aws eks get-token --cluster-name <name> --region <region>`: short-lived tokens of whoever runs
// Pulumi, never a stored secret.
func Kubeconfig(name, region, endpoint, caData string) string {
	var k kubeconfig
	k.APIVersion, k.Kind, k.CurrentContext = "v1", "Config", name
	var cl namedCluster
	cl.Name = name
	cl.Cluster.Server, cl.Cluster.CertificateAuthorityData = endpoint, caData
	var ctx namedContext
	ctx.Name = name
	ctx.Context.Cluster, ctx.Context.User = name, name
	var u namedExecUser
	u.Name = name
	u.User.Exec = execConfig{APIVersion: "client.authentication.k8s.io/v1beta1", Command: "aws",
		Args: []string{"eks", "get-token", "--cluster-name", name, "--region", region}, InteractiveMode: "Never"}
	k.Clusters, k.Contexts, k.Users = []namedCluster{cl}, []namedContext{ctx}, []namedExecUser{u}
	b, _ := json.Marshal(k) // strings only: Marshal cannot fail
	return string(b)
}

// kubeProvider builds the Kubernetes provider from the cluster's outputs. It depends on the
// deployer's access policy association (else the first `up` is Unauthorized) and on the nodes and
// the add-ons that need them, so nothing in-cluster is created before there is somewhere to run.
func kubeProvider(ctx *pulumi.Context, c *Cluster, cp *controlPlaneOut, ready []pulumi.Resource) error {
	region := c.args.Env.Region
	cfg := pulumi.All(cp.cluster.Name, cp.cluster.Endpoint, c.CertificateAuthority).ApplyT(func(v []any) string {
		return Kubeconfig(v[0].(string), region, v[1].(string), v[2].(string))
	}).(pulumi.StringOutput)
	p, err := kubernetes.NewProvider(ctx, c.name+"-k8s", &kubernetes.ProviderArgs{
		Kubeconfig: cfg,
	}, pulumi.Parent(c), pulumi.DependsOn(append(append([]pulumi.Resource(nil), cp.deployerAccess...), ready...)))
	if err != nil {
		return err
	}
	c.Provider = p
	return nil
}

// registryMirror creates the ECR pull-through cache rules the registries call for (none in the
// China regions, where the mirror job pushes every image under the mirror prefix instead).
func registryMirror(ctx *pulumi.Context, c *Cluster) error {
	for _, r := range c.args.Registries.PullThroughRules() {
		if _, err := ecr.NewPullThroughCacheRule(ctx, c.name+"-cache-"+unsafeKey.ReplaceAllString(r.UpstreamURL, "-"), &ecr.PullThroughCacheRuleArgs{
			EcrRepositoryPrefix: pulumi.String(r.Prefix),
			UpstreamRegistryUrl: pulumi.String(r.UpstreamURL),
		}, pulumi.Parent(c)); err != nil {
			return err
		}
	}
	return nil
}
