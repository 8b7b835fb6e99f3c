// Package edge builds the cluster's public entry: the regional WAFv2 web ACL, the ALB's access-log
// bucket (accesslogs.go), and the public IngressClass whose parameters carry the scheme, TLS policy,
// certificate, web ACL and log attributes, so that no Ingress can weaken them.
package edge

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/release"
)

// IngressClassPublic is the public ALB's IngressClass; its parameters carry the scheme, TLS policy,
// certificate and web ACL, so an Ingress cannot weaken them.
const IngressClassPublic = "alb-public"

// Args configures the edge. The cluster component fills it from its own Args and what it built.
type Args struct {
	// Prefix is the cluster component's name, which every resource's name starts with; Parent is
	// that component, Provider its Kubernetes provider.
	Prefix   string
	Parent   pulumi.Resource
	Provider *kubernetes.Provider
	// ClusterName is the EKS cluster's name: it names the web ACL, the ALB group and the log bucket.
	ClusterName string
	Ingress     config.Ingress
	// Production turns on ALB deletion protection (with Ingress.DeletionProtection); Protect keeps
	// the log bucket's objects on destroy.
	Production bool
	Protect    bool
	// LoadBalancerSGID is the network's load balancer security group.
	LoadBalancerSGID pulumi.StringInput
	// LoadBalancerController is its release: the IngressClassParams CRD comes with its chart.
	LoadBalancerController pulumi.Resource
	Env                    *identity.Env
	// Tags go on the log bucket beside its role tags.
	Tags map[string]string
}

// Edge is what New built.
type Edge struct {
	// WebACLArn is the regional WAFv2 web ACL in front of the public ALB.
	WebACLArn pulumi.StringOutput
	// IngressClassName is the public ALB's IngressClass; IngressAnnotations are what the gateway's
	// Ingress carries (listen ports, the load balancer security group, IP targets).
	IngressClassName   string
	IngressAnnotations pulumi.StringMap

	args Args
}

// New builds the web ACL, the log bucket and the public IngressClass.
func New(ctx *pulumi.Context, a Args) (*Edge, error) {
	c := &Edge{args: a}
	if err := ingress(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// managedRuleGroups are the AWS managed rule groups the web ACL runs, in both partitions (AWS WAF
// Developer Guide "AWS Managed Rules rule groups list"; the China "Amazon WAF" page lists Bot Control
// as the only group limited there, read 2026-11-25). Counted against the ACL's 1,500 WCU: 700 + 200
// + 25 + 200 = 1,125, leaving room for the rate rules (2 WCU each, plus their scope-down).
var managedRuleGroups = []string{
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesSQLiRuleSet",
}

func visibility(metric string) *wafv2.WebAclRuleVisibilityConfigArgs {
	return &wafv2.WebAclRuleVisibilityConfigArgs{CloudwatchMetricsEnabled: pulumi.Bool(true), MetricName: pulumi.String(metric), SampledRequestsEnabled: pulumi.Bool(true)}
}

// webACL is the regional WAFv2 web ACL: the rate rules first (cheapest, and a flood should not cost
// managed-rule evaluations), then the managed groups.
func webACL(ctx *pulumi.Context, c *Edge) (*wafv2.WebAcl, error) {
	in := c.args.Ingress
	var rules wafv2.WebAclRuleArray
	prio := 0
	for _, r := range in.RateRules {
		stmt := &wafv2.WebAclRuleStatementRateBasedStatementArgs{
			Limit: pulumi.Int(r.Limit), EvaluationWindowSec: pulumi.Int(r.WindowSeconds), AggregateKeyType: pulumi.String("IP"),
		}
		if r.PathPrefix != "" {
			stmt.ScopeDownStatement = &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs{
				ByteMatchStatement: &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementArgs{
					FieldToMatch: &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchArgs{
						UriPath: &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchUriPathArgs{},
					},
					PositionalConstraint: pulumi.String("STARTS_WITH"),
					SearchString:         pulumi.String(r.PathPrefix),
					TextTransformations: wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementTextTransformationArray{
						&wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementTextTransformationArgs{Priority: pulumi.Int(0), Type: pulumi.String("LOWERCASE")},
					},
				},
			}
		}
		rules = append(rules, &wafv2.WebAclRuleArgs{
			Name: pulumi.String("rate-" + r.Name), Priority: pulumi.Int(prio),
			Action:           &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}},
			Statement:        &wafv2.WebAclRuleStatementArgs{RateBasedStatement: stmt},
			VisibilityConfig: visibility("rate-" + r.Name),
		})
		prio++
	}
	for _, g := range managedRuleGroups {
		rules = append(rules, &wafv2.WebAclRuleArgs{
			Name: pulumi.String(g), Priority: pulumi.Int(prio),
			OverrideAction: &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}},
			Statement: &wafv2.WebAclRuleStatementArgs{ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
				Name: pulumi.String(g), VendorName: pulumi.String("AWS"),
			}},
			VisibilityConfig: visibility(g),
		})
		prio++
	}
	return wafv2.NewWebAcl(ctx, c.args.Prefix+"-waf", &wafv2.WebAclArgs{
		Name:          pulumi.String(c.args.ClusterName + "-public"),
		Description:   pulumi.String("Public ingress of " + c.args.ClusterName + ": rate limits per IP and AWS managed rules"),
		Scope:         pulumi.String("REGIONAL"),
		DefaultAction: &wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         rules,
		VisibilityConfig: &wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true), MetricName: pulumi.String(c.args.ClusterName + "-public"), SampledRequestsEnabled: pulumi.Bool(true),
		},
	}, pulumi.Parent(c.args.Parent))
}

// ingressClassParams is the spec of the controller's IngressClassParams (elbv2.k8s.aws/v1beta1;
// field names from the CRD in the chart at the pinned version).
type ingressClassParams struct {
	Scheme                 string              `json:"scheme"`
	IPAddressType          string              `json:"ipAddressType"`
	Group                  map[string]string   `json:"group"`
	SSLPolicy              string              `json:"sslPolicy"`
	SSLRedirectPort        string              `json:"sslRedirectPort"`
	CertificateARN         []string            `json:"certificateArn,omitempty"`
	WAFv2ACLArn            string              `json:"wafv2AclArn"`
	LoadBalancerAttributes []map[string]string `json:"loadBalancerAttributes"`
}

// ingress creates the web ACL and the public IngressClass with its parameters: internet-facing,
// HTTPS with HTTP redirected, a TLS 1.2+ policy, the configured certificate, the web ACL.
func ingress(ctx *pulumi.Context, c *Edge) error {
	acl, err := webACL(ctx, c)
	if err != nil {
		return err
	}
	c.WebACLArn = acl.Arn
	in := c.args.Ingress
	logBucket, logPolicy, err := accessLogBucket(ctx, c) // accesslogs.go
	if err != nil {
		return err
	}
	spec := acl.Arn.ApplyT(func(arn string) (map[string]any, error) {
		p := ingressClassParams{
			Scheme: "internet-facing", IPAddressType: "ipv4", Group: map[string]string{"name": c.args.ClusterName + "-public"},
			SSLPolicy: in.SSLPolicy, SSLRedirectPort: "443", WAFv2ACLArn: arn,
			LoadBalancerAttributes: []map[string]string{
				{"key": "routing.http.drop_invalid_header_fields.enabled", "value": "true"},
				{"key": "deletion_protection.enabled", "value": fmt.Sprint(in.DeletionProtection && c.args.Production)},
				// Access logs to the bucket of accesslogs.go, kept for logRetentionMinimumDays. Attribute
				// names: ALB load balancer attributes (access_logs.s3.enabled, .bucket, .prefix), as the
				// controller's docs at the pinned v3.5.0 give them (kubernetes-sigs/aws-load-balancer-controller
				// docs/guide/ingress/annotations.md, load-balancer-attributes; read 2026-12-02). Set here, in
				// the IngressClassParams, they override an Ingress's load-balancer-attributes annotation
				// (pkg/ingress/model_build_load_balancer_attributes.go @v3.5.0: the class's attributes are
				// merged first and MergeStringMap keeps the first value).
				{"key": "access_logs.s3.enabled", "value": "true"},
				{"key": "access_logs.s3.bucket", "value": logBucket},
				{"key": "access_logs.s3.prefix", "value": AccessLogPrefix},
			},
		}
		if in.CertificateARN != "" {
			p.CertificateARN = []string{in.CertificateARN}
		}
		return release.Plain(p)
	}).(pulumi.MapOutput)
	// The CRD comes with the controller's chart: the parameters wait for it.
	opts := []pulumi.ResourceOption{pulumi.Parent(c.args.Parent), pulumi.Provider(c.args.Provider), pulumi.DependsOn([]pulumi.Resource{c.args.LoadBalancerController})}
	// The parameters also wait for the log bucket's policy: ELB refuses access_logs.s3.enabled=true
	// until it may write to the bucket, and the controller's reconcile fails with it.
	params, err := apiextensions.NewCustomResource(ctx, c.args.Prefix+"-ingress-params", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("elbv2.k8s.aws/v1beta1"),
		Kind:        pulumi.String("IngressClassParams"),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(IngressClassPublic)},
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{logPolicy}))...)
	if err != nil {
		return err
	}
	if _, err := networkingv1.NewIngressClass(ctx, c.args.Prefix+"-ingress-class", &networkingv1.IngressClassArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(IngressClassPublic)},
		Spec: &networkingv1.IngressClassSpecArgs{
			Controller: pulumi.String("ingress.k8s.aws/alb"),
			Parameters: &networkingv1.IngressClassParametersReferenceArgs{
				ApiGroup: pulumi.String("elbv2.k8s.aws"), Kind: pulumi.String("IngressClassParams"), Name: pulumi.String(IngressClassPublic),
			},
		},
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{params}))...); err != nil {
		return err
	}
	c.IngressClassName = IngressClassPublic
	c.IngressAnnotations = pulumi.StringMap{
		"alb.ingress.kubernetes.io/listen-ports": pulumi.String(`[{"HTTP":80},{"HTTPS":443}]`),
		"alb.ingress.kubernetes.io/target-type":  pulumi.String("ip"),
		// The network's load balancer group: 80/443 from the internet, out to the gateway ports,
		// whose node-side rules the network owns; the controller adds no group or rule of its own.
		"alb.ingress.kubernetes.io/security-groups":                     c.args.LoadBalancerSGID,
		"alb.ingress.kubernetes.io/manage-backend-security-group-rules": pulumi.String("false"),
	}
	return nil
}
