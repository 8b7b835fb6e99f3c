package cost

import (
	"fmt"
	"strconv"
	"strings"
)

// quantitySuffixes are the Kubernetes resource.Quantity suffixes a storage size uses, in GiB
// (binary suffixes are powers of 1024, decimal ones of 1000).
var quantitySuffixes = []struct {
	suffix string
	gib    float64
}{
	{"Ki", 1.0 / (1 << 20)}, {"Mi", 1.0 / (1 << 10)}, {"Gi", 1}, {"Ti", 1 << 10}, {"Pi", 1 << 20},
	{"k", 1e3 / (1 << 30)}, {"M", 1e6 / (1 << 30)}, {"G", 1e9 / (1 << 30)}, {"T", 1e12 / (1 << 30)}, {"P", 1e15 / (1 << 30)},
}

// parseQuantityGiB reads a Kubernetes storage quantity ("100Gi", "500M", "1Ti") as GiB.
func parseQuantityGiB(q string) (float64, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return 0, fmt.Errorf("no size")
	}
	for _, s := range quantitySuffixes {
		if num, ok := strings.CutSuffix(q, s.suffix); ok {
			n, err := strconv.ParseFloat(num, 64)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("not a storage quantity")
			}
			return n * s.gib, nil
		}
	}
	n, err := strconv.ParseFloat(q, 64) // plain bytes
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a storage quantity")
	}
	return n / (1 << 30), nil
}

// numString reads a number written as a string (StorageClass parameters), or 0.
func numString(s string) float64 {
	n, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return n
}
