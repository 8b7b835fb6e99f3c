package footprint

import "fmt"

// Resources are a container's CPU and memory requests, as the capacity check counts them; every
// component's chart values and footprints take them from here, so what is rendered is what is summed.
type Resources struct {
	CPUMilli  int
	MemoryMiB int
}

// Values render them as a chart's `resources` value: the requests, and a memory limit at twice the
// request. CPU is not limited: a throttled controller, scraper or collector is worse than a busy
// node (it falls behind or loses data).
func (r Resources) Values() map[string]any {
	return map[string]any{
		"requests": map[string]any{"cpu": fmt.Sprintf("%dm", r.CPUMilli), "memory": fmt.Sprintf("%dMi", r.MemoryMiB)},
		"limits":   map[string]any{"memory": fmt.Sprintf("%dMi", 2*r.MemoryMiB)},
	}
}
