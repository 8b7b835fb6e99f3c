package footprint

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/suoke-life/suoke-platform/infra/config"
)

func TestPodsCountsAgentsPerNode(t *testing.T) {
	assert.Equal(t, 2, Footprint{Replicas: 2}.Pods(5))
	assert.Equal(t, 5, Footprint{PerNode: true}.Pods(5))
}

func TestSumIsOrderedWhateverTheListOrder(t *testing.T) {
	a := []Footprint{{Tier: config.TierMonitoring, Name: "b"}, {Tier: config.TierBusiness, Name: "z"}}
	b := []Footprint{{Tier: config.TierMonitoring, Name: "a"}}
	assert.Equal(t, Sum(a, b), Sum(b, a))
	assert.Len(t, Sum(a, b), 3)
	assert.Equal(t, "z", Sum(a, b)[0].Name, "business sorts before monitoring")
}

func TestContainsCountsDuplicates(t *testing.T) {
	f := Footprint{Tier: config.TierGateway, Name: "x", Replicas: 1, Source: "s"}
	assert.True(t, Contains([]Footprint{f, f}, []Footprint{f, f}))
	assert.False(t, Contains([]Footprint{f}, []Footprint{f, f}), "one copy does not hold two")
	assert.False(t, Contains(nil, []Footprint{f}))
	assert.True(t, Contains(nil, nil))
}

func TestValidate(t *testing.T) {
	ok := Footprint{Tier: config.TierGateway, Name: "ns/x", Replicas: 1, CPUMilli: 10, MemoryMiB: 10, Source: "s"}
	assert.Empty(t, Validate(field.NewPath("f"), []Footprint{ok, {Tier: config.TierDatabase, Name: "ns/d", PerNode: true, Source: "s"}}))
	cases := map[string]struct {
		edit  func(*Footprint)
		field string
		typ   field.ErrorType
	}{
		"unknown tier":        {func(f *Footprint) { f.Tier = "batch" }, "f[0].tier", field.ErrorTypeNotSupported},
		"no name":             {func(f *Footprint) { f.Name = "" }, "f[0].name", field.ErrorTypeRequired},
		"no source":           {func(f *Footprint) { f.Source = "" }, "f[0].source", field.ErrorTypeRequired},
		"negative replicas":   {func(f *Footprint) { f.Replicas = -1 }, "f[0].replicas", field.ErrorTypeInvalid},
		"negative cpu":        {func(f *Footprint) { f.CPUMilli = -5 }, "f[0].cpuMilli", field.ErrorTypeInvalid},
		"negative memory":     {func(f *Footprint) { f.MemoryMiB = -5 }, "f[0].memoryMiB", field.ErrorTypeInvalid},
		"agent with replicas": {func(f *Footprint) { f.PerNode = true }, "f[0].replicas", field.ErrorTypeInvalid},
	}
	for name, c := range cases {
		f := ok
		c.edit(&f)
		errs := Validate(field.NewPath("f"), []Footprint{f})
		if assert.Len(t, errs, 1, name) {
			assert.Equal(t, c.field, errs[0].Field, name)
			assert.Equal(t, c.typ, errs[0].Type, name)
		}
	}
}
