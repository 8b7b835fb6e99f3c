package render

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"
)

// podPaths are where each workload kind keeps its pod template.
var podPaths = map[string][]string{
	"Pod":         nil,
	"Deployment":  {"spec", "template"},
	"DaemonSet":   {"spec", "template"},
	"StatefulSet": {"spec", "template"},
	"ReplicaSet":  {"spec", "template"},
	"Job":         {"spec", "template"},
	"CronJob":     {"spec", "jobTemplate", "spec", "template"},
}

// pod is an object's pod template: its metadata and spec.
func pod(o object) (*metav1.ObjectMeta, *corev1.PodSpec, bool) {
	path, ok := podPaths[o.kind]
	if !ok {
		return nil, nil, false
	}
	tmpl, _ := nested(o.m, path...).(map[string]any)
	if tmpl == nil {
		return nil, nil, false
	}
	b, err := yaml.Marshal(tmpl)
	if err != nil {
		return nil, nil, false
	}
	var t corev1.PodTemplateSpec
	if yaml.Unmarshal(b, &t) != nil {
		return nil, nil, false
	}
	return &t.ObjectMeta, &t.Spec, true
}

// imageArg matches a container argument that hands an image to an operator
// (prometheus-operator's --prometheus-config-reloader=…, --thanos-default-base-image=…).
var imageArg = regexp.MustCompile(`^--([a-z-]*image|prometheus-config-reloader)=(\S+)$`)

// tagged reports whether a reference names a tag or digest: an operator's base image without one
// (--prometheus-default-base-image) is completed by the operator from its custom resource, whose
// own image the render sees.
func tagged(ref string) bool {
	return strings.Contains(ref, "@") || strings.LastIndex(ref, ":") > strings.LastIndex(ref, "/")
}

// images are the images an object makes the cluster pull: its pod template's containers, an
// image an operator is told to run (argument or environment), and the image fields of custom
// resources (a Prometheus's spec.image).
func images(o object) []string {
	var out []string
	addImg := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if _, spec, ok := pod(o); ok {
		for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
			for _, c := range cs {
				addImg(c.Image)
				for _, a := range c.Args {
					if m := imageArg.FindStringSubmatch(a); m != nil && tagged(m[2]) {
						addImg(m[2])
					}
				}
				for _, e := range c.Env {
					if (strings.HasSuffix(e.Name, "_IMAGE") || strings.HasSuffix(e.Name, "_IMAGE_NAME")) && tagged(e.Value) {
						addImg(e.Value)
					}
				}
			}
		}
		return out
	}
	if o.kind == "List" || strings.HasSuffix(o.kind, "List") {
		return out
	}
	// Custom resources: an "image" string anywhere in the spec.
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if s, ok := e.(string); ok && k == "image" {
					addImg(s)
				} else {
					walk(e)
				}
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	if !strings.Contains(apiVersion(o), ".k8s.io/") && apiVersion(o) != "v1" && !strings.HasPrefix(apiVersion(o), "apps/") && !strings.HasPrefix(apiVersion(o), "batch/") {
		walk(o.m["spec"])
	}
	slices.Sort(out)
	return out
}

func apiVersion(o object) string { s, _ := o.m["apiVersion"].(string); return s }

var evaluator = func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err) // the default checks are built in: an error here is a broken dependency
	}
	return e
}()

// podSecurity evaluates an object's pod template at a Pod Security level, with the checks of the
// vendored k8s.io/pod-security-admission release: "" if allowed.
func podSecurity(o object, level string) string {
	meta, spec, ok := pod(o)
	if !ok {
		return ""
	}
	l, err := api.ParseLevel(level)
	if err != nil {
		return fmt.Sprintf("unknown level %q", level)
	}
	agg := policy.AggregateCheckResults(evaluator.EvaluatePod(api.LevelVersion{Level: l, Version: api.LatestVersion()}, meta, spec))
	if agg.Allowed {
		return ""
	}
	return agg.ForbiddenReason() + ": " + agg.ForbiddenDetail()
}

// webhooks are the admission webhooks a rendered configuration declares.
func webhooks(o object) []Webhook {
	if o.kind != "MutatingWebhookConfiguration" && o.kind != "ValidatingWebhookConfiguration" {
		return nil
	}
	var out []Webhook
	list, _ := o.m["webhooks"].([]any)
	for _, w := range list {
		wm, _ := w.(map[string]any)
		name, _ := wm["name"].(string)
		fp, _ := wm["failurePolicy"].(string)
		if fp == "" {
			fp = "Fail" // admissionregistration.k8s.io/v1's default
		}
		hook := Webhook{Configuration: o.name, Name: name, Mutating: o.kind == "MutatingWebhookConfiguration", FailurePolicy: fp}
		rules, _ := wm["rules"].([]any)
		for _, r := range rules {
			rm, _ := r.(map[string]any)
			groups, _ := rm["apiGroups"].([]any)
			resources, _ := rm["resources"].([]any)
			for _, g := range groups {
				for _, res := range resources {
					hook.Resources = append(hook.Resources, fmt.Sprintf("%v/%v", g, res))
				}
			}
		}
		out = append(out, hook)
	}
	return out
}
