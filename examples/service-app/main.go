// Command service-app deploys one Suoke service the way an app pipeline should: everything it needs
// of the platform comes from the platform stack's `services` output (infra/contract), read through a
// StackReference, so the manifests hold no namespace, host, Secret name or port of their own.
//
// It deploys the Deployment and the Service. It declares no ServiceMonitor: the platform already
// declares one per service (selecting the Service by the contract's labels and scraping the port
// the contract names), and a second one would scrape every pod twice.
package main

import (
	"encoding/json"
	"fmt"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/suoke-life/suoke-platform/infra/contract"
)

func main() { pulumi.Run(Deploy) }

// Mount paths inside the container; the PG* variables point libpq (and drivers that read them) there.
const (
	clientCertDir = "/etc/postgres/client"
	serverCADir   = "/etc/postgres/server-ca"
)

// Deploy reads the contract and deploys the service.
func Deploy(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	platform, name, image := cfg.Require("platformStack"), cfg.Require("service"), cfg.Require("image")
	replicas := cfg.GetInt("replicas")
	if replicas == 0 {
		replicas = 2
	}
	ref, err := pulumi.NewStackReference(ctx, "platform", &pulumi.StackReferenceArgs{Name: pulumi.String(platform)})
	if err != nil {
		return err
	}
	out, err := ref.GetOutputDetails("services")
	if err != nil {
		return fmt.Errorf("read services of %s: %w", platform, err)
	}
	if out.Value == nil {
		return fmt.Errorf("platform stack %s has no services output (or it is secret): deploy the platform first", platform)
	}
	c, err := find(out.Value, name)
	if err != nil {
		return fmt.Errorf("platform stack %s: %w", platform, err)
	}
	pod := podSpec(c, image)
	labels := pulumi.ToStringMap(c.Labels)
	if _, err := appsv1.NewDeployment(ctx, c.Name, &appsv1.DeploymentArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(c.Name), Namespace: pulumi.String(c.Namespace), Labels: labels},
		Spec: &appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(replicas),
			Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
			Template: &corev1.PodTemplateSpecArgs{Metadata: &metav1.ObjectMetaArgs{Labels: labels}, Spec: pod},
		},
	}); err != nil {
		return err
	}
	if _, err := corev1.NewService(ctx, c.Name, &corev1.ServiceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(c.Name), Namespace: pulumi.String(c.Namespace), Labels: labels},
		Spec: &corev1.ServiceSpecArgs{
			Selector: labels,
			Ports: corev1.ServicePortArray{
				&corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(c.Port), TargetPort: pulumi.String("http")},
				&corev1.ServicePortArgs{Name: pulumi.String(c.Metrics.PortName), Port: pulumi.Int(c.Metrics.Port), TargetPort: pulumi.String(c.Metrics.PortName)},
			},
		},
	}); err != nil {
		return err
	}
	ctx.Export("namespace", pulumi.String(c.Namespace))
	return nil
}

// find picks one service's contract out of the output's value.
func find(v any, name string) (contract.Service, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return contract.Service{}, err
	}
	var all []contract.Service
	if err := json.Unmarshal(b, &all); err != nil {
		return contract.Service{}, fmt.Errorf("output services is not a list of service contracts: %w", err)
	}
	var names []string
	for _, s := range all {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return contract.Service{}, fmt.Errorf("service %q is not in its services output (it has %v)", name, names)
}

// podSpec runs the image as the contract's account, with its credentials, endpoints and ports, under
// the Pod Security "restricted" level the workload namespaces enforce.
func podSpec(c contract.Service, image string) *corev1.PodSpecArgs {
	vars := corev1.EnvVarArray{envVar("OTEL_EXPORTER_OTLP_ENDPOINT", c.OTLPEndpoint), envVar("OTEL_SERVICE_NAME", c.Name)}
	var mounts corev1.VolumeMountArray
	var volumes corev1.VolumeArray
	// 0440: libpq accepts a key readable by its group when root owns the file, as Secret volumes do.
	mode := pulumi.Int(0o440)
	if pg := c.Postgres; pg != nil {
		host := pg.RWHost
		vars = append(vars, envVar("PGPORT", fmt.Sprint(pg.Port)), envVar("PGDATABASE", pg.Database), envVar("PGUSER", pg.User),
			envVar("PGSSLMODE", "verify-full"), envVar("PGSSLROOTCERT", serverCADir+"/ca.crt"))
		volumes = append(volumes, &corev1.VolumeArgs{Name: pulumi.String("postgres-server-ca"),
			ConfigMap: &corev1.ConfigMapVolumeSourceArgs{Name: pulumi.String(pg.ServerCA.Name), DefaultMode: mode}})
		mounts = append(mounts, &corev1.VolumeMountArgs{Name: pulumi.String("postgres-server-ca"), MountPath: pulumi.String(serverCADir), ReadOnly: pulumi.Bool(true)})
		switch pg.Auth {
		case contract.AuthPassword:
			host = pg.PoolerHost
			vars = append(vars, &corev1.EnvVarArgs{Name: pulumi.String("PGPASSWORD"), ValueFrom: &corev1.EnvVarSourceArgs{
				SecretKeyRef: &corev1.SecretKeySelectorArgs{Name: pulumi.String(pg.Credentials.Name), Key: pulumi.String("password")}}})
		default:
			vars = append(vars, envVar("PGSSLCERT", clientCertDir+"/tls.crt"), envVar("PGSSLKEY", clientCertDir+"/tls.key"))
			volumes = append(volumes, &corev1.VolumeArgs{Name: pulumi.String("postgres-client"),
				Secret: &corev1.SecretVolumeSourceArgs{SecretName: pulumi.String(pg.Credentials.Name), DefaultMode: mode}})
			mounts = append(mounts, &corev1.VolumeMountArgs{Name: pulumi.String("postgres-client"), MountPath: pulumi.String(clientCertDir), ReadOnly: pulumi.Bool(true)})
		}
		vars = append(vars, envVar("PGHOST", host))
	}
	if r := c.Redis; r != nil {
		vars = append(vars, envVar("REDIS_HOST", r.Endpoint), envVar("REDIS_READER_HOST", r.ReaderEndpoint), envVar("REDIS_PORT", fmt.Sprint(r.Port)),
			envVar("REDIS_USER", r.User), envVar("REDIS_AUTH", r.Auth), envVar("REDIS_KEY_PREFIX", r.KeyPrefix), envVar("REDIS_TLS", fmt.Sprint(r.TLS)))
	}
	no, yes := pulumi.Bool(false), pulumi.Bool(true)
	return &corev1.PodSpecArgs{
		ServiceAccountName: pulumi.String(c.ServiceAccount),
		SecurityContext: &corev1.PodSecurityContextArgs{RunAsNonRoot: yes, FsGroup: pulumi.Int(10001),
			SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")}},
		Containers: corev1.ContainerArray{&corev1.ContainerArgs{
			Name: pulumi.String(c.Name), Image: pulumi.String(image), Env: vars, VolumeMounts: mounts,
			Ports: corev1.ContainerPortArray{
				&corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(c.Port)},
				&corev1.ContainerPortArgs{Name: pulumi.String(c.Metrics.PortName), ContainerPort: pulumi.Int(c.Metrics.Port)},
			},
			SecurityContext: &corev1.SecurityContextArgs{AllowPrivilegeEscalation: no, ReadOnlyRootFilesystem: yes, RunAsUser: pulumi.Int(10001),
				Capabilities: &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}}},
			Resources: &corev1.ResourceRequirementsArgs{Requests: pulumi.StringMap{"cpu": pulumi.String("250m"), "memory": pulumi.String("256Mi")},
				Limits: pulumi.StringMap{"memory": pulumi.String("512Mi")}},
		}},
		Volumes: volumes,
	}
}

func envVar(name, value string) *corev1.EnvVarArgs {
	return &corev1.EnvVarArgs{Name: pulumi.String(name), Value: pulumi.String(value)}
}
