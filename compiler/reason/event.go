package reason

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/valueset"
)

// values picks one value per path of a box (the envelope's example value
// where the box allows it). ok is false when an approximated set leaves
// no value certainly inside.
func (b box) values() (map[string]valueset.Value, bool) {
	out := map[string]valueset.Value{}
	for _, p := range b.paths() {
		if s := b.sets[p]; !b.own[p] && s.Absent {
			out[p] = valueset.Value{Absent: true}
			continue
		}
		v, ok := b.sets[p].Witness(exampleValue(p))
		if !ok {
			return nil, false
		}
		out[p] = v
	}
	return out, true
}

// node is an object under construction: members in insertion order.
type node struct {
	keys  []string
	vals  map[string]any // string (raw JSON) or *node
	order map[string]int
}

func newNode() *node { return &node{vals: map[string]any{}, order: map[string]int{}} }

func (n *node) set(k string, v any) {
	if _, ok := n.vals[k]; !ok {
		n.keys = append(n.keys, k)
	}
	n.vals[k] = v
}

// put places a value at a dotted path, nesting objects; where a segment is
// already a value, the rest of the path becomes one dotted key (an event
// may hold both "a" and "a.b" that way, as a flattened path reads it).
func (n *node) put(path string, raw string) {
	segs := strings.Split(path, ".")
	cur := n
	for i, s := range segs {
		if i == len(segs)-1 {
			if _, ok := cur.vals[s].(*node); ok {
				cur.set(strings.Join(segs[i:], "."), raw) // unreachable: objects take deeper paths only
				return
			}
			cur.set(s, raw)
			return
		}
		switch v := cur.vals[s].(type) {
		case *node:
			cur = v
		case nil:
			c := newNode()
			cur.set(s, c)
			cur = c
		default:
			cur.set(strings.Join(segs[i:], "."), raw)
			return
		}
	}
}

func (n *node) write(buf *bytes.Buffer, indent string) {
	if len(n.keys) == 0 {
		buf.WriteString("{}")
		return
	}
	buf.WriteString("{\n")
	for i, k := range n.keys {
		buf.WriteString(indent + "  ")
		buf.WriteString(quote(k))
		buf.WriteString(": ")
		switch v := n.vals[k].(type) {
		case *node:
			v.write(buf, indent+"  ")
		case string:
			buf.WriteString(v)
		}
		if i < len(n.keys)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString(indent + "}")
}

func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// input writes the event (EventBridge) or Publish request (SNS) that holds
// exactly the given values: an EventBridge event gets the envelope's
// example values where the box does not set them, and values are placed
// deeper paths last so that nesting reads naturally.
func input(d compiler.Dialect, vals map[string]valueset.Value) []byte {
	paths := make([]string, 0, len(vals))
	for p, v := range vals {
		if !v.Absent {
			paths = append(paths, p)
		}
	}
	sort.Slice(paths, func(i, j int) bool {
		ci, cj := strings.Count(paths[i], "."), strings.Count(paths[j], ".")
		if ci != cj {
			return ci < cj
		}
		return paths[i] < paths[j]
	})
	var buf bytes.Buffer
	switch d {
	case compiler.EventBridge:
		root := newNode()
		root.set("version", `"0"`)
		for _, e := range envelopeStrings {
			root.set(e.name, quote(e.example))
		}
		root.set("resources", "[]")
		root.set("detail", newNode())
		for _, p := range paths {
			raw := vals[p].JSON
			if p == "resources" {
				raw = "[" + raw + "]"
			}
			root.put(p, raw)
		}
		root.write(&buf, "")
	case compiler.SNSBody:
		root := newNode()
		for _, p := range paths {
			root.put(p, vals[p].JSON)
		}
		var msg bytes.Buffer
		root.write(&msg, "")
		compact := &bytes.Buffer{}
		_ = json.Compact(compact, msg.Bytes())
		buf.WriteString("{\n  \"Message\": " + quote(compact.String()) + "\n}")
	case compiler.SNSAttributes:
		// A message without attributes never matches a MessageAttributes
		// policy: give it one the policy does not name.
		if len(paths) == 0 {
			name := "other"
			for k := 1; ; k++ {
				if _, taken := vals[name]; !taken {
					break
				}
				name = "other" + strings.Repeat("_", k)
			}
			vals = map[string]valueset.Value{name: {JSON: `"x"`}}
			paths = []string{name}
		}
		buf.WriteString("{\n  \"Message\": \"example message\",\n  \"MessageAttributes\": {\n")
		sort.Strings(paths)
		for i, p := range paths {
			raw := vals[p].JSON
			typ, val := "String.Array", "["+raw+"]"
			switch {
			case raw[0] == '"':
				var s string
				_ = json.Unmarshal([]byte(raw), &s)
				typ, val = "String", s
			case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
				typ, val = "Number", raw
			}
			buf.WriteString("    " + quote(p) + ": {\"DataType\": " + quote(typ) + ", \"StringValue\": " + quote(val) + "}")
			if i < len(paths)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString("  }\n}")
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}
