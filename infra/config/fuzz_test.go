package config_test

import (
	"math"
	"net/netip"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
)

// seedInputs are the committed stack files as the program receives them.
func seedInputs(t testing.TB) []config.Input {
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var out []config.Input
	for _, stack := range plan.StackNames(dir) {
		sc, err := plan.LoadStackConfig(dir, stack)
		if err != nil {
			t.Fatal(err)
		}
		in := config.Input{Project: sc.Project, Stack: stack, Region: sc.Values[config.RegionKey], Values: map[string]string{}}
		for k, v := range sc.Values {
			if name, ok := strings.CutPrefix(k, config.Namespace+":"); ok {
				in.Values[name] = v
			}
		}
		out = append(out, in)
	}
	return out
}

// FuzzParse replaces one key of a committed stack file with arbitrary text. Parse must never panic,
// and a config it accepts must hold what the keys' documentation promises and what the program
// computes from it first (the AZ list, the WAL headroom, the topology) must not panic either.
//
//	go test ./infra/config -run '^$' -fuzz FuzzParse -fuzztime 10m
func FuzzParse(f *testing.F) {
	seeds := seedInputs(f)
	keys := config.Keys()
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		names = append(names, k.Name)
	}
	sort.Strings(names)
	for si, in := range seeds {
		for ki, name := range names {
			f.Add(uint8(si), uint8(ki), in.Values[name])
		}
	}
	f.Fuzz(func(t *testing.T, seed, key uint8, value string) {
		base := seeds[int(seed)%len(seeds)]
		in := config.Input{Project: base.Project, Stack: base.Stack, Region: base.Region, Values: map[string]string{}}
		for k, v := range base.Values {
			in.Values[k] = v
		}
		name := names[int(key)%len(names)]
		in.Values[name] = value
		p, err := config.Parse(in)
		if err != nil {
			if p != nil {
				t.Fatalf("an error with a config: %v", err)
			}
			return
		}
		checkAccepted(t, name, value, p)
	})
}

func checkAccepted(t *testing.T, name, value string, p *config.Platform) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s=%q accepted, but "+format, append([]any{name, value}, args...)...)
	}
	if n := len(p.AZNames()); n != p.AvailabilityZones || n < 2 || n > 3 {
		fail("it gives %d AZs of %d configured (the platform spans 2 or 3)", n, p.AvailabilityZones)
	}
	if s := p.Monitoring.TraceSampling; !(s > 0 && s <= 1) {
		fail("traceSampling is %v, outside (0, 1]", s)
	}
	for tier, pool := range p.NodePools {
		if pool.Min < 0 || pool.Min > pool.Desired || pool.Desired > pool.Max || pool.Max == 0 {
			fail("pool %s has min %d, desired %d, max %d", tier, pool.Min, pool.Desired, pool.Max)
		}
		if pool.InstanceType == "" {
			fail("pool %s has no instance type", tier)
		}
	}
	if h := p.WALHeadroomHours(); math.IsNaN(h) || math.IsInf(h, 0) || h < 0 {
		fail("the WAL headroom is %v hours", h)
	}
	for _, s := range p.Services {
		for _, g := range s.AWSAccess {
			if len(g.Actions) == 0 || len(g.Resources) == 0 {
				fail("service %s has a statement without actions or resources", s.Name)
			}
			for _, a := range g.Actions {
				svc, _, _ := strings.Cut(a, ":")
				if strings.HasPrefix(a, "*") || svc == "iam" || ((svc == "s3" || svc == "kms") && strings.Contains(a, "*")) {
					fail("service %s is granted %q", s.Name, a)
				}
			}
			for _, r := range g.Resources {
				if !strings.HasPrefix(r, "arn:"+p.Region.Partition+":") {
					fail("service %s is granted resource %q outside partition %s", s.Name, r, p.Region.Partition)
				}
			}
		}
		vpc := netip.MustParsePrefix(p.VPCCIDR)
		for _, e := range s.Egress {
			for _, c := range e.CIDRs {
				pfx, err := netip.ParsePrefix(c)
				if err != nil || pfx.Bits() < 8 || pfx.Overlaps(vpc) {
					fail("service %s may reach %q", s.Name, c)
				}
			}
		}
	}
	p.PostgresTopology("123456789012")
	p.BackupTopology("123456789012")
	finite(t, name, value, reflect.ValueOf(p).Elem(), "config")
}

// finite fails on any NaN or infinite float anywhere in the accepted config.
func finite(t *testing.T, name, value string, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			t.Fatalf("%s=%q accepted, but %s is %v", name, value, path, f)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				finite(t, name, value, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			finite(t, name, value, v.Index(i), path)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			finite(t, name, value, v.MapIndex(k), path+"["+k.String()+"]")
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			finite(t, name, value, v.Elem(), path)
		}
	}
}
