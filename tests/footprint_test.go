package tests

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/cluster/nodegroups"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// The declared footprints against what the recorded graph renders: every pod template the program
// sets requests on (Helm values, CloudNativePG Cluster and Pooler specs) must be in the capacity
// output's items, and every workload namespace's ResourceQuota must be its pool's capacity at max
// size less everything in those items for that pool, less the headroom. Together: the quotas are
// computed from the complete sum.

// rendered is one workload the graph sets requests on.
type rendered struct {
	where     string
	tier      string
	perNode   bool
	replicas  int
	cpuMilli  int
	memoryMiB int
}

func quantityMilli(q any) int {
	s, _ := q.(string)
	if v, ok := strings.CutSuffix(s, "m"); ok {
		n, _ := strconv.Atoi(v)
		return n
	}
	f, _ := strconv.ParseFloat(s, 64)
	return int(f * 1000)
}

func quantityMiB(q any) int {
	s, _ := q.(string)
	for suffix, mul := range map[string]int{"Mi": 1, "Gi": 1024} {
		if v, ok := strings.CutSuffix(s, suffix); ok {
			n, _ := strconv.Atoi(v)
			return n * mul
		}
	}
	return 0
}

// placementOf reads a pod spec's (or chart values') pool: the tier its nodeSelector names, directly
// or under affinity (CloudNativePG), and whether it tolerates every taint.
func placementOf(m map[string]any) (tier string, tolerateAll, found bool) {
	for _, holder := range []any{m, m["affinity"]} {
		h, _ := holder.(map[string]any)
		if sel, ok := h["nodeSelector"].(map[string]any); ok {
			tier, _ = sel[tierLabel].(string)
			found = true
		}
		if tols, ok := h["tolerations"].([]any); ok {
			found = true
			for _, t := range tols {
				if tm, _ := t.(map[string]any); tm["operator"] == "Exists" && tm["key"] == nil {
					tolerateAll = true
				}
			}
		}
	}
	return tier, tolerateAll, found
}

// walkRequests finds every map with resources.requests.cpu under v. Placement is inherited from the
// nearest map that sets one; replicas are the map's own replicaCount, replicas or instances, else
// the nearest ancestor's instances (CloudNativePG), else 1 (every chart's default). A pod that
// tolerates every taint and selects no pool is a node agent: one pod on every node of every pool.
func walkRequests(v any, where, tier string, tolerateAll bool, instances int, out *[]rendered) {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			walkRequests(e, fmt.Sprintf("%s[%d]", where, i), tier, tolerateAll, instances, out)
		}
	case map[string]any:
		if t, all, ok := placementOf(x); ok {
			tier, tolerateAll = t, all
		}
		if n, ok := x["instances"].(float64); ok {
			instances = int(n)
		}
		if res, ok := x["resources"].(map[string]any); ok {
			if req, ok := res["requests"].(map[string]any); ok && req["cpu"] != nil {
				replicas := instances
				for _, k := range []string{"replicaCount", "replicas", "instances"} {
					if n, ok := x[k].(float64); ok {
						replicas = int(n)
					}
				}
				*out = append(*out, rendered{where: where, tier: tier, perNode: tier == "" && tolerateAll, replicas: replicas,
					cpuMilli: quantityMilli(req["cpu"]), memoryMiB: quantityMiB(req["memory"])})
			}
		}
		for k, e := range x {
			walkRequests(e, where+"."+k, tier, tolerateAll, instances, out)
		}
	}
}

// renderedWorkloads are the long-running pods the graph sets requests on. Jobs run to completion and
// are left out; a CloudNativePG instance carries the Barman Cloud sidecar its ObjectStore configures.
func renderedWorkloads(t *testing.T, g *plan.Graph) []rendered {
	t.Helper()
	sidecars := map[string]map[string]any{}
	for _, r := range g.Resources {
		if r.Type == "kubernetes:barmancloud.cnpg.io/v1:ObjectStore" {
			meta, _ := r.Inputs["metadata"].(map[string]any)
			spec, _ := r.Inputs["spec"].(map[string]any)
			sc, _ := spec["instanceSidecarConfiguration"].(map[string]any)
			res, _ := sc["resources"].(map[string]any)
			req, _ := res["requests"].(map[string]any)
			sidecars[fmt.Sprint(meta["name"])] = req
		}
	}
	var out []rendered
	for _, r := range g.Resources {
		var body any
		switch {
		case r.Type == "kubernetes:helm.sh/v3:Release":
			body = r.Inputs["values"]
		case r.Type == "kubernetes:postgresql.cnpg.io/v1:Cluster", r.Type == "kubernetes:postgresql.cnpg.io/v1:Pooler":
			body = r.Inputs["spec"]
		case strings.HasPrefix(r.Type, "kubernetes:") && strings.Contains(r.Type, ":apps/v1:"):
			body = r.Inputs["spec"]
		default:
			continue
		}
		var found []rendered
		walkRequests(body, r.Name, "", false, 1, &found)
		if r.Type == "kubernetes:postgresql.cnpg.io/v1:Cluster" {
			spec := r.Inputs["spec"].(map[string]any)
			for _, p := range spec["plugins"].([]any) {
				params, _ := p.(map[string]any)["parameters"].(map[string]any)
				if req, ok := sidecars[fmt.Sprint(params["barmanObjectName"])]; ok && p.(map[string]any)["isWALArchiver"] == true {
					for i := range found {
						found[i].cpuMilli += quantityMilli(req["cpu"])
						found[i].memoryMiB += quantityMiB(req["memory"])
					}
				}
			}
		}
		out = append(out, found...)
	}
	return out
}

// poolCapacity is one entry of the capacity output.
type poolCapacity struct {
	Tier  string `json:"tier"`
	Items []struct {
		Tier      string `json:"tier"`
		Name      string `json:"name"`
		Replicas  int    `json:"replicas"`
		PerNode   bool   `json:"perNode"`
		CPUMilli  int    `json:"cpuMilli"`
		MemoryMiB int    `json:"memoryMiB"`
		Source    string `json:"source"`
	} `json:"items"`
}

func capacityOutput(t *testing.T, g *plan.Graph) []poolCapacity {
	t.Helper()
	b, err := json.Marshal(g.Outputs["capacity"])
	require.NoError(t, err)
	var pools []poolCapacity
	require.NoError(t, json.Unmarshal(b, &pools))
	require.NotEmpty(t, pools, "the stack exports its capacity")
	return pools
}

// undeclared lists the rendered workloads that no declared footprint accounts for: each is matched
// to a distinct item of its pool with the same pod count and requests (a node agent to a per-node
// item of every pool).
func undeclared(t *testing.T, g *plan.Graph) []string {
	t.Helper()
	pools := capacityOutput(t, g)
	used := map[string]bool{}
	var missing []string
	for _, w := range renderedWorkloads(t, g) {
		for _, p := range pools {
			if !w.perNode && w.tier != p.Tier {
				continue
			}
			matched := false
			for i, it := range p.Items {
				key := fmt.Sprintf("%s/%d", p.Tier, i)
				if used[key] || it.PerNode != w.perNode || it.CPUMilli != w.cpuMilli || it.MemoryMiB != w.memoryMiB || (!w.perNode && it.Replicas != w.replicas) {
					continue
				}
				used[key], matched = true, true
				break
			}
			if !matched {
				missing = append(missing, fmt.Sprintf("%s on the %s pool (%d × %dm/%dMi, per node %v)", w.where, p.Tier, w.replicas, w.cpuMilli, w.memoryMiB, w.perNode))
			}
		}
	}
	return missing
}

func TestEveryRenderedWorkloadIsDeclared(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		g, _ := record(t, stack)
		ws := renderedWorkloads(t, g)
		// The walk itself finds what it must: Velero (backup), Prometheus and the node agents
		// (monitoring), PostgreSQL and its operator (database), the autoscaler (cluster).
		var where []string
		for _, w := range ws {
			where = append(where, w.where)
		}
		for _, want := range []string{"backup-velero", "monitoring-stack.prometheus.prometheusSpec", "monitoring-fluentbit",
			"database-postgres", "database-cnpg-operator", "cluster-cluster-autoscaler"} {
			assert.Contains(t, where, want, "%s: the walk finds %s", stack, want)
		}
		assert.Empty(t, undeclared(t, g), "%s: workloads the graph renders that no footprint declares", stack)
	}
}

// TestALeftOutFootprintIsFound drops one component's footprints from a recorded capacity output, as
// a composition that forgot to sum it would export, and expects its workloads reported.
func TestALeftOutFootprintIsFound(t *testing.T) {
	g, _ := record(t, "prod")
	for _, source := range []string{"backup", "database", "monitoring", "cluster"} {
		pools := capacityOutput(t, g)
		var kept []any
		for _, p := range pools {
			items := p.Items[:0]
			for _, it := range p.Items {
				if it.Source != source {
					items = append(items, it)
				}
			}
			p.Items = items
			kept = append(kept, p)
		}
		b, _ := json.Marshal(kept)
		var out any
		require.NoError(t, json.Unmarshal(b, &out))
		left := *g
		left.Outputs = map[string]any{"capacity": out}
		assert.NotEmpty(t, undeclared(t, &left), "without the %s footprints", source)
	}
}

// TestQuotasLeaveRoomForEverythingDeclared: each workload namespace's ResourceQuota is its pool's
// allocatable capacity at max size (the LimitRange's per-container max is one node's allocatable,
// the node groups' maxSize the node count) less every declared footprint on that pool at max size,
// less the capacity policy's headroom (nodegroups.Headroom, 20%; policy EKS-012).
func TestQuotasLeaveRoomForEverythingDeclared(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		g, _ := record(t, stack)
		pools := capacityOutput(t, g)
		quotas := 0
		for _, q := range graphResources(g, "kubernetes:core/v1:ResourceQuota") {
			ns := q.Inputs["metadata"].(map[string]any)["namespace"].(string)
			var perCPU, perMem int
			for _, lr := range graphResources(g, "kubernetes:core/v1:LimitRange") {
				if lr.Inputs["metadata"].(map[string]any)["namespace"] == ns {
					limit := lr.Inputs["spec"].(map[string]any)["limits"].([]any)[0].(map[string]any)["max"].(map[string]any)
					perCPU, perMem = quantityMilli(limit["cpu"]), quantityMiB(limit["memory"])
				}
			}
			maxNodes := 0
			for _, ng := range graphResources(g, "aws:eks/nodeGroup:NodeGroup") {
				if ng.Inputs["labels"].(map[string]any)[tierLabel] == ns {
					maxNodes += int(ng.Inputs["scalingConfig"].(map[string]any)["maxSize"].(float64))
				}
			}
			require.Positive(t, perCPU*maxNodes, "%s/%s: the pool's capacity", stack, ns)
			cpu, mem := perCPU*maxNodes, perMem*maxNodes
			for _, p := range pools {
				if p.Tier != ns {
					continue
				}
				for _, it := range p.Items {
					pods := it.Replicas
					if it.PerNode {
						pods = maxNodes
					}
					cpu, mem = cpu-pods*it.CPUMilli, mem-pods*it.MemoryMiB
				}
			}
			hard := q.Inputs["spec"].(map[string]any)["hard"].(map[string]any)
			assert.Equal(t, int(float64(cpu)*(1-nodegroups.Headroom)), quantityMilli(hard["requests.cpu"]), "%s/%s: quota CPU", stack, ns)
			assert.Equal(t, int(float64(mem)*(1-nodegroups.Headroom)), quantityMiB(hard["requests.memory"]), "%s/%s: quota memory", stack, ns)
			quotas++
		}
		assert.Equal(t, 3, quotas, "%s: one quota per workload namespace", stack)
	}
}

func graphResources(g *plan.Graph, typ string) []plan.Resource {
	var out []plan.Resource
	for _, r := range g.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}
