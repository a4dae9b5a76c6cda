package lint

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/patternc/patternc/compiler/source"
)

// doc is a parsed YAML or JSON document as a value tree, with what is
// needed to map embedded JSON strings back into the file.
type doc struct {
	root   *source.Value
	ls     lineStarts
	src    []byte
	yamlOf map[*source.Value]*yaml.Node // YAML scalars, for their style
	opaque map[*source.Value]intrinsic  // CloudFormation intrinsics (!Sub, Fn::Join, …)
	b      *budget
	// variables marks a Serverless file: a whole value written as one
	// ${…} variable is computed too.
	variables bool
}

// intrinsic is a CloudFormation intrinsic function standing where a value
// would: its name (Ref, Fn::Sub, …) and its argument.
type intrinsic struct {
	name string
	arg  *source.Value
}

func newDoc(src []byte, b *budget) *doc {
	return &doc{ls: newLineStarts(src), src: src, yamlOf: map[*source.Value]*yaml.Node{}, opaque: map[*source.Value]intrinsic{}, b: b}
}

// computed reports an intrinsic, for the stand-in pass.
func (dc *doc) computed(v *source.Value) (string, bool) {
	if in, ok := dc.opaque[v]; ok {
		return in.name, true
	}
	if dc.variables && v.Kind == source.String && strings.HasPrefix(v.Text, "${") && strings.HasSuffix(v.Text, "}") && strings.Count(v.Text, "${") == 1 {
		return v.Text, true
	}
	return "", false
}

func member(v *source.Value, key string) *source.Value {
	if v == nil || v.Kind != source.Object {
		return nil
	}
	var found *source.Value
	for _, m := range v.Members {
		if m.Key == key {
			found = m.Value
		}
	}
	return found
}

func memberText(v *source.Value, key string) string {
	if s := member(v, key); s != nil && s.Kind == source.String {
		return s.Text
	}
	return ""
}

// intrinsicName maps a one-key object's key to an intrinsic's name.
func intrinsicName(k string) bool {
	return k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::")
}

// markJSONIntrinsics records objects such as {"Ref": …} or {"Fn::Sub": …}.
func (dc *doc) markJSONIntrinsics(v *source.Value, depth int) {
	if depth > 10000 {
		return
	}
	if v.Kind == source.Object && len(v.Members) == 1 && intrinsicName(v.Members[0].Key) {
		dc.opaque[v] = intrinsic{v.Members[0].Key, v.Members[0].Value}
		return
	}
	for _, m := range v.Members {
		dc.markJSONIntrinsics(m.Value, depth+1)
	}
	for _, e := range v.Elems {
		dc.markJSONIntrinsics(e, depth+1)
	}
}

// countYAML counts the nodes of a YAML tree as written (aliases not
// followed): the size of the value tree lint may build from it, plus a
// small allowance for aliases.
func countYAML(n *yaml.Node, depth int) int {
	if n == nil || depth > 10000 {
		return 0
	}
	c := 1
	for _, k := range n.Content {
		c += countYAML(k, depth+1)
	}
	return c
}

// aliasAllowance is how many values YAML aliases may add to a file's tree
// beyond its written nodes.
const aliasAllowance = 10_000

// fromYAML converts a YAML node into a value tree with the file's
// positions. CloudFormation tags (!Sub, !Ref, …) and intrinsic functions
// are converted as written and recorded as intrinsics. Every node built,
// aliases included, counts against the file's budget.
func (dc *doc) fromYAML(n *yaml.Node, depth int) *source.Value {
	dc.b.node()
	pos := dc.ls.pos(n.Line, n.Column)
	v := &source.Value{Pos: pos, End: pos}
	if depth > 200 {
		v.Kind = source.Null
		return v
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return dc.fromYAML(n.Alias, depth+1)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return dc.fromYAML(n.Content[0], depth+1)
		}
		v.Kind = source.Null
	case yaml.MappingNode:
		v.Kind = source.Object
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Value == "<<" && k.Tag == "!!merge" {
				dc.merge(v, val, depth)
				continue
			}
			v.Members = append(v.Members, source.Member{Key: k.Value, KeyPos: dc.ls.pos(k.Line, k.Column), Value: dc.fromYAML(val, depth+1)})
		}
		if len(v.Members) == 1 && intrinsicName(v.Members[0].Key) {
			dc.opaque[v] = intrinsic{v.Members[0].Key, v.Members[0].Value}
		}
	case yaml.SequenceNode:
		v.Kind = source.Array
		for _, c := range n.Content {
			v.Elems = append(v.Elems, dc.fromYAML(c, depth+1))
		}
	case yaml.ScalarNode:
		tag := n.Tag
		if !strings.HasPrefix(tag, "!!") && tag != "" {
			tag = "!!str"
		}
		switch tag {
		case "!!null":
			v.Kind = source.Null
		case "!!bool":
			v.Kind = source.False
			if strings.EqualFold(n.Value, "true") {
				v.Kind = source.True
			}
		case "!!int", "!!float":
			v.Kind, v.Text = source.Number, yamlNumber(n.Value)
		default:
			v.Kind, v.Text = source.String, n.Value
			dc.yamlOf[v] = n
		}
	}
	if n.Tag != "" && !strings.HasPrefix(n.Tag, "!!") {
		name := "Fn::" + strings.TrimPrefix(n.Tag, "!")
		if n.Tag == "!Ref" || n.Tag == "!Condition" {
			name = strings.TrimPrefix(n.Tag, "!")
		}
		dc.opaque[v] = intrinsic{name, v}
	}
	return v
}

// merge applies a YAML merge key (<<: *base or <<: [*a, *b]): the merged
// mappings' members come first, so the mapping's own keys win, as later
// duplicate keys do in a pattern.
func (dc *doc) merge(into *source.Value, val *yaml.Node, depth int) {
	var sources []*yaml.Node
	if val.Kind == yaml.SequenceNode {
		sources = val.Content
	} else {
		sources = []*yaml.Node{val}
	}
	for _, src := range sources {
		m := dc.fromYAML(src, depth+1)
		if m.Kind == source.Object {
			into.Members = append(into.Members, m.Members...)
		}
	}
}

// yamlNumber writes a YAML number as JSON number text where it differs
// (1_000, 0x1F, +5, .5).
func yamlNumber(s string) string {
	t := strings.ReplaceAll(s, "_", "")
	t = strings.TrimPrefix(t, "+")
	if strings.HasPrefix(t, ".") {
		t = "0" + t
	}
	if strings.HasPrefix(t, "-.") {
		t = "-0" + t[1:]
	}
	var f float64
	if _, err := fmt.Sscan(t, &f); err == nil && (strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0o")) {
		return fmt.Sprint(f)
	}
	return t
}

// mapString builds the position map of a string value of the document.
func (dc *doc) mapString(v *source.Value) posMap {
	if n, ok := dc.yamlOf[v]; ok {
		switch n.Style {
		case yaml.LiteralStyle, yaml.FoldedStyle:
			return blockMap(dc.src, dc.ls, n.Line+1, v.Text)
		case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
			if !strings.Contains(v.Text, "\n") && v.Pos.Offset < len(dc.src) {
				start := v.Pos
				// a tagged scalar (!Sub '…') starts at its tag
				if q := bytes.IndexAny(dc.src[start.Offset:], `"'`); q > 0 && dc.src[start.Offset] == '!' {
					start = dc.ls.pos(start.Line, start.Col+q)
				}
				end := bytes.IndexByte(dc.src[start.Offset:], '\n')
				if end < 0 {
					end = len(dc.src) - start.Offset
				}
				return quotedMap(dc.ls, start, string(dc.src[start.Offset:start.Offset+end]))
			}
			return blockMap(dc.src, dc.ls, n.Line, v.Text)
		default:
			if strings.Contains(v.Text, "\n") {
				return blockMap(dc.src, dc.ls, n.Line, v.Text)
			}
			start := v.Pos
			if start.Offset < len(dc.src) && dc.src[start.Offset] == '!' {
				if sp := bytes.IndexByte(dc.src[start.Offset:], ' '); sp > 0 {
					start = dc.ls.pos(start.Line, start.Col+sp+1)
				}
			}
			return plainMap(dc.ls, start)
		}
	}
	// A JSON string token: its raw text is in the file.
	if v.End.Offset > v.Pos.Offset && v.End.Offset <= len(dc.src) {
		return quotedMap(dc.ls, v.Pos, string(dc.src[v.Pos.Offset:v.End.Offset]))
	}
	return plainMap(dc.ls, v.Pos)
}
