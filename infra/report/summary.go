package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// The summary is the recorded plan cut down to what a reviewer reads in a pull request: per component
// (the parent chain), one line per resource with its type, name, options and a digest of all its
// inputs, and below it only the inputs summaryFields names for its type. A change to an input the
// table leaves out still moves the digest, so the golden test catches it; the full JSON (cmd/plan
// -json, a CI artifact) says what it was.

// render turns the value found at a field's path into the summary's lines (without indentation).
type render func(label string, v any) []string

// field is what the summary shows of a resource's inputs: the value at a path (dotted; "[]" maps the
// rest of the path over a list), rendered by show. A val field may name several paths: they share a
// line.
type field struct {
	paths []string
	show  render
}

// val shows each value as compact JSON, all on one line.
func val(paths ...string) field { return field{paths, showValue} }

// policyDoc shows an IAM policy document (a JSON string or an object) one statement a line.
func policyDoc(path string) field { return field{[]string{path}, showPolicy} }

// digest shows a long document as its hash and size, with its keys when it is an object.
func digest(path string) field { return field{[]string{path}, showDigest} }

// each shows every element of a list on its own line.
func each(path string) field { return field{[]string{path}, showEach} }

// eachDigest shows every key of an object with the hash and size of its value (dashboards).
func eachDigest(path string) field { return field{[]string{path}, showEachDigest} }

// peers shows a NetworkPolicy (path "" is the whole inputs): its namespace and selected pods and, per
// rule, its peers and ports.
func peers(path string) field { return field{[]string{path}, showPeers} }

// k8sNamespace is where a namespaced Kubernetes object lives.
var k8sNamespace = val("metadata.namespace")

// summaryFields is, per resource type, what a reviewer needs to see of its inputs: sizes, counts,
// versions, CIDRs, ports, access and retention. A type not listed shows its header line alone.
var summaryFields = map[string][]field{
	// Network
	"aws:ec2/vpc:Vpc":                                           {val("cidrBlock")},
	"aws:ec2/subnet:Subnet":                                     {val("availabilityZone", "cidrBlock", "mapPublicIpOnLaunch")},
	"aws:ec2/route:Route":                                       {val("destinationCidrBlock")},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                           {val("serviceName", "vpcEndpointType")},
	"aws:ec2/flowLog:FlowLog":                                   {val("trafficType")},
	"aws:ec2/securityGroup:SecurityGroup":                       {val("description")},
	"aws:cloudwatch/logGroup:LogGroup":                          {val("retentionInDays")},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {val("ipProtocol", "fromPort", "toPort", "cidrIpv4"), val("description")},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   {val("ipProtocol", "fromPort", "toPort", "cidrIpv4"), val("description")},

	// EKS, nodes and the runner host
	"aws:eks/cluster:Cluster": {val("version", "accessConfig.authenticationMode"),
		val("vpcConfig.endpointPublicAccess", "vpcConfig.publicAccessCidrs"), val("enabledClusterLogTypes")},
	"aws:eks/nodeGroup:NodeGroup": {val("scalingConfig", "updateConfig.maxUnavailable"), val("capacityType", "amiType"),
		val("labels"), val("taints")},
	"aws:ec2/launchTemplate:LaunchTemplate": {val("instanceType"),
		val("blockDeviceMappings[].ebs.volumeSize", "blockDeviceMappings[].ebs.volumeType", "blockDeviceMappings[].ebs.encrypted"),
		val("metadataOptions.httpTokens", "metadataOptions.httpPutResponseHopLimit")},
	"aws:eks/addon:Addon":                                     {val("addonName", "addonVersion"), digest("configurationValues")},
	"aws:eks/accessEntry:AccessEntry":                         {val("principalArn", "type")},
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {val("principalArn"), val("policyArn", "accessScope")},
	"aws:autoscaling/group:Group":                             {val("minSize", "desiredCapacity", "maxSize")},

	// IAM, keys and secrets
	"aws:iam/role:Role":                                   {policyDoc("assumeRolePolicy")},
	"aws:iam/rolePolicy:RolePolicy":                       {policyDoc("policy")},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":   {val("policyArn")},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": {val("clientIdLists")},
	"aws:iam/serviceLinkedRole:ServiceLinkedRole":         {val("awsServiceName")},
	"aws:kms/key:Key":                                     {val("enableKeyRotation", "deletionWindowInDays"), policyDoc("policy")},
	"aws:secretsmanager/secret:Secret":                    {val("recoveryWindowInDays")},

	// Buckets
	"aws:s3/bucketV2:BucketV2":                     {val("objectLockEnabled", "forceDestroy")},
	"aws:s3/bucketVersioningV2:BucketVersioningV2": {val("versioningConfiguration.status")},
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": {
		val("rules[].applyServerSideEncryptionByDefault.sseAlgorithm")},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
		val("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")},
	"aws:s3/bucketPolicy:BucketPolicy": {policyDoc("policy")},
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": {val("rules[].status", "rules[].transitions"),
		val("rules[].expiration", "rules[].noncurrentVersionExpiration")},
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": {val("rule.defaultRetention")},
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                 {val("rule.objectOwnership")},
	"aws:s3/bucketReplicationConfig:BucketReplicationConfig": {val("rules[].status", "rules[].destination.replicationTime.status"),
		val("rules[].destination.bucket")},
	"aws:s3/bucketLoggingV2:BucketLoggingV2": {val("targetBucket")},

	// AWS Backup
	"aws:backup/plan:Plan": {val("rules[].ruleName", "rules[].schedule"),
		val("rules[].lifecycle.deleteAfter", "rules[].copyActions[].lifecycle.deleteAfter"), val("rules[].copyActions[].destinationVaultArn")},
	"aws:backup/selection:Selection":                           {val("resources"), val("conditions")},
	"aws:backup/vaultLockConfiguration:VaultLockConfiguration": {val("minRetentionDays", "maxRetentionDays", "changeableForDays")},

	// Data services
	"aws:elasticache/replicationGroup:ReplicationGroup": {val("engine", "engineVersion", "nodeType", "numCacheClusters", "port"),
		val("multiAzEnabled", "automaticFailoverEnabled", "atRestEncryptionEnabled", "transitEncryptionMode"),
		val("snapshotRetentionLimit", "snapshotWindow", "maintenanceWindow")},
	"aws:elasticache/parameterGroup:ParameterGroup": {val("family"), val("parameters")},
	"aws:elasticache/user:User":                     {val("accessString", "authenticationMode.type")},
	"aws:elasticache/userGroup:UserGroup":           {val("userIds")},
	"aws:opensearch/domain:Domain": {val("engineVersion", "domainEndpointOptions.tlsSecurityPolicy"), val("clusterConfig"), val("ebsOptions"),
		policyDoc("accessPolicies")},

	// Audit and findings
	"aws:cloudtrail/trail:Trail":                                          {val("isMultiRegionTrail", "enableLogFileValidation")},
	"aws:cfg/rule:Rule":                                                   {val("source.sourceIdentifier")},
	"aws:cloudwatch/eventRule:EventRule":                                  {digest("eventPattern")},
	"aws:cloudwatch/eventTarget:EventTarget":                              {val("targetId")},
	"aws:cloudwatch/logResourcePolicy:LogResourcePolicy":                  {policyDoc("policyDocument")},
	"aws:guardduty/detectorFeature:DetectorFeature":                       {val("name", "status")},
	"aws:securityhub/standardsSubscription:StandardsSubscription":         {val("standardsArn")},
	"aws:sns/topicPolicy:TopicPolicy":                                     {policyDoc("policy")},
	"aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": {val("scanType")},
	"aws:wafv2/webAcl:WebAcl":                                             {val("defaultAction"), val("rules[].name"), val("rules[].statement.rateBasedStatement.limit")},

	// Providers and the pair's stack
	"pulumi:providers:aws":         {val("region")},
	"pulumi:pulumi:StackReference": {val("name")},

	// Kubernetes: charts, tenancy, monitoring objects
	"kubernetes:helm.sh/v3:Release":                       {val("namespace", "version", "atomic", "timeout"), val("chart"), digest("values")},
	"kubernetes:core/v1:Namespace":                        {val("metadata.labels")},
	"kubernetes:core/v1:ServiceAccount":                   {val("metadata.namespace", "automountServiceAccountToken"), val("metadata.annotations")},
	"kubernetes:core/v1:ResourceQuota":                    {k8sNamespace, val("spec.hard")},
	"kubernetes:core/v1:LimitRange":                       {k8sNamespace, val("spec.limits")},
	"kubernetes:core/v1:Secret":                           {val("metadata.namespace", "type")},
	"kubernetes:core/v1:ConfigMap":                        {k8sNamespace, eachDigest("data")},
	"kubernetes:networking.k8s.io/v1:NetworkPolicy":       {peers("")},
	"kubernetes:networking.k8s.io/v1:IngressClass":        {val("spec.controller")},
	"kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams": {val("spec.scheme"), digest("spec")},
	"kubernetes:storage.k8s.io/v1:StorageClass":           {val("parameters.type", "reclaimPolicy", "volumeBindingMode")},
	"kubernetes:batch/v1:Job":                             {k8sNamespace, val("spec.template.spec.containers[].image"), digest("spec")},
	"kubernetes:monitoring.coreos.com/v1:ServiceMonitor":  {val("metadata.namespace", "spec.endpoints[].port")},
	"kubernetes:monitoring.coreos.com/v1:PodMonitor":      {val("metadata.namespace", "spec.podMetricsEndpoints[].port")},
	"kubernetes:monitoring.coreos.com/v1:PrometheusRule": {k8sNamespace, val("spec.groups[].name"), val("spec.groups[].rules[].alert"),
		digest("spec")},

	// CloudNativePG
	"kubernetes:postgresql.cnpg.io/v1:Cluster": {val("metadata.namespace", "spec.instances", "spec.storage.size", "spec.walStorage.size"),
		val("spec.imageName"), val("spec.resources"), val("spec.postgresql.parameters"), val("spec.postgresql.synchronous"),
		val("spec.replica"), each("spec.postgresql.pg_hba")},
	"kubernetes:postgresql.cnpg.io/v1:Database": {val("spec.name", "spec.owner", "spec.databaseReclaimPolicy")},
	"kubernetes:postgresql.cnpg.io/v1:DatabaseRole": {val("spec.name", "spec.login", "spec.connectionLimit"),
		val("spec.clientCertificate")},
	"kubernetes:postgresql.cnpg.io/v1:Pooler": {val("spec.instances", "spec.type", "spec.pgbouncer.poolMode"),
		val("spec.pgbouncer.parameters")},
	"kubernetes:postgresql.cnpg.io/v1:ScheduledBackup": {val("spec.schedule", "spec.method")},
	"kubernetes:barmancloud.cnpg.io/v1:ObjectStore":    {val("spec.configuration.destinationPath"), val("spec.retentionPolicy")},
}

// WriteSummary prints the document's summary: a header, the outputs, the policy count with every
// failed check, and the resources by component and type.
func WriteSummary(w io.Writer, d *Document) error {
	p := &printer{w: w}
	p.f("# %s/%s: %s (%s), environment %s; %d resources\n", d.Project, d.Stack, d.Region, d.Partition, d.Environment, len(d.Resources))
	p.f("# Resources by parent and type: + name [options] #digest of all its inputs; below it, the inputs a reviewer reads.\n")
	p.f("# The full plan: go run ./cmd/plan -stack %s -json\n", d.Stack)
	abbrev := abbreviations(d.Outputs)
	for _, a := range abbrev {
		p.f("# %s is %s\n", a[1], a[0])
	}
	abbreviate := func(s string) string {
		for _, a := range abbrev {
			s = strings.ReplaceAll(s, a[0], a[1])
		}
		return s
	}

	p.f("\noutputs:\n")
	for _, k := range sortedKeys(d.Outputs) {
		p.f("  %s: %s\n", k, abbreviate(short(d.Outputs[k])))
	}

	failed := policy.Failed(d.Policies)
	p.f("\npolicies: %d checks, %d failed\n", len(d.Policies), len(failed))
	for _, r := range failed {
		p.f("  FAILED %s %s: %s\n", r.ID, r.Resource, r.Message)
	}
	p.f("\nresources:\n")
	children := map[string][]plan.Resource{}
	known := map[string]bool{}
	for _, r := range d.Resources {
		known[r.URN] = true
	}
	for _, r := range d.Resources {
		parent := r.Parent
		if !known[parent] {
			parent = ""
		}
		children[parent] = append(children[parent], r)
	}
	for _, rs := range children {
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].Type != rs[j].Type {
				return rs[i].Type < rs[j].Type
			}
			if rs[i].Name != rs[j].Name {
				return rs[i].Name < rs[j].Name
			}
			return rs[i].URN < rs[j].URN
		})
	}
	var walk func(parent, indent string)
	walk = func(parent, indent string) {
		siblings := children[parent]
		for i, r := range siblings {
			if i == 0 || siblings[i-1].Type != r.Type {
				n := 0
				for _, o := range siblings {
					if o.Type == r.Type {
						n++
					}
				}
				count := ""
				if n > 1 {
					count = fmt.Sprintf(" (%d)", n)
				}
				p.f("%stype %s%s\n", indent, shortType(r.Type), count)
			}
			p.f("%s+ %s%s #%s\n", indent, abbreviate(r.Name), options(r), hash(r.Inputs))
			for _, line := range inputLines(r) {
				p.f("%s  %s\n", indent, abbreviate(line))
			}
			walk(r.URN, indent+"  ")
		}
	}
	walk("", "")
	return p.e
}

// Summary is WriteSummary's text.
func Summary(d *Document) string {
	var b strings.Builder
	_ = WriteSummary(&b, d)
	return b.String()
}

// SummaryDiff is a unified diff of two summaries (three lines of context), empty when they are equal.
// Each hunk header names the resource and type the hunk starts in, as git names a function.
func SummaryDiff(old, cur string, oldName, curName string) string {
	oldLines, curLines := difflib.SplitLines(old), difflib.SplitLines(cur)
	out, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: oldLines, B: curLines, FromFile: oldName, ToFile: curName, Context: 3})
	if err != nil {
		return err.Error()
	}
	lines := strings.SplitAfter(out, "\n")
	for i, l := range lines {
		var a, b, c, d int
		if n, _ := fmt.Sscanf(l, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &d); n < 4 {
			continue
		}
		at, text := c-1, curLines
		if d == 0 {
			at, text = a-1, oldLines
		}
		if where := enclosing(text, min(at+3, len(text)-1)); where != "" {
			lines[i] = strings.TrimSuffix(l, "\n") + " " + where + "\n"
		}
	}
	return strings.Join(lines, "")
}

// enclosing names the resource line and the type line at or above line i.
func enclosing(lines []string, i int) string {
	var res string
	for ; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		switch {
		case res == "" && strings.HasPrefix(t, "+ "):
			res = t
		case strings.HasPrefix(t, "type "):
			return strings.TrimSpace(t + " " + res)
		}
	}
	return res
}

// abbreviations are the long values nearly every ARN and IRSA trust policy repeats (the account, and
// the cluster's OIDC issuer three times a role), as value and short name, longest first; the summary
// names each once in its header.
func abbreviations(outputs map[string]any) [][2]string {
	arn, _ := outputs["oidcProviderArn"].(string)
	fields := strings.SplitN(arn, ":", 6)
	if len(fields) < 6 {
		return nil
	}
	var out [][2]string
	if _, issuer, ok := strings.Cut(fields[5], "oidc-provider/"); ok && issuer != "" {
		out = append(out, [2]string{arn, "$OIDC_PROVIDER"}, [2]string{issuer, "$OIDC"})
	}
	if fields[4] != "" {
		out = append(out, [2]string{fields[4], "$ACCOUNT"})
	}
	return out
}

// shortType drops the module member a type token repeats: aws:s3/bucketPolicy:BucketPolicy is
// aws:s3:BucketPolicy; a token that names something else there (kubernetes:core/v1:Secret) stays.
func shortType(t string) string {
	parts := strings.Split(t, ":")
	if len(parts) != 3 {
		return t
	}
	mod, member, ok := strings.Cut(parts[1], "/")
	if !ok || member == "" || !strings.EqualFold(member, parts[2]) {
		return t
	}
	return parts[0] + ":" + mod + ":" + parts[2]
}

func options(r plan.Resource) string {
	var o []string
	if r.Protect {
		o = append(o, "protect")
	}
	if r.RetainOnDelete {
		o = append(o, "retain")
	}
	if r.DeleteBeforeReplace {
		o = append(o, "deleteBeforeReplace")
	}
	if len(r.IgnoreChanges) > 0 {
		o = append(o, "ignoreChanges="+strings.Join(r.IgnoreChanges, ","))
	}
	if len(o) == 0 {
		return ""
	}
	return " [" + strings.Join(o, " ") + "]"
}

// inputLines are the lines summaryFields asks for, in the table's order; a path the inputs lack shows
// nothing.
func inputLines(r plan.Resource) []string {
	inputs := plain(r.Inputs)
	var out []string
	for _, f := range summaryFields[r.Type] {
		var parts []string
		for _, path := range f.paths {
			v, ok := inputs, true
			if path != "" {
				v, ok = lookup(inputs, strings.Split(strings.ReplaceAll(path, "[]", ".[]"), "."))
			}
			if ok {
				parts = append(parts, f.show(path, v)...)
			}
		}
		if len(f.paths) > 1 && len(parts) > 0 {
			parts = []string{strings.Join(parts, "  ")}
		}
		out = append(out, parts...)
	}
	return out
}

// lookup follows a path into decoded JSON; "[]" maps the rest of the path over a list's elements and
// yields the list of what was found.
func lookup(v any, path []string) (any, bool) {
	if len(path) == 0 {
		return v, v != nil
	}
	if path[0] == "[]" {
		list, ok := v.([]any)
		if !ok {
			return nil, false
		}
		var out []any
		for _, e := range list {
			if x, ok := lookup(e, path[1:]); ok {
				out = append(out, x)
			}
		}
		return out, len(out) > 0
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	x, ok := m[path[0]]
	if !ok {
		return nil, false
	}
	return lookup(x, path[1:])
}

func showValue(label string, v any) []string {
	return []string{label + ": " + oneLine(v)}
}

func showEach(label string, v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = append(out, label+"[]: "+oneLine(e))
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			out = append(out, label+"."+k+": "+oneLine(x[k]))
		}
	default:
		out = append(out, label+": "+oneLine(v))
	}
	return out
}

func showDigest(label string, v any) []string {
	if s, ok := v.(string); ok {
		var parsed any
		if json.Unmarshal([]byte(s), &parsed) == nil {
			v = parsed
		}
	}
	line := label + ": " + sizeAndHash(v)
	if m, ok := v.(map[string]any); ok {
		line += " {" + strings.Join(sortedKeys(m), ", ") + "}"
	}
	return []string{line}
}

func showEachDigest(label string, v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return showDigest(label, v)
	}
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, label+"."+k+": "+sizeAndHash(m[k]))
	}
	return out
}

// keyword introduces a statement's parts on its line: "Allow s3:GetObject on arn:… if {…}".
var keyword = map[string]string{"Action": "", "NotAction": "all but ", "Resource": "on ", "NotResource": "on all but ",
	"Principal": "by ", "NotPrincipal": "by all but ", "Condition": "if "}

// showPolicy shows each statement of an IAM policy document as effect, actions, resources, principal
// and condition; a document that does not parse shows as its digest.
func showPolicy(label string, v any) []string {
	if s, ok := v.(string); ok {
		var parsed any
		if err := json.Unmarshal([]byte(s), &parsed); err != nil {
			return showDigest(label, v)
		}
		v = parsed
	}
	m, ok := v.(map[string]any)
	if !ok {
		return showDigest(label, v)
	}
	var statements []any
	switch s := m["Statement"].(type) {
	case []any:
		statements = s
	case map[string]any:
		statements = []any{s}
	default:
		return showDigest(label, v)
	}
	var out []string
	for _, st := range statements {
		sm, ok := st.(map[string]any)
		if !ok {
			out = append(out, label+": "+oneLine(st))
			continue
		}
		line := label + ": " + fmt.Sprint(sm["Effect"])
		for _, k := range []string{"Action", "NotAction"} {
			if a, ok := sm[k]; ok {
				line += " " + keyword[k] + actions(a)
			}
		}
		for _, k := range []string{"Resource", "NotResource"} {
			if a, ok := sm[k]; ok {
				line += " " + keyword[k] + list(a)
			}
		}
		for _, k := range []string{"Principal", "NotPrincipal", "Condition"} {
			if a, ok := sm[k]; ok {
				line += " " + keyword[k] + oneLine(a)
			}
		}
		out = append(out, line)
	}
	return out
}

// actions shows a statement's actions grouped by service, in their order: s3:{GetObject,PutObject},kms:Decrypt.
func actions(v any) string {
	var all []string
	switch x := v.(type) {
	case string:
		all = []string{x}
	case []any:
		for _, e := range x {
			all = append(all, fmt.Sprint(e))
		}
	default:
		return oneLine(v)
	}
	var services []string
	byService := map[string][]string{}
	for _, a := range all {
		svc, name, ok := strings.Cut(a, ":")
		if !ok {
			svc, name = a, ""
		}
		if _, seen := byService[svc]; !seen {
			services = append(services, svc)
		}
		byService[svc] = append(byService[svc], name)
	}
	parts := make([]string, len(services))
	for i, svc := range services {
		names := byService[svc]
		switch {
		case len(names) == 1 && names[0] == "":
			parts[i] = svc
		case len(names) == 1:
			parts[i] = svc + ":" + names[0]
		default:
			parts[i] = svc + ":{" + strings.Join(names, ",") + "}"
		}
	}
	return strings.Join(parts, ",")
}

// showPeers shows a NetworkPolicy: its namespace, the pods it selects, its policy types, and per rule
// the peers and ports.
func showPeers(label string, v any) []string {
	inputs, _ := v.(map[string]any)
	spec, ok := inputs["spec"].(map[string]any)
	if !ok {
		return showValue(label, v)
	}
	ns, _ := lookup(inputs, []string{"metadata", "namespace"})
	out := []string{fmt.Sprintf("namespace %v, pods %s, %s", ns, labelSelector(spec["podSelector"]), list(spec["policyTypes"]))}
	for _, dir := range []struct{ key, peer string }{{"ingress", "from"}, {"egress", "to"}} {
		rules, _ := spec[dir.key].([]any)
		for _, r := range rules {
			rm, _ := r.(map[string]any)
			var ps []string
			peerList, _ := rm[dir.peer].([]any)
			for _, peer := range peerList {
				ps = append(ps, peerOf(peer))
			}
			if len(ps) == 0 {
				ps = []string{"anywhere"}
			}
			var ports []string
			portList, _ := rm["ports"].([]any)
			for _, port := range portList {
				pm, _ := port.(map[string]any)
				s := fmt.Sprint(pm["protocol"]) + "/" + oneLine(pm["port"])
				if end, ok := pm["endPort"]; ok {
					s += "-" + oneLine(end)
				}
				ports = append(ports, s)
			}
			if len(ports) == 0 {
				ports = []string{"all"}
			}
			out = append(out, dir.key+": "+dir.peer+" "+strings.Join(ps, " | ")+" ports "+strings.Join(ports, ","))
		}
	}
	return out
}

func peerOf(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return oneLine(v)
	}
	var parts []string
	if ib, ok := m["ipBlock"].(map[string]any); ok {
		s := fmt.Sprint(ib["cidr"])
		if ex, ok := ib["except"]; ok {
			s += " except " + list(ex)
		}
		parts = append(parts, s)
	}
	if ns, ok := m["namespaceSelector"]; ok {
		parts = append(parts, "ns="+labelSelector(ns))
	}
	if pod, ok := m["podSelector"]; ok {
		parts = append(parts, "pods="+labelSelector(pod))
	}
	return strings.Join(parts, " ")
}

// labelSelector shows a label selector as k=v pairs; the namespace-name label shows as the name alone.
func labelSelector(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return oneLine(v)
	}
	labels, _ := m["matchLabels"].(map[string]any)
	var parts []string
	rest := map[string]any{}
	for k, l := range labels {
		if k == "kubernetes.io/metadata.name" {
			parts = append(parts, fmt.Sprint(l))
		} else {
			rest[k] = l
		}
	}
	if len(rest) > 0 {
		parts = append(parts, selector(rest))
	}
	if ex, ok := m["matchExpressions"]; ok {
		parts = append(parts, oneLine(ex))
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, ",")
}

// list shows a string or a list of them joined by commas.
func list(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ",")
	}
	return oneLine(v)
}

// oneLine is the value as compact JSON (map keys sorted), so strings keep their quotes as in a preview.
func oneLine(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// short is an output's value on one line, or its hash and size when it is longer than a line.
func short(v any) string {
	v = plain(v)
	s := oneLine(v)
	if len(s) <= 80 {
		return s
	}
	out := sizeAndHash(v)
	if m, ok := v.(map[string]any); ok {
		out += " {" + strings.Join(sortedKeys(m), ", ") + "}"
	}
	return out
}

// plain is the value as decoded JSON (maps of any, lists of any), so a plan recorded now and one
// read back from -json show the same.
func plain(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

func sizeAndHash(v any) string {
	b, _ := json.Marshal(v)
	return fmt.Sprintf("#%s (%d bytes)", hashBytes(b), len(b))
}

// hash is the first 8 hex digits of the SHA-256 of the value's JSON: enough to show that it changed.
func hash(v any) string {
	b, _ := json.Marshal(v)
	return hashBytes(b)
}

func hashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:4])
}

// SummaryTypes are the resource types the summary table has a row for, sorted.
func SummaryTypes() []string {
	return sortedKeys(summaryFields)
}
