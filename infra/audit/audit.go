// Package audit is the account's audit and detection baseline: a multi-region CloudTrail trail into a
// locked bucket and CloudWatch Logs, and in every region the platform uses GuardDuty, AWS Config (into
// a bucket of the region) with managed rules that mirror the program's policies, Security Hub, ECR
// scan on push, and EventBridge rules that send high-severity findings to an encrypted SNS topic.
//
// Why: the platform processes health data (PIPL sensitive personal information), and the
// Cybersecurity Law (Art. 21) requires network and security logs kept at least six months.
//
// Everything here is one per account and region (a trail per account, a detector, a configuration
// recorder, a Security Hub account, a registry scanning configuration per region), so only the stack
// that owns the account baseline creates it (config accountBaseline, prod), in its own region and its
// DR region, and keeps it on destroy: every resource is protected and retained.
//
// Which facts hold in China (principals, protections, rules, standards, scanning) are rows of
// infra/awsfacts/audit.go, each with its source.
package audit

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/cost"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/tags"
)

const (
	// LockDays is the bucket's default object-lock retention (COMPLIANCE: nobody, root included, can
	// delete or overwrite a log file before it ends): the six months of Cybersecurity Law Art. 21.
	LockDays = 180
	// LockMode is the object-lock mode of the audit bucket.
	LockMode = "COMPLIANCE"
	// ExpireDays is when a log file expires: after the lock, a year, the period an audit usually asks
	// about; its noncurrent version goes a day later.
	ExpireDays = 365
	// LogRetentionDays is the CloudTrail log group's retention (a CloudWatch Logs retention value): the
	// six months again, for queries and alerting; the bucket is the archive.
	LogRetentionDays = 180
	// BucketRole tags the audit bucket (tags.BucketRole), as the backup buckets are tagged.
	BucketRole = tags.BucketRoleAudit
	// configPrefix is where AWS Config delivers in its bucket.
	configPrefix = "config"
)

// Args are the audit baseline's inputs.
type Args struct {
	// Name prefixes every physical name (the project, suoke-platform).
	Name string
	// Home is the region of the trail, the audit bucket and the global-resource recording: the owner
	// stack's own region.
	Home *identity.Env
	// Others are the further regions the platform runs in (the DR region). Each gets GuardDuty,
	// Config (into a bucket of its own region), Security Hub, ECR scanning and the finding rules.
	Others []*identity.Env
	// AlertEmails are subscribed to every region's findings topic (the on-call receivers' emails;
	// secrets). Webhook receivers are not: see Audit.FindingRules.
	AlertEmails []pulumi.StringInput
}

// Audit is the component and what others read of it.
type Audit struct {
	pulumi.ResourceState

	// TrailARN is the multi-region trail's ARN; Bucket the audit bucket's name.
	TrailARN pulumi.StringOutput
	Bucket   string
	// FindingTopics are the SNS topics the finding rules publish to, by region.
	FindingTopics map[string]pulumi.StringOutput
	// FindingRules are the EventBridge rule names by region. EventBridge counts their matches in
	// CloudWatch (namespace AWS/Events, metric TriggeredRules, dimension RuleName): the series the
	// CloudWatch exporter can scrape for a P1 alert through Alertmanager (see New).
	FindingRules map[string][]string
}

// New builds the baseline. The AWS provider of Home comes in opts like every component's; each
// region's resources go through its Env's provider.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Audit, error) {
	if args.Home == nil {
		return nil, fmt.Errorf("audit: no home region")
	}
	a := &Audit{FindingTopics: map[string]pulumi.StringOutput{}, FindingRules: map[string][]string{}}
	if err := ctx.RegisterComponentResource("suoke:platform:Audit", name, a, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, args: args, parent: a}
	home, err := b.region(args.Home, true)
	if err != nil {
		return nil, err
	}
	trail, err := b.trail(home)
	if err != nil {
		return nil, err
	}
	a.TrailARN, a.Bucket = trail, home.bucket
	a.FindingTopics[args.Home.Region], a.FindingRules[args.Home.Region] = home.topic, home.rules
	for _, env := range args.Others {
		r, err := b.region(env, false)
		if err != nil {
			return nil, err
		}
		a.FindingTopics[env.Region], a.FindingRules[env.Region] = r.topic, r.rules
	}
	topics := pulumi.StringMap{}
	for k, v := range a.FindingTopics {
		topics[k] = v
	}
	return a, ctx.RegisterResourceOutputs(a, pulumi.Map{
		"trailArn": a.TrailARN, "bucket": pulumi.String(a.Bucket), "findingTopics": topics,
	})
}

// builder carries what every part needs.
type builder struct {
	ctx    *pulumi.Context
	name   string
	args   Args
	parent pulumi.Resource
	// configRole is the role AWS Config assumes in every region (IAM is global: made once).
	configRole *iam.Role
}

// opts places a resource in env's region, under the component, protected and kept on delete: the
// baseline outlives the owner stack (a destroy of it must not switch off the account's audit trail).
func (b *builder) opts(env *identity.Env, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.parent), pulumi.Provider(env.Provider),
		pulumi.Protect(true), pulumi.RetainOnDelete(true)}, extra...)
}

// logical names a resource of the region: audit-<region>-<what>.
func (b *builder) logical(env *identity.Env, what string) string {
	return b.name + "-" + env.Region + "-" + what
}

// tierTags put audit resources in the security cost tier.
func tierTags(extra ...string) pulumi.StringMap {
	m := pulumi.StringMap{cost.TierKey: pulumi.String(cost.TierSecurity)}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = pulumi.String(extra[i+1])
	}
	return m
}

// service renders a Service principal: one string, or the list when a service has more than one form.
func service(principals []string) map[string]any {
	if len(principals) == 1 {
		return map[string]any{"Service": principals[0]}
	}
	return map[string]any{"Service": principals}
}
