// Package fact is the file format of tests/testdata/crds: what tools/crdfacts writes and
// tests/crd_schema_test.go reads, declared once so that writer and reader cannot drift apart.
package fact

import "encoding/json"

// Fact is one file of tests/testdata/crds.
type Fact struct {
	Source  Source `json:"source"`
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
	Plural  string `json:"plural"`
	Scope   string `json:"scope"`
	// Schema is the version's openAPIV3Schema, an apiextensions/v1 JSONSchemaProps with $def references.
	Schema json.RawMessage            `json:"schema"`
	Defs   map[string]json.RawMessage `json:"defs,omitempty"`
	// SchemaSHA256 is the digest of the schema with every $def expanded, as compact JSON with sorted
	// keys: the test checks its expansion gives back exactly what was reduced.
	SchemaSHA256 string `json:"schemaSHA256"`
}

// Source names where a Fact was read.
type Source struct {
	Repository string `json:"repository"`
	Ref        string `json:"ref"`
	Commit     string `json:"commit"`
	Path       string `json:"path"`
	// SHA256 is the upstream file's digest, so a re-run shows when the file changed at the same ref.
	SHA256    string `json:"sha256"`
	Pin       string `json:"pin"`
	Read      string `json:"read"`
	Generator string `json:"generator"`
}

// FileName is where the fact of a kind is written; the test looks it up the same way.
func FileName(group, version, kind string) string {
	return group + "_" + version + "_" + kind + ".json"
}
