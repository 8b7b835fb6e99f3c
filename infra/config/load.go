package config

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Load reads this program's keys and aws:region from the stack's config and parses them. It runs
// before any resource is registered, so a bad value leaves nothing half-built.
func Load(ctx *pulumi.Context) (*Platform, error) {
	values := map[string]string{}
	for _, k := range Keys() {
		if v, ok := ctx.GetConfig(Namespace + ":" + k.Name); ok {
			values[k.Name] = v
		}
	}
	region, _ := ctx.GetConfig(RegionKey)
	return Parse(Input{Project: ctx.Project(), Stack: ctx.Stack(), Region: region, Values: values})
}
