package cost

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFormatChange(t *testing.T) {
	cases := []struct {
		old, cur float64
		want     string
	}{
		{39806.45, 41040.45, "+1,234.00 CNY/month, +3.1%"},
		{1000, 900, "-100.00 CNY/month, -10.0%"},
		{0, 250.5, "+250.50 CNY/month, new"},
		{250.5, 0, "-250.50 CNY/month, -100.0%"},
		{1234567.891, 1234567.891, "±0.00 CNY/month, ±0.0%"},
		{0, 0, "±0.00 CNY/month, ±0.0%"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, FormatChange(Change{Tier: "agents", Old: c.old, New: c.cur}, "CNY"))
	}
}

func TestMoney(t *testing.T) {
	for v, want := range map[float64]string{0: "0.00", 7.1: "7.10", 999.999: "1,000.00", 1234567.5: "1,234,567.50", -1234.5: "-1,234.50"} {
		assert.Equal(t, want, Money(v))
	}
}

func TestDiffListsChangedTiersAndTotal(t *testing.T) {
	old := Report{Monthly: map[string]float64{"agents": 100, "cache": 50, "gone": 10}, Total: 160}
	cur := Report{Monthly: map[string]float64{"agents": 200, "cache": 50, "new": 5}, Total: 255}
	got := Diff(old, cur)
	assert.Equal(t, []Change{{"agents", 100, 200}, {"gone", 10, 0}, {"new", 0, 5}, {"total", 160, 255}}, got)
}
