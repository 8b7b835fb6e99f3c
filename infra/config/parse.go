package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Input is the raw stack config as Pulumi hands it to a program: strings, with objects and arrays as
// JSON text.
type Input struct {
	Project string
	Stack   string
	// Region is the value of aws:region.
	Region string
	// Values maps our keys, without the namespace prefix, to their raw values.
	Values map[string]string
}

// Error carries every violation of a stack config, each addressed by its field path.
type Error struct {
	Stack string
	Errs  field.ErrorList
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stack %q: invalid config (%d problem", e.Stack, len(e.Errs))
	if len(e.Errs) != 1 {
		b.WriteString("s")
	}
	b.WriteString("):")
	for _, err := range e.Errs {
		b.WriteString("\n  - ")
		b.WriteString(err.Error())
	}
	return b.String()
}

// Parse applies the defaults, decodes the raw values over them, resolves instance types from the
// region's catalog and validates everything. It returns every problem at once, as an *Error.
func Parse(in Input) (*Platform, error) {
	p := Default()
	p.Project, p.Stack = in.Project, in.Stack
	var errs field.ErrorList

	keys := make([]string, 0, len(in.Values))
	for k := range in.Values {
		keys = append(keys, k)
	}
	errs = append(errs, CheckKeys(keys)...)

	d := &decoder{}
	for _, sec := range sections() {
		sec.decode(d, in.Values, &p)
	}
	errs = append(errs, d.errs...)

	regionPath := field.NewPath(RegionKey)
	if in.Region == "" {
		errs = append(errs, field.Required(regionPath, "set it per stack: pulumi config set aws:region cn-northwest-1"))
	} else if r, ok := LookupRegion(in.Region); ok {
		p.Region = r
	} else {
		errs = append(errs, field.NotSupported(regionPath, in.Region, SupportedRegions()))
	}
	if p.DRRegionName == "" && p.Region.Name != "" {
		p.DRRegionName = p.Region.DRPartner
	}
	if r, ok := LookupRegion(p.DRRegionName); ok {
		p.DRRegion = r
	} else {
		errs = append(errs, field.NotSupported(field.NewPath(KeyDRRegion), p.DRRegionName, SupportedRegions()))
	}

	// Types are resolved only when their inputs decoded cleanly, so one bad value is reported once.
	if len(errs) == 0 {
		errs = append(errs, resolveTypes(&p)...)
	}
	if len(errs) == 0 {
		errs = append(errs, Validate(&p)...)
	}
	if len(errs) > 0 {
		return nil, &Error{Stack: in.Stack, Errs: errs}
	}
	return &p, nil
}

// resolveTypes fills instance and node types from the catalog where config left them unset.
func resolveTypes(p *Platform) field.ErrorList {
	var errs field.ErrorList
	cat, _ := CatalogFor(p.Region.Name)
	for _, t := range AllTiers() {
		pool := p.NodePools[t]
		path := field.NewPath(KeyNodePools).Child(string(t))
		if pool.InstanceType != "" {
			pool.InstanceTypeExplicit = true
			p.NodePools[t] = pool
			continue
		}
		if pool.VCPU <= 0 || pool.MemoryGiB <= 0 || !contains(AllArchs(), string(pool.Arch)) {
			continue // validation reports the bad size or arch
		}
		it, err := cat.PickEC2(pool.VCPU, pool.MemoryGiB, pool.Arch)
		if err != nil {
			errs = append(errs, field.Invalid(path.Child(FieldInstanceType), "", fmt.Sprintf("no type to pick for tier %s: %v", t, err)))
			continue
		}
		pool.InstanceType = it.Name
		p.NodePools[t] = pool
	}
	if p.Cache.NodeType != "" {
		p.Cache.NodeTypeSet = true
	} else if p.Cache.VCPU > 0 && p.Cache.MemoryGiB > 0 {
		ct, err := cat.PickCache(p.Cache.VCPU, p.Cache.MemoryGiB)
		if err != nil {
			errs = append(errs, field.Invalid(field.NewPath(KeyCache).Child(FieldNodeType), "", err.Error()))
		} else {
			p.Cache.NodeType = ct.Name
		}
	}
	return errs
}

// decoder turns raw JSON into typed values, collecting errors by path instead of stopping.
type decoder struct{ errs field.ErrorList }

func (d *decoder) scalarInt(path *field.Path, raw string, dst *int) {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		d.errs = append(d.errs, field.Invalid(path, raw, "must be an integer"))
		return
	}
	*dst = n
}

func (d *decoder) scalarBool(path *field.Path, raw string, dst *bool) {
	b, err := strconv.ParseBool(strings.TrimSpace(raw))
	if err != nil {
		d.errs = append(d.errs, field.Invalid(path, raw, "must be true or false"))
		return
	}
	*dst = b
}

// object decodes a JSON object and reports keys outside allowed, suggesting the nearest.
func (d *decoder) object(path *field.Path, raw []byte, allowed []string) (map[string]json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		d.errs = append(d.errs, field.Invalid(path, string(raw), "must be an object"))
		return nil, false
	}
	for _, k := range sortedKeys(m) {
		if contains(allowed, k) {
			continue
		}
		msg := fmt.Sprintf("unknown field; supported: %s", strings.Join(allowed, ", "))
		if s := closest(k, allowed); s != "" {
			msg = fmt.Sprintf("unknown field; did you mean %q? (supported: %s)", s, strings.Join(allowed, ", "))
		}
		d.errs = append(d.errs, field.Invalid(path.Child(k), k, msg))
	}
	return m, true
}

func (d *decoder) int(path *field.Path, m map[string]json.RawMessage, key string, dst *int) {
	raw, ok := m[key]
	if !ok {
		return
	}
	var n int
	if err := json.Unmarshal(raw, &n); err != nil {
		d.errs = append(d.errs, field.Invalid(path.Child(key), rawValue(raw), "must be an integer"))
		return
	}
	*dst = n
}

func (d *decoder) string(path *field.Path, m map[string]json.RawMessage, key string, dst *string) {
	raw, ok := m[key]
	if !ok {
		return
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.errs = append(d.errs, field.Invalid(path.Child(key), rawValue(raw), "must be a string"))
		return
	}
	*dst = s
}

func (d *decoder) bool(path *field.Path, m map[string]json.RawMessage, key string, dst *bool) {
	raw, ok := m[key]
	if !ok {
		return
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		d.errs = append(d.errs, field.Invalid(path.Child(key), rawValue(raw), "must be true or false"))
		return
	}
	*dst = b
}

func (d *decoder) strings(path *field.Path, m map[string]json.RawMessage, key string, dst *[]string) {
	raw, ok := m[key]
	if !ok {
		return
	}
	var s []string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.errs = append(d.errs, field.Invalid(path.Child(key), rawValue(raw), "must be a list of strings"))
		return
	}
	*dst = s
}

func (d *decoder) ints(path *field.Path, m map[string]json.RawMessage, key string, dst *[]int) {
	raw, ok := m[key]
	if !ok {
		return
	}
	var n []int
	if err := json.Unmarshal(raw, &n); err != nil {
		d.errs = append(d.errs, field.Invalid(path.Child(key), rawValue(raw), "must be a list of integers"))
		return
	}
	*dst = n
}

// rawValue shows a JSON value as the user wrote it, unquoting strings.
func rawValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

var nodePoolFields = []string{FieldMin, FieldDesired, FieldMax, FieldVCPU, FieldMemoryGiB, FieldArch, FieldInstanceType, FieldReason}

// nodePools merges each given tier over its default: a stack sets only the fields that differ.
func (d *decoder) nodePools(path *field.Path, raw string, pools map[Tier]NodePool) {
	m, ok := d.object(path, []byte(raw), tierNames())
	if !ok {
		return
	}
	for _, name := range sortedKeys(m) {
		t := Tier(name)
		pool, known := pools[t]
		if !known {
			continue // reported by object()
		}
		p := path.Child(name)
		fields, ok := d.object(p, m[name], nodePoolFields)
		if !ok {
			continue
		}
		d.int(p, fields, FieldMin, &pool.Min)
		d.int(p, fields, FieldDesired, &pool.Desired)
		d.int(p, fields, FieldMax, &pool.Max)
		d.int(p, fields, FieldVCPU, &pool.VCPU)
		d.int(p, fields, FieldMemoryGiB, &pool.MemoryGiB)
		var arch string
		d.string(p, fields, FieldArch, &arch)
		if arch != "" {
			pool.Arch = Arch(arch)
		}
		d.string(p, fields, FieldInstanceType, &pool.InstanceType)
		d.string(p, fields, FieldReason, &pool.Reason)
		pools[t] = pool
	}
}

var cacheFields = []string{FieldNodes, FieldVCPU, FieldMemoryGiB, FieldNodeType, FieldEngine, FieldEngineVersion}

func (d *decoder) cache(path *field.Path, raw string, c *Cache) {
	m, ok := d.object(path, []byte(raw), cacheFields)
	if !ok {
		return
	}
	d.int(path, m, FieldNodes, &c.Nodes)
	d.int(path, m, FieldVCPU, &c.VCPU)
	d.int(path, m, FieldMemoryGiB, &c.MemoryGiB)
	d.string(path, m, FieldNodeType, &c.NodeType)
	var engine string
	d.string(path, m, FieldEngine, &engine)
	if engine != "" {
		c.Engine = CacheEngine(engine)
	}
	d.string(path, m, FieldEngineVersion, &c.EngineVersion)
}

var serviceFields = []string{FieldName, FieldTier, FieldSLO, FieldPort, FieldDatabase, FieldCacheUse, FieldAWSAccess, FieldEgress}

// list decodes a JSON list of objects whose fields are in allowed, one item at a time. A list
// replaces the default whole: merging item by item would be ambiguous.
func list[T any](d *decoder, path *field.Path, raw []byte, allowed []string, what string, item func(p *field.Path, m map[string]json.RawMessage) T) []T {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		d.errs = append(d.errs, field.Invalid(path, rawValue(raw), "must be a list of "+what+" objects"))
		return nil
	}
	out := make([]T, 0, len(items))
	for i, raw := range items {
		p := path.Index(i)
		if m, ok := d.object(p, raw, allowed); ok {
			out = append(out, item(p, m))
		}
	}
	return out
}

func (d *decoder) services(path *field.Path, raw string) []Service {
	return list(d, path, []byte(raw), serviceFields, "service", func(p *field.Path, m map[string]json.RawMessage) Service {
		var s Service
		var tier, slo string
		d.string(p, m, FieldName, &s.Name)
		d.string(p, m, FieldTier, &tier)
		d.string(p, m, FieldSLO, &slo)
		d.int(p, m, FieldPort, &s.Port)
		d.bool(p, m, FieldDatabase, &s.Database)
		d.bool(p, m, FieldCacheUse, &s.Cache)
		if raw, ok := m[FieldAWSAccess]; ok {
			s.AWSAccess = d.grants(p.Child(FieldAWSAccess), raw)
		}
		if raw, ok := m[FieldEgress]; ok {
			s.Egress = d.egress(p.Child(FieldEgress), raw)
		}
		s.Tier, s.SLO = Tier(tier), SLOClass(slo)
		if s.SLO == "" {
			s.SLO = SLOSupport
		}
		return s
	})
}
