package monitoring

import (
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/pins"
)

// image is a pinned image through the registries as the registry, repository and tag that charts
// compose as registry/repository:tag (kube-prometheus-stack and its subcharts, YACE, Tempo).
func image(reg config.Registries, key string) map[string]any {
	ref := config.ParseImage(reg.Image(pins.Ref(key)))
	return map[string]any{"registry": ref.Host, "repository": ref.Path, "tag": ref.Tag()}
}

// repoImage is a pinned image for charts whose repository carries the registry (Fluent Bit, the
// collector): repository and tag.
func repoImage(reg config.Registries, key string) map[string]any {
	ref := config.ParseImage(reg.Image(pins.Ref(key)))
	return map[string]any{"repository": ref.Repository(), "tag": ref.Tag()}
}
