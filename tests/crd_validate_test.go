package tests

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/suoke-life/suoke-platform/tools/crdfacts/fact"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	kjson "sigs.k8s.io/json"
)

// crdDir holds what tools/crdfacts wrote: per custom resource kind, the schema its upstream CRD
// declares at the pinned version (each file's "source" names repository, ref, commit, path and the
// date read). Regenerate with `go run ./tools/crdfacts` after moving a pin.
var crdDir = filepath.Join("testdata", "crds")

// crdSchema is a kind's schema made into what the API server builds from a CRD: the structural
// schema (pruning, defaulting, list types, CEL) and the OpenAPI validator.
type crdSchema struct {
	fact       fact.Fact
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
	cel        *cel.Validator
	// rules is the number of x-kubernetes-validations rules (evaluated by cel), for the log.
	rules int
}

func (s *crdSchema) where() string {
	f := s.fact.Source
	return fmt.Sprintf("%s %s (%s) %s", f.Repository, f.Ref, f.Commit, f.Path)
}

// loadCRDSchemas reads every file of crdDir, keyed by "<group>/<version> <Kind>".
func loadCRDSchemas(t testing.TB) map[string]*crdSchema {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(crdDir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no CRD facts in %s: run go run ./tools/crdfacts", crdDir)
	out := map[string]*crdSchema{}
	for _, f := range files {
		s, err := loadCRDSchema(f)
		require.NoError(t, err, f)
		out[s.fact.Group+"/"+s.fact.Version+" "+s.fact.Kind] = s
	}
	return out
}

func loadCRDSchema(file string) (*crdSchema, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var f fact.Fact
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	body, err := expandDefs(f.Schema, f.Defs, 0)
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != f.SchemaSHA256 {
		return nil, fmt.Errorf("the expanded schema is not what tools/crdfacts reduced (digest %x, want %s)", sum, f.SchemaSHA256)
	}
	// Strict: a fact the v1 type does not know (a generator bug) must not be dropped silently.
	var v1 apiextensionsv1.JSONSchemaProps
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v1); err != nil {
		return nil, err
	}
	var internal apiextensions.JSONSchemaProps
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(&v1, &internal, nil); err != nil {
		return nil, err
	}
	st, err := structuralschema.NewStructural(&internal)
	if err != nil {
		return nil, err
	}
	// The API server refuses a CRD whose schema is not structural; so would this check.
	if errs := structuralschema.ValidateStructural(nil, st); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	v, _, err := apiservervalidation.NewSchemaValidator(&internal)
	if err != nil {
		return nil, err
	}
	return &crdSchema{fact: f, structural: st, validator: v,
		cel: cel.NewValidator(st, true, celconfig.PerCallLimit), rules: countRules(&v1)}, nil
}

// countRules counts the x-kubernetes-validations rules of a schema and its subschemas.
func countRules(p *apiextensionsv1.JSONSchemaProps) int {
	if p == nil {
		return 0
	}
	n := len(p.XValidations)
	for _, c := range p.Properties {
		n += countRules(&c)
	}
	if p.Items != nil {
		n += countRules(p.Items.Schema)
	}
	if p.AdditionalProperties != nil {
		n += countRules(p.AdditionalProperties.Schema)
	}
	for _, l := range [][]apiextensionsv1.JSONSchemaProps{p.AllOf, p.AnyOf, p.OneOf} {
		for i := range l {
			n += countRules(&l[i])
		}
	}
	return n
}

// expandDefs replaces every {"$def": name} of the generator's compression with defs[name].
func expandDefs(raw json.RawMessage, defs map[string]json.RawMessage, depth int) (json.RawMessage, error) {
	if depth > 64 {
		return nil, fmt.Errorf("$def nesting too deep")
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	var walk func(v any) (any, error)
	walk = func(v any) (any, error) {
		switch x := v.(type) {
		case map[string]any:
			if name, ok := x["$def"].(string); ok && len(x) == 1 {
				d, ok := defs[name]
				if !ok {
					return nil, fmt.Errorf("no def %q", name)
				}
				e, err := expandDefs(d, defs, depth+1)
				if err != nil {
					return nil, err
				}
				var out any
				err = json.Unmarshal(e, &out)
				return out, err
			}
			for k, c := range x {
				e, err := walk(c)
				if err != nil {
					return nil, err
				}
				x[k] = e
			}
		case []any:
			for i, c := range x {
				e, err := walk(c)
				if err != nil {
					return nil, err
				}
				x[i] = e
			}
		}
		return v, nil
	}
	v, err := walk(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// validate runs on obj (a whole object: apiVersion, kind, metadata, spec) what the API server runs on
// a create of a custom resource (k8s.io/apiextensions-apiserver v0.37.2 pkg/registry/customresource
// strategy.go Validate and validator.go, and the decoding in pkg/apiserver/customresource_handler.go):
// pruning, with every pruned field reported as the unknown field it is (a strict field validation
// rejects it; otherwise the API server drops it silently), defaulting, the object's metadata
// (validateMetadata), the OpenAPI schema validation (types, enums, required, formats, patterns,
// bounds), embedded metadata, list types and the CEL rules of x-kubernetes-validations. It returns one line per problem, "<field path>: <what>".
func (s *crdSchema) validate(obj map[string]any) []string {
	// The API server decodes JSON with integers as int64; the recording holds float64.
	b, err := json.Marshal(obj)
	if err != nil {
		return []string{err.Error()}
	}
	var u map[string]any
	if err := utiljson.Unmarshal(b, &u); err != nil {
		return []string{err.Error()}
	}
	var out []string
	unknown := pruning.PruneWithOptions(u, s.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, p := range unknown {
		out = append(out, p+": unknown field (not in the upstream schema)")
	}
	defaulting.Default(u, s.structural)
	var errs field.ErrorList
	errs = append(errs, s.validateMetadata(u)...)
	errs = append(errs, apiservervalidation.ValidateCustomResource(nil, u, s.validator)...)
	errs = append(errs, schemaobjectmeta.Validate(context.Background(), nil, u, s.structural, false)...)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, s.structural, u)...)
	celErrs, _ := s.cel.Validate(context.Background(), nil, s.structural, u, nil, celconfig.RuntimeCELCostBudget)
	errs = append(errs, celErrs...)
	for _, e := range errs {
		out = append(out, e.Error())
	}
	sort.Strings(out)
	return out
}

// validateMetadata is the API server's check of a custom resource's own metadata
// (pkg/registry/customresource/validator.go: getObjectMeta, then apimachinery's object-meta
// validation with NameIsDNSSubdomain and the CRD's scope), with the metadata decoded strictly so a
// misspelt metadata field is reported rather than dropped. One difference: a namespaced object the
// program leaves without a namespace is not an error, since pulumi-kubernetes puts it in the
// provider's default namespace.
func (s *crdSchema) validateMetadata(u map[string]any) field.ErrorList {
	path := field.NewPath("metadata")
	raw, ok := u["metadata"]
	if !ok {
		return field.ErrorList{field.Required(path, "")}
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return field.ErrorList{field.Invalid(path, raw, err.Error())}
	}
	var meta metav1.ObjectMeta
	strict, err := kjson.UnmarshalStrict(b, &meta)
	if err != nil {
		return field.ErrorList{field.Invalid(path, raw, err.Error())}
	}
	var errs field.ErrorList
	for _, e := range strict {
		errs = append(errs, field.Invalid(path, raw, e.Error()))
	}
	namespaced := s.fact.Scope == string(apiextensionsv1.NamespaceScoped)
	for _, e := range apimachineryvalidation.ValidateObjectMeta(&meta, namespaced, apimachineryvalidation.NameIsDNSSubdomain, path) {
		if namespaced && meta.Namespace == "" && e.Field == "metadata.namespace" && e.Type == field.ErrorTypeRequired {
			continue
		}
		errs = append(errs, e)
	}
	return errs
}

// placeholders are the recording's stand-ins for values the mocks do not know (infra/plan): a check
// failing on one is about the stand-in, not the program.
var placeholders = map[string]bool{"[secret]": true, "[unknown]": true}

// fieldSegment splits a field path as field.Path prints it: a.b[0].c, a.b[key].
var fieldSegment = regexp.MustCompile(`[^.\[\]]+|\[[^\]]*\]`)

// valueAt resolves a field path in obj, or reports it missing.
func valueAt(obj any, path string) (any, bool) {
	v := obj
	for _, seg := range fieldSegment.FindAllString(path, -1) {
		switch x := v.(type) {
		case map[string]any:
			seg = strings.Trim(seg, "[]")
			e, ok := x[seg]
			if !ok {
				return nil, false
			}
			v = e
		case []any:
			i, err := strconv.Atoi(strings.Trim(seg, "[]"))
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// onPlaceholder says whether a problem line is about a placeholder value.
func onPlaceholder(obj map[string]any, problem string) bool {
	path, _, _ := strings.Cut(problem, ": ")
	v, ok := valueAt(obj, path)
	s, _ := v.(string)
	return ok && placeholders[s]
}
