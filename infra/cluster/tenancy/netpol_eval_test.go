package tenancy_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/cluster/internal/graphtest"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// These tests evaluate the NetworkPolicy objects the program records, with Kubernetes' own rules,
// rather than comparing them to the config that made them: a packet from a service's pod to
// (address, port, protocol) is allowed or not, and the expectations are written by hand from what
// each service is (its database and cache, from the deployment plan) and from the staging VPC
// 10.50.0.0/16 laid out as network.Layout documents it (private /19s from 10.50.0.0, public /22s
// from 10.50.96.0, data /22s from 10.50.108.0).
//
// Semantics (Kubernetes "Network Policies", kubernetes.io/docs/concepts/services-networking/
// network-policies, read 2026-12-03): a pod is isolated for egress when any policy of its namespace
// selects it with Egress among its policyTypes; an isolated pod's connection is allowed when some
// selecting policy has an egress rule whose ports (empty: all) and peers (empty: all) both match.
// A peer is an ipBlock (cidr minus except), or pods chosen by namespaceSelector and/or podSelector;
// a port's protocol defaults to TCP. Every namespace carries kubernetes.io/metadata.name = its name,
// set by the API server. Policies are additive: no rule removes what another allows.

var record, ofType = graphtest.Record, graphtest.OfType

type pod struct {
	ns     string
	labels map[string]string
}

// dest is where a packet goes: an address, a port and a protocol, and the pod there if it is one.
type dest struct {
	ip    string
	port  int
	proto string
	pod   *pod
}

func (d dest) String() string {
	s := fmt.Sprintf("%s:%d/%s", d.ip, d.port, d.proto)
	if d.pod != nil {
		s += fmt.Sprintf(" (pod in %s %v)", d.pod.ns, d.pod.labels)
	}
	return s
}

type netpol struct {
	name, ns string
	selector map[string]string
	types    []string
	egress   []egressRule
	// ingress rules read as egressRules: their peers are where packets come from.
	ingress []egressRule
}

type egressRule struct {
	to    []peer
	ports []port
}

type peer struct {
	cidr    string
	except  []string
	nsSel   map[string]string // nil: no namespaceSelector
	podSel  map[string]string // nil: no podSelector
	hasNS   bool
	hasPods bool
}

type port struct {
	proto string
	port  int
}

// jsonPeer and jsonPort are a NetworkPolicy rule's peers and ports as the API server receives them.
type jsonPeer struct {
	IPBlock *struct {
		CIDR   string
		Except []string
	} `json:"ipBlock"`
	NamespaceSelector *struct{ MatchLabels map[string]string }
	PodSelector       *struct{ MatchLabels map[string]string }
}

type jsonPort struct {
	Protocol string
	Port     *int
}

// readRule reads one ingress or egress rule: its peers (from or to) and ports.
func readRule(t *testing.T, policy string, peers []jsonPeer, ports []jsonPort) egressRule {
	t.Helper()
	var rule egressRule
	for _, jp := range peers {
		var p peer
		if jp.IPBlock != nil {
			p.cidr, p.except = jp.IPBlock.CIDR, jp.IPBlock.Except
		}
		if jp.NamespaceSelector != nil {
			p.hasNS, p.nsSel = true, jp.NamespaceSelector.MatchLabels
		}
		if jp.PodSelector != nil {
			p.hasPods, p.podSel = true, jp.PodSelector.MatchLabels
		}
		rule.to = append(rule.to, p)
	}
	for _, pt := range ports {
		require.NotNil(t, pt.Port, "%s: a port rule without a port (all ports) is not what these policies mean", policy)
		proto := pt.Protocol
		if proto == "" {
			proto = "TCP"
		}
		rule.ports = append(rule.ports, port{proto, *pt.Port})
	}
	return rule
}

// policies reads the recorded NetworkPolicy objects back through JSON, as the API server would
// receive them.
func policies(t *testing.T, g *plan.Graph) []netpol {
	t.Helper()
	var out []netpol
	for _, r := range ofType(g, "kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		b, err := json.Marshal(r.Inputs)
		require.NoError(t, err)
		var obj struct {
			Metadata struct{ Name, Namespace string }
			Spec     struct {
				PodSelector struct{ MatchLabels map[string]string }
				PolicyTypes []string
				Ingress     []struct {
					From  []jsonPeer
					Ports []jsonPort
				}
				Egress []struct {
					To    []jsonPeer
					Ports []jsonPort
				}
			}
		}
		require.NoError(t, json.Unmarshal(b, &obj), r.Name)
		np := netpol{name: obj.Metadata.Name, ns: obj.Metadata.Namespace, selector: obj.Spec.PodSelector.MatchLabels, types: obj.Spec.PolicyTypes}
		for _, e := range obj.Spec.Egress {
			np.egress = append(np.egress, readRule(t, np.name, e.To, e.Ports))
		}
		for _, in := range obj.Spec.Ingress {
			np.ingress = append(np.ingress, readRule(t, np.name, in.From, in.Ports))
		}
		out = append(out, np)
	}
	require.NotEmpty(t, out)
	return out
}

// namespaceLabels are the labels of every namespace the graph creates, plus the API server's own
// name label; kube-system is not created by the program and has only that.
func namespaceLabels(g *plan.Graph) map[string]map[string]string {
	out := map[string]map[string]string{"kube-system": {"kubernetes.io/metadata.name": "kube-system"}}
	for _, r := range ofType(g, "kubernetes:core/v1:Namespace") {
		md, _ := r.Inputs["metadata"].(map[string]any)
		name, _ := md["name"].(string)
		labels := map[string]string{"kubernetes.io/metadata.name": name}
		if l, ok := md["labels"].(map[string]any); ok {
			for k, v := range l {
				labels[k] = fmt.Sprint(v)
			}
		}
		out[name] = labels
	}
	return out
}

// matches is a label selector's matchLabels: every pair present (empty matches everything).
func matches(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func inCIDR(ip, cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	return p.Contains(netip.MustParseAddr(ip))
}

func (p peer) admits(from pod, d dest, nsLabels map[string]map[string]string) bool {
	if p.cidr != "" {
		if !inCIDR(d.ip, p.cidr) {
			return false
		}
		for _, e := range p.except {
			if inCIDR(d.ip, e) {
				return false
			}
		}
		return true
	}
	if d.pod == nil {
		return false // selectors choose pods only
	}
	if p.hasNS {
		if !matches(p.nsSel, nsLabels[d.pod.ns]) {
			return false
		}
	} else if d.pod.ns != from.ns {
		return false // a podSelector alone chooses pods of the policy's own namespace
	}
	return !p.hasPods || matches(p.podSel, d.pod.labels)
}

// direction is the way a packet crosses the policies of the pod they select: out of it or into it.
type direction string

const (
	egress  direction = "Egress"
	ingress direction = "Ingress"
)

// permitted evaluates every policy for one packet leaving (egress) or reaching (ingress) the pod at:
// the pod is isolated in that direction when some policy of its namespace selects it with the
// direction among its policyTypes, and the packet is then permitted when a rule's ports and peers
// (the destination for egress, the source for ingress) both match.
func permitted(nps []netpol, nsLabels map[string]map[string]string, dir direction, at pod, other dest) bool {
	isolated := false
	for _, np := range nps {
		if np.ns != at.ns || !matches(np.selector, at.labels) || !contains(np.types, string(dir)) {
			continue
		}
		isolated = true
		rules := np.egress
		if dir == ingress {
			rules = np.ingress
		}
		for _, r := range rules {
			portOK := len(r.ports) == 0
			for _, p := range r.ports {
				portOK = portOK || (p.proto == other.proto && p.port == other.port)
			}
			peerOK := len(r.to) == 0
			for _, p := range r.to {
				peerOK = peerOK || p.admits(at, other, nsLabels)
			}
			if portOK && peerOK {
				return true
			}
		}
	}
	return !isolated
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// theServices are the nine default services as the deployment plan describes them, written out
// here (not read from config.DefaultServices) so that a changed default fails this test.
var theServices = []struct {
	name, ns  string
	db, cache bool
}{
	{"api-gateway", "gateway", false, true},
	{"xiaoai", "agents", true, true},
	{"xiaoke", "agents", true, true},
	{"laoke", "agents", true, true},
	{"soer", "agents", true, true},
	{"user-management", "business", true, true},
	{"unified-health-data", "business", true, true},
	{"unified-knowledge", "business", true, true},
	{"blockchain", "business", true, false},
}

// Destinations in the staging VPC and beyond.
var (
	kubeDNS    = &pod{"kube-system", map[string]string{"k8s-app": "kube-dns"}}
	postgres   = &pod{"data", map[string]string{"cnpg.io/cluster": "postgres", "cnpg.io/instanceRole": "primary"}}
	grafana    = &pod{"monitoring", map[string]string{"app.kubernetes.io/name": "grafana"}}
	redisIP    = "10.50.109.25" // a Redis node in the data subnet of the first AZ (10.50.108.0/22)
	endpointIP = "10.50.2.15"   // an interface endpoint's ENI (STS) in the first private subnet
	podIP      = "10.50.40.7"   // some pod or node in the second private subnet
	unusedIP   = "10.50.200.1"  // inside the VPC, outside every subnet
)

// TestEgressPerDefaultService: each default service reaches DNS, its own PostgreSQL and Redis, and
// the AWS endpoints when it has a role to use (Redis users sign their IAM tokens with STS
// credentials); nothing else outside its namespace's in-cluster flows.
func TestEgressPerDefaultService(t *testing.T) {
	g := record(t, nil)
	nps, nsl := policies(t, g), namespaceLabels(g)
	for _, s := range theServices {
		from := pod{s.ns, map[string]string{"app.kubernetes.io/name": s.name}}
		cases := []struct {
			d    dest
			want bool
			why  string
		}{
			{dest{"10.50.66.10", 53, "UDP", kubeDNS}, true, "DNS over UDP to CoreDNS"},
			{dest{"10.50.66.10", 53, "TCP", kubeDNS}, true, "DNS over TCP to CoreDNS"},
			{dest{"10.50.33.20", 5432, "TCP", postgres}, s.db, "PostgreSQL iff it has a database"},
			{dest{redisIP, 6379, "TCP", nil}, s.cache, "Redis iff it uses the cache"},
			{dest{endpointIP, 443, "TCP", nil}, s.cache, "the STS endpoint iff it has a role to use"},
			// Denied, whatever the service.
			{dest{"8.8.8.8", 53, "UDP", nil}, false, "DNS resolvers outside the cluster"},
			{dest{"1.1.1.1", 443, "TCP", nil}, false, "HTTPS to the internet"},
			{dest{"52.82.0.10", 443, "TCP", nil}, false, "AWS public endpoints (no awsAccess)"},
			{dest{"203.0.113.5", 5432, "TCP", nil}, false, "PostgreSQL's port elsewhere"},
			{dest{"10.50.20.9", 5432, "TCP", &pod{"monitoring", map[string]string{}}}, false, "PostgreSQL's port on a pod outside the data namespace"},
			{dest{redisIP, 22, "TCP", nil}, false, "another port in the data subnets"},
			{dest{podIP, 6379, "TCP", nil}, false, "Redis's port in the private subnets"},
			{dest{podIP, 10250, "TCP", nil}, false, "a kubelet"},
			{dest{unusedIP, 443, "TCP", nil}, false, "HTTPS inside the VPC but outside the endpoints' subnets"},
			{dest{"10.50.20.9", 3000, "TCP", grafana}, false, "another namespace's pod"},
			{dest{"10.50.20.10", 53, "UDP", &pod{"kube-system", map[string]string{"k8s-app": "aws-node"}}}, false, "a kube-system pod that is not CoreDNS"},
		}
		for _, c := range cases {
			assert.Equal(t, c.want, permitted(nps, nsl, egress, from, c.d), "%s → %s: %s", s.name, c.d, c.why)
		}
	}
	// A pod of the namespace that no service owns (a debug pod) gets the namespace's flows only.
	stray := pod{"business", map[string]string{"app.kubernetes.io/name": "debug"}}
	assert.True(t, permitted(nps, nsl, egress, stray, dest{"10.50.66.10", 53, "UDP", kubeDNS}))
	assert.False(t, permitted(nps, nsl, egress, stray, dest{redisIP, 6379, "TCP", nil}), "Redis is per service")
	assert.False(t, permitted(nps, nsl, egress, stray, dest{"10.50.33.20", 5432, "TCP", postgres}), "PostgreSQL is per service")
	assert.False(t, permitted(nps, nsl, egress, stray, dest{endpointIP, 443, "TCP", nil}), "the AWS endpoints are per service")
}

// TestOnlyPrometheusScrapesTheMetricsPort: every default service's metrics port (9090, where its
// http-metrics Service port points) admits Prometheus's pods and no other pod of the monitoring
// namespace; its service port does not admit Prometheus; and Prometheus's own namespace lets the
// scrape out. (Source pod labels as kube-prometheus-stack 88.5.3's chart selects them.)
func TestOnlyPrometheusScrapesTheMetricsPort(t *testing.T) {
	g := record(t, nil)
	nps, nsl := policies(t, g), namespaceLabels(g)
	prometheus := &pod{"monitoring", map[string]string{"app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": "kps-prometheus"}}
	ports := map[string]int{}
	for _, s := range config.DefaultServices() {
		ports[s.Name] = s.Port
	}
	for _, s := range theServices {
		to := pod{s.ns, map[string]string{"app.kubernetes.io/name": s.name}}
		require.NotZero(t, ports[s.name], s.name)
		assert.True(t, permitted(nps, nsl, ingress, to, dest{"10.50.20.30", 9090, "TCP", prometheus}), "%s: Prometheus scrapes 9090", s.name)
		assert.True(t, permitted(nps, nsl, egress, *prometheus, dest{"10.50.40.7", 9090, "TCP", &to}), "%s: Prometheus's namespace lets the scrape out", s.name)
		assert.False(t, permitted(nps, nsl, ingress, to, dest{"10.50.20.31", 9090, "TCP", grafana}), "%s: Grafana does not scrape", s.name)
		assert.False(t, permitted(nps, nsl, ingress, to, dest{"10.50.20.32", 9090, "TCP", &pod{"monitoring", map[string]string{"app.kubernetes.io/name": "fluent-bit"}}}), "%s: nor any other monitoring pod", s.name)
		if s.ns != "gateway" {
			assert.False(t, permitted(nps, nsl, ingress, to, dest{"10.50.20.30", ports[s.name], "TCP", prometheus}), "%s: its service port is not Prometheus's to call", s.name)
		}
		assert.False(t, permitted(nps, nsl, ingress, to, dest{"10.50.20.33", 9090, "TCP", &pod{s.ns, map[string]string{"app.kubernetes.io/name": "debug"}}}), "%s: a neighbour does not read its metrics", s.name)
	}
}

// TestDeclaredEgressIsExact: declared egress opens exactly its CIDRs, ports and protocol, for its
// service only; an S3 grant opens HTTPS beyond the VPC (the gateway endpoint routes to S3's public
// addresses) and still not into the VPC; a KMS grant needs only the interface endpoint.
func TestDeclaredEgressIsExact(t *testing.T) {
	g := record(t, func(v map[string]string) {
		svcs := config.DefaultServices()
		for i := range svcs {
			switch svcs[i].Name {
			case "xiaoai":
				svcs[i].Egress = []config.EgressRule{{CIDRs: []string{"203.0.113.0/24", "198.51.100.10/32"}, Ports: []int{443}, Protocol: "TCP"}}
			case "blockchain":
				svcs[i].Egress = []config.EgressRule{{CIDRs: []string{"192.0.2.0/24"}, Ports: []int{30303}, Protocol: "UDP"}}
			case "user-management":
				svcs[i].AWSAccess = []config.AWSGrant{{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws-cn:s3:::suoke-avatars-staging/*"}}}
			case "unified-health-data":
				svcs[i].AWSAccess = []config.AWSGrant{{Actions: []string{"kms:Decrypt"}, Resources: []string{"arn:aws-cn:kms:cn-northwest-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}}
			}
		}
		b, err := json.Marshal(servicesValue(svcs))
		require.NoError(t, err)
		v[config.Namespace+":"+config.KeyServices] = string(b)
	})
	nps, nsl := policies(t, g), namespaceLabels(g)
	svc := func(name, ns string) pod { return pod{ns, map[string]string{"app.kubernetes.io/name": name}} }
	xiaoai, xiaoke := svc("xiaoai", "agents"), svc("xiaoke", "agents")
	chain, users, health := svc("blockchain", "business"), svc("user-management", "business"), svc("unified-health-data", "business")
	cases := []struct {
		from pod
		d    dest
		want bool
	}{
		{xiaoai, dest{"203.0.113.10", 443, "TCP", nil}, true},
		{xiaoai, dest{"198.51.100.10", 443, "TCP", nil}, true},
		{xiaoai, dest{"198.51.100.11", 443, "TCP", nil}, false},
		{xiaoai, dest{"203.0.113.10", 80, "TCP", nil}, false},
		{xiaoai, dest{"203.0.113.10", 443, "UDP", nil}, false},
		{xiaoai, dest{"203.0.114.1", 443, "TCP", nil}, false},
		{xiaoke, dest{"203.0.113.10", 443, "TCP", nil}, false},
		{chain, dest{"192.0.2.7", 30303, "UDP", nil}, true},
		{chain, dest{"192.0.2.7", 30303, "TCP", nil}, false},
		{chain, dest{endpointIP, 443, "TCP", nil}, false},
		{users, dest{"52.82.0.10", 443, "TCP", nil}, true},
		{users, dest{endpointIP, 443, "TCP", nil}, true},
		{users, dest{unusedIP, 443, "TCP", nil}, false},
		{users, dest{"52.82.0.10", 80, "TCP", nil}, false},
		{health, dest{endpointIP, 443, "TCP", nil}, true},
		{health, dest{"52.82.0.10", 443, "TCP", nil}, false},
		{xiaoke, dest{"52.82.0.10", 443, "TCP", nil}, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, permitted(nps, nsl, egress, c.from, c.d), "%s → %s", c.from.labels["app.kubernetes.io/name"], c.d)
	}
}

// servicesValue renders services as the services key's JSON, the way a stack file sets it.
func servicesValue(svcs []config.Service) []map[string]any {
	var out []map[string]any
	for _, s := range svcs {
		m := map[string]any{"name": s.Name, "tier": string(s.Tier), "slo": string(s.SLO), "port": s.Port, "database": s.Database, "cache": s.Cache}
		var grants []map[string]any
		for _, a := range s.AWSAccess {
			grants = append(grants, map[string]any{"actions": a.Actions, "resources": a.Resources})
		}
		if grants != nil {
			m["awsAccess"] = grants
		}
		var rules []map[string]any
		for _, e := range s.Egress {
			rules = append(rules, map[string]any{"cidrs": e.CIDRs, "ports": e.Ports, "protocol": e.Protocol})
		}
		if rules != nil {
			m["egress"] = rules
		}
		out = append(out, m)
	}
	return out
}
