package schemas

import (
	"bytes"
	"encoding/json"
	"sort"
	"time"
)

// node is the merged shape of every value seen at one path (docs/semantics/runtime.md §4.4).
type node struct {
	types     map[string]bool
	allDate   bool // every string seen is an RFC 3339 date-time
	objects   int  // how many objects were seen here
	propSeen  map[string]int
	props     map[string]*node
	propOrder []string
	items     *node
}

func newNode() *node { return &node{types: map[string]bool{}, allDate: true} }

// observe merges one JSON value (decoded with UseNumber) into n.
func (n *node) observe(v any, depth int) {
	if depth > 255 {
		return // AWS ignores nesting beyond 255 levels
	}
	switch x := v.(type) {
	case map[string]any:
		n.types["object"] = true
		n.objects++
		if n.props == nil {
			n.props, n.propSeen = map[string]*node{}, map[string]int{}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c := n.props[k]
			if c == nil {
				c = newNode()
				n.props[k] = c
				n.propOrder = append(n.propOrder, k)
			}
			n.propSeen[k]++
			c.observe(x[k], depth+1)
		}
	case []any:
		n.types["array"] = true
		if n.items == nil {
			n.items = newNode()
		}
		for _, e := range x {
			n.items.observe(e, depth+1)
		}
	case string:
		n.types["string"] = true
		if _, err := time.Parse(time.RFC3339, x); err != nil {
			n.allDate = false
		}
	case json.Number:
		if bytes.ContainsAny([]byte(x), ".eE") {
			n.types["number"] = true
		} else {
			n.types["integer"] = true
		}
	case bool:
		n.types["boolean"] = true
	case nil:
		n.types["null"] = true
	}
}

// schema renders n as a JSON Schema (draft 4) object.
func (n *node) schema() map[string]any {
	out := map[string]any{}
	var types []string
	for t := range n.types {
		if t == "integer" && n.types["number"] {
			continue
		}
		types = append(types, t)
	}
	sort.Strings(types)
	switch len(types) {
	case 0:
		return out
	case 1:
		out["type"] = types[0]
	default:
		out["type"] = types
	}
	if n.types["string"] && n.allDate {
		out["format"] = "date-time"
	}
	if n.types["object"] {
		props := map[string]any{}
		var req []string
		for _, k := range n.propOrder {
			props[k] = n.props[k].schema()
			if n.propSeen[k] == n.objects {
				req = append(req, k)
			}
		}
		out["properties"] = props
		if len(req) > 0 {
			sort.Strings(req)
			out["required"] = req
		}
	}
	if n.types["array"] {
		if n.items == nil || len(n.items.types) == 0 {
			out["items"] = map[string]any{}
		} else {
			out["items"] = n.items.schema()
		}
	}
	return out
}

// Infer returns the JSON Schema inferred from sample events (docs/semantics/runtime.md §4.4), with
// the root's x-amazon-events-source and x-amazon-events-detail-type.
func Infer(events ...[]byte) ([]byte, error) {
	n := newNode()
	var src, dt string
	for _, e := range events {
		v, err := decode(e)
		if err != nil {
			return nil, err
		}
		if m, ok := v.(map[string]any); ok {
			src, _ = m["source"].(string)
			dt, _ = m["detail-type"].(string)
		}
		n.observe(v, 0)
	}
	return render(n, src, dt), nil
}

func render(n *node, source, detailType string) []byte {
	s := n.schema()
	s["$schema"] = "http://json-schema.org/draft-04/schema#"
	s["x-amazon-events-source"] = source
	s["x-amazon-events-detail-type"] = detailType
	b, _ := json.Marshal(s) // maps marshal with sorted keys: canonical
	return b
}

func decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
