// Package scope is the frame every part of the monitoring component builds in: the component's
// name and parent (every child is <name>-<role> under suoke:monitoring:Monitoring, so the parts'
// resources keep the URNs they had when one package built them), the Kubernetes provider, namespace
// and labels, the stack's protection and tags, the monitoring key, and the few resource shapes the
// parts share (a release, an IRSA role, a private bucket).
package scope

import (
	"fmt"

	awsiam "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/bucket"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/release"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

// Scope is one monitoring component's frame; the composition fills it once and hands it to each part.
type Scope struct {
	Ctx *pulumi.Context
	// Name is the component's name; Parent the component.
	Name   string
	Parent pulumi.Resource
	// Env is the AWS partition, region and account.
	Env *identity.Env
	// Kubernetes is the cluster's provider; Namespace where the monitoring lives; DependsOn what every
	// Kubernetes object needs first (the namespace, the operator's CRDs).
	Kubernetes pulumi.ProviderResource
	Namespace  string
	DependsOn  []pulumi.Resource
	// ClusterName prefixes the IRSA roles' names.
	ClusterName string
	// OIDCProviderARN and OIDCIssuer are the cluster's IAM OIDC provider, for IRSA roles.
	OIDCProviderARN pulumi.StringInput
	OIDCIssuer      pulumi.StringInput
	Registries      config.Registries
	// Protect keeps stateful resources from deletion; Tags go on every AWS resource.
	Protect bool
	Tags    map[string]string
	// Key is the monitoring data's KMS key (log domain, buckets, Grafana's admin secret).
	Key *kms.Key
}

// Child is the resource name of the component's part role.
func (s Scope) Child(role string) string { return s.Name + "-" + role }

// AWS are the options of an AWS child.
func (s Scope) AWS() []pulumi.ResourceOption { return []pulumi.ResourceOption{pulumi.Parent(s.Parent)} }

// Kept are the options of a stateful AWS child: protected and retained on delete where the stack is.
func (s Scope) Kept() []pulumi.ResourceOption {
	return append(s.AWS(), pulumi.Protect(s.Protect), pulumi.RetainOnDelete(s.Protect))
}

// K8s are the options of a Kubernetes child that waits for DependsOn and deps.
func (s Scope) K8s(deps ...pulumi.Resource) []pulumi.ResourceOption {
	all := append(append([]pulumi.Resource(nil), s.DependsOn...), deps...)
	return []pulumi.ResourceOption{pulumi.Parent(s.Parent), pulumi.Provider(s.Kubernetes), pulumi.DependsOn(all)}
}

// Meta is a Kubernetes object's metadata in the monitoring namespace, labelled as ours.
func (s Scope) Meta(name string, labels map[string]string) *metav1.ObjectMetaArgs {
	l := pulumi.StringMap{"app.kubernetes.io/managed-by": pulumi.String("pulumi"), "app.kubernetes.io/part-of": pulumi.String("suoke-monitoring")}
	for k, v := range labels {
		l[k] = pulumi.String(v)
	}
	return &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(s.Namespace), Labels: l}
}

// Release installs one chart of the pin table with Go-built values as the child key; extra adds
// values that are outputs. 15 minutes covers volume provisioning and image pulls through the mirror.
func (s Scope) Release(key, releaseName string, values map[string]any, extra pulumi.Map, deps ...pulumi.Resource) (*helmv3.Release, error) {
	vals, err := release.Values(values)
	if err != nil {
		return nil, fmt.Errorf("%s values: %w", key, err)
	}
	for k, v := range extra {
		vals[k] = v
	}
	r, _, err := release.New(s.Ctx, s.Child(key), release.Args{Release: releaseName, Namespace: s.Namespace,
		Registries: s.Registries, Values: vals, Timeout: 900}, s.K8s(deps...)...)
	return r, err
}

// PrivateBucket is one bucket of the monitoring data (bucket.NewPrivate): emptied on delete only
// where the stack is not protected, public access blocked, SSE-KMS with the monitoring key and a
// bucket key, versioned, the given lifecycle rule, and TLS only. child names every part.
func (s Scope) PrivateBucket(child, name string, extra map[string]string, rule *s3.BucketLifecycleConfigurationV2RuleArgs) (*s3.BucketV2, error) {
	b, err := bucket.NewPrivate(s.Ctx, s.Child(child), bucket.Args{
		Bucket: name, Partition: s.Env.Partition, ForceDestroy: !s.Protect, Tags: tags.Of(s.Tags, extra),
		KMSKeyARN: s.Key.Arn, Lifecycle: rule,
	}, s.AWS()...)
	if err != nil {
		return nil, err
	}
	return b.Bucket, nil
}

// RoleName is an IRSA role's explicit name: the cluster and the workload, within IAM's 64 characters.
func (s Scope) RoleName(role string) string {
	n := s.ClusterName + "-" + role
	if len(n) > 64 {
		n = n[:64]
	}
	return n
}

// IRSARole is the role only the service account account of the monitoring namespace may assume, named
// RoleName(role), with the statements as its inline policy. A statement on KeyStatement's resource is
// on the monitoring key, whose ARN is an output. It returns the role and its ARN, built from the
// explicit name so that values and bodies that carry it are plain strings.
func (s Scope) IRSARole(role, account string, statements []iam.Statement) (*awsiam.Role, string, error) {
	name := s.RoleName(role)
	policy := s.Key.Arn.ApplyT(func(keyARN string) (string, error) {
		st := make([]iam.Statement, 0, len(statements))
		for _, x := range statements {
			if x.Resource == keyPlaceholder {
				x.Resource = keyARN
			}
			st = append(st, x)
		}
		return iam.Document(st...)
	}).(pulumi.StringOutput)
	r, _, err := iam.NewServiceAccountRole(s.Ctx, s.Child(role), iam.ServiceAccountRoleArgs{
		Name: name, Description: "IRSA role of " + s.Namespace + "/" + account,
		OIDCProviderARN: s.OIDCProviderARN, OIDCIssuer: s.OIDCIssuer,
		Namespace: s.Namespace, ServiceAccount: account, Policy: policy, Tags: tags.Of(s.Tags, nil),
	}, s.AWS()...)
	return r, s.Env.ARN("iam", "", s.Env.AccountID, "role/"+name), err
}

const keyPlaceholder = "<monitoring-kms-key>"

// KeyStatement lets a role use the monitoring key's data keys (SSE-KMS of the monitoring buckets).
func KeyStatement() iam.Statement {
	return iam.Allow([]string{"kms:Decrypt", "kms:GenerateDataKey"}, keyPlaceholder)
}
