package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

// ZoneLoss answers, for each AZ of the stack, what losing it takes and what remains, from the recorded
// graph alone: the nodes of every pool, PostgreSQL's instances and synchronous standby, Redis's
// primary, OpenSearch's nodes and shards, and NAT egress. It is static stability: what is left must
// carry the load before any replacement comes, because replacements need capacity in the surviving
// AZs at the moment everyone else wants it too.
type ZoneLoss struct {
	AZs   []string      `json:"azs"`
	Zones []ZoneOutcome `json:"zones"`
	// Survives is true when no single AZ's loss leaves a problem.
	Survives bool `json:"survives"`
}

// ZoneOutcome is the loss of one AZ.
type ZoneOutcome struct {
	AZ         string         `json:"az"`
	Tiers      []TierZoneLoss `json:"tiers"`
	Postgres   []PostgresLoss `json:"postgres,omitempty"`
	Redis      []RedisLoss    `json:"redis,omitempty"`
	OpenSearch []SearchLoss   `json:"opensearch,omitempty"`
	NAT        *NATLoss       `json:"nat,omitempty"`
	Problems   []string       `json:"problems,omitempty"`
}

// TierZoneLoss is one pool: its nodes at minimum size, those in the lost AZ, and whether what it runs
// fits on the rest.
type TierZoneLoss struct {
	Tier  string `json:"tier"`
	Nodes int    `json:"nodes"`
	Lost  int    `json:"lost"`
	Left  int    `json:"left"`
	// Requested and Allocatable after the loss: every pod that must run (DaemonSets on the nodes left)
	// against the nodes left.
	ReqCPU      int `json:"requestedCpuMilli"`
	ReqMemory   int `json:"requestedMemoryMiB"`
	AllocCPU    int `json:"allocatableCpuMilli"`
	AllocMemory int `json:"allocatableMemoryMiB"`
	// Unplaced are pods that find no node with room; Stranded are pods pinned to one per zone (required
	// zone anti-affinity) that have no zone left to go to.
	Unplaced []string `json:"unplaced,omitempty"`
	Stranded []string `json:"stranded,omitempty"`
	Fits     bool     `json:"fits"`
}

// PostgresLoss is one CloudNativePG cluster.
type PostgresLoss struct {
	Name        string `json:"name"`
	Instances   int    `json:"instances"`
	Left        int    `json:"left"`
	Sync        string `json:"sync"`
	SyncStandby bool   `json:"syncStandby"`
	Writes      string `json:"writes"`
}

// RedisLoss is one ElastiCache replication group.
type RedisLoss struct {
	ID      string `json:"id"`
	Nodes   int    `json:"nodes"`
	Left    int    `json:"left"`
	Primary string `json:"primary"`
	Writes  string `json:"writes"`
}

// SearchLoss is one OpenSearch domain.
type SearchLoss struct {
	Domain      string `json:"domain"`
	DataNodes   int    `json:"dataNodes"`
	DataLeft    int    `json:"dataLeft"`
	Masters     int    `json:"masters"`
	MastersLeft int    `json:"mastersLeft"`
	Replicas    int    `json:"replicas"`
	Shards      string `json:"shards"`
}

// NATLoss is the VPC's egress.
type NATLoss struct {
	Gateways int `json:"gateways"`
	Lost     int `json:"lost"`
	// EgressLost are the other AZs whose private subnets route through a NAT gateway in the lost AZ.
	EgressLost []string `json:"egressLost,omitempty"`
}

// zoneLabel is the topology key of a required anti-affinity that pins one pod per zone.
const zoneLabel = "topology.kubernetes.io/zone"

// node is one node of a pool after the loss, with its free room.
type node struct {
	az          string
	cpu, memory int
}

// pod is one pod to place.
type pod struct {
	name        string
	cpu, memory int
	perZone     bool // required anti-affinity on the zone: one per zone
}

// poolCapacity is the part of the capacity output (infra/cluster: PoolCapacity) this reads.
type poolCapacity struct {
	Tier             string `json:"tier"`
	PerNodeCPUMilli  int    `json:"perNodeCpuMilli"`
	PerNodeMemoryMiB int    `json:"perNodeMemoryMiB"`
	Items            []struct {
		Name      string `json:"name"`
		Replicas  int    `json:"replicas"`
		PerNode   bool   `json:"perNode"`
		CPUMilli  int    `json:"cpuMilli"`
		MemoryMiB int    `json:"memoryMiB"`
	} `json:"items"`
}

// group is one node group: its tier, AZs and minimum size.
type group struct {
	tier string
	azs  []string
	min  int
}

// spread is how many of a group's n nodes sit in each AZ, taking the most for the lost AZ: an Auto
// Scaling group keeps an equal number of instances in each enabled AZ ("Auto Scaling group
// Availability Zone distribution", balanced best effort, the default;
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-availability-zone-balanced.html,
// read 2026-12-02), so the lost AZ holds at most ceil(n/AZs). EKS managed node groups are Auto Scaling
// groups over the group's subnets.
func spread(n int, azs []string, lost string) map[string]int {
	out := map[string]int{}
	if len(azs) == 0 {
		return out
	}
	rest := n
	order := append([]string(nil), azs...)
	sort.SliceStable(order, func(i, j int) bool { return order[i] == lost && order[j] != lost })
	for i, az := range order {
		k := int(math.Ceil(float64(rest) / float64(len(order)-i)))
		out[az] = k
		rest -= k
	}
	return out
}

// ZoneLossOf reads the zone-loss answers; nil when the graph has no subnets.
func ZoneLossOf(resources []plan.Resource, outputs map[string]any) *ZoneLoss {
	byType := map[string][]*plan.Resource{}
	for i := range resources {
		byType[resources[i].Type] = append(byType[resources[i].Type], &resources[i])
	}
	subnetAZ := map[string]string{}
	azSet := map[string]bool{}
	for _, s := range byType["aws:ec2/subnet:Subnet"] {
		az := policy.Str(s, "availabilityZone")
		if s.ID != "" {
			subnetAZ[s.ID] = az
		}
		if az != "" {
			azSet[az] = true
		}
	}
	if len(azSet) == 0 {
		return nil
	}
	azsOf := func(ids []any) []string {
		seen := map[string]bool{}
		var out []string
		for _, id := range ids {
			s, _ := id.(string)
			az, ok := subnetAZ[s]
			if !ok {
				az = "unknown subnet " + s
			}
			if !seen[az] {
				seen[az] = true
				out = append(out, az)
			}
		}
		sort.Strings(out)
		return out
	}
	zl := &ZoneLoss{AZs: sortedKeys(azSet), Survives: true}

	var groups []group
	for _, g := range byType["aws:eks/nodeGroup:NodeGroup"] {
		labels, _ := g.Inputs["labels"].(map[string]any)
		tier, _ := labels["suoke.life/tier"].(string)
		minSize, _ := policy.At(g, "scalingConfig", "minSize").(float64)
		groups = append(groups, group{tier: tier, azs: azsOf(policy.List(g, "subnetIds")), min: int(minSize)})
	}
	var pools []poolCapacity
	b, _ := json.Marshal(outputs["capacity"])
	_ = json.Unmarshal(b, &pools)
	// pinned are the pods of CloudNativePG clusters with required anti-affinity on the zone, by the
	// capacity output's item name (namespace/name).
	type pgCluster struct {
		name, sync, durability string
		instances, number      int
		pinned                 bool
	}
	var clusters []pgCluster
	pinned := map[string]bool{}
	for _, c := range byType["kubernetes:postgresql.cnpg.io/v1:Cluster"] {
		pc := pgCluster{name: dataStr(c, "metadata", "namespace") + "/" + dataStr(c, "metadata", "name"), instances: dataNum(c, "spec", "instances"),
			sync: dataStr(c, "spec", "postgresql", "synchronous", "method"), number: dataNum(c, "spec", "postgresql", "synchronous", "number"),
			durability: dataStr(c, "spec", "postgresql", "synchronous", "dataDurability"),
			pinned:     dataStr(c, "spec", "affinity", "podAntiAffinityType") == "required" && dataStr(c, "spec", "affinity", "topologyKey") == zoneLabel}
		if pc.durability == "" && pc.sync != "" {
			pc.durability = "required" // CloudNativePG's default
		}
		pinned[pc.name] = pc.pinned
		clusters = append(clusters, pc)
	}

	for _, az := range zl.AZs {
		o := ZoneOutcome{AZ: az}
		placedOf := map[string]int{}
		for _, p := range pools {
			tl := TierZoneLoss{Tier: p.Tier}
			var nodes []node
			zonesBefore := map[string]bool{}
			for _, g := range groups {
				if g.tier != p.Tier {
					continue
				}
				tl.Nodes += g.min
				for gaz, n := range spread(g.min, g.azs, az) {
					if n > 0 {
						zonesBefore[gaz] = true
					}
					if gaz == az || strings.HasPrefix(gaz, "unknown") {
						tl.Lost += n
						continue
					}
					for range n {
						nodes = append(nodes, node{az: gaz, cpu: p.PerNodeCPUMilli, memory: p.PerNodeMemoryMiB})
					}
				}
			}
			tl.Left = len(nodes)
			tl.AllocCPU, tl.AllocMemory = tl.Left*p.PerNodeCPUMilli, tl.Left*p.PerNodeMemoryMiB
			zonesLeft := map[string]bool{}
			for _, n := range nodes {
				zonesLeft[n.az] = true
			}
			// Pods pinned one per zone ran in as many zones as had nodes, the lost one among them
			// (the worst case when there are fewer pods than zones): the lost zone's pod has no zone
			// to go to until a zone without one has room (its volume stays in the lost zone).
			pinnedLeft := func(replicas int) int {
				n := min(replicas, len(zonesBefore))
				if tl.Lost > 0 && len(zonesBefore) > len(zonesLeft) {
					n--
				}
				return max(min(n, len(zonesLeft)), 0)
			}
			var pods []pod
			for _, it := range p.Items {
				if it.PerNode {
					// A DaemonSet runs on every node left, before anything else.
					for i := range nodes {
						nodes[i].cpu -= it.CPUMilli
						nodes[i].memory -= it.MemoryMiB
					}
					tl.ReqCPU += tl.Left * it.CPUMilli
					tl.ReqMemory += tl.Left * it.MemoryMiB
					continue
				}
				n := it.Replicas
				if pinned[it.Name] {
					left := pinnedLeft(n)
					for i := left; i < n; i++ {
						tl.Stranded = append(tl.Stranded, it.Name)
					}
					n = left
				}
				for range n {
					pods = append(pods, pod{name: it.Name, cpu: it.CPUMilli, memory: it.MemoryMiB, perZone: pinned[it.Name]})
					tl.ReqCPU += it.CPUMilli
					tl.ReqMemory += it.MemoryMiB
				}
			}
			placed := place(nodes, pods)
			for _, pd := range pods {
				if placed[pd.name] > 0 {
					placed[pd.name]--
					placedOf[pd.name]++
					continue
				}
				tl.Unplaced = append(tl.Unplaced, pd.name)
			}
			// A pool with no node left runs nothing of its tier, whatever its footprints declare.
			tl.Fits = tl.Left > 0 && len(tl.Unplaced) == 0 && tl.ReqCPU <= tl.AllocCPU && tl.ReqMemory <= tl.AllocMemory
			switch {
			case tl.Left == 0:
				o.Problems = append(o.Problems, fmt.Sprintf("%s: no node left (at minimum size, %d of its %d node(s) may be in %s)", p.Tier, tl.Lost, tl.Nodes, az))
			case !tl.Fits:
				o.Problems = append(o.Problems, fmt.Sprintf("%s: what it runs does not fit the %d node(s) left: requests %dm / %d MiB against %dm / %d MiB; no room for %s",
					p.Tier, tl.Left, tl.ReqCPU, tl.ReqMemory, tl.AllocCPU, tl.AllocMemory, strings.Join(counted(tl.Unplaced), ", ")))
			}
			o.Tiers = append(o.Tiers, tl)
		}

		for _, c := range clusters {
			pl := PostgresLoss{Name: c.name, Instances: c.instances, Left: placedOf[c.name], Sync: "none"}
			if !c.pinned {
				// Not pinned per zone: the worst case is the lost AZ's share of the instances.
				pl.Left = c.instances - int(math.Ceil(float64(c.instances)/float64(len(zl.AZs))))
			}
			standbys := pl.Left - 1
			if c.sync != "" {
				pl.Sync = fmt.Sprintf("quorum %s %d, durability %s", c.sync, c.number, c.durability)
			}
			// Durability required: a commit waits for the named number of synchronous standbys, and
			// writes pause when fewer are available; preferred lets them go on unreplicated
			// (cloudnative-pg/cloudnative-pg docs/src/replication.md, "Data Durability and Synchronous
			// Replication", read 2026-12-02). A failover promotes the most advanced standby, which with
			// quorum commit holds every committed transaction.
			switch {
			case pl.Left == 0:
				pl.Writes = "down: no instance left"
			case c.sync == "" || c.number < 1:
				pl.Writes = "continue on the primary, unreplicated"
			case standbys >= c.number:
				pl.SyncStandby = true
				pl.Writes = fmt.Sprintf("continue: %d standby(s) left for a quorum of %d (a standby is promoted if the primary was here)", standbys, c.number)
			case c.durability == "preferred":
				pl.Writes = "continue unreplicated: no synchronous standby left (durability preferred)"
			default:
				pl.Writes = "pause: no synchronous standby left to acknowledge a commit (durability required)"
			}
			if !pl.SyncStandby {
				o.Problems = append(o.Problems, fmt.Sprintf("PostgreSQL %s: %d of %d instance(s) left, no synchronous standby; writes %s", c.name, pl.Left, c.instances, pl.Writes))
			}
			o.Postgres = append(o.Postgres, pl)
		}

		for _, g := range byType["aws:elasticache/replicationGroup:ReplicationGroup"] {
			rl := RedisLoss{ID: policy.Str(g, "replicationGroupId")}
			rl.Nodes, _ = policy.Num(g, "numCacheClusters")
			lost := 0
			azs := policy.List(g, "preferredCacheClusterAzs")
			for _, a := range azs {
				if s, _ := a.(string); s == az {
					lost++
				}
			}
			if len(azs) == 0 && rl.Nodes > 0 {
				lost = int(math.Ceil(float64(rl.Nodes) / float64(len(zl.AZs))))
			}
			rl.Left = rl.Nodes - lost
			// The primary is created in the first AZ of the list (ElastiCache API,
			// CreateReplicationGroup, PreferredCacheClusterAZs, read 2026-12-02), and moves with every
			// failover: any AZ that holds a node may hold it. Multi-AZ with automatic failover promotes a
			// replica when the primary's AZ fails ("Minimizing downtime in ElastiCache by using Multi-AZ",
			// https://docs.amazonaws.cn/en_us/AmazonElastiCache/latest/dg/AutoFailover.html, read 2026-12-02).
			first := ""
			if len(azs) > 0 {
				first, _ = azs[0].(string)
			}
			rl.Primary = "elsewhere"
			if lost > 0 {
				rl.Primary = "may be here"
				if first == az {
					rl.Primary = "here (its first AZ)"
				}
			}
			switch {
			case rl.Left == 0:
				rl.Writes = "down: no node left"
			case lost == 0:
				rl.Writes = "continue"
			case policy.Bool(g, "multiAzEnabled") && policy.Bool(g, "automaticFailoverEnabled"):
				rl.Writes = fmt.Sprintf("continue; if the primary was here, a replica is promoted (%d node(s) left)", rl.Left)
			default:
				rl.Writes = "stop if the primary was here: no automatic failover"
			}
			if rl.Left == 0 || (lost > 0 && !strings.HasPrefix(rl.Writes, "continue")) {
				o.Problems = append(o.Problems, fmt.Sprintf("Redis %s: writes %s", rl.ID, rl.Writes))
			}
			o.Redis = append(o.Redis, rl)
		}

		replicas := indexReplicas(byType["kubernetes:core/v1:ConfigMap"])
		for _, d := range byType["aws:opensearch/domain:Domain"] {
			sl := SearchLoss{Domain: policy.Str(d, "domainName"), Replicas: replicas}
			data, _ := policy.At(d, "clusterConfig", "instanceCount").(float64)
			sl.DataNodes = int(data)
			ids, _ := policy.At(d, "vpcOptions", "subnetIds").([]any)
			domainAZs := azsOf(ids)
			zoned, _ := policy.At(d, "clusterConfig", "zoneAwarenessEnabled").(bool)
			here := false
			for _, a := range domainAZs {
				here = here || a == az
			}
			share := func(n int) int {
				switch {
				case !here:
					return 0
				case !zoned || len(domainAZs) <= 1:
					return n
				}
				return int(math.Ceil(float64(n) / float64(len(domainAZs))))
			}
			sl.DataLeft = sl.DataNodes - share(sl.DataNodes)
			if on, _ := policy.At(d, "clusterConfig", "dedicatedMasterEnabled").(bool); on {
				m, _ := policy.At(d, "clusterConfig", "dedicatedMasterCount").(float64)
				sl.Masters = int(m)
			} else {
				sl.Masters = sl.DataNodes // the data nodes are master-eligible
			}
			sl.MastersLeft = sl.Masters - share(sl.Masters)
			// Zone awareness puts a shard's replica in another AZ than its primary (Amazon OpenSearch
			// Service, zone awareness: "allocates the nodes and replica index shards ... across
			// Availability Zones"; AWS CDK ZoneAwarenessConfig, read 2026-12-02), so one replica keeps
			// every shard readable after one AZ; the cluster manager needs a majority of the
			// master-eligible nodes.
			quorum := sl.Masters/2 + 1
			switch {
			case share(sl.DataNodes) == 0:
				sl.Shards = "all kept"
			case zoned && replicas >= 1 && sl.DataLeft > 0:
				sl.Shards = "every shard keeps a copy"
			default:
				sl.Shards = "the shards that were here are lost"
				o.Problems = append(o.Problems, fmt.Sprintf("OpenSearch %s: %s (%d replica(s), zone awareness %t)", sl.Domain, sl.Shards, replicas, zoned))
			}
			if sl.MastersLeft < quorum {
				o.Problems = append(o.Problems, fmt.Sprintf("OpenSearch %s: %d of %d master-eligible node(s) left, under the quorum of %d", sl.Domain, sl.MastersLeft, sl.Masters, quorum))
			}
			o.OpenSearch = append(o.OpenSearch, sl)
		}

		o.NAT = natLoss(byType, subnetAZ, az)
		if len(o.NAT.EgressLost) > 0 {
			o.Problems = append(o.Problems, fmt.Sprintf("NAT: the private subnets of %s route through the NAT gateway here and lose internet egress", strings.Join(o.NAT.EgressLost, ", ")))
		}
		if len(o.Problems) > 0 {
			zl.Survives = false
		}
		zl.Zones = append(zl.Zones, o)
	}
	return zl
}

// place puts pods on nodes, first those pinned one per zone (each in a zone of its own), then the
// largest first on the first node with room (first fit decreasing); it returns how many of each name
// found room. Pods are packed anew: the scheduler spreads them instead, so this is the room the nodes
// have, not the node each pod lands on.
func place(nodes []node, pods []pod) map[string]int {
	free := append([]node(nil), nodes...)
	order := append([]pod(nil), pods...)
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].perZone != order[j].perZone {
			return order[i].perZone
		}
		if order[i].cpu != order[j].cpu {
			return order[i].cpu > order[j].cpu
		}
		return order[i].memory > order[j].memory
	})
	out := map[string]int{}
	used := map[string]map[string]bool{} // per-zone pods: name → zones taken
	for _, p := range order {
		for i := range free {
			n := &free[i]
			if n.cpu < p.cpu || n.memory < p.memory || (p.perZone && used[p.name][n.az]) {
				continue
			}
			n.cpu -= p.cpu
			n.memory -= p.memory
			if p.perZone {
				if used[p.name] == nil {
					used[p.name] = map[string]bool{}
				}
				used[p.name][n.az] = true
			}
			out[p.name]++
			break
		}
	}
	return out
}

// indexReplicas reads the log indices' replica count from the bootstrap's index template.
func indexReplicas(maps []*plan.Resource) int {
	for _, m := range maps {
		data, _ := m.Inputs["data"].(map[string]any)
		raw, ok := data["index-template.json"].(string)
		if !ok {
			continue
		}
		var t struct {
			Template struct {
				Settings map[string]any `json:"settings"`
			} `json:"template"`
		}
		if json.Unmarshal([]byte(raw), &t) == nil {
			if n, ok := t.Template.Settings["index.number_of_replicas"].(float64); ok {
				return int(n)
			}
		}
	}
	return 0
}

// natLoss follows each private subnet's default route to its NAT gateway: a NAT gateway lives in one
// AZ, and "if the NAT gateway's Availability Zone is down, resources in the other Availability Zones
// lose internet access" (Amazon VPC User Guide, "NAT gateway basics",
// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html, read 2026-12-02).
func natLoss(byType map[string][]*plan.Resource, subnetAZ map[string]string, az string) *NATLoss {
	natAZ := map[string]string{}
	for _, n := range byType["aws:ec2/natGateway:NatGateway"] {
		natAZ[n.ID] = subnetAZ[policy.Str(n, "subnetId")]
	}
	l := &NATLoss{Gateways: len(natAZ)}
	for _, a := range natAZ {
		if a == az {
			l.Lost++
		}
	}
	tableNAT := map[string]string{}
	for _, r := range byType["aws:ec2/route:Route"] {
		if id := policy.Str(r, "natGatewayId"); id != "" {
			tableNAT[policy.Str(r, "routeTableId")] = id
		}
	}
	lost := map[string]bool{}
	for _, a := range byType["aws:ec2/routeTableAssociation:RouteTableAssociation"] {
		nat, ok := tableNAT[policy.Str(a, "routeTableId")]
		subnet := subnetAZ[policy.Str(a, "subnetId")]
		if ok && subnet != az && natAZ[nat] == az {
			lost[subnet] = true
		}
	}
	l.EgressLost = sortedKeys(lost)
	return l
}

// counted turns repeated names into "name × n".
func counted(names []string) []string {
	n := map[string]int{}
	for _, s := range names {
		n[s]++
	}
	var out []string
	for _, k := range sortedKeys(n) {
		if n[k] > 1 {
			out = append(out, fmt.Sprintf("%s × %d", k, n[k]))
		} else {
			out = append(out, k)
		}
	}
	return out
}

func verdict(o ZoneOutcome) string {
	if len(o.Problems) == 0 {
		return "survives"
	}
	return fmt.Sprintf("%d problem(s)", len(o.Problems))
}

func writeZoneLossText(p *printer, w io.Writer, d *Document) {
	z := d.ZoneLoss
	if z == nil {
		return
	}
	answer := "every single AZ's loss leaves every tier with room, PostgreSQL with a synchronous standby, Redis and logs writable, egress in the other AZs"
	if !z.Survives {
		answer = "NOT every single AZ's loss is survived: see the problems"
	}
	p.f("\nZone loss: each AZ lost in turn, pools at their minimum size, before any replacement node: %s\n", answer)
	for _, o := range z.Zones {
		p.f("  %s lost: %s\n", o.AZ, verdict(o))
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "    tier\tnodes (min → left)\trequested / allocatable left\tfits\n")
		for _, t := range o.Tiers {
			fmt.Fprintf(tw, "    %s\t%d → %d\t%dm / %dm, %d / %d MiB\t%s\n", t.Tier, t.Nodes, t.Left, t.ReqCPU, t.AllocCPU, t.ReqMemory, t.AllocMemory, yesNo(t.Fits))
		}
		p.err(tw.Flush())
		for _, l := range o.Postgres {
			p.f("    PostgreSQL %s: %d → %d instance(s), %s; synchronous standby %s; writes %s\n", l.Name, l.Instances, l.Left, l.Sync, yesNo(l.SyncStandby), l.Writes)
		}
		for _, l := range o.Redis {
			p.f("    Redis %s: %d → %d node(s); primary %s; writes %s\n", l.ID, l.Nodes, l.Left, l.Primary, l.Writes)
		}
		for _, l := range o.OpenSearch {
			p.f("    OpenSearch %s: data %d → %d, master-eligible %d → %d, %d replica(s): %s\n", l.Domain, l.DataNodes, l.DataLeft, l.Masters, l.MastersLeft, l.Replicas, l.Shards)
		}
		if n := o.NAT; n != nil {
			egress := "the other AZs keep their egress"
			if len(n.EgressLost) > 0 {
				egress = "egress lost in " + strings.Join(n.EgressLost, ", ")
			}
			p.f("    NAT: %d of %d gateway(s) here; %s\n", n.Lost, n.Gateways, egress)
		}
		for _, pr := range o.Problems {
			p.f("    PROBLEM %s\n", pr)
		}
	}
}

func writeZoneLossMarkdown(p *printer, d *Document) {
	z := d.ZoneLoss
	if z == nil || len(z.Zones) == 0 {
		return
	}
	status := "✅ every single AZ's loss is survived"
	if !z.Survives {
		status = "❌ not every single AZ's loss is survived"
	}
	p.f("\n**Zone loss** (pools at minimum size, before any replacement node): %s\n\n| AZ lost |", status)
	for _, t := range z.Zones[0].Tiers {
		p.f(" %s |", t.Tier)
	}
	p.f(" PostgreSQL | Redis | OpenSearch | NAT | problems |\n|---|")
	for range z.Zones[0].Tiers {
		p.f("---|")
	}
	p.f("---|---|---|---|---|\n")
	for _, o := range z.Zones {
		p.f("| %s |", o.AZ)
		for _, t := range o.Tiers {
			p.f(" %d → %d %s |", t.Nodes, t.Left, mark(t.Fits && t.Left > 0))
		}
		var pg, rd, os []string
		for _, l := range o.Postgres {
			pg = append(pg, fmt.Sprintf("%d → %d, sync standby %s", l.Instances, l.Left, mark(l.SyncStandby)))
		}
		for _, l := range o.Redis {
			rd = append(rd, fmt.Sprintf("%d → %d, writes %s", l.Nodes, l.Left, mark(strings.HasPrefix(l.Writes, "continue"))))
		}
		for _, l := range o.OpenSearch {
			os = append(os, fmt.Sprintf("data %d → %d, masters %d → %d, %s", l.DataNodes, l.DataLeft, l.Masters, l.MastersLeft, l.Shards))
		}
		nat := "-"
		if o.NAT != nil {
			nat = fmt.Sprintf("%d of %d here", o.NAT.Lost, o.NAT.Gateways)
			if len(o.NAT.EgressLost) > 0 {
				nat += "; egress lost in " + strings.Join(o.NAT.EgressLost, ", ")
			}
		}
		p.f(" %s | %s | %s | %s | %s |\n", strings.Join(pg, "; "), strings.Join(rd, "; "), strings.Join(os, "; "), nat, strings.Join(o.Problems, "<br>"))
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

func mark(b bool) string {
	if b {
		return "✅"
	}
	return "❌"
}
