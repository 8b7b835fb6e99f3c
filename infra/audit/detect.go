package audit

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/securityhub"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/identity"
)

// configRoleFor is the role AWS Config assumes, made once (IAM is global) with AWS_ConfigRole to
// describe resources, and allowed, per region, to write to that region's Config bucket with that
// region's key (China edition of the Config Developer Guide, "Permissions for the IAM Role Assigned
// to AWS Config": trust config.amazonaws.com on aws:SourceAccount, AWS_ConfigRole for the
// configuration details, PutObject under <prefix>/AWSLogs/<account>/Config/ with
// bucket-owner-full-control, GetBucketAcl, and the KMS key). A role of our own rather than Config's
// service-linked role: that one is account-wide in IAM and belongs with infra/account's table; this
// role is made here, once, by the same owner.
func (b *builder) configRoleFor(r *regional, bucket string) (*iam.Role, error) {
	ctx, env := b.ctx, r.env
	if b.configRole == nil {
		provided, err := env.ServicePrincipal(ctx, "config")
		if err != nil {
			return nil, err
		}
		trust, err := kitiam.Document(kitiam.Statement{Effect: "Allow",
			Principal: service(awsfacts.AuditPrincipals(env.Partition, "config", provided)), Action: "sts:AssumeRole",
			Condition: map[string]map[string]any{"StringEquals": {"AWS:SourceAccount": env.AccountID}}})
		if err != nil {
			return nil, err
		}
		role, err := iam.NewRole(ctx, b.name+"-config", &iam.RoleArgs{
			Name:             pulumi.String(b.args.Name + "-audit-config"),
			AssumeRolePolicy: pulumi.String(trust),
			Description:      pulumi.String("AWS Config recorder of the audit baseline, every region"),
		}, b.opts(env)...)
		if err != nil {
			return nil, err
		}
		if _, err := iam.NewRolePolicyAttachment(ctx, b.name+"-config", &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.String(kitiam.ManagedPolicyARN(env.Partition, "service-role/AWS_ConfigRole")),
		}, b.opts(env)...); err != nil {
			return nil, err
		}
		b.configRole = role
	}
	arn := env.ARN("s3", "", "", bucket)
	policy := r.key.Arn.ApplyT(func(key string) (string, error) {
		return kitiam.Document(
			kitiam.Statement{Effect: "Allow", Action: "s3:GetBucketAcl", Resource: arn},
			kitiam.Statement{Effect: "Allow", Action: "s3:PutObject", Resource: arn + "/" + configPrefix + "/AWSLogs/" + env.AccountID + "/Config/*",
				Condition: map[string]map[string]any{"StringLike": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
			kitiam.Statement{Effect: "Allow", Action: []string{"kms:GenerateDataKey", "kms:Decrypt"}, Resource: key},
		)
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, b.logical(env, "config"), &iam.RolePolicyArgs{Role: b.configRole.ID(), Policy: policy}, b.opts(env)...); err != nil {
		return nil, err
	}
	return b.configRole, nil
}

// config records every supported resource type of the region (global IAM types only in the home
// region, so they are recorded once), delivers to the region's Config bucket, and evaluates the
// managed rules the partition offers (awsfacts.ConfigRulesFor). It returns the recorder status, which
// rules and Security Hub's controls wait for.
func (b *builder) config(r *regional, home bool) (pulumi.Resource, error) {
	ctx, env := b.ctx, r.env
	bucket, ready, err := b.configBucket(r)
	if err != nil {
		return nil, err
	}
	role, err := b.configRoleFor(r, bucket)
	if err != nil {
		return nil, err
	}
	name := b.args.Name + "-audit"
	recorder, err := cfg.NewRecorder(ctx, b.logical(env, "config"), &cfg.RecorderArgs{
		Name: pulumi.String(name), RoleArn: role.Arn,
		RecordingGroup: &cfg.RecorderRecordingGroupArgs{AllSupported: pulumi.Bool(true), IncludeGlobalResourceTypes: pulumi.Bool(home)},
	}, b.opts(env)...)
	if err != nil {
		return nil, err
	}
	channel, err := cfg.NewDeliveryChannel(ctx, b.logical(env, "config"), &cfg.DeliveryChannelArgs{
		Name: pulumi.String(name), S3BucketName: pulumi.String(bucket), S3KeyPrefix: pulumi.String(configPrefix),
		S3KmsKeyArn:                r.key.Arn,
		SnapshotDeliveryProperties: &cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs{DeliveryFrequency: pulumi.String("TwentyFour_Hours")},
	}, b.opts(env, pulumi.DependsOn(append([]pulumi.Resource{recorder}, ready...)))...)
	if err != nil {
		return nil, err
	}
	status, err := cfg.NewRecorderStatus(ctx, b.logical(env, "config"), &cfg.RecorderStatusArgs{
		Name: recorder.Name, IsEnabled: pulumi.Bool(true),
	}, b.opts(env, pulumi.DependsOn([]pulumi.Resource{channel}))...)
	if err != nil {
		return nil, err
	}
	for _, rule := range awsfacts.ConfigRulesFor(env.Partition) {
		if _, err := cfg.NewRule(ctx, b.logical(env, rule.Name), &cfg.RuleArgs{
			Name:        pulumi.String(rule.Name),
			Description: pulumi.String("mirrors " + rule.Mirrors),
			Source:      &cfg.RuleSourceArgs{Owner: pulumi.String("AWS"), SourceIdentifier: pulumi.String(rule.Identifier)},
			Tags:        tierTags(),
		}, b.opts(env, pulumi.DependsOn([]pulumi.Resource{status}))...); err != nil {
			return nil, err
		}
	}
	return status, nil
}

// guardDuty is the region's detector: findings published every 15 minutes, the protections the
// partition offers (awsfacts.GuardDutyFeaturesFor: S3 and EKS audit logs; Runtime Monitoring not in
// China).
func (b *builder) guardDuty(env *identity.Env) error {
	d, err := guardduty.NewDetector(b.ctx, b.logical(env, "guardduty"), &guardduty.DetectorArgs{
		Enable: pulumi.Bool(true), FindingPublishingFrequency: pulumi.String(awsfacts.GuardDutyPublishing), Tags: tierTags(),
	}, b.opts(env)...)
	if err != nil {
		return err
	}
	for _, f := range awsfacts.GuardDutyFeaturesFor(env.Partition) {
		if _, err := guardduty.NewDetectorFeature(b.ctx, b.logical(env, "guardduty-"+f), &guardduty.DetectorFeatureArgs{
			DetectorId: d.ID(), Name: pulumi.String(f), Status: pulumi.String("ENABLED"),
		}, b.opts(env)...); err != nil {
			return err
		}
	}
	return nil
}

// securityHub enables Security Hub without its default standards and subscribes the ones chosen in
// awsfacts.SecurityHubStandards; consolidated control findings (one finding per control, whatever the
// standards). Its controls are Config rules, so it waits for the recorder.
func (b *builder) securityHub(env *identity.Env, recorder pulumi.Resource) error {
	acct, err := securityhub.NewAccount(b.ctx, b.logical(env, "securityhub"), &securityhub.AccountArgs{
		EnableDefaultStandards: pulumi.Bool(false), AutoEnableControls: pulumi.Bool(true),
		ControlFindingGenerator: pulumi.String("SECURITY_CONTROL"),
	}, b.opts(env, pulumi.DependsOn([]pulumi.Resource{recorder}))...)
	if err != nil {
		return err
	}
	for i, s := range awsfacts.SecurityHubStandards {
		if _, err := securityhub.NewStandardsSubscription(b.ctx, b.logical(env, "securityhub-standard-"+string(rune('a'+i))), &securityhub.StandardsSubscriptionArgs{
			StandardsArn: pulumi.String(env.ARN("securityhub", env.Region, "", s.Path)),
		}, b.opts(env, pulumi.DependsOn([]pulumi.Resource{acct}))...); err != nil {
			return err
		}
	}
	return nil
}

// ecrScanning scans every repository of the region's registry on push (BASIC: awsfacts.ECRScanning),
// the mirror's images included.
func (b *builder) ecrScanning(env *identity.Env) error {
	_, err := ecr.NewRegistryScanningConfiguration(b.ctx, b.logical(env, "ecr-scanning"), &ecr.RegistryScanningConfigurationArgs{
		ScanType: pulumi.String(awsfacts.ECRScanning.ScanType),
		Rules: ecr.RegistryScanningConfigurationRuleArray{&ecr.RegistryScanningConfigurationRuleArgs{
			ScanFrequency: pulumi.String(awsfacts.ECRScanning.Frequency),
			RepositoryFilters: ecr.RegistryScanningConfigurationRuleRepositoryFilterArray{
				&ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs{Filter: pulumi.String("*"), FilterType: pulumi.String("WILDCARD")},
			},
		}},
	}, b.opts(env)...)
	return err
}

// FindingPatterns are the EventBridge patterns of what must reach the on-call, by rule suffix:
// GuardDuty findings of severity 7 or more (GuardDuty's High band), Security Hub findings labelled
// CRITICAL or HIGH that are new and active (GuardDuty's own are left out there: they arrive through
// the first rule), and the managed rules of this baseline turning NON_COMPLIANT.
func FindingPatterns(configRules []string) map[string]map[string]any {
	return map[string]map[string]any{
		"guardduty-high": {
			"source": []string{"aws.guardduty"}, "detail-type": []string{"GuardDuty Finding"},
			"detail": map[string]any{"severity": []any{map[string]any{"numeric": []any{">=", 7}}}},
		},
		"securityhub-high": {
			"source": []string{"aws.securityhub"}, "detail-type": []string{"Security Hub Findings - Imported"},
			"detail": map[string]any{"findings": map[string]any{
				"Severity": map[string]any{"Label": []string{"CRITICAL", "HIGH"}},
				"Workflow": map[string]any{"Status": []string{"NEW"}}, "RecordState": []string{"ACTIVE"},
				"ProductName": []any{map[string]any{"anything-but": "GuardDuty"}},
			}},
		},
		"config-noncompliant": {
			"source": []string{"aws.config"}, "detail-type": []string{"Config Rules Compliance Change"},
			"detail": map[string]any{
				"messageType": []string{"ComplianceChangeNotification"}, "configRuleName": configRules,
				"newEvaluationResult": map[string]any{"complianceType": []string{"NON_COMPLIANT"}},
			},
		},
	}
}

// findings sends what FindingPatterns match to the region's findings topic (KMS-encrypted with the
// region's audit key), whose subscriptions are the on-call emails.
//
// The path to the on-call. The on-call's receivers in prod are webhooks (DingTalk, SMS and voice
// gateways) that take Alertmanager's payload, not SNS's, and SNS cannot confirm a subscription to
// them; so the topic alone would reach only email receivers, and prod has none. The sound path is
// Prometheus: EventBridge counts every rule's matches in CloudWatch (AWS/Events TriggeredRules by
// RuleName, Audit.FindingRules), which the CloudWatch exporter (YACE, infra/monitoring) can scrape in
// both regions for a P1 alert that Alertmanager routes like every other page, with its inhibitions,
// silences and dead man's switch. The composition hands Audit.FindingRules to infra/monitoring, whose
// exporter scrapes each rule in its region and whose SecurityFinding alert pages on it
// (docs/runbooks/security-finding.md); the topic stays as the e-mail copy.
func (b *builder) findings(r *regional) error {
	ctx, env := b.ctx, r.env
	events, err := env.ServicePrincipal(ctx, "events")
	if err != nil {
		return err
	}
	topic, err := sns.NewTopic(ctx, b.logical(env, "findings"), &sns.TopicArgs{
		Name: pulumi.String(b.args.Name + "-security-findings"), KmsMasterKeyId: r.key.Arn, Tags: tierTags(),
	}, b.opts(env)...)
	if err != nil {
		return err
	}
	tp, err := sns.NewTopicPolicy(ctx, b.logical(env, "findings"), &sns.TopicPolicyArgs{
		Arn: topic.Arn,
		Policy: topic.Arn.ApplyT(func(arn string) (string, error) {
			return kitiam.Document(kitiam.Statement{Sid: "EventBridgePublish", Effect: "Allow", Principal: map[string]any{"Service": events},
				Action: "sns:Publish", Resource: arn,
				Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.AccountID}}})
		}).(pulumi.StringOutput),
	}, b.opts(env)...)
	if err != nil {
		return err
	}
	var ruleNames []string
	for _, rule := range awsfacts.ConfigRulesFor(env.Partition) {
		ruleNames = append(ruleNames, rule.Name)
	}
	patterns := FindingPatterns(ruleNames)
	for _, suffix := range []string{"guardduty-high", "securityhub-high", "config-noncompliant"} {
		doc, err := json.Marshal(patterns[suffix])
		if err != nil {
			return err
		}
		name := b.args.Name + "-" + suffix
		rule, err := cloudwatch.NewEventRule(ctx, b.logical(env, suffix), &cloudwatch.EventRuleArgs{
			Name: pulumi.String(name), EventPattern: pulumi.String(string(doc)), Tags: tierTags(),
			Description: pulumi.String("security findings for the on-call: " + suffix),
		}, b.opts(env)...)
		if err != nil {
			return err
		}
		if _, err := cloudwatch.NewEventTarget(ctx, b.logical(env, suffix), &cloudwatch.EventTargetArgs{
			Rule: rule.Name, Arn: topic.Arn, TargetId: pulumi.String("findings-topic"),
		}, b.opts(env, pulumi.DependsOn([]pulumi.Resource{tp}))...); err != nil {
			return err
		}
		r.rules = append(r.rules, name)
	}
	for i, email := range b.args.AlertEmails {
		if _, err := sns.NewTopicSubscription(ctx, b.logical(env, "findings-email-"+string(rune('a'+i))), &sns.TopicSubscriptionArgs{
			Topic: topic.Arn, Protocol: pulumi.String("email"), Endpoint: email,
		}, b.opts(env)...); err != nil {
			return err
		}
	}
	r.topic = topic.Arn
	return nil
}
