package cluster

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/identity"
)

// IngressClassPublic is the public ALB's IngressClass; its parameters carry the scheme, TLS policy,
// certificate and web ACL, so an Ingress cannot weaken them.
const IngressClassPublic = "alb-public"

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
func webACL(ctx *pulumi.Context, c *Cluster) (*wafv2.WebAcl, error) {
	in := c.args.Config.Ingress
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
	return wafv2.NewWebAcl(ctx, c.name+"-waf", &wafv2.WebAclArgs{
		Name:          pulumi.String(c.args.Name + "-public"),
		Description:   pulumi.String("Public ingress of " + c.args.Name + ": rate limits per IP and AWS managed rules"),
		Scope:         pulumi.String("REGIONAL"),
		DefaultAction: &wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         rules,
		VisibilityConfig: &wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true), MetricName: pulumi.String(c.args.Name + "-public"), SampledRequestsEnabled: pulumi.Bool(true),
		},
	}, pulumi.Parent(c))
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
func ingress(ctx *pulumi.Context, c *Cluster) error {
	acl, err := webACL(ctx, c)
	if err != nil {
		return err
	}
	c.WebACLArn = acl.Arn
	in := c.args.Config.Ingress
	logBucket, logPolicy, err := accessLogBucket(ctx, c) // accesslogs.go
	if err != nil {
		return err
	}
	spec := acl.Arn.ApplyT(func(arn string) (map[string]any, error) {
		p := ingressClassParams{
			Scheme: "internet-facing", IPAddressType: "ipv4", Group: map[string]string{"name": c.args.Name + "-public"},
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
		return toPlain(p)
	}).(pulumi.MapOutput)
	// The CRD comes with the controller's chart: the parameters wait for it.
	opts := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(c.Provider), pulumi.DependsOn([]pulumi.Resource{c.LoadBalancerController})}
	// The parameters also wait for the log bucket's policy: ELB refuses access_logs.s3.enabled=true
	// until it may write to the bucket, and the controller's reconcile fails with it.
	params, err := apiextensions.NewCustomResource(ctx, c.name+"-ingress-params", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("elbv2.k8s.aws/v1beta1"),
		Kind:        pulumi.String("IngressClassParams"),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(IngressClassPublic)},
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{logPolicy}))...)
	if err != nil {
		return err
	}
	if _, err := networkingv1.NewIngressClass(ctx, c.name+"-ingress-class", &networkingv1.IngressClassArgs{
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

// lbControllerPolicy is the load balancer controller's IAM policy: the controller's own
// docs/install/iam_policy.json (v3.5.0; iam_policy_cn.json differs only in partition), without the
// WAF classic, Shield and Cognito actions this cluster turns off. ARNs take this partition.
func lbControllerPolicy(ctx *pulumi.Context, env *identity.Env) (policyDoc, error) {
	elb, err := env.ServicePrincipal(ctx, "elasticloadbalancing")
	if err != nil {
		return policyDoc{}, err
	}
	arn := func(svc, res string) string { return env.ARN(svc, "*", "*", res) }
	clusterTagged := map[string]map[string]any{"Null": {"aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
	requestTagged := map[string]map[string]any{"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}
	retag := map[string]map[string]any{"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
	lbs := []string{arn("elasticloadbalancing", "targetgroup/*/*"), arn("elasticloadbalancing", "loadbalancer/net/*/*"), arn("elasticloadbalancing", "loadbalancer/app/*/*")}
	return doc(
		statement{Effect: "Allow", Action: "iam:CreateServiceLinkedRole", Resource: "*", Condition: map[string]map[string]any{"StringEquals": {"iam:AWSServiceName": elb}}},
		statement{Effect: "Allow", Resource: "*", Action: []string{
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
		statement{Effect: "Allow", Resource: "*", Action: []string{
			"acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate",
			"wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
		}},
		statement{Effect: "Allow", Resource: "*", Action: []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"}},
		statement{Effect: "Allow", Resource: "*", Action: "ec2:CreateSecurityGroup"},
		statement{Effect: "Allow", Resource: arn("ec2", "security-group/*"), Action: "ec2:CreateTags",
			Condition: map[string]map[string]any{"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"}, "Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}},
		statement{Effect: "Allow", Resource: arn("ec2", "security-group/*"), Action: []string{"ec2:CreateTags", "ec2:DeleteTags"}, Condition: retag},
		statement{Effect: "Allow", Resource: "*", Action: []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"}, Condition: clusterTagged},
		statement{Effect: "Allow", Resource: "*", Action: []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"}, Condition: requestTagged},
		statement{Effect: "Allow", Resource: "*", Action: []string{"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"}},
		statement{Effect: "Allow", Resource: lbs, Action: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}, Condition: retag},
		statement{Effect: "Allow", Action: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"}, Resource: []string{
			arn("elasticloadbalancing", "listener/net/*/*/*"), arn("elasticloadbalancing", "listener/app/*/*/*"),
			arn("elasticloadbalancing", "listener-rule/net/*/*/*"), arn("elasticloadbalancing", "listener-rule/app/*/*/*"),
		}},
		statement{Effect: "Allow", Resource: "*", Condition: clusterTagged, Action: []string{
			"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
			"elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
			"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyListenerAttributes",
			"elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
		}},
		statement{Effect: "Allow", Resource: lbs, Action: "elasticloadbalancing:AddTags", Condition: map[string]map[string]any{
			"StringEquals": {"elasticloadbalancing:CreateAction": []string{"CreateTargetGroup", "CreateLoadBalancer"}},
			"Null":         {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}},
		statement{Effect: "Allow", Resource: arn("elasticloadbalancing", "targetgroup/*/*"), Action: []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"}},
		statement{Effect: "Allow", Resource: "*", Action: []string{
			"elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates",
			"elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
		}},
	), nil
}

// toPlain renders typed values as the plain map a chart or custom resource takes.
func toPlain(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}
