// Package tags is the one way components tag AWS resources: the stack's common tags (the provider
// also sets them as default tags) with a resource's own added.
package tags

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Of is common with extra added; extra wins on a shared key. Neither map is changed.
func Of(common, extra map[string]string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range common {
		out[k] = pulumi.String(v)
	}
	for k, v := range extra {
		out[k] = pulumi.String(v)
	}
	return out
}
