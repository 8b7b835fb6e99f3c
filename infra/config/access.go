package config

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// A service's reach beyond its pods: the IAM statements its role grants (awsAccess) and the
// destinations outside the VPC its pods may open connections to (egress).
//
// awsAccess is a list of statements, each naming actions and the resources they act on:
//
//	awsAccess: [{actions: [s3:GetObject, s3:PutObject], resources: ["arn:aws-cn:s3:::suoke-media-prod/uploads/*"]}]
//
// Explicit ARNs rather than named grants ("read bucket X"): an SRE reviewing a stack file reads the
// exact statement the role gets, and any service's resource can be named without a new grant kind.
// What cannot be named is checked here, before anything is built (the rules are in validateGrant).
//
// egress is a list of rules, each a set of IPv4 CIDRs outside the VPC and the ports on them:
//
//	egress: [{cidrs: ["203.0.113.0/24"], ports: [443]}]
//
// NetworkPolicies select by address, not by host name, so a model API or a blockchain peer is
// named by the ranges its operator publishes (or by the address of an egress proxy the platform
// runs). An empty list keeps the service inside the VPC.

// AWSGrant is one IAM statement of a service's role: Allow actions on resources.
type AWSGrant struct {
	Actions   []string
	Resources []string
}

// EgressRule lets a service's pods open connections to CIDRs outside the VPC on ports.
type EgressRule struct {
	CIDRs    []string
	Ports    []int
	Protocol string
}

// Egress protocols a rule may name (NetworkPolicyPort.protocol; SCTP is not offered).
const (
	ProtocolTCP = "TCP"
	ProtocolUDP = "UDP"
)

// AllEgressProtocols lists the protocols an egress rule may name.
func AllEgressProtocols() []string { return []string{ProtocolTCP, ProtocolUDP} }

var (
	grantFields  = []string{FieldActions, FieldResources}
	egressFields = []string{FieldCIDRs, FieldPorts, FieldProtocol}
)

// grants decodes a service's awsAccess. The shape before issue 13, a bare list of actions, gets its
// own message: each of those actions was granted on "*".
func (d *decoder) grants(path *field.Path, raw json.RawMessage) []AWSGrant {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		d.errs = append(d.errs, field.Invalid(path, rawValue(raw), `must be a list of {"actions": [...], "resources": [...]} objects`))
		return nil
	}
	out := make([]AWSGrant, 0, len(items))
	for i, item := range items {
		p := path.Index(i)
		var s string
		if json.Unmarshal(item, &s) == nil {
			d.errs = append(d.errs, field.Invalid(p, s, `must be {"actions": [...], "resources": [...]}: a bare action would be granted on every resource`))
			continue
		}
		m, ok := d.object(p, item, grantFields)
		if !ok {
			continue
		}
		var g AWSGrant
		d.strings(p, m, FieldActions, &g.Actions)
		d.strings(p, m, FieldResources, &g.Resources)
		out = append(out, g)
	}
	return out
}

// egress decodes a service's egress rules; the protocol defaults to TCP.
func (d *decoder) egress(path *field.Path, raw json.RawMessage) []EgressRule {
	return list(d, path, raw, egressFields, "egress", func(p *field.Path, m map[string]json.RawMessage) EgressRule {
		var e EgressRule
		d.strings(p, m, FieldCIDRs, &e.CIDRs)
		d.ints(p, m, FieldPorts, &e.Ports)
		d.string(p, m, FieldProtocol, &e.Protocol)
		if e.Protocol == "" {
			e.Protocol = ProtocolTCP
		}
		return e
	})
}

var (
	// actionService and actionName are the two halves of an IAM action, "service:Action", where the
	// name may end in one wildcard (IAM User Guide, "IAM JSON policy elements: Action", on
	// docs.amazonaws.cn, read 2026-12-03).
	actionService = regexp.MustCompile(`^[a-z0-9-]+$`)
	actionName    = regexp.MustCompile(`^[A-Za-z0-9]*\*?$`)
	// platformBucket matches the buckets the platform keeps for itself: the backup buckets
	// (BackupBucketName: the PostgreSQL archive and the Velero backups, and their access logs),
	// whatever the family, account or region, and the suoke-platform-* buckets (CloudTrail and AWS
	// Config, the ALB and application logs, the traces).
	platformBucket = regexp.MustCompile(`^(suoke-[a-z]+-backup-|suoke-platform-)`)
)

// noWildcardActions are the services on which an action wildcard is refused, even a prefix such as
// s3:Get*: s3:Get* also grants s3:GetObjectAcl, s3:GetObjectVersion (deleted and overwritten data)
// and s3:GetBucketPolicy, s3:Put* grants s3:PutBucketPolicy and s3:PutObjectAcl (making data
// public), and kms:Create*, kms:Re* and kms:Put* reach grants and key policies. Actions on data and
// keys are few enough to name one by one. IAM is refused altogether.
var noWildcardActions = []string{"s3", "kms"}

// derivedActions are granted by the program from the rest of the config, scoped to the service's
// own resources; naming them in awsAccess could only widen that scope.
var derivedActions = map[string]string{
	"elasticache:connect": "is granted from cache: true, on the replication group and this service's own Redis user only",
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// validateGrant checks one awsAccess statement. Resource "*", and any resource wildcard that covers a
// whole service, region, account or resource type, is refused: the statement must name what it acts
// on. ARNs must be in the stack's partition (arn:aws-cn: in the China regions: "ARNs for Amazon Web
// Services in China", docs.amazonaws.cn/en_us/general/latest/gr/ARNs.html, read 2026-12-03); an ARN
// of another partition never matches anything and hides a copy-paste from a global-region stack.
func validateGrant(p *Platform, path *field.Path, g AWSGrant) field.ErrorList {
	var errs field.ErrorList
	ap := path.Child(FieldActions)
	if len(g.Actions) == 0 {
		errs = append(errs, field.Required(ap, "name the IAM actions, such as s3:GetObject"))
	}
	for i, a := range g.Actions {
		errs = append(errs, validateAction(ap.Index(i), a)...)
	}
	rp := path.Child(FieldResources)
	if len(g.Resources) == 0 {
		errs = append(errs, field.Required(rp, fmt.Sprintf("name the resources by ARN, such as arn:%s:s3:::<bucket>/<prefix>/*", p.Region.Partition)))
	}
	for i, r := range g.Resources {
		errs = append(errs, validateResource(p, rp.Index(i), r)...)
	}
	return errs
}

func validateAction(path *field.Path, a string) field.ErrorList {
	svc, name, ok := strings.Cut(a, ":")
	switch {
	case a == "*" || strings.HasPrefix(a, "*"):
		return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q grants every action of every service", a))}
	case !ok || !actionService.MatchString(svc) || name == "" || !actionName.MatchString(name):
		return field.ErrorList{field.Invalid(path, a, `must be an IAM action such as "s3:GetObject" (a trailing * at most)`)}
	case svc == "iam":
		return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q: a service role may not hold IAM permissions (it could widen its own)", a))}
	case name == "*":
		return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q grants every action of %s: name the actions", a, svc))}
	case hasWildcard(name) && contains(noWildcardActions, svc):
		return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q: no wildcard actions on %s, where a prefix also grants policy, ACL and version actions: name each action", a, svc))}
	}
	// A prefix wildcard (elasticache:Conn*) grants the derived action too; IAM matches action names
	// without regard to case.
	stem := strings.ToLower(strings.TrimSuffix(a, "*"))
	for derived, why := range derivedActions {
		if stem == derived || (strings.HasSuffix(a, "*") && strings.HasPrefix(derived, stem)) {
			return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q covers %s, which %s", a, derived, why))}
		}
	}
	return nil
}

func validateResource(p *Platform, path *field.Path, r string) field.ErrorList {
	part := p.Region.Partition
	if r == "*" {
		return field.ErrorList{field.Forbidden(path, `"*" grants the actions on every resource of the account: name the resources by ARN`)}
	}
	f := strings.SplitN(r, ":", 6)
	if len(f) < 6 || f[0] != "arn" {
		return field.ErrorList{field.Invalid(path, r, fmt.Sprintf("must be an ARN, arn:%s:<service>:<region>:<account>:<resource>", part))}
	}
	partition, svc, region, account, res := f[1], f[2], f[3], f[4], f[5]
	switch {
	case partition != part:
		return field.ErrorList{field.Invalid(path, r, fmt.Sprintf("must be in partition %s, the partition of aws:region %s (arn:%s:...)", part, p.Region.Name, part))}
	case svc == "" || hasWildcard(svc):
		return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q names no one service", r))}
	case hasWildcard(region) || hasWildcard(account):
		return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q covers every region or account: name them", r))}
	case res == "" || hasWildcard(res[:1]):
		return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q covers every resource of %s: name the resource", r, svc))}
	}
	switch svc {
	case "s3":
		bucket, _, _ := strings.Cut(res, "/")
		switch {
		case region != "" || account != "":
			return field.ErrorList{field.Invalid(path, r, fmt.Sprintf("an S3 ARN has no region or account: arn:%s:s3:::<bucket>/<prefix>/*", part))}
		case hasWildcard(bucket):
			return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q: the bucket must be named, not matched (a pattern can match the platform's own buckets)", r))}
		case platformBucket.MatchString(bucket):
			return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q is a platform bucket (backups, audit, logs, traces): no service reads or writes it", r))}
		}
	case "kms":
		if hasWildcard(res) {
			return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q: name the key (key/<id>); a pattern also matches the keys of the platform's data", r))}
		}
	default:
		// "table/*", "function:*": a resource type with any name is the whole service too.
		if i := strings.IndexAny(res, "/:"); i >= 0 && (i == len(res)-1 || hasWildcard(res[i+1:i+2])) {
			return field.ErrorList{field.Forbidden(path, fmt.Sprintf("%q covers every %s of %s: name the resource", r, res[:i], svc))}
		}
	}
	return nil
}

// notEgress are IPv4 ranges an egress rule may not name, with why. Link-local holds the instance
// metadata service (169.254.169.254: the node role's credentials) and the VPC's own DNS and time
// services; the other special ranges route nowhere useful. EKS gives Services addresses from
// 10.100.0.0/16 or 172.20.0.0/16 when the cluster names no serviceIpv4Cidr (this program names none):
// EKS API KubernetesNetworkConfigRequest, serviceIpv4Cidr, docs.amazonaws.cn/eks/latest/APIReference/
// API_KubernetesNetworkConfigRequest.html, read 2026-12-03; an ipBlock there would not match the
// pods behind a Service, and in-cluster flows have their own policies.
var notEgress = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("169.254.0.0/16"), "is link-local: the instance metadata service (node credentials) and the VPC's DNS and time services"},
	{netip.MustParsePrefix("127.0.0.0/8"), "is loopback"},
	{netip.MustParsePrefix("0.0.0.0/8"), `is "this network"`},
	{netip.MustParsePrefix("224.0.0.0/4"), "is multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "is reserved"},
	{netip.MustParsePrefix("10.100.0.0/16"), "overlaps an EKS Service address range (10.100.0.0/16): in-cluster flows have their own policies"},
	{netip.MustParsePrefix("172.20.0.0/16"), "overlaps an EKS Service address range (172.20.0.0/16): in-cluster flows have their own policies"},
}

// minEgressBits is the widest egress CIDR accepted: a /8 is already 16 million addresses; wider
// ranges (0.0.0.0/0 above all) are "anywhere" with extra steps.
const minEgressBits = 8

// validateEgress checks one egress rule: IPv4 CIDRs outside the VPC (in-VPC flows have their own
// policies), ports and protocol.
func validateEgress(p *Platform, path *field.Path, e EgressRule) field.ErrorList {
	var errs field.ErrorList
	vpc, vpcErr := netip.ParsePrefix(p.VPCCIDR)
	cp := path.Child(FieldCIDRs)
	if len(e.CIDRs) == 0 {
		errs = append(errs, field.Required(cp, "the destination's IPv4 ranges, such as 203.0.113.0/24"))
	}
	for i, c := range e.CIDRs {
		ip := cp.Index(i)
		pfx, err := netip.ParsePrefix(c)
		switch {
		case err != nil || !pfx.Addr().Is4():
			errs = append(errs, field.Invalid(ip, c, "must be an IPv4 CIDR such as 203.0.113.0/24"))
		case pfx.Masked() != pfx:
			errs = append(errs, field.Invalid(ip, c, fmt.Sprintf("has host bits set; did you mean %s?", pfx.Masked())))
		case pfx.Bits() < minEgressBits:
			errs = append(errs, field.Forbidden(ip, fmt.Sprintf("%q is wider than /%d: name the destination's ranges", c, minEgressBits)))
		case vpcErr == nil && pfx.Overlaps(vpc):
			errs = append(errs, field.Invalid(ip, c, fmt.Sprintf("overlaps the VPC %s: egress names destinations outside it; in-VPC flows have their own policies", p.VPCCIDR)))
		default:
			for _, n := range notEgress {
				if pfx.Overlaps(n.prefix) {
					errs = append(errs, field.Forbidden(ip, fmt.Sprintf("%q %s", c, n.why)))
					break
				}
			}
		}
	}
	pp := path.Child(FieldPorts)
	if len(e.Ports) == 0 {
		errs = append(errs, field.Required(pp, "the destination ports, such as 443"))
	}
	for i, port := range e.Ports {
		if port < 1 || port > 65535 {
			errs = append(errs, field.Invalid(pp.Index(i), port, "must be between 1 and 65535"))
		}
	}
	if !contains(AllEgressProtocols(), e.Protocol) {
		errs = append(errs, field.NotSupported(path.Child(FieldProtocol), e.Protocol, AllEgressProtocols()))
	}
	return errs
}

// validateServiceAccess checks a service's awsAccess and egress.
func validateServiceAccess(p *Platform, path *field.Path, s Service) field.ErrorList {
	var errs field.ErrorList
	for j, g := range s.AWSAccess {
		errs = append(errs, validateGrant(p, path.Child(FieldAWSAccess).Index(j), g)...)
	}
	for j, e := range s.Egress {
		errs = append(errs, validateEgress(p, path.Child(FieldEgress).Index(j), e)...)
	}
	return errs
}
