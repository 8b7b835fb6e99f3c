package tests

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Every service that uses the cache can connect to it, link by link, read off the recorded graph
// and not off the code that built it:
//   - IAM: the role its service account runs as (the IRSA annotation) trusts that account and has an
//     identity policy allowing elasticache:Connect on the replication group and on the user the
//     service's contract names. ElastiCache's IAM authentication needs both, and in-transit
//     encryption (docs.amazonaws.cn/en_us/AmazonElastiCache/latest/dg/auth-iam.md, overview, and
//     auth-to-iam-migration.md, prerequisites; read 2026-12-03). The ARNs are written here as
//     arn:<partition>:elasticache:<region>:<account>:replicationgroup:<id> and ...:user:<user id>,
//     the resource forms those pages' policies use. The user's ID equals its name, as the
//     limitations of IAM-enabled users require (the same rule infra/cluster's role test holds).
//   - RBAC: the user is in a user group the replication group uses, with authentication mode iam.
//   - Kubernetes: the network policies of its namespace let its pods (app.kubernetes.io/name=<svc>,
//     the label they select by) send to every address of the subnets Redis lives in, on its port.
//   - VPC: the replication group's security groups admit that port from the security group its tier's
//     nodes carry (pods take their node's addresses and groups under the VPC CNI), and the nodes'
//     groups let it out.

const (
	typeReplicationGroup = "aws:elasticache/replicationGroup:ReplicationGroup"
	typeCacheUser        = "aws:elasticache/user:User"
	typeCacheUserGroup   = "aws:elasticache/userGroup:UserGroup"
	typeCacheSubnetGroup = "aws:elasticache/subnetGroup:SubnetGroup"
	typeRole             = "aws:iam/role:Role"
	typeNetworkPolicy    = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	typeSGIngress        = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeSGEgress         = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	tierLabel            = "suoke.life/tier"
)

func ofType(g *plan.Graph, typ string) []*plan.Resource {
	var out []*plan.Resource
	for i := range g.Resources {
		if g.Resources[i].Type == typ {
			out = append(out, &g.Resources[i])
		}
	}
	return out
}

func strList(v any) []string {
	var out []string
	switch l := v.(type) {
	case []any:
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	case string:
		out = []string{l}
	}
	return out
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// cacheUsers are the cache users the services' contracts name: service → (namespace, service
// account, ElastiCache user), as the app pipelines read them.
func cacheUsers(g *plan.Graph) map[string][3]string {
	out := map[string][3]string{}
	list, _ := g.Outputs["services"].([]any)
	for _, e := range list {
		c, _ := e.(map[string]any)
		redis, _ := c["redis"].(map[string]any)
		if redis == nil {
			continue
		}
		name, _ := c["name"].(string)
		ns, _ := c["namespace"].(string)
		sa, _ := c["serviceAccount"].(string)
		user, _ := redis["user"].(string)
		out[name] = [3]string{ns, sa, user}
	}
	return out
}

// cacheConnectProblems lists every link missing between a cache-using service and Redis.
func cacheConnectProblems(g *plan.Graph) []string {
	var out []string
	bad := func(f string, a ...any) { out = append(out, fmt.Sprintf(f, a...)) }
	groups := ofType(g, typeReplicationGroup)
	if len(groups) != 1 {
		return []string{fmt.Sprintf("%d replication groups, want one", len(groups))}
	}
	rg := groups[0].Inputs
	rgID, _ := rg["replicationGroupId"].(string)
	port := num(rg["port"])
	if rg["transitEncryptionEnabled"] != true {
		bad("replication group %s: IAM authentication needs in-transit encryption", rgID)
	}
	account := plan.MockAccountID
	arn := func(kind, id string) string {
		return fmt.Sprintf("arn:%s:elasticache:%s:%s:%s:%s", g.Partition, g.Region, account, kind, id)
	}
	groupUsers := map[string]bool{}
	for _, ug := range ofType(g, typeCacheUserGroup) {
		for _, id := range strList(rg["userGroupIds"]) {
			if ug.Inputs["userGroupId"] == id {
				for _, u := range strList(ug.Inputs["userIds"]) {
					groupUsers[u] = true
				}
			}
		}
	}
	redisCIDRs := subnetCIDRsOf(g, typeCacheSubnetGroup, "name", rg["subnetGroupName"])
	if len(redisCIDRs) == 0 {
		bad("replication group %s: no subnet of its subnet group in the graph", rgID)
	}

	wanted := 0
	for _, s := range g.Config.Services {
		if !s.Cache {
			continue
		}
		wanted++
		c, ok := cacheUsers(g)[s.Name]
		if !ok {
			bad("%s uses the cache but its contract names no Redis user", s.Name)
			continue
		}
		ns, saName, userName := c[0], c[1], c[2]

		// The user: IAM-authenticated, id = name, in the group the replication group uses.
		var user map[string]any
		for _, u := range ofType(g, typeCacheUser) {
			if u.Inputs["userName"] == userName {
				user = u.Inputs
			}
		}
		if user == nil {
			bad("%s: no ElastiCache user %s", s.Name, userName)
			continue
		}
		userID, _ := user["userId"].(string)
		if mode, _ := user["authenticationMode"].(map[string]any); mode["type"] != "iam" || userID != userName {
			bad("%s: user %s must be IAM-authenticated with its ID equal to its name (id %s)", s.Name, userName, userID)
		}
		if !groupUsers[userID] {
			bad("%s: user %s is in no user group of replication group %s", s.Name, userID, rgID)
		}

		// IAM: the service account's role.
		sa := kube(g, "kubernetes:core/v1:ServiceAccount", ns, saName)
		if sa == nil {
			bad("%s: no service account %s/%s", s.Name, ns, saName)
			continue
		}
		ann, _ := path(sa.Inputs, "metadata", "annotations").(map[string]any)
		roleARN, _ := ann["eks.amazonaws.com/role-arn"].(string)
		roleName := roleARN[strings.LastIndex(roleARN, "/")+1:]
		var docs []string
		var roleURNs []string
		for _, p := range ofType(g, typeRolePolicy) {
			if p.Inputs["role"] == roleName && roleName != "" {
				doc, _ := p.Inputs["policy"].(string)
				docs = append(docs, doc)
				roleURNs = append(roleURNs, p.Dependencies...)
			}
		}
		for _, target := range []string{arn("replicationgroup", rgID), arn("user", userID)} {
			if !iamAllows(docs, "elasticache:Connect", target) {
				bad("%s: role %q does not allow elasticache:Connect on %s", s.Name, roleName, target)
			}
		}
		if !roleTrustsAccount(g, roleURNs, ns, saName) {
			bad("%s: role %q does not trust system:serviceaccount:%s:%s", s.Name, roleName, ns, saName)
		}

		// Kubernetes: egress from its pods to every Redis subnet on the port.
		labels := map[string]string{"app.kubernetes.io/name": s.Name}
		for _, cidr := range redisCIDRs {
			if !egressAllowed(g, ns, labels, cidr, port) {
				bad("%s: the network policies of %s do not let its pods reach %s port %d", s.Name, ns, cidr, port)
			}
		}

		// VPC: the replication group's groups admit the tier's nodes; the nodes' groups let it out.
		nodeGroups := nodeSecurityGroups(g, string(s.Tier))
		if len(nodeGroups) == 0 {
			bad("%s: no node group of tier %s carries a security group", s.Name, s.Tier)
		}
		if !sgAdmits(g, strList(rg["securityGroupIds"]), nodeGroups, port) {
			bad("%s: the security groups of %s admit no %s node on port %d", s.Name, rgID, s.Tier, port)
		}
		for _, cidr := range redisCIDRs {
			if !sgLetsOut(g, nodeGroups, cidr, port) {
				bad("%s: the %s nodes' security groups do not let port %d out to %s", s.Name, s.Tier, port, cidr)
			}
		}
	}
	if wanted == 0 {
		bad("no service uses the cache")
	}
	sort.Strings(out)
	return out
}

// roleTrustsAccount: one of the roles (by URN) has a trust statement for
// sts:AssumeRoleWithWebIdentity whose sub condition is exactly the service account.
func roleTrustsAccount(g *plan.Graph, urns []string, ns, sa string) bool {
	want := "system:serviceaccount:" + ns + ":" + sa
	for _, r := range ofType(g, typeRole) {
		if !slices.Contains(urns, r.URN) {
			continue
		}
		doc, _ := r.Inputs["assumeRolePolicy"].(string)
		var d struct {
			Statement []struct {
				Effect    string
				Action    any
				Principal map[string]any
				Condition map[string]map[string]any
			}
		}
		if json.Unmarshal([]byte(doc), &d) != nil {
			continue
		}
		for _, st := range d.Statement {
			if st.Effect != "Allow" || !slices.Contains(strList(st.Action), "sts:AssumeRoleWithWebIdentity") || st.Principal["Federated"] == nil {
				continue
			}
			for k, v := range st.Condition["StringEquals"] {
				if strings.HasSuffix(k, ":sub") && v == want {
					return true
				}
			}
		}
	}
	return false
}

// subnetCIDRsOf returns the CIDRs of the subnets of the resource of typ whose key input is value.
func subnetCIDRsOf(g *plan.Graph, typ, key string, value any) []string {
	var out []string
	for _, r := range ofType(g, typ) {
		if r.Inputs[key] != value {
			continue
		}
		for _, id := range strList(r.Inputs["subnetIds"]) {
			for _, sn := range ofType(g, "aws:ec2/subnet:Subnet") {
				if sn.ID == id {
					cidr, _ := sn.Inputs["cidrBlock"].(string)
					out = append(out, cidr)
				}
			}
		}
	}
	return out
}

// nodeSecurityGroups are the security groups of the launch templates of the tier's node groups.
func nodeSecurityGroups(g *plan.Graph, tier string) []string {
	var out []string
	for _, ng := range ofType(g, "aws:eks/nodeGroup:NodeGroup") {
		if path(ng.Inputs, "labels", tierLabel) != tier {
			continue
		}
		lt, _ := path(ng.Inputs, "launchTemplate", "id").(string)
		for _, t := range ofType(g, "aws:ec2/launchTemplate:LaunchTemplate") {
			if t.ID == lt {
				out = append(out, strList(t.Inputs["vpcSecurityGroupIds"])...)
			}
		}
	}
	return out
}

// portIn: an ingress or egress rule's protocol and port range cover TCP port (ipProtocol -1 is all
// traffic, every port; EC2 API, AuthorizeSecurityGroupIngress).
func portIn(rule map[string]any, port int) bool {
	switch rule["ipProtocol"] {
	case "-1", "all":
		return true
	case "tcp", "6":
		return num(rule["fromPort"]) <= port && port <= num(rule["toPort"])
	}
	return false
}

func sgAdmits(g *plan.Graph, targets, sources []string, port int) bool {
	for _, r := range ofType(g, typeSGIngress) {
		sg, _ := r.Inputs["securityGroupId"].(string)
		ref, _ := r.Inputs["referencedSecurityGroupId"].(string)
		if slices.Contains(targets, sg) && portIn(r.Inputs, port) && slices.Contains(sources, ref) {
			return true
		}
	}
	return false
}

func sgLetsOut(g *plan.Graph, groups []string, cidr string, port int) bool {
	for _, r := range ofType(g, typeSGEgress) {
		sg, _ := r.Inputs["securityGroupId"].(string)
		to, _ := r.Inputs["cidrIpv4"].(string)
		if slices.Contains(groups, sg) && portIn(r.Inputs, port) && cidrCovers(to, cidr) {
			return true
		}
	}
	return false
}

// cidrCovers: every address of inner is in outer.
func cidrCovers(outer, inner string) bool {
	o, err1 := netip.ParsePrefix(outer)
	i, err2 := netip.ParsePrefix(inner)
	return err1 == nil && err2 == nil && o.Bits() <= i.Bits() && o.Contains(i.Masked().Addr())
}

// egressAllowed evaluates the namespace's NetworkPolicies for a TCP connection from a pod with
// labels to every address of cidr, with the semantics infra/cluster/netpol_eval_test.go cites
// (Kubernetes "Network Policies"; that package's evaluator cannot be imported here): the pod is
// isolated for egress when a policy selecting it has Egress among its policyTypes (or, with none
// listed, has egress rules); an isolated pod may connect when some selecting policy's rule matches
// both the port (no ports: all) and the peer (no peers: all). Only ipBlock peers name addresses
// outside the cluster; their except ranges cut addresses out.
func egressAllowed(g *plan.Graph, ns string, labels map[string]string, cidr string, port int) bool {
	isolated := false
	for _, np := range ofType(g, typeNetworkPolicy) {
		if path(np.Inputs, "metadata", "namespace") != ns {
			continue
		}
		spec, _ := np.Inputs["spec"].(map[string]any)
		if !selects(spec["podSelector"], labels) {
			continue
		}
		rules, _ := spec["egress"].([]any)
		types := strList(spec["policyTypes"])
		if !slices.Contains(types, "Egress") && (len(types) > 0 || len(rules) == 0) {
			continue
		}
		isolated = true
		for _, e := range rules {
			rule, _ := e.(map[string]any)
			if rulePortMatches(rule["ports"], port) && rulePeerCovers(rule["to"], cidr) {
				return true
			}
		}
	}
	return !isolated
}

// selects evaluates a label selector's matchLabels; a selector with matchExpressions is not
// evaluated here and selects nothing, so a test fails rather than guess.
func selects(sel any, labels map[string]string) bool {
	m, _ := sel.(map[string]any)
	if _, ok := m["matchExpressions"]; ok {
		return false
	}
	want, _ := m["matchLabels"].(map[string]any)
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func rulePortMatches(v any, port int) bool {
	ports, _ := v.([]any)
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		pm, _ := p.(map[string]any)
		proto, _ := pm["protocol"].(string)
		if proto != "" && proto != "TCP" {
			continue
		}
		n, numeric := pm["port"].(float64)
		end := num(pm["endPort"])
		switch {
		case pm["port"] == nil:
			return true
		case numeric && (int(n) == port || (end > 0 && int(n) <= port && port <= end)):
			return true
		}
	}
	return false
}

func rulePeerCovers(v any, cidr string) bool {
	peers, _ := v.([]any)
	if len(peers) == 0 {
		return true
	}
	for _, p := range peers {
		block, _ := path(p.(map[string]any), "ipBlock").(map[string]any)
		outer, _ := block["cidr"].(string)
		if !cidrCovers(outer, cidr) {
			continue
		}
		cut := false
		for _, ex := range strList(block["except"]) {
			a, err1 := netip.ParsePrefix(ex)
			b, err2 := netip.ParsePrefix(cidr)
			cut = cut || err1 != nil || err2 != nil || a.Overlaps(b)
		}
		if !cut {
			return true
		}
	}
	return false
}

// noProblemsOnEveryStack records every stack and expects problems to find none in its graph.
func noProblemsOnEveryStack(t *testing.T, problems func(*plan.Graph) []string) {
	for _, s := range stacks(t) {
		t.Run(s, func(t *testing.T) {
			g, _ := record(t, s)
			assert.Empty(t, problems(g))
		})
	}
}

// TestEveryCacheServiceCanConnect: on every stack, each cache-using service has every link to Redis.
func TestEveryCacheServiceCanConnect(t *testing.T) {
	noProblemsOnEveryStack(t, cacheConnectProblems)
}

// TestCacheConnectCatchesEachBrokenLink breaks one link at a time on a copy of staging's graph.
func TestCacheConnectCatchesEachBrokenLink(t *testing.T) {
	g, _ := record(t, "staging")
	require.Empty(t, cacheConnectProblems(g))
	cases := []struct {
		name   string
		typ    string
		match  func(r *plan.Resource) bool
		change func(in map[string]any)
		want   string
	}{
		{"policy names another user", typeRolePolicy, nameIs("cluster-sa-xiaoai"), func(in map[string]any) {
			in["policy"] = strings.ReplaceAll(in["policy"].(string), ":user:staging-xiaoai", ":user:staging-xiaoke")
		}, `xiaoai: role "cluster-sa-xiaoai-`},
		{"policy in the global partition", typeRolePolicy, nameIs("cluster-sa-laoke"), func(in map[string]any) {
			in["policy"] = strings.ReplaceAll(in["policy"].(string), "arn:aws-cn:", "arn:aws:")
		}, "laoke: role"},
		{"a Deny statement", typeRolePolicy, nameIs("cluster-sa-soer"), func(in map[string]any) {
			in["policy"] = strings.Replace(in["policy"].(string), `"Statement":[`, `"Statement":[{"Effect":"Deny","Action":"elasticache:*","Resource":"*"},`, 1)
		}, "soer: role"},
		{"user left out of the group", typeCacheUserGroup, func(*plan.Resource) bool { return true }, func(in map[string]any) {
			var kept []any
			for _, u := range strList(in["userIds"]) {
				if u != "staging-soer" {
					kept = append(kept, u)
				}
			}
			in["userIds"] = kept
		}, "soer: user staging-soer is in no user group"},
		{"user on a password", typeCacheUser, func(r *plan.Resource) bool { return r.Inputs["userId"] == "staging-laoke" }, func(in map[string]any) {
			in["authenticationMode"] = map[string]any{"type": "password"}
		}, "laoke: user staging-laoke must be IAM-authenticated"},
		{"egress to Redis dropped", typeNetworkPolicy, nameIs("cluster-netpol-agents-egress-xiaoke"), func(in map[string]any) {
			spec := copyMap(in["spec"].(map[string]any))
			spec["egress"] = []any{}
			in["spec"] = spec
		}, "xiaoke: the network policies of agents do not let its pods reach"},
		{"Redis security group admits another group", typeSGIngress, nameIs("network-data-redis"), func(in map[string]any) {
			in["referencedSecurityGroupId"] = "sg-0000000000000000"
		}, "the security groups of suoke-staging admit no"},
		{"trust names another account", typeRole, nameIs("cluster-sa-user-management"), func(in map[string]any) {
			in["assumeRolePolicy"] = strings.ReplaceAll(in["assumeRolePolicy"].(string), "business:user-management", "business:other")
		}, "user-management: role"},
		{"in-transit encryption off", typeReplicationGroup, func(*plan.Resource) bool { return true }, func(in map[string]any) {
			in["transitEncryptionEnabled"] = false
		}, "IAM authentication needs in-transit encryption"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mutated(g, c.typ, c.match, c.change)
			assert.Contains(t, strings.Join(cacheConnectProblems(m), "\n"), c.want)
		})
	}
}

func nameIs(name string) func(*plan.Resource) bool {
	return func(r *plan.Resource) bool { return r.Name == name }
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// mutated is a copy of g whose resources of typ that match have their inputs changed by change (on
// a copy of the top-level inputs; the recorded graph is shared between tests and stays as it is).
func mutated(g *plan.Graph, typ string, match func(*plan.Resource) bool, change func(map[string]any)) *plan.Graph {
	m := clone(g)
	n := 0
	for i := range m.Resources {
		r := &m.Resources[i]
		if r.Type == typ && match(r) {
			r.Inputs = copyMap(r.Inputs)
			change(r.Inputs)
			n++
		}
	}
	if n == 0 {
		panic(fmt.Sprintf("mutated: no %s matches; the graph changed under the case", typ))
	}
	return m
}
