package lint

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// RuleFileSchema is the JSON Schema of patternc rule files
// (*.patternc.yaml, *.patternc.json).
//
//go:embed schema/rulefile.schema.json
var RuleFileSchema []byte

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

func ruleSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		if err := c.AddResource("rulefile.schema.json", bytes.NewReader(RuleFileSchema)); err != nil {
			schemaErr = err
			return
		}
		schema, schemaErr = c.Compile("rulefile.schema.json")
	})
	return schema, schemaErr
}

// validate checks a document against a schema and reports each failing
// leaf at its place in the file, with a deterministic message.
func validate(fr *fileResult, s *jsonschema.Schema, root *source.Value, code, what string) bool {
	err := s.Validate(toAny(root))
	if err == nil {
		return true
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		fr.addAt(root.Pos, compiler.SeverityError, code, "", "%s: %v", what, err)
		return false
	}
	for _, leaf := range leaves(ve) {
		v := pointerValue(root, leaf.InstanceLocation)
		fr.addAt(v.Pos, compiler.SeverityError, code, leaf.InstanceLocation, "%s: %s", what, sortQuoted(leaf.Message))
	}
	return false
}

// sortQuoted sorts a message's list of quoted names ("additionalProperties
// 'b', 'a' not allowed"): the validator takes them from a map.
func sortQuoted(msg string) string {
	i := strings.IndexByte(msg, '\'')
	j := strings.LastIndexByte(msg, '\'')
	if i < 0 || j <= i {
		return msg
	}
	names := strings.Split(msg[i:j+1], ", ")
	sort.Strings(names)
	return msg[:i] + strings.Join(names, ", ") + msg[j+1:]
}

// lintRuleFile validates a rule file against its schema, checks each
// pattern, and runs its examples through the reference interpreter.
func lintRuleFile(fr *fileResult, dc *doc) {
	s, err := ruleSchema()
	if err != nil {
		fr.addAt(source.Pos{Line: 1, Col: 1}, compiler.SeverityError, CodeReadError, "", "internal: rule file schema: %v", err)
		return
	}
	if !validate(fr, s, dc.root, CodeRuleFile, "rule file") {
		return
	}
	for i, r := range member(dc.root, "rules").Elems {
		name := memberText(r, "name")
		st := site{name: name, where: fmt.Sprintf("rules[%d] (%s)", i, name), target: TargetBus, dialect: compiler.EventBridge}
		if memberText(r, "dialect") == "sns" {
			st.dialect, _ = compiler.ParseDialect("sns", memberText(r, "scope"))
			st.target = TargetSNS
		}
		switch memberText(r, "target") {
		case "pipe":
			st.target = TargetPipe
		case "event-source-mapping":
			st.target = TargetESM
		}
		pv := member(r, "pattern")
		before := len(fr.rules)
		if pv.Kind == source.String {
			fr.embedded(pv.Text, dc.mapString(pv), st, nil)
		} else {
			fr.checkPattern(pv, st, nil)
		}
		if len(fr.rules) == before || fr.rules[len(fr.rules)-1].Pattern == nil {
			continue
		}
		p := fr.rules[len(fr.rules)-1].Pattern
		ex := member(r, "examples")
		for _, want := range []string{"match", "no-match"} {
			list := member(ex, want)
			if list == nil {
				continue
			}
			for k, e := range list.Elems {
				runExample(fr, p, e, want == "match", fmt.Sprintf("%s.examples.%s[%d]", st.where, want, k))
			}
		}
	}
}

// runExample matches one example; EventBridge examples get the envelope
// members TestEventPattern requires filled in when they are missing.
func runExample(fr *fileResult, p *compiler.Pattern, e *source.Value, want bool, where string) {
	input := toJSON(e)
	if p.Dialect == compiler.EventBridge {
		input = withEnvelope(e, input)
	}
	ex, err := compiler.Explain(p, input)
	if err != nil {
		fr.addAt(e.Pos, compiler.SeverityError, CodeExample, where, "example is not a valid input: %v", err)
		return
	}
	if ex.Matched == want {
		return
	}
	verdict := "should match but does not"
	if !want {
		verdict = "should not match but does"
	}
	why := ""
	if len(ex.Lines) > 0 {
		why = ": " + ex.Lines[0]
	}
	fr.add(Finding{Line: e.Pos.Line, Col: e.Pos.Col, Severity: compiler.SeverityError, Code: CodeExample,
		Message: "example " + verdict + why, Where: where, pos: e.Pos})
}

var envelopeDefaults = [][2]string{{"version", `"0"`}, {"id", `"00000000-0000-4000-8000-000000000000"`}, {"detail-type", `"Example"`},
	{"source", `"example.source"`}, {"account", `"123456789012"`}, {"time", `"2024-01-01T00:00:00Z"`}, {"region", `"us-east-1"`}}

func withEnvelope(e *source.Value, input []byte) []byte {
	if e.Kind != source.Object {
		return input
	}
	var extra []string
	for _, kv := range envelopeDefaults {
		if member(e, kv[0]) == nil {
			extra = append(extra, strconv.Quote(kv[0])+":"+kv[1])
		}
	}
	if len(extra) == 0 {
		return input
	}
	body := strings.TrimPrefix(string(input), "{")
	sep := ","
	if body == "}" {
		sep = ""
	}
	return []byte("{" + strings.Join(extra, ",") + sep + body)
}

// toJSON writes a value tree as JSON, keeping number text.
func toJSON(v *source.Value) []byte {
	var b bytes.Buffer
	var w func(v *source.Value)
	w = func(v *source.Value) {
		switch v.Kind {
		case source.Object:
			b.WriteByte('{')
			for i, m := range v.Members {
				if i > 0 {
					b.WriteByte(',')
				}
				k, _ := json.Marshal(m.Key)
				b.Write(k)
				b.WriteByte(':')
				w(m.Value)
			}
			b.WriteByte('}')
		case source.Array:
			b.WriteByte('[')
			for i, e := range v.Elems {
				if i > 0 {
					b.WriteByte(',')
				}
				w(e)
			}
			b.WriteByte(']')
		case source.String:
			s, _ := json.Marshal(v.Text)
			b.Write(s)
		case source.Number:
			b.WriteString(v.Text)
		case source.True:
			b.WriteString("true")
		case source.False:
			b.WriteString("false")
		default:
			b.WriteString("null")
		}
	}
	w(v)
	return b.Bytes()
}

// toAny converts a value tree for the schema validator.
func toAny(v *source.Value) any {
	switch v.Kind {
	case source.Object:
		m := make(map[string]any, len(v.Members))
		for _, mm := range v.Members {
			m[mm.Key] = toAny(mm.Value)
		}
		return m
	case source.Array:
		a := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			a[i] = toAny(e)
		}
		return a
	case source.String:
		return v.Text
	case source.Number:
		return json.Number(v.Text)
	case source.True:
		return true
	case source.False:
		return false
	}
	return nil
}

func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// pointerValue follows a JSON pointer as far as it goes.
func pointerValue(root *source.Value, ptr string) *source.Value {
	v := root
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if tok == "" {
			continue
		}
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch v.Kind {
		case source.Object:
			next := member(v, tok)
			if next == nil {
				return v
			}
			v = next
		case source.Array:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v.Elems) {
				return v
			}
			v = v.Elems[i]
		default:
			return v
		}
	}
	return v
}
