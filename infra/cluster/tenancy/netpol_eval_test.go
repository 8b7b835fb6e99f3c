package tenancy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/suoke-life/suoke-platform/infra/cluster/internal/graphtest"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// These tests evaluate the NetworkPolicy objects the program records, with Kubernetes' own rules,
// rather than comparing them to the config that made them: a packet from a service's pod to
// (address, port, protocol) is allowed or not, and the expectations are written by hand from what
// each service is (its port, database and cache: Pulumi.yaml's default services, which the README's
// services table describes) and from the staging VPC 10.50.0.0/16 laid out as network.Layout
// documents it (private /19s from 10.50.0.0, public /22s from 10.50.96.0, data /22s from
// 10.50.108.0).
//
// The objects are decoded strictly into k8s.io/api networking/v1 NetworkPolicy (v0.37.2, the
// module this repository pins): a field the API does not have fails. Selectors are evaluated with
// apimachinery's own metav1.LabelSelectorAsSelector (matchLabels and matchExpressions).
//
// Semantics (Kubernetes "Network Policies", kubernetes.io/docs/concepts/services-networking/
// network-policies, read 2026-12-03, and the NetworkPolicySpec field docs in k8s.io/api
// networking/v1 types.go): a pod is isolated in a direction when any policy of its namespace selects
// it with that direction among its policyTypes (policyTypes unset: Ingress, plus Egress when the
// policy has egress rules); an isolated pod's connection is allowed when some selecting policy has a
// rule whose ports (empty: all) and peers (empty: all) both match. A peer is an ipBlock (cidr minus
// except), or pods chosen by namespaceSelector and/or podSelector (podSelector alone: the policy's
// own namespace); a port's protocol defaults to TCP, a port with endPort is a range, no port is
// every port of the protocol. Every namespace carries kubernetes.io/metadata.name = its name, set
// by the API server. Policies are additive: no rule removes what another allows. A connection
// between two pods needs both: egress allowed at the source, ingress at the destination.

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

// decodePolicies reads the recorded NetworkPolicy objects as the API server would receive them:
// strictly, into the API's own type, every selector one the API accepts.
func decodePolicies(g *plan.Graph) ([]networkingv1.NetworkPolicy, error) {
	var out []networkingv1.NetworkPolicy
	for _, r := range ofType(g, "kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		b, err := json.Marshal(r.Inputs)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var np networkingv1.NetworkPolicy
		if err := dec.Decode(&np); err != nil {
			return nil, fmt.Errorf("%s: not a networking/v1 NetworkPolicy: %w", r.Name, err)
		}
		sels := []*metav1.LabelSelector{&np.Spec.PodSelector}
		for _, peers := range peersOf(np) {
			for _, p := range peers {
				sels = append(sels, p.PodSelector, p.NamespaceSelector)
			}
		}
		for _, sel := range sels {
			if sel == nil {
				continue
			}
			if _, err := metav1.LabelSelectorAsSelector(sel); err != nil {
				return nil, fmt.Errorf("%s: selector %v: %w", r.Name, sel, err)
			}
		}
		out = append(out, np)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no NetworkPolicy recorded")
	}
	return out, nil
}

func peersOf(np networkingv1.NetworkPolicy) [][]networkingv1.NetworkPolicyPeer {
	var out [][]networkingv1.NetworkPolicyPeer
	for _, r := range np.Spec.Ingress {
		out = append(out, r.From)
	}
	for _, r := range np.Spec.Egress {
		out = append(out, r.To)
	}
	return out
}

func policies(t *testing.T, g *plan.Graph) []networkingv1.NetworkPolicy {
	t.Helper()
	nps, err := decodePolicies(g)
	require.NoError(t, err)
	return nps
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

// selects is a label selector as the API server evaluates it (decodePolicies checked it parses).
func selects(sel *metav1.LabelSelector, l map[string]string) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(labels.Set(l))
}

func inCIDR(ip, cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	return p.Contains(netip.MustParseAddr(ip))
}

// admits: the peer of a policy of namespace policyNS covers the other end of the packet.
func admits(p networkingv1.NetworkPolicyPeer, policyNS string, d dest, nsLabels map[string]map[string]string) bool {
	if p.IPBlock != nil {
		if !inCIDR(d.ip, p.IPBlock.CIDR) {
			return false
		}
		for _, e := range p.IPBlock.Except {
			if inCIDR(d.ip, e) {
				return false
			}
		}
		return true
	}
	if d.pod == nil {
		return false // selectors choose pods only
	}
	if p.NamespaceSelector != nil {
		if !selects(p.NamespaceSelector, nsLabels[d.pod.ns]) {
			return false
		}
	} else if d.pod.ns != policyNS {
		return false // a podSelector alone chooses pods of the policy's own namespace
	}
	return p.PodSelector == nil || selects(p.PodSelector, d.pod.labels)
}

// portMatches: a rule's port covers the packet's (our pods declare no named ports, so a named port
// matches none of them).
func portMatches(p networkingv1.NetworkPolicyPort, d dest) bool {
	proto := corev1.ProtocolTCP
	if p.Protocol != nil {
		proto = *p.Protocol
	}
	if string(proto) != d.proto {
		return false
	}
	if p.Port == nil {
		return true
	}
	if p.Port.Type != intstr.Int {
		return false
	}
	if p.EndPort != nil {
		return d.port >= p.Port.IntValue() && d.port <= int(*p.EndPort)
	}
	return d.port == p.Port.IntValue()
}

// direction is the way a packet crosses the policies of the pod they select: out of it or into it.
type direction = networkingv1.PolicyType

const (
	egress  = networkingv1.PolicyTypeEgress
	ingress = networkingv1.PolicyTypeIngress
)

// policyTypes are a policy's directions, with the API's default when unset.
func policyTypes(np networkingv1.NetworkPolicy) []networkingv1.PolicyType {
	if len(np.Spec.PolicyTypes) > 0 {
		return np.Spec.PolicyTypes
	}
	out := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	if len(np.Spec.Egress) > 0 {
		out = append(out, networkingv1.PolicyTypeEgress)
	}
	return out
}

// permitted evaluates every policy for one packet leaving (egress) or reaching (ingress) the pod at.
func permitted(nps []networkingv1.NetworkPolicy, nsLabels map[string]map[string]string, dir direction, at pod, other dest) bool {
	isolated := false
	for _, np := range nps {
		if np.Namespace != at.ns || !selects(&np.Spec.PodSelector, at.labels) || !slices.Contains(policyTypes(np), dir) {
			continue
		}
		isolated = true
		type rule struct {
			peers []networkingv1.NetworkPolicyPeer
			ports []networkingv1.NetworkPolicyPort
		}
		var rules []rule
		if dir == ingress {
			for _, r := range np.Spec.Ingress {
				rules = append(rules, rule{r.From, r.Ports})
			}
		} else {
			for _, r := range np.Spec.Egress {
				rules = append(rules, rule{r.To, r.Ports})
			}
		}
		for _, r := range rules {
			portOK := len(r.ports) == 0
			for _, p := range r.ports {
				portOK = portOK || portMatches(p, other)
			}
			peerOK := len(r.peers) == 0
			for _, p := range r.peers {
				peerOK = peerOK || admits(p, np.Namespace, other, nsLabels)
			}
			if portOK && peerOK {
				return true
			}
		}
	}
	return !isolated
}

// connects: a connection from one pod to another, at its address, port and protocol, passes both
// the source's egress and the destination's ingress.
func connects(nps []networkingv1.NetworkPolicy, nsl map[string]map[string]string, from pod, fromIP string, to dest) bool {
	return permitted(nps, nsl, egress, from, to) && permitted(nps, nsl, ingress, *to.pod, dest{fromIP, to.port, to.proto, &from})
}

// theServices are the nine default services as the deployment plan describes them (Pulumi.yaml's
// services default: tier, port, database, cache), written out here (not read from
// config.DefaultServices) so that a changed default fails this test.
var theServices = []struct {
	name, ns  string
	port      int
	db, cache bool
}{
	{"api-gateway", "gateway", 8080, false, true},
	{"xiaoai", "agents", 8001, true, true},
	{"xiaoke", "agents", 8002, true, true},
	{"laoke", "agents", 8003, true, true},
	{"soer", "agents", 8004, true, true},
	{"user-management", "business", 8010, true, true},
	{"unified-health-data", "business", 8020, true, true},
	{"unified-knowledge", "business", 8030, true, true},
	{"blockchain", "business", 8040, true, false},
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
	for _, s := range theServices {
		to := pod{s.ns, map[string]string{"app.kubernetes.io/name": s.name}}
		assert.True(t, permitted(nps, nsl, ingress, to, dest{"10.50.20.30", 9090, "TCP", prometheus}), "%s: Prometheus scrapes 9090", s.name)
		assert.True(t, permitted(nps, nsl, egress, *prometheus, dest{"10.50.40.7", 9090, "TCP", &to}), "%s: Prometheus's namespace lets the scrape out", s.name)
		assert.False(t, permitted(nps, nsl, ingress, to, dest{"10.50.20.31", 9090, "TCP", grafana}), "%s: Grafana does not scrape", s.name)
		assert.False(t, permitted(nps, nsl, ingress, to, dest{"10.50.20.32", 9090, "TCP", &pod{"monitoring", map[string]string{"app.kubernetes.io/name": "fluent-bit"}}}), "%s: nor any other monitoring pod", s.name)
		if s.ns != "gateway" {
			assert.False(t, permitted(nps, nsl, ingress, to, dest{"10.50.20.30", s.port, "TCP", prometheus}), "%s: its service port is not Prometheus's to call", s.name)
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

// Pods and addresses of the in-cluster flows.
var (
	lbIP      = "10.50.97.10" // the ALB's address in the first public subnet (10.50.96.0/22)
	collector = &pod{"monitoring", map[string]string{"app.kubernetes.io/name": "opentelemetry-collector"}}
	pooler    = &pod{"data", map[string]string{"cnpg.io/cluster": "postgres", "cnpg.io/poolerName": "postgres-pooler-rw"}}
)

func svcPod(name string) pod {
	for _, s := range theServices {
		if s.name == name {
			return pod{s.ns, map[string]string{"app.kubernetes.io/name": s.name}}
		}
	}
	panic(name)
}

// flow is one connection and whether the product allows it.
type flow struct {
	what   string
	from   pod
	fromIP string
	to     dest
	want   bool
}

// platformFlows are the connections the product needs and those it must not have, written from
// what the platform is (README: the gateway is the only entry and routes to the agents and the
// business services on their service ports; services with a database reach PostgreSQL, directly or
// through the pooler, and no other service does; each service sends traces to the collector, OTLP
// on 4317 gRPC and 4318 HTTP, the OpenTelemetry specification's default ports; everything else is
// denied by default).
func platformFlows() []flow {
	gw := svcPod("api-gateway")
	out := []flow{
		{"the ALB reaches the gateway", pod{}, lbIP, dest{"10.50.10.5", 8080, "TCP", &gw}, true},
		{"a private-subnet address does not reach the gateway", pod{}, podIP, dest{"10.50.10.5", 8080, "TCP", &gw}, false},
		{"a pod of another namespace does not reach the gateway", pod{"default", map[string]string{"app": "x"}}, "10.50.41.2", dest{"10.50.10.5", 8080, "TCP", &gw}, false},
		{"the gateway does not reach PostgreSQL's pooler", gw, "10.50.10.5", dest{"10.50.33.21", 5432, "TCP", pooler}, false},
	}
	for _, s := range theServices {
		p := svcPod(s.name)
		out = append(out,
			flow{s.name + " sends traces over OTLP gRPC", p, "10.50.12.1", dest{"10.50.20.40", 4317, "TCP", collector}, true},
			flow{s.name + " sends traces over OTLP HTTP", p, "10.50.12.1", dest{"10.50.20.40", 4318, "TCP", collector}, true},
			flow{s.name + " reaches no other collector port", p, "10.50.12.1", dest{"10.50.20.40", 9411, "TCP", collector}, false},
			flow{s.name + " reaches PostgreSQL's pooler iff it has a database", p, "10.50.12.1", dest{"10.50.33.21", 5432, "TCP", pooler}, s.db},
		)
		if s.ns == "gateway" {
			continue
		}
		out = append(out,
			flow{"the gateway reaches " + s.name + " on its port", gw, "10.50.10.5", dest{"10.50.40.9", s.port, "TCP", &p}, true},
			flow{"the gateway does not read " + s.name + "'s metrics", gw, "10.50.10.5", dest{"10.50.40.9", 9090, "TCP", &p}, false},
			flow{"the ALB does not reach " + s.name + " directly", pod{}, lbIP, dest{"10.50.40.9", s.port, "TCP", &p}, false},
			flow{"Grafana does not call " + s.name, *grafana, "10.50.20.31", dest{"10.50.40.9", s.port, "TCP", &p}, false},
		)
		for _, o := range theServices {
			if o.ns != "gateway" && o.ns != s.ns {
				q := svcPod(o.name)
				out = append(out, flow{s.name + " does not call " + o.name + " of another tier", p, "10.50.40.9", dest{"10.50.41.9", o.port, "TCP", &q}, false})
			}
		}
		out = append(out, flow{s.name + " does not call the gateway", p, "10.50.40.9", dest{"10.50.10.5", 8080, "TCP", &gw}, false})
	}
	return out
}

// flowProblems evaluates every flow; a flow from an address without a pod (the ALB) meets only the
// destination's ingress.
func flowProblems(nps []networkingv1.NetworkPolicy, nsl map[string]map[string]string) []string {
	var out []string
	for _, f := range platformFlows() {
		var got bool
		if f.from.ns == "" {
			got = permitted(nps, nsl, ingress, *f.to.pod, dest{f.fromIP, f.to.port, f.to.proto, nil})
		} else {
			got = connects(nps, nsl, f.from, f.fromIP, f.to)
		}
		if got != f.want {
			out = append(out, fmt.Sprintf("%s: allowed %v, want %v (%s)", f.what, got, f.want, f.to))
		}
	}
	return out
}

// TestPlatformFlows: the product's flows, allowed and denied, over staging's recorded policies.
// (Replaces TestPoliciesForTheFlows, which compared policiesFor's structs with the ports of
// config.DefaultServices, the table that generated them.)
func TestPlatformFlows(t *testing.T) {
	g := record(t, nil)
	assert.Empty(t, flowProblems(policies(t, g), namespaceLabels(g)))
}

// withPolicySpec is a copy of g whose NetworkPolicy of that resource name has its spec edited (a
// deep copy through JSON: the recorded graph is shared).
func withPolicySpec(t *testing.T, g *plan.Graph, name string, edit func(spec map[string]any)) *plan.Graph {
	t.Helper()
	m := *g
	m.Resources = append([]plan.Resource(nil), g.Resources...)
	for i, r := range m.Resources {
		if r.Type != "kubernetes:networking.k8s.io/v1:NetworkPolicy" || r.Name != name {
			continue
		}
		b, err := json.Marshal(r.Inputs)
		require.NoError(t, err)
		var in map[string]any
		require.NoError(t, json.Unmarshal(b, &in))
		edit(in["spec"].(map[string]any))
		m.Resources[i].Inputs = in
		return &m
	}
	require.FailNow(t, "no such policy", name)
	return nil
}

// TestEvaluatorAndFlowsCatchBrokenPolicies: mutated copies of staging's real policies, one change
// at a time: the flows that change are caught, the evaluator reads the API's semantics (not only the
// shapes the program writes), and a field the API does not have is refused.
func TestEvaluatorAndFlowsCatchBrokenPolicies(t *testing.T) {
	g := record(t, nil)
	nsl := namespaceLabels(g)
	require.Empty(t, flowProblems(policies(t, g), nsl))
	problems := func(m *plan.Graph) string { return strings.Join(flowProblems(policies(t, m), nsl), "\n") }
	ingressFrom := func(nsName string) func(spec map[string]any) {
		return func(spec map[string]any) {
			for _, r := range spec["ingress"].([]any) {
				for _, p := range r.(map[string]any)["from"].([]any) {
					p.(map[string]any)["namespaceSelector"] = map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": nsName}}
				}
			}
		}
	}

	// The agents admit the business tier instead of the gateway.
	m := withPolicySpec(t, g, "cluster-netpol-agents-allow-from-gateway", ingressFrom("business"))
	assert.Contains(t, problems(m), "the gateway reaches xiaoai on its port: allowed false")

	// The load balancer rule widened to the whole VPC.
	m = withPolicySpec(t, g, "cluster-netpol-gateway-allow-load-balancer", func(spec map[string]any) {
		spec["ingress"] = []any{map[string]any{"from": []any{map[string]any{"ipBlock": map[string]any{"cidr": "10.50.0.0/16"}}}}}
	})
	assert.Contains(t, problems(m), "a private-subnet address does not reach the gateway: allowed true")

	// The gateway's default deny gone, with its other ingress rules: everything may call it.
	m = withPolicySpec(t, g, "cluster-netpol-gateway-default-deny", func(spec map[string]any) { spec["policyTypes"] = []any{"Egress"} })
	for _, name := range []string{"cluster-netpol-gateway-allow-load-balancer", "cluster-netpol-gateway-allow-same-tier", "cluster-netpol-gateway-allow-metrics-scrape"} {
		m = withPolicySpec(t, m, name, func(spec map[string]any) {
			spec["policyTypes"] = []any{"Egress"}
			delete(spec, "ingress")
		})
	}
	assert.Contains(t, problems(m), "a pod of another namespace does not reach the gateway: allowed true")

	// matchExpressions are evaluated, not ignored: DNS to CoreDNS only when it is in the set.
	dnsTo := func(values ...any) func(spec map[string]any) {
		return func(spec map[string]any) {
			for _, r := range spec["egress"].([]any) {
				for _, p := range r.(map[string]any)["to"].([]any) {
					p.(map[string]any)["podSelector"] = map[string]any{"matchExpressions": []any{
						map[string]any{"key": "k8s-app", "operator": "In", "values": values}}}
				}
			}
		}
	}
	xiaoai := svcPod("xiaoai")
	coreDNS := dest{"10.50.66.10", 53, "UDP", kubeDNS}
	assert.True(t, permitted(policies(t, withPolicySpec(t, g, "cluster-netpol-agents-allow-dns", dnsTo("kube-dns", "node-local-dns"))), nsl, egress, xiaoai, coreDNS))
	assert.False(t, permitted(policies(t, withPolicySpec(t, g, "cluster-netpol-agents-allow-dns", dnsTo("coredns"))), nsl, egress, xiaoai, coreDNS))

	// A port range (endPort) covers the ports inside it, and a port without number every port.
	telemetry := func(port map[string]any) func(spec map[string]any) {
		return func(spec map[string]any) { spec["egress"].([]any)[0].(map[string]any)["ports"] = []any{port} }
	}
	otlp := dest{"10.50.20.40", 4317, "TCP", collector}
	assert.True(t, permitted(policies(t, withPolicySpec(t, g, "cluster-netpol-agents-allow-telemetry", telemetry(map[string]any{"port": 4000, "endPort": 4400}))), nsl, egress, xiaoai, otlp))
	assert.False(t, permitted(policies(t, withPolicySpec(t, g, "cluster-netpol-agents-allow-telemetry", telemetry(map[string]any{"port": 4000, "endPort": 4300}))), nsl, egress, xiaoai, otlp))
	assert.True(t, permitted(policies(t, withPolicySpec(t, g, "cluster-netpol-agents-allow-telemetry", telemetry(map[string]any{"protocol": "TCP"}))), nsl, egress, xiaoai, otlp))
	assert.False(t, permitted(policies(t, withPolicySpec(t, g, "cluster-netpol-agents-allow-telemetry", telemetry(map[string]any{"protocol": "UDP"}))), nsl, egress, xiaoai, otlp))

	// A field of another CNI's policy language, and a selector the API refuses, are not NetworkPolicy.
	_, err := decodePolicies(withPolicySpec(t, g, "cluster-netpol-agents-allow-telemetry", func(spec map[string]any) {
		spec["egress"].([]any)[0].(map[string]any)["toPorts"] = []any{map[string]any{"ports": []any{}}}
	}))
	assert.ErrorContains(t, err, `unknown field "toPorts"`)
	_, err = decodePolicies(withPolicySpec(t, g, "cluster-netpol-agents-allow-dns", dnsTo()))
	assert.ErrorContains(t, err, "selector")
}
