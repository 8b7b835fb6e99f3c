package monitoring

import (
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/release"
)

// image is a pinned image for charts that compose registry/repository:tag (kube-prometheus-stack and
// its subcharts, YACE, Tempo).
func image(reg config.Registries, key string) map[string]any {
	return release.Image(reg, key).Split().Plain()
}

// repoImage is a pinned image for charts whose repository carries the registry (Fluent Bit, the
// collector).
func repoImage(reg config.Registries, key string) map[string]any {
	return release.Image(reg, key).Joined().Plain()
}
