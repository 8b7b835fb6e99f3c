package cost

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Change is the cost difference of one tier (or the total) between two reports.
type Change struct {
	Tier string
	Old  float64
	New  float64
}

// Delta is New − Old.
func (c Change) Delta() float64 { return round2(c.New - c.Old) }

// Diff compares a saved report with the current one: every tier either has, then the total. Tiers
// that did not change are left out; the total is always there.
func Diff(old, cur Report) []Change {
	tiers := map[string]bool{}
	for t := range old.Monthly {
		tiers[t] = true
	}
	for t := range cur.Monthly {
		tiers[t] = true
	}
	names := make([]string, 0, len(tiers))
	for t := range tiers {
		names = append(names, t)
	}
	sort.Strings(names)
	var out []Change
	for _, t := range names {
		c := Change{Tier: t, Old: old.Monthly[t], New: cur.Monthly[t]}
		if c.Delta() != 0 {
			out = append(out, c)
		}
	}
	return append(out, Change{Tier: "total", Old: old.Total, New: cur.Total})
}

// FormatChange renders a change as reviewers read it: "+1,234.00 CNY/month, +3.1%". A tier that did
// not exist before has no percentage ("new"); one that is gone reads "-100.0%".
func FormatChange(c Change, currency string) string {
	s := fmt.Sprintf("%s %s/month", signedMoney(c.Delta()), currency)
	switch {
	case c.Old == 0 && c.New == 0:
		return s + ", ±0.0%"
	case c.Old == 0:
		return s + ", new"
	}
	pct := math.Round(c.Delta()/c.Old*1000) / 10
	sign := "+"
	if pct < 0 {
		sign = "-"
		pct = -pct
	} else if pct == 0 {
		sign = "±"
	}
	return fmt.Sprintf("%s, %s%.1f%%", s, sign, pct)
}

// signedMoney renders an amount with its sign and thousands separators: +1,234.00, -56.70, ±0.00.
func signedMoney(v float64) string {
	switch {
	case v > 0:
		return "+" + Money(v)
	case v < 0:
		return "-" + Money(-v)
	}
	return "±" + Money(0)
}

// Money renders a non-negative amount with two decimals and thousands separators: 12,345.60.
func Money(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	out := b.String() + "." + frac
	if v < 0 {
		return "-" + out
	}
	return out
}
