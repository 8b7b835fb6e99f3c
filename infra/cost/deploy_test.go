package cost

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A small graph whose critical path is known by hand (durations from the table):
//
//	vpc 0.1 → subnet 0.2 → cluster 10 → node group 3 → coredns add-on 1.5   (add-on waits on the node
//	                                    group only by an explicit DependsOn; its data comes from the cluster)
//	                     → redis 12                                          (12.3 in all)
//	                       cluster → k8s provider 0 → helm release 2         (12.3 in all)
//	nat 2 (no dependencies)
//
// Critical path: vpc, subnet, cluster, node group, add-on = 0.1 + 0.2 + 10 + 3 + 1.5 = 14.8 minutes.
// Without the ordering-only edge the add-on finishes at 11.8, so the lower bound is the node group's
// 13.3, and that edge adds 1.5 minutes.
func deployGraph() []Resource {
	vpc := res("aws:ec2/vpc:Vpc", "vpc", nil)
	subnet := res("aws:ec2/subnet:Subnet", "subnet", nil, vpc.URN)
	cluster := res(tCluster, "cluster", nil, subnet.URN)
	ng := res(tNodeGroup, "ng", nil, cluster.URN, subnet.URN)
	addon := res("aws:eks/addon:Addon", "coredns", nil, cluster.URN, ng.URN)
	addon.DependsOn = []string{ng.URN}
	redis := res(tRedis, "redis", nil, subnet.URN)
	k8s := res("pulumi:providers:kubernetes", "k8s", nil, cluster.URN)
	release := res("kubernetes:helm.sh/v3:Release", "metrics-server", nil)
	release.Provider = k8s.URN
	nat := res(tNAT, "nat", nil)
	component := Resource{URN: urnOf("suoke:network:Network", "network"), Type: "suoke:network:Network", Name: "network", Parent: stackURN}
	return []Resource{vpc, subnet, cluster, ng, addon, redis, k8s, release, nat, component}
}

func TestCriticalPathOfAHandBuiltGraph(t *testing.T) {
	est := EstimateDeploy(deployGraph())
	assert.Equal(t, 14.8, est.EstimatedMinutes)
	assert.Equal(t, []string{
		urnOf("aws:ec2/vpc:Vpc", "vpc"), urnOf("aws:ec2/subnet:Subnet", "subnet"), urnOf(tCluster, "cluster"),
		urnOf(tNodeGroup, "ng"), urnOf("aws:eks/addon:Addon", "coredns"),
	}, est.CriticalPath)
	require.Len(t, est.Steps, 5)
	assert.Equal(t, 0.3, est.Steps[2].Start)
	assert.Equal(t, 10.3, est.Steps[2].Finish)
	assert.Contains(t, est.Steps[2].Source, "EKS control plane")

	assert.Equal(t, 13.3, est.LowerBoundMinutes)
	assert.Equal(t, urnOf(tNodeGroup, "ng"), est.LowerBoundPath[len(est.LowerBoundPath)-1])
	assert.Equal(t, []OrderingEdge{{From: urnOf("aws:eks/addon:Addon", "coredns"), To: urnOf(tNodeGroup, "ng"), AddsMinutes: 1.5}}, est.OrderingOnly)
	assert.Empty(t, est.AssumedTypes)
}

func TestProviderEdgesCount(t *testing.T) {
	// The helm release has no dependency of its own: it waits for its provider, which waits for the
	// cluster (10.3) and takes no time itself, so the release finishes at 12.3.
	d := newDAG(newGraph(deployGraph()))
	finish, via := d.longestPath(false, noEdge)
	release := d.index[urnOf("kubernetes:helm.sh/v3:Release", "metrics-server")]
	assert.InDelta(t, 12.3, finish[release], 1e-9)
	assert.Equal(t, d.index[urnOf("pulumi:providers:kubernetes", "k8s")], via[release])
}

func TestUnknownTypesTakeTheDefaultAndAreNamed(t *testing.T) {
	graph := []Resource{res("acme:widgets/widget:Widget", "w", nil), res("aws:ec2/vpc:Vpc", "vpc", nil)}
	est := EstimateDeploy(graph)
	assert.Equal(t, []string{"acme:widgets/widget:Widget"}, est.AssumedTypes)
	assert.Equal(t, 0.1, est.EstimatedMinutes)
}

func TestEmptyGraph(t *testing.T) {
	est := EstimateDeploy(nil)
	assert.Zero(t, est.EstimatedMinutes)
	assert.Empty(t, est.CriticalPath)
}

// TestEveryDurationNamesItsSource: a figure in the table says where it comes from (an issue, a pull
// request, a document) or says it is an estimate, and what was taken; a new type cannot slip in with
// a bare number.
func TestEveryDurationNamesItsSource(t *testing.T) {
	cited := regexp.MustCompile(`[\w.-]+/[\w.-]+#\d+|\.md\b|documentation|docs?\b|API|\(estimate`)
	for typ, d := range DurationTable() {
		assert.Positive(t, d.Minutes, typ)
		assert.Regexp(t, cited, d.Source, "%s: %q cites nothing and is not marked an estimate", typ, d.Source)
		if !strings.Contains(d.Source, "Kubernetes object") && !strings.Contains(d.Source, "API-only") {
			assert.Contains(t, d.Source, "taken", "%s: the source says which figure was taken", typ)
		}
	}
}
