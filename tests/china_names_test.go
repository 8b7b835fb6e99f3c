package tests

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// Every China-specific name in a stack's inputs comes from the facts tables: a name a component
// types by hand (a principal with the China suffix the provider does not give, an endpoint service
// under the wrong prefix, an AWS-owned account, a zone that does not exist) is a guess about AWS
// China that nobody sourced. The facts are infra/awsfacts' rows (partitions, principals, endpoint
// services, ELB and EKS image accounts, the regions they name) and, for a region's DNS suffix and
// zones, infra/config's region table (regions.go, sourced from the China regions-and-endpoints page).

// chinaFacts is what the facts tables hold about the China partition.
type chinaFacts struct {
	partitions map[string]bool
	regions    map[string]config.Region
	principals map[string]bool
	endpoints  map[string]bool
	accounts   map[string]bool
}

func loadChinaFacts(ownAccount string) chinaFacts {
	f := chinaFacts{partitions: map[string]bool{}, regions: map[string]config.Region{}, principals: map[string]bool{},
		endpoints: map[string]bool{}, accounts: map[string]bool{ownAccount: true}}
	var rows []awsfacts.TrustRow
	rows = append(append(rows, awsfacts.RoleTrust...), awsfacts.AuditPrincipalRows...)
	for _, r := range rows {
		f.partitions[r.Partition] = true
		for _, p := range r.Principals {
			f.principals[p] = true
		}
	}
	for _, r := range awsfacts.ProviderPrincipalSuffixes {
		f.partitions[r.Partition] = true
	}
	var regionNames []string
	for _, e := range awsfacts.EndpointServices {
		regionNames = append(regionNames, e.ChinaPrefix...)
	}
	for _, r := range awsfacts.ELBLogDelivery {
		regionNames = append(regionNames, r.Region)
	}
	for _, name := range regionNames {
		r, ok := config.LookupRegion(name)
		if !ok || !f.partitions[r.Partition] {
			continue
		}
		f.regions[name] = r
		for _, e := range awsfacts.EndpointServicesIn(name) {
			f.endpoints[e.Name] = true
		}
		if acct, ok := awsfacts.ELBLogDeliveryAccount(name); ok {
			f.accounts[acct] = true
		}
		if reg := awsfacts.ContainerImageRegistry(name, r.DNSSuffix); reg != "" {
			f.accounts[reg[:strings.Index(reg, ".")]] = true
		}
		for _, rule := range awsfacts.ProviderPrincipalSuffixes {
			for _, svc := range rule.Services {
				if awsfacts.ProviderPrincipalSuffix(r.Partition, r.DNSSuffix, svc) == r.DNSSuffix {
					f.principals[svc+"."+r.DNSSuffix] = true
				}
			}
		}
	}
	return f
}

// suffixes are the China DNS suffixes the held regions name.
func (f chinaFacts) suffixes() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range f.regions {
		if !seen[r.DNSSuffix] {
			seen[r.DNSSuffix] = true
			out = append(out, r.DNSSuffix)
		}
	}
	sort.Strings(out)
	return out
}

var (
	chinaARN      = regexp.MustCompile(`arn:(aws-cn[a-z-]*):([a-z0-9-]*):([a-z0-9-]*):([a-z0-9-]*):`)
	chinaRegion   = regexp.MustCompile(`\bcn-[a-z]+-[0-9]+[a-z]?\b`)
	chinaHost     = regexp.MustCompile(`[A-Za-z0-9.-]+\.amazonaws\.com\.cn\b`)
	chinaEndpoint = regexp.MustCompile(`\b(?:cn\.)?com\.amazonaws\.cn-[a-z]+-[0-9]+\.[a-z0-9.-]*[a-z0-9]`)
	ecrAccount    = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr\.`)
	// otherChina are China-only domains no fact names: the console's and the documentation's.
	otherChina = regexp.MustCompile(`(?:^|[^a-z0-9.-])([a-z0-9.-]*\.amazonaws\.cn)(?:$|[^a-z0-9.-])`)
)

// unheld lists the China-specific tokens of s that the facts do not hold.
func (f chinaFacts) unheld(s string) []string {
	var out []string
	for _, m := range chinaARN.FindAllStringSubmatch(s, -1) {
		// The region field is checked with every other region name below.
		part, acct := m[1], m[4]
		switch {
		case !f.partitions[part]:
			out = append(out, "partition "+part)
		case len(acct) == 12 && !f.accounts[acct]:
			out = append(out, "ARN account "+acct)
		}
	}
	for _, m := range chinaRegion.FindAllString(s, -1) {
		name, az := m, ""
		if last := m[len(m)-1]; last >= 'a' && last <= 'z' {
			name, az = m[:len(m)-1], m
		}
		r, ok := f.regions[name]
		switch {
		case !ok:
			out = append(out, "region "+name)
		case az != "" && !slices.Contains(r.AZs, az):
			out = append(out, "zone "+az)
		}
	}
	for _, host := range chinaHost.FindAllString(s, -1) {
		if !f.hostHeld(host) {
			out = append(out, "host "+host)
		}
		if m := ecrAccount.FindStringSubmatch(host); m != nil && !f.accounts[m[1]] {
			out = append(out, "registry account "+m[1])
		}
	}
	for _, name := range chinaEndpoint.FindAllString(s, -1) {
		if !f.endpoints[name] {
			out = append(out, "endpoint service "+name)
		}
	}
	for _, m := range otherChina.FindAllStringSubmatch(s, -1) {
		out = append(out, "China domain "+m[1])
	}
	return out
}

// hostHeld: a regional name (<...>.<held region>.<its suffix>) or a service principal a fact names.
func (f chinaFacts) hostHeld(host string) bool {
	if f.principals[host] {
		return true
	}
	for name, r := range f.regions {
		if strings.HasSuffix(host, "."+name+"."+r.DNSSuffix) || strings.Contains(host, "."+name+".") && strings.HasSuffix(host, "."+r.DNSSuffix) {
			return true
		}
	}
	return false
}

// chinaNameProblems scans every string input of every resource.
func chinaNameProblems(g *plan.Graph, f chinaFacts) []string {
	var out []string
	for _, r := range g.Resources {
		walkStrings(r.Inputs, func(s string) {
			for _, tok := range f.unheld(s) {
				out = append(out, fmt.Sprintf("%s %s: %s", r.Type, r.Name, tok))
			}
		})
	}
	sort.Strings(out)
	return out
}

func walkStrings(v any, visit func(string)) {
	switch x := v.(type) {
	case string:
		visit(x)
	case map[string]any:
		for k, e := range x {
			visit(k)
			walkStrings(e, visit)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, visit)
		}
	}
}

func TestChinaNamesComeFromTheFacts(t *testing.T) {
	f := loadChinaFacts(plan.MockAccountID)
	require.Equal(t, []string{"amazonaws.com.cn"}, f.suffixes(), "the facts name the China regions and their suffix")
	noProblemsOnEveryStack(t, func(g *plan.Graph) []string { return chinaNameProblems(g, f) })
}

// TestHandTypedChinaNamesAreCaught adds one resource with a hand-typed name to staging's graph, per
// case, and to an otherwise empty graph: each is reported, and a name the facts hold is not.
func TestHandTypedChinaNamesAreCaught(t *testing.T) {
	f := loadChinaFacts(plan.MockAccountID)
	staging, _ := record(t, "staging")
	cases := []struct {
		value string
		want  string // "" when the facts hold it
	}{
		{`{"Principal":{"Service":"sts.amazonaws.com.cn"}}`, "host sts.amazonaws.com.cn"},
		{"https://s3.amazonaws.com.cn", "host s3.amazonaws.com.cn"},
		{"cn.com.amazonaws.cn-northwest-1.logs", "endpoint service cn.com.amazonaws.cn-northwest-1.logs"},
		{"arn:aws-cn:iam::999988887777:root", "ARN account 999988887777"},
		{"999988887777.dkr.ecr.cn-northwest-1.amazonaws.com.cn/eks/aws-load-balancer-controller", "registry account 999988887777"},
		{"cn-north-1c", "zone cn-north-1c"},
		{"arn:aws-cn:s3:cn-south-1::x", "region cn-south-1"},
		{"https://console.amazonaws.cn/", "China domain console.amazonaws.cn"},
		// Held: the node role's EC2 principal, the logs principal the provider gives in China, a
		// regional endpoint, an ELB log-delivery account.
		{"ec2.amazonaws.com.cn", ""},
		{"logs.amazonaws.com.cn", ""},
		{"https://s3.cn-north-1.amazonaws.com.cn", ""},
		{"arn:aws-cn:iam::037604701340:root", ""},
		{"com.amazonaws.cn-northwest-1.logs", ""},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			for _, base := range []*plan.Graph{staging, {Stack: "synthetic"}} {
				g := clone(base)
				g.Resources = append(g.Resources, plan.Resource{Type: "aws:ssm/parameter:Parameter", Name: "hand-typed",
					Inputs: map[string]any{"tags": map[string]any{"note": []any{c.value}}}})
				got := chinaNameProblems(g, f)
				if c.want == "" {
					assert.Empty(t, got)
					continue
				}
				assert.Equal(t, []string{"aws:ssm/parameter:Parameter hand-typed: " + c.want}, got)
			}
		})
	}
}
