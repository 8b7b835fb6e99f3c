package engine

import (
	"strings"
	"testing"
)

// The delete-order check fails when a dependency's delete starts before its dependent's has ended,
// and passes when the dependent is gone first.
func TestDeleteOrderViolations(t *testing.T) {
	deps := map[string][]string{"subnet": {"vpc"}}
	good := []Call{{Method: "Delete", URN: "subnet", Start: 1, End: 2}, {Method: "Delete", URN: "vpc", Start: 3, End: 4}}
	if v := DeleteOrderViolations(good, deps); len(v) != 0 {
		t.Errorf("subnet then VPC: %v", v)
	}
	bad := []Call{{Method: "Delete", URN: "vpc", Start: 1, End: 2}, {Method: "Delete", URN: "subnet", Start: 1, End: 3}}
	v := DeleteOrderViolations(bad, deps)
	if len(v) != 1 || !strings.Contains(v[0], "vpc was deleted") {
		t.Errorf("VPC before its subnet: %v", v)
	}
}
