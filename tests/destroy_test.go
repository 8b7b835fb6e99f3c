package tests

// The destroy of a stack, planned offline from its recorded graph: in what order `pulumi destroy`
// deletes what, and whether what it deletes can be deleted. docs/runbooks/destroy-stack.md is the
// procedure these tests back.
//
// How the engine orders a destroy (pulumi/pulumi pkg/resource/deploy/step_generator.go ScheduleDeletes
// and pkg/resource/graph/dependency_graph.go DependingOn, read 2026-12-02): a resource is deleted only
// after every resource that depends on it, where B depends on A when A is in B's dependencies (explicit
// dependsOn), in its property dependencies (an input that carries A's output), is B's parent, or is
// B's provider. The recorded graph carries all four (infra/plan/record.go: Dependencies holds both
// dependsOn and property dependencies; Parent; Provider as "urn::id").

import (
	"fmt"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

const (
	typeBucketV2        = "aws:s3/bucketV2:BucketV2"
	typeBucketV1        = "aws:s3/bucket:Bucket"
	typeVault           = "aws:backup/vault:Vault"
	typeVaultLock       = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
	typeSecret          = "aws:secretsmanager/secret:Secret"
	typeKMSKey          = "aws:kms/key:Key"
	typeNodeGroup       = "aws:eks/nodeGroup:NodeGroup"
	typeEKSCluster      = "aws:eks/cluster:Cluster"
	typeEKSAddon        = "aws:eks/addon:Addon"
	typeHelmRelease     = "kubernetes:helm.sh/v3:Release"
	typeStorageClass    = "kubernetes:storage.k8s.io/v1:StorageClass"
	typeK8sProvider     = "pulumi:providers:kubernetes"
	typeRolePolicy      = "aws:iam/rolePolicy:RolePolicy"
	typeRoleAttachment  = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeBackupComponent = "suoke:backup:Backup"
	rootStackType       = "pulumi:pulumi:Stack"
)

// lbControllerChart is the AWS Load Balancer Controller's chart name (aws/eks-charts
// stable/aws-load-balancer-controller); a mirror keeps it as the last path segment.
const lbControllerChart = "aws-load-balancer-controller"

// accountWideTypes are resources of which an AWS account (or account and region) holds one, shared by
// every stack in it: deleting one in a destroy takes it from the other stacks too. Sources (read
// 2026-12-02): IAM User Guide "Using service-linked roles" (one role per service and account);
// pulumi-aws v6.83.4 sdk/go/aws doc comments: iam/accountPasswordPolicy.go ("only a single policy
// allowed per AWS account"), iam/accountAlias.go ("only a single account alias per AWS account"),
// ebs/encryptionByDefault.go and ebs/defaultKmsKey.go (the account's setting in the region),
// s3/accountPublicAccessBlock.go ("Each AWS account may only have one"), ecr/registryPolicy.go (one
// per region), ecr/registryScanningConfiguration.go (the registry's), guardduty/detector.go (deleting
// it disables GuardDuty for the region), securityhub/account.go ("Enables Security Hub for this AWS
// account"); AWS Config API Reference PutConfigurationRecorder ("only one configuration recorder per
// account", per region) and PutDeliveryChannel ("only one delivery channel per region in your
// account", docs.amazonaws.cn/goto/WebAPI/config-2014-11-12/PutDeliveryChannel).
var accountWideTypes = []string{
	"aws:iam/serviceLinkedRole:ServiceLinkedRole",
	"aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
	"aws:iam/accountAlias:AccountAlias",
	"aws:ebs/encryptionByDefault:EncryptionByDefault",
	"aws:ebs/defaultKmsKey:DefaultKmsKey",
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
	"aws:ecr/registryPolicy:RegistryPolicy",
	"aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
	"aws:guardduty/detector:Detector",
	"aws:securityhub/account:Account",
	"aws:cfg/recorder:Recorder",
	"aws:cfg/deliveryChannel:DeliveryChannel",
}

// awsAssignedIDs are types whose ID AWS generates at creation (never chosen by us, never reused):
// KMS CreateKey returns a new KeyId (a UUID), EC2 CreateVpc/CreateSubnet/CreateSecurityGroup a new
// vpc-/subnet-/sg- ID (AWS KMS and Amazon EC2 API References, read 2026-12-02). A name that carries
// one is unique per build of the stack.
var awsAssignedIDs = map[string]bool{
	"aws:kms/key:Key":                     true,
	"aws:ec2/vpc:Vpc":                     true,
	"aws:ec2/subnet:Subnet":               true,
	"aws:ec2/securityGroup:SecurityGroup": true,
}

// destroyPlan is a recorded graph as a destroy sees it.
type destroyPlan struct {
	g     *plan.Graph
	byURN map[string]*plan.Resource
	// needs maps a resource to the resources it depends on: each is deleted after it.
	needs map[string][]string
	// waves is the order of deletion: every resource of a wave is deleted after every resource of
	// the waves before it that depends on it (the engine's antichains, in deletion order).
	waves [][]string
	wave  map[string]int
	memo  map[string]map[string]bool
}

// providerURN strips the ID from a provider reference ("urn::id").
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 {
		return ref[:i]
	}
	return ref
}

func urnType(urn string) string {
	// The SDK's own URN parser: the qualified type's last $-part.
	return string(resource.URN(urn).Type())
}

func newDestroyPlan(g *plan.Graph) (*destroyPlan, error) {
	p := &destroyPlan{g: g, byURN: map[string]*plan.Resource{}, needs: map[string][]string{}, wave: map[string]int{},
		memo: map[string]map[string]bool{}}
	for i := range g.Resources {
		p.byURN[g.Resources[i].URN] = &g.Resources[i]
	}
	var dangling []string
	for urn, r := range p.byURN {
		need := append([]string(nil), r.Dependencies...)
		if r.Parent != "" {
			need = append(need, r.Parent)
		}
		if r.Provider != "" {
			need = append(need, providerURN(r.Provider))
		}
		for _, n := range need {
			if _, ok := p.byURN[n]; ok {
				p.needs[urn] = append(p.needs[urn], n)
				continue
			}
			// The root stack and the engine's default providers are not recorded; anything else
			// missing is a reference the destroy could not order.
			if t := urnType(n); t != rootStackType && !strings.Contains(n, "::default") {
				dangling = append(dangling, fmt.Sprintf("%s -> %s", urn, n))
			}
		}
	}
	if len(dangling) > 0 {
		sort.Strings(dangling)
		return nil, fmt.Errorf("references to resources not in the graph: %s", strings.Join(dangling, "; "))
	}
	// Kahn's algorithm on "is needed by": a resource is deletable once nothing that needs it is left.
	neededBy := map[string]int{}
	for _, ns := range p.needs {
		for _, n := range ns {
			neededBy[n]++
		}
	}
	left := len(p.byURN)
	var next []string
	for urn := range p.byURN {
		if neededBy[urn] == 0 {
			next = append(next, urn)
		}
	}
	for len(next) > 0 {
		sort.Strings(next)
		p.waves = append(p.waves, next)
		var after []string
		for _, urn := range next {
			p.wave[urn] = len(p.waves) - 1
			left--
			for _, n := range p.needs[urn] {
				if neededBy[n]--; neededBy[n] == 0 {
					after = append(after, n)
				}
			}
		}
		next = after
	}
	if left != 0 {
		return nil, fmt.Errorf("%d resources are in a dependency cycle: the destroy cannot order them", left)
	}
	return p, nil
}

// deletedBefore says whether the engine must delete a before b: a depends on b, directly or not.
func (p *destroyPlan) deletedBefore(a, b string) bool {
	reach, ok := p.memo[a]
	if !ok {
		reach = map[string]bool{}
		stack := append([]string(nil), p.needs[a]...)
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if reach[n] {
				continue
			}
			reach[n] = true
			stack = append(stack, p.needs[n]...)
		}
		p.memo[a] = reach
	}
	return reach[b]
}

func (p *destroyPlan) ofType(types ...string) []*plan.Resource {
	var out []*plan.Resource
	for i := range p.g.Resources {
		for _, t := range types {
			if p.g.Resources[i].Type == t {
				out = append(out, &p.g.Resources[i])
			}
		}
	}
	return out
}

func (p *destroyPlan) name(urn string) string {
	if r := p.byURN[urn]; r != nil {
		return r.Type + " " + r.Name
	}
	return urn
}

// lbController finds the AWS Load Balancer Controller's release by its chart.
func (p *destroyPlan) lbController() *plan.Resource {
	for _, r := range p.ofType(typeHelmRelease) {
		chart, _ := r.Inputs["chart"].(string)
		if chart[strings.LastIndex(chart, "/")+1:] == lbControllerChart {
			return r
		}
	}
	return nil
}

// makesLoadBalancers says whether an object or release makes the controller create a load balancer:
// an Ingress, a Service of type LoadBalancer, a Gateway, the controller's own API group
// (elbv2.k8s.aws: IngressClassParams, TargetGroupBinding), an IngressClass it serves, or a release
// whose values enable an ingress or a LoadBalancer service. known is false where a release's values
// cannot be read (computed or secret): then nobody can tell.
func makesLoadBalancers(r *plan.Resource) (makes, known bool) {
	t := r.Type
	switch {
	case strings.HasPrefix(t, "kubernetes:networking.k8s.io/") && strings.HasSuffix(t, ":Ingress"),
		strings.HasPrefix(t, "kubernetes:extensions/") && strings.HasSuffix(t, ":Ingress"),
		strings.HasPrefix(t, "kubernetes:gateway.networking.k8s.io/") && strings.HasSuffix(t, ":Gateway"),
		strings.HasPrefix(t, "kubernetes:elbv2.k8s.aws/"):
		return true, true
	case strings.HasSuffix(t, ":IngressClass"):
		return path(r.Inputs, "spec", "controller") == "ingress.k8s.aws/alb", true
	case t == "kubernetes:core/v1:Service":
		return path(r.Inputs, "spec", "type") == "LoadBalancer", true
	case t == typeHelmRelease:
		values, ok := r.Inputs["values"].(map[string]any)
		if !ok {
			return false, r.Inputs["values"] == nil
		}
		return valuesMakeLoadBalancers(values), true
	}
	return false, true
}

// valuesMakeLoadBalancers looks through chart values for `ingress: {enabled: true}` and
// `type: LoadBalancer` (a service's type) at any depth: the conventions of the charts in use.
func valuesMakeLoadBalancers(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if ing, ok := e.(map[string]any); ok && strings.EqualFold(k, "ingress") && ing["enabled"] == true {
				return true
			}
			if s, ok := e.(string); ok && (k == "type" || k == "serviceType") && s == "LoadBalancer" {
				return true
			}
			if valuesMakeLoadBalancers(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if valuesMakeLoadBalancers(e) {
				return true
			}
		}
	}
	return false
}

// A check returns what is wrong; each is run on the real plans below and on broken copies
// (TestDestroyChecksCatchWhatTheyCheck).
type destroyCheck func(p *destroyPlan) []string

// checkLoadBalancersGoFirst: everything that makes the controller create a load balancer is deleted
// before the controller (else its ALB outlives the controller and blocks the VPC's deletion), and
// the controller before its IAM permissions (it needs them to delete the ALB).
func checkLoadBalancersGoFirst(p *destroyPlan) []string {
	var bad []string
	lbc := p.lbController()
	for _, r := range p.g.Resources {
		makes, known := makesLoadBalancers(&r)
		switch {
		case !known:
			bad = append(bad, fmt.Sprintf("%s: values unknown offline, cannot tell whether it makes a load balancer", p.name(r.URN)))
		case makes && lbc == nil:
			bad = append(bad, fmt.Sprintf("%s makes a load balancer, but there is no %s release", p.name(r.URN), lbControllerChart))
		case makes && !p.deletedBefore(r.URN, lbc.URN):
			bad = append(bad, fmt.Sprintf("%s makes a load balancer but is not deleted before the controller (depend on it)", p.name(r.URN)))
		}
	}
	if lbc == nil {
		return bad
	}
	// The controller's IRSA role is what its values name; its policies are the role's dependents.
	perms := 0
	for _, role := range p.needs[lbc.URN] {
		if p.byURN[role].Type != "aws:iam/role:Role" {
			continue
		}
		for _, pol := range p.ofType(typeRolePolicy, typeRoleAttachment) {
			if !hasURN(pol.Dependencies, role) {
				continue
			}
			perms++
			if !p.deletedBefore(lbc.URN, pol.URN) {
				bad = append(bad, fmt.Sprintf("%s may be deleted while the controller still deletes load balancers (make the release depend on it)", p.name(pol.URN)))
			}
		}
	}
	if perms == 0 {
		bad = append(bad, "the controller's release depends on no IAM role with a policy: its permissions cannot be ordered")
	}
	return bad
}

// checkControllerBeforeNodes: the controller is deleted before every node group, so its pods still
// run while the load balancers are removed.
func checkControllerBeforeNodes(p *destroyPlan) []string {
	lbc := p.lbController()
	nodes := p.ofType(typeNodeGroup)
	if lbc == nil || len(nodes) == 0 {
		return []string{fmt.Sprintf("expected the %s release and node groups (found %d node groups)", lbControllerChart, len(nodes))}
	}
	var bad []string
	for _, n := range nodes {
		if !p.deletedBefore(lbc.URN, n.URN) {
			bad = append(bad, fmt.Sprintf("the load balancer controller is not deleted before %s", p.name(n.URN)))
		}
	}
	return bad
}

// checkInClusterBeforeCluster: every Kubernetes object, release and the Kubernetes provider are
// deleted before the node groups, the EKS add-ons (the EBS CSI driver deletes volumes) and the
// cluster: finalizers need their controllers, and the API needs the cluster.
func checkInClusterBeforeCluster(p *destroyPlan) []string {
	infra := p.ofType(typeNodeGroup, typeEKSAddon, typeEKSCluster)
	if len(p.ofType(typeEKSCluster)) != 1 {
		return []string{"expected one EKS cluster"}
	}
	var bad []string
	inCluster := 0
	for _, r := range p.g.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") && r.Type != typeK8sProvider {
			continue
		}
		inCluster++
		for _, c := range infra {
			if !p.deletedBefore(r.URN, c.URN) {
				bad = append(bad, fmt.Sprintf("%s is not deleted before %s", p.name(r.URN), p.name(c.URN)))
			}
		}
	}
	if inCluster == 0 {
		bad = append(bad, "no Kubernetes object in the graph")
	}
	return bad
}

// writerKinds run something that can write to a bucket: releases, workloads and CloudNativePG clusters
// (their WAL archiver). Objects that only configure a writer (a barman ObjectStore, a ConfigMap) are
// followed by name, one hop.
var writerKinds = []string{typeHelmRelease, "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet",
	"kubernetes:apps/v1:DaemonSet", "kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob", "kubernetes:core/v1:Pod",
	"kubernetes:postgresql.cnpg.io/v1:Cluster"}

// checkBucketWritersFirst: an in-cluster writer to a bucket of the stack (the bucket's name in its
// inputs, or the name of an object that holds it) is deleted before the bucket, so nothing lands in
// it between forceDestroy's emptying and the deletion (a CloudNativePG cluster archives WAL every
// archive_timeout).
func checkBucketWritersFirst(p *destroyPlan) []string {
	var bad []string
	for _, b := range p.ofType(typeBucketV2, typeBucketV1) {
		name, _ := b.Inputs["bucket"].(string)
		if name == "" {
			continue
		}
		refs := []string{name}
		for _, r := range p.g.Resources {
			if n, _ := path(r.Inputs, "metadata", "name").(string); n != "" && strings.HasPrefix(r.Type, "kubernetes:") && mentions(r.Inputs, name) {
				refs = append(refs, n)
			}
		}
		for _, w := range p.ofType(writerKinds...) {
			writes := false
			for _, ref := range refs {
				writes = writes || mentions(w.Inputs, ref)
			}
			if writes && !p.deletedBefore(w.URN, b.URN) {
				bad = append(bad, fmt.Sprintf("%s writes to %s but is not deleted before it", p.name(w.URN), name))
			}
		}
	}
	return bad
}

func mentions(v any, s string) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, s)
	case map[string]any:
		for _, e := range x {
			if mentions(e, s) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if mentions(e, s) {
				return true
			}
		}
	}
	return false
}

// checkNothingKept: an unprotected stack protects nothing (a protected resource stops the destroy)
// and retains nothing (a retained one is left behind, billed, outside any stack).
func checkNothingKept(p *destroyPlan) []string {
	var bad []string
	for _, r := range p.g.Resources {
		if r.Protect {
			bad = append(bad, fmt.Sprintf("%s is protected: the destroy stops at it", p.name(r.URN)))
		}
		if r.RetainOnDelete {
			bad = append(bad, fmt.Sprintf("%s is retained on delete: the destroy leaves it behind", p.name(r.URN)))
		}
	}
	return bad
}

// checkBucketsEmptied: every bucket the destroy deletes has forceDestroy, else S3 refuses to delete
// it while objects or versions remain (BucketNotEmpty).
func checkBucketsEmptied(p *destroyPlan) []string {
	var bad []string
	buckets := p.ofType(typeBucketV2, typeBucketV1)
	if len(buckets) == 0 {
		return []string{"no bucket in the graph"}
	}
	for _, b := range buckets {
		if !b.RetainOnDelete && b.Inputs["forceDestroy"] != true {
			bad = append(bad, fmt.Sprintf("bucket %v has no forceDestroy: the destroy stops at BucketNotEmpty", b.Inputs["bucket"]))
		}
	}
	return bad
}

// checkSecretsGoAtOnce: no secret keeps a recovery window (it would keep its name taken).
func checkSecretsGoAtOnce(p *destroyPlan) []string {
	var bad []string
	secrets := p.ofType(typeSecret)
	if len(secrets) == 0 {
		return []string{"no Secrets Manager secret in the graph"}
	}
	for _, s := range secrets {
		if w, ok := s.Inputs["recoveryWindowInDays"].(float64); !ok || w != 0 {
			bad = append(bad, fmt.Sprintf("secret %v keeps a recovery window (%v; unset means 30 days)", s.Inputs["name"], s.Inputs["recoveryWindowInDays"]))
		}
	}
	return bad
}

// checkVaultsDeletable: no vault lock, and every vault is emptied of its recovery points on delete.
func checkVaultsDeletable(p *destroyPlan) []string {
	var bad []string
	for _, l := range p.ofType(typeVaultLock) {
		bad = append(bad, fmt.Sprintf("vault %v is locked: its recovery points cannot be deleted", l.Inputs["backupVaultName"]))
	}
	vaults := p.ofType(typeVault)
	if len(vaults) == 0 {
		bad = append(bad, "no backup vault in the graph")
	}
	for _, v := range vaults {
		if v.Inputs["forceDestroy"] != true {
			bad = append(bad, fmt.Sprintf("vault %v has no forceDestroy: AWS Backup refuses to delete a vault with recovery points", v.Inputs["name"]))
		}
	}
	return bad
}

// checkNoVolumeRetained: no storage class of an unprotected stack retains volumes after their claim.
func checkNoVolumeRetained(p *destroyPlan) []string {
	var bad []string
	for _, sc := range p.ofType(typeStorageClass) {
		if sc.Inputs["reclaimPolicy"] == "Retain" {
			bad = append(bad, fmt.Sprintf("storage class %v retains its volumes: the destroy leaves them behind", path(sc.Inputs, "metadata", "name")))
		}
	}
	return bad
}

// checkBackupKeysShortWindow: the backup keys of an unprotected stack wait the minimum, 7 days.
func checkBackupKeysShortWindow(p *destroyPlan) []string {
	var bad []string
	n := 0
	for _, k := range p.ofType(typeKMSKey) {
		if urnType(k.Parent) != typeBackupComponent {
			continue
		}
		n++
		if k.Inputs["deletionWindowInDays"] != 7.0 {
			bad = append(bad, fmt.Sprintf("backup key %s waits %v days before deletion, not 7", k.Name, k.Inputs["deletionWindowInDays"]))
		}
	}
	if n == 0 {
		bad = append(bad, "no backup KMS key in the graph")
	}
	return bad
}

// finalSnapshotInputs are the inputs naming a snapshot taken when a resource is deleted.
var finalSnapshotInputs = []string{"finalSnapshotIdentifier", "finalSnapshotName"}

// checkFinalSnapshotsUnique: every final snapshot name carries the ID AWS assigned, in this build, to
// a resource the snapshotted one depends on; a fixed name collides on the next build's destroy.
func checkFinalSnapshotsUnique(p *destroyPlan) []string {
	var bad []string
	named := 0
	for _, r := range p.g.Resources {
		for _, in := range finalSnapshotInputs {
			name, ok := r.Inputs[in].(string)
			if !ok {
				continue
			}
			named++
			found := false
			for _, d := range r.Dependencies {
				dep := p.byURN[d]
				if dep != nil && awsAssignedIDs[dep.Type] && dep.ID != "" && strings.Contains(name, dep.ID) {
					found = true
				}
			}
			if !found {
				bad = append(bad, fmt.Sprintf("%s: final snapshot %q carries no ID AWS assigned in this build: a rebuilt stack's destroy fails with SnapshotAlreadyExists", p.name(r.URN), name))
			}
		}
	}
	if named == 0 {
		bad = append(bad, "no resource with a final snapshot in the graph")
	}
	return bad
}

// checkAccountWideKept: an account-wide resource exists only in the stack that owns the account
// baseline, and is retained on its destroy; any other stack's destroy would delete what the others use.
func checkAccountWideKept(p *destroyPlan) []string {
	owner := p.g.Config != nil && p.g.Config.AccountBaseline
	var bad []string
	for _, r := range p.ofType(accountWideTypes...) {
		switch {
		case !owner:
			bad = append(bad, fmt.Sprintf("%s is account-wide, in a stack that does not own the account baseline", p.name(r.URN)))
		case !r.RetainOnDelete:
			bad = append(bad, fmt.Sprintf("%s is account-wide and not retained: destroying %s deletes it for every stack", p.name(r.URN), p.g.Stack))
		}
	}
	return bad
}

func hasURN(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// unprotectedChecks must hold in staging and any throw-away stack.
var unprotectedChecks = map[string]destroyCheck{
	"load balancers before the controller":    checkLoadBalancersGoFirst,
	"controller before the node groups":       checkControllerBeforeNodes,
	"in-cluster objects before the cluster":   checkInClusterBeforeCluster,
	"bucket writers before their buckets":     checkBucketWritersFirst,
	"nothing protected or retained":           checkNothingKept,
	"buckets emptied":                         checkBucketsEmptied,
	"secrets deleted without recovery window": checkSecretsGoAtOnce,
	"vaults unlocked and emptied":             checkVaultsDeletable,
	"no storage class retains volumes":        checkNoVolumeRetained,
	"backup keys wait 7 days":                 checkBackupKeysShortWindow,
	"final snapshot names unique per build":   checkFinalSnapshotsUnique,
	"no account-wide resource deleted":        checkAccountWideKept,
}

func destroyPlanOf(t *testing.T, stack string) *destroyPlan {
	t.Helper()
	g, err := plan.Record(projectDir, stack)
	require.NoError(t, err)
	p, err := newDestroyPlan(g)
	require.NoError(t, err)
	return p
}

func TestStagingDestroysCleanly(t *testing.T) {
	p := destroyPlanOf(t, "staging")
	require.False(t, p.g.Config.Protect, "staging is the unprotected stack these checks are for")
	t.Logf("destroy of staging: %d resources in %d waves; first %v, last %v", len(p.byURN), len(p.waves),
		p.waves[0][:min(3, len(p.waves[0]))], p.waves[len(p.waves)-1])
	names := make([]string, 0, len(unprotectedChecks))
	for n := range unprotectedChecks {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			assert.Empty(t, unprotectedChecks[n](p))
		})
	}
	// The backup keys follow the 7-day rule; the other components' keys are listed until they do.
	for _, k := range p.ofType(typeKMSKey) {
		if w := k.Inputs["deletionWindowInDays"]; w != 7.0 {
			t.Logf("note: KMS key %s waits %v days after a destroy of staging", k.Name, w)
		}
	}
}

// TestFinalSnapshotNameIsStableAcrossRuns: the same build planned twice names the same snapshot (no
// time, no random value), so a second preview shows no change.
func TestFinalSnapshotNameIsStableAcrossRuns(t *testing.T) {
	names := func() []string {
		var out []string
		for _, r := range destroyPlanOf(t, "staging").g.Resources {
			for _, in := range finalSnapshotInputs {
				if s, ok := r.Inputs[in].(string); ok {
					out = append(out, r.URN+"="+s)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	first := names()
	require.NotEmpty(t, first)
	assert.Equal(t, first, names())
}

// TestProtectedStacksRefuseAndKeep: prod and prod-dr keep the opposite settings. A destroy stops at
// their protected resources; retained ones are only dropped from the state; data buckets are never
// emptied, secrets keep their 30-day window, vaults are locked and never emptied, the database
// storage class retains its volumes, the backup keys wait 30 days.
func TestProtectedStacksRefuseAndKeep(t *testing.T) {
	for _, stack := range []string{"prod", "prod-dr"} {
		t.Run(stack, func(t *testing.T) {
			p := destroyPlanOf(t, stack)
			require.True(t, p.g.Config.Protect)
			assert.Empty(t, checkAccountWideKept(p))
			assert.Empty(t, checkFinalSnapshotsUnique(p))
			// Protected: `pulumi destroy` stops before deleting anything of these. The data stores are
			// also retained, so that even a destroy after unprotecting only forgets them.
			assert.NotEmpty(t, p.ofType(typeEKSCluster))
			for _, r := range p.ofType(typeEKSCluster, typeNodeGroup) {
				assert.True(t, r.Protect, "%s must be protected", p.name(r.URN))
			}
			for _, r := range p.ofType(typeBucketV2, typeBucketV1, typeVault, typeKMSKey, typeSecret, "aws:elasticache/replicationGroup:ReplicationGroup") {
				assert.True(t, r.Protect && r.RetainOnDelete, "%s must be protected and retained", p.name(r.URN))
			}
			for _, b := range p.ofType(typeBucketV2, typeBucketV1) {
				assert.NotEqual(t, true, b.Inputs["forceDestroy"], "bucket %v must never be emptied by a delete", b.Inputs["bucket"])
			}
			for _, s := range p.ofType(typeSecret) {
				assert.Equal(t, 30.0, s.Inputs["recoveryWindowInDays"], "secret %v", s.Inputs["name"])
			}
			locked := map[any]bool{}
			for _, l := range p.ofType(typeVaultLock) {
				locked[l.Inputs["backupVaultName"]] = true
			}
			for _, v := range p.ofType(typeVault) {
				assert.True(t, locked[v.Inputs["name"]], "vault %v must be locked", v.Inputs["name"])
				assert.NotEqual(t, true, v.Inputs["forceDestroy"], "vault %v", v.Inputs["name"])
			}
			retain := 0
			for _, sc := range p.ofType(typeStorageClass) {
				if sc.Inputs["reclaimPolicy"] == "Retain" {
					retain++
				}
			}
			assert.Equal(t, 1, retain, "the database storage class retains its volumes")
			for _, k := range p.ofType(typeKMSKey) {
				if urnType(k.Parent) == typeBackupComponent {
					assert.Equal(t, 30.0, k.Inputs["deletionWindowInDays"], "backup key %s", k.Name)
				}
			}
			if stack == "prod" {
				assert.NotEmpty(t, p.ofType(typeBucketV2))
				assert.NotEmpty(t, p.ofType(typeVault))
				assert.NotEmpty(t, p.ofType(typeSecret))
			}
		})
	}
}

// TestDestroyChecksCatchWhatTheyCheck breaks staging's plan the way a change to the program could, one
// fault at a time, and expects the check for it to say so: none of the checks passes by construction.
func TestDestroyChecksCatchWhatTheyCheck(t *testing.T) {
	find := func(p *destroyPlan, typ, name string) *plan.Resource {
		for _, r := range p.ofType(typ) {
			if name == "" || r.Name == name {
				return r
			}
		}
		require.FailNow(t, "not in the graph", "%s %s", typ, name)
		return nil
	}
	without := func(xs []string, drop func(string) bool) []string {
		var out []string
		for _, x := range xs {
			if !drop(x) {
				out = append(out, x)
			}
		}
		return out
	}
	add := func(g *plan.Graph, r plan.Resource) {
		r.URN = "urn:pulumi:" + g.Stack + "::" + g.Project + "::" + r.Type + "::" + r.Name
		g.Resources = append(g.Resources, r)
	}
	cases := []struct {
		name   string
		check  string
		break_ func(p *destroyPlan)
	}{
		{"a LoadBalancer Service that does not wait for the controller", "load balancers before the controller", func(p *destroyPlan) {
			add(p.g, plan.Resource{Type: "kubernetes:core/v1:Service", Name: "gateway-nlb", Custom: true, Provider: find(p, typeHelmRelease, "").Provider,
				Inputs: map[string]any{"spec": map[string]any{"type": "LoadBalancer"}}})
		}},
		{"a release whose values enable an ingress", "load balancers before the controller", func(p *destroyPlan) {
			r := find(p, typeHelmRelease, "monitoring-stack")
			r.Inputs["values"].(map[string]any)["grafana"] = map[string]any{"ingress": map[string]any{"enabled": true}}
		}},
		{"the controller not waiting for its policy", "load balancers before the controller", func(p *destroyPlan) {
			lbc := p.lbController()
			lbc.Dependencies = without(lbc.Dependencies, func(d string) bool { return urnType(d) == typeRolePolicy })
		}},
		{"the Kubernetes provider not waiting for the node groups", "controller before the node groups", func(p *destroyPlan) {
			k := find(p, typeK8sProvider, "")
			k.Dependencies = without(k.Dependencies, func(d string) bool { return urnType(d) == typeNodeGroup || urnType(d) == typeEKSAddon })
		}},
		{"the Kubernetes provider not built from the cluster", "in-cluster objects before the cluster", func(p *destroyPlan) {
			find(p, typeK8sProvider, "").Dependencies = nil
		}},
		{"Velero not waiting for its bucket", "bucket writers before their buckets", func(p *destroyPlan) {
			v := find(p, typeHelmRelease, "backup-velero")
			v.Dependencies = without(v.Dependencies, func(d string) bool { return urnType(d) == typeBucketV2 })
		}},
		{"a retained resource", "nothing protected or retained", func(p *destroyPlan) {
			find(p, typeEKSCluster, "").RetainOnDelete = true
		}},
		{"a bucket without forceDestroy", "buckets emptied", func(p *destroyPlan) {
			delete(find(p, typeBucketV2, "").Inputs, "forceDestroy")
		}},
		{"a secret with the default recovery window", "secrets deleted without recovery window", func(p *destroyPlan) {
			delete(find(p, typeSecret, "").Inputs, "recoveryWindowInDays")
		}},
		{"a vault lock", "vaults unlocked and emptied", func(p *destroyPlan) {
			add(p.g, plan.Resource{Type: typeVaultLock, Name: "lock", Custom: true, Inputs: map[string]any{"backupVaultName": find(p, typeVault, "").Inputs["name"]}})
		}},
		{"a vault without forceDestroy", "vaults unlocked and emptied", func(p *destroyPlan) {
			find(p, typeVault, "").Inputs["forceDestroy"] = false
		}},
		{"a storage class that retains", "no storage class retains volumes", func(p *destroyPlan) {
			find(p, typeStorageClass, "").Inputs["reclaimPolicy"] = "Retain"
		}},
		{"a backup key with the 30-day window", "backup keys wait 7 days", func(p *destroyPlan) {
			for _, k := range p.ofType(typeKMSKey) {
				if urnType(k.Parent) == typeBackupComponent {
					k.Inputs["deletionWindowInDays"] = 30.0
				}
			}
		}},
		{"a fixed final snapshot name", "final snapshot names unique per build", func(p *destroyPlan) {
			find(p, "aws:elasticache/replicationGroup:ReplicationGroup", "").Inputs["finalSnapshotIdentifier"] = "suoke-staging-final"
		}},
		{"a service-linked role in a stack that does not own the baseline", "no account-wide resource deleted", func(p *destroyPlan) {
			add(p.g, plan.Resource{Type: "aws:iam/serviceLinkedRole:ServiceLinkedRole", Name: "opensearch-slr", Custom: true,
				Inputs: map[string]any{"awsServiceName": "opensearchservice.amazonaws.com"}})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := destroyPlanOf(t, "staging")
			require.Empty(t, unprotectedChecks[c.check](p), "the check must pass before the fault")
			c.break_(p)
			broken, err := newDestroyPlan(p.g)
			require.NoError(t, err)
			assert.NotEmpty(t, unprotectedChecks[c.check](broken), "check %q missed: %s", c.check, c.name)
		})
	}

	t.Run("the account baseline's owner retains what it owns", func(t *testing.T) {
		p := destroyPlanOf(t, "staging")
		p.g.Config.AccountBaseline = true
		add(p.g, plan.Resource{Type: "aws:iam/serviceLinkedRole:ServiceLinkedRole", Name: "slr", Custom: true})
		broken, err := newDestroyPlan(p.g)
		require.NoError(t, err)
		assert.NotEmpty(t, checkAccountWideKept(broken), "an owner's account-wide resource without retainOnDelete")
	})
	t.Run("a dependency cycle cannot be ordered", func(t *testing.T) {
		p := destroyPlanOf(t, "staging")
		cluster := find(p, typeEKSCluster, "")
		k := find(p, typeK8sProvider, "")
		cluster.Dependencies = append(cluster.Dependencies, k.URN)
		_, err := newDestroyPlan(p.g)
		assert.ErrorContains(t, err, "cycle")
	})
	t.Run("a reference to a resource not in the graph", func(t *testing.T) {
		p := destroyPlanOf(t, "staging")
		r := find(p, typeEKSCluster, "")
		r.Dependencies = append(r.Dependencies, "urn:pulumi:staging::suoke-platform::aws:ec2/vpc:Vpc::gone")
		_, err := newDestroyPlan(p.g)
		assert.ErrorContains(t, err, "not in the graph")
	})
}
