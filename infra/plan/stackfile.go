package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"sigs.k8s.io/yaml"

	platform "github.com/suoke-life/suoke-platform/infra/config"
)

// StackConfig is a stack's config as the Pulumi CLI would hand it to the program: Pulumi.yaml
// defaults and values, overridden by Pulumi.<stack>.yaml.
type StackConfig struct {
	Project string
	Stack   string
	// Values are full keys ("suoke-platform:nodePools", "aws:region") to raw values (JSON for objects).
	Values map[string]string
	// SecretKeys are the keys whose values are secure in the stack file; offline they read "[secret]".
	SecretKeys []string
	// StackOutputs are other stacks' recorded outputs, by qualified stack name
	// (organization/project/stack), as a StackReference reads them; a stack not named reads as a
	// stack with no outputs yet. The offline plan leaves it empty: nothing is deployed.
	StackOutputs map[string]map[string]any
}

// LoadStackConfig reads Pulumi.yaml and Pulumi.<stack>.yaml from dir with the SDK's own loaders (the
// CLI's schema and namespace rules, offline), and rejects keys of our namespace that Pulumi.yaml does
// not declare: the CLI itself does not.
func LoadStackConfig(dir, stack string) (*StackConfig, error) {
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("load Pulumi.yaml: %w", err)
	}
	stackPath := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if _, err := os.Stat(stackPath); err != nil {
		return nil, fmt.Errorf("stack %q: %w (stack files present: %s)", stack, err, strings.Join(StackNames(dir), ", "))
	}
	ps, err := workspace.LoadProjectStack(nil, proj, stackPath)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", filepath.Base(stackPath), err)
	}

	sc := &StackConfig{Project: proj.Name.String(), Stack: stack, Values: map[string]string{}}
	// Project-level declarations first: defaults of our keys, values of other namespaces' keys.
	for name, decl := range proj.Config {
		key := name
		if !strings.Contains(key, ":") {
			key = proj.Name.String() + ":" + key
		}
		v := decl.Value
		if v == nil {
			v = decl.Default
		}
		if v == nil {
			continue
		}
		raw, err := rawValue(v)
		if err != nil {
			return nil, fmt.Errorf("Pulumi.yaml: config %s: %w", name, err)
		}
		sc.Values[key] = raw
	}

	var unknown []string
	for k, v := range ps.Config {
		full := k.Namespace() + ":" + k.Name()
		if k.Namespace() == platform.Namespace {
			if _, declared := proj.Config[k.Name()]; !declared {
				unknown = append(unknown, k.Name())
			}
		}
		if v.Secure() {
			sc.SecretKeys = append(sc.SecretKeys, full)
		}
		raw, err := v.Value(config.NewBlindingDecrypter())
		if err != nil {
			return nil, fmt.Errorf("%s: config %s: %w", filepath.Base(stackPath), full, err)
		}
		sc.Values[full] = raw
	}
	sort.Strings(sc.SecretKeys)
	if errs := platform.CheckKeys(unknown); len(errs) > 0 {
		return nil, &platform.Error{Stack: stack, Errs: errs}
	}
	return sc, nil
}

// DeclaredKeys returns the keys Pulumi.yaml declares, for the checks that hold it in sync.
func DeclaredKeys(dir string) (map[string]workspace.ProjectConfigType, error) {
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, err
	}
	return proj.Config, nil
}

// rawValue renders a YAML value the way the CLI passes it to a program: scalars as text, objects and
// arrays as JSON.
func rawValue(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case bool, int, int64, float64, uint64:
		return fmt.Sprint(t), nil
	default:
		b, err := json.Marshal(t)
		return string(b), err
	}
}

// StackNames lists the stacks of dir (one per Pulumi.<stack>.yaml), sorted.
func StackNames(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var out []string
	for _, m := range matches {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	sort.Strings(out)
	return out
}

// PlaceholderPrefix marks the ciphertexts the repository ships in place of real secrets.
const PlaceholderPrefix = "v1:placeholder-"

// Placeholders are the config paths (as `pulumi config set --path` takes them) whose value in the
// stack file is a placeholder ciphertext, sorted. Pulumi cannot decrypt them: a preview or up stops
// with "validating stack config: bad value", naming no key.
func Placeholders(stackFile string) ([]string, error) {
	raw, err := os.ReadFile(stackFile)
	if err != nil {
		return nil, err
	}
	var file struct {
		Config map[string]any `json:"config"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(stackFile), err)
	}
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch t := v.(type) {
		case map[string]any:
			if sec, ok := t["secure"].(string); ok && len(t) == 1 {
				if strings.HasPrefix(sec, PlaceholderPrefix) {
					out = append(out, path)
				}
				return
			}
			for k, e := range t {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range t {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	for key, v := range file.Config {
		walk(key, v)
	}
	sort.Strings(out)
	return out, nil
}
