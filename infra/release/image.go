package release

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/pins"
)

// ImageRef is a pinned image as the registries resolve it (the mirror in China, upstream elsewhere),
// with the shapes chart values take it in.
type ImageRef struct {
	config.ImageRef
}

// Image is the pin table's image key through the registries.
func Image(reg config.Registries, key string) ImageRef {
	return ImageRef{config.ParseImage(reg.Image(pins.Ref(key)))}
}

// Split is the image for charts that compose registry/repository:tag themselves
// (kube-prometheus-stack and its subcharts, YACE, Tempo, the Barman Cloud plugin): the registry's
// host apart from the repository.
func (i ImageRef) Split() ImageValues {
	return ImageValues{"registry": i.Host, "repository": i.Path, "tag": i.Tag()}
}

// Joined is the image for charts whose repository carries the registry (Fluent Bit, the collector,
// CloudNativePG, Velero): repository and tag.
func (i ImageRef) Joined() ImageValues {
	return ImageValues{"repository": i.Repository(), "tag": i.Tag()}
}

// ImageValues are an image's keys in a chart's values.
type ImageValues map[string]string

// Plain is the values for a plain map of chart values.
func (v ImageValues) Plain() map[string]any {
	out := make(map[string]any, len(v))
	for k, s := range v {
		out[k] = s
	}
	return out
}

// Input is the values for chart values built as Pulumi inputs.
func (v ImageValues) Input() pulumi.StringMap { return pulumi.ToStringMap(v) }
