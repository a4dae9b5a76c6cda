package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fastjson"
)

// InputTransformer is a target's InputPathsMap and InputTemplate (docs/semantics/runtime.md §2.4).
type InputTransformer struct {
	InputPathsMap map[string]string `json:"InputPathsMap,omitempty"`
	InputTemplate string            `json:"InputTemplate"`
}

// step is one step of an input path: a key or an array index.
type step struct {
	key   string
	index int // -1 for a key
}

var pathKey = regexp.MustCompile(`^[^.\[\]*?@()'"$ ]+$`)

// parsePath reads "$", ".name" steps and "[n]" indexes; nothing else.
func parsePath(p string) ([]step, error) {
	if !strings.HasPrefix(p, "$") {
		return nil, fmt.Errorf("path must start with $")
	}
	rest := p[1:]
	var steps []step
	for rest != "" {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			name := rest[1 : 1+end]
			if !pathKey.MatchString(name) {
				return nil, fmt.Errorf("bad path step %q", name)
			}
			steps = append(steps, step{key: name, index: -1})
			rest = rest[1+end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed [")
			}
			n, err := strconv.Atoi(rest[1:end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad index %q", rest[1:end])
			}
			steps = append(steps, step{index: n})
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("unexpected %q", rest[:1])
		}
	}
	return steps, nil
}

func selectPath(v *fastjson.Value, steps []step) *fastjson.Value {
	for _, s := range steps {
		if v == nil {
			return nil
		}
		if s.index < 0 {
			if v.Type() != fastjson.TypeObject {
				return nil
			}
			v = v.Get(s.key)
		} else {
			if v.Type() != fastjson.TypeArray {
				return nil
			}
			a, _ := v.Array()
			if s.index >= len(a) {
				return nil
			}
			v = a[s.index]
		}
	}
	return v
}

var (
	placeholderRE = regexp.MustCompile(`<([^<>\s]+)>`)
	mapKeyRE      = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

var predefined = map[string]bool{
	"aws.events.rule-arn":             true,
	"aws.events.rule-name":            true,
	"aws.events.event.ingestion-time": true,
	"aws.events.event":                true,
	"aws.events.event.json":           true,
}

// checkShaping validates a target's Input / InputPath / InputTransformer at
// PutTargets (docs/semantics/runtime.md §2.3, §2.4).
func checkShaping(t *Target) *kernel.Error {
	n := 0
	if t.Input != "" {
		n++
	}
	if t.InputPath != "" {
		n++
	}
	if t.InputTransformer != nil {
		n++
	}
	if n > 1 {
		return validation("Only one of Input, InputPath, or InputTransformer must be provided for target %s.", t.ID)
	}
	if t.Input != "" {
		if len(t.Input) > 8192 || !json.Valid([]byte(t.Input)) {
			return validation("Input for target %s is not valid JSON.", t.ID)
		}
	}
	if t.InputPath != "" {
		if _, err := parsePath(t.InputPath); err != nil || len(t.InputPath) > 256 {
			return validation("Invalid InputPath for target %s: %s", t.ID, t.InputPath)
		}
	}
	if tr := t.InputTransformer; tr != nil {
		if tr.InputTemplate == "" || len(tr.InputTemplate) > 8192 {
			return validation("InputTemplate for target %s must be 1 to 8192 characters.", t.ID)
		}
		if len(tr.InputPathsMap) > 100 {
			return validation("InputPathsMap for target %s has more than 100 entries.", t.ID)
		}
		for k, p := range tr.InputPathsMap {
			if !mapKeyRE.MatchString(k) || predefined[k] || strings.HasPrefix(strings.ToUpper(k), "AWS.") {
				return validation("InputPathsMap for target %s has an invalid key %s.", t.ID, k)
			}
			if _, err := parsePath(p); err != nil {
				return validation("Invalid InputPath for target %s: %s", t.ID, p)
			}
		}
		for _, m := range placeholderRE.FindAllStringSubmatch(tr.InputTemplate, -1) {
			if _, ok := tr.InputPathsMap[m[1]]; !ok && !predefined[m[1]] {
				return validation("InputTemplate for target %s contains invalid placeholder %s.", t.ID, m[1])
			}
		}
	}
	return nil
}

// shapeContext is what predefined placeholders refer to.
type shapeContext struct {
	ruleArn, ruleName string
	ingested          time.Time
}

// errTransform marks a payload the target's shaping could not produce.
type errTransform struct{ msg string }

func (e errTransform) Error() string { return e.msg }

// shape produces the payload delivered to t for event (docs/semantics/runtime.md §2.4).
func shape(t *Target, event []byte, sc shapeContext) ([]byte, error) {
	switch {
	case t.Input != "":
		return []byte(t.Input), nil
	case t.InputPath != "":
		v, err := fastjson.ParseBytes(event)
		if err != nil {
			return nil, errTransform{"event is not JSON: " + err.Error()}
		}
		steps, _ := parsePath(t.InputPath)
		sel := selectPath(v, steps)
		if sel == nil {
			return nil, errTransform{"InputPath " + t.InputPath + " selects nothing"}
		}
		return sel.MarshalTo(nil), nil
	case t.InputTransformer != nil:
		return transform(t.InputTransformer, event, sc)
	}
	return event, nil
}

func transform(tr *InputTransformer, event []byte, sc shapeContext) ([]byte, error) {
	return RenderTemplate(tr.InputTemplate, event, func(name string, root *fastjson.Value) *fastjson.Value {
		return lookup(name, tr, root, sc)
	})
}

// Placeholders returns the names of the <placeholders> of an input
// template, in order: what a caller checks against the names it can
// resolve before it accepts the template.
func Placeholders(tpl string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(tpl, -1) {
		out = append(out, m[1])
	}
	return out
}

// SelectPath returns the value at path ("$.detail.id", "$.items[0]") in
// root, or nil when the path is not valid or selects nothing.
func SelectPath(root *fastjson.Value, path string) *fastjson.Value {
	steps, err := parsePath(path)
	if err != nil {
		return nil
	}
	return selectPath(root, steps)
}

// ValidPath reports whether path is an input path this package reads.
func ValidPath(path string) bool {
	_, err := parsePath(path)
	return err == nil
}

// RenderTemplate fills the <placeholders> of an input template with the
// values resolve finds for their names in event (nil: the placeholder is
// empty), with InputTransformer's rules for quoting: a template that is a
// JSON object gets JSON values (strings quoted outside string literals),
// any other template gets text. EventBridge targets and Pipes share it;
// each resolves its own predefined names.
func RenderTemplate(tpl string, event []byte, resolve func(name string, root *fastjson.Value) *fastjson.Value) ([]byte, error) {
	root, err := fastjson.ParseBytes(event)
	if err != nil {
		return nil, errTransform{"event is not JSON: " + err.Error()}
	}
	jsonMode := strings.HasPrefix(strings.TrimSpace(tpl), "{")
	var out []byte
	inString := false
	for i := 0; i < len(tpl); {
		c := tpl[i]
		if c == '<' {
			if loc := placeholderRE.FindStringSubmatchIndex(tpl[i:]); loc != nil && loc[0] == 0 {
				name := tpl[i+loc[2] : i+loc[3]]
				out = appendValue(out, resolve(name, root), jsonMode, inString)
				i += loc[1]
				continue
			}
		}
		if jsonMode {
			if c == '\\' && inString && i+1 < len(tpl) {
				out = append(out, c, tpl[i+1])
				i += 2
				continue
			}
			if c == '"' {
				inString = !inString
			}
		}
		out = append(out, c)
		i++
	}
	if jsonMode && !json.Valid(out) {
		return nil, errTransform{"InputTemplate produced invalid JSON: " + string(out)}
	}
	return out, nil
}

func lookup(name string, tr *InputTransformer, root *fastjson.Value, sc shapeContext) *fastjson.Value {
	var a fastjson.Arena
	switch name {
	case "aws.events.rule-arn":
		return a.NewString(sc.ruleArn)
	case "aws.events.rule-name":
		return a.NewString(sc.ruleName)
	case "aws.events.event.ingestion-time":
		return a.NewString(sc.ingested.UTC().Format("2006-01-02T15:04:05.000Z"))
	case "aws.events.event.json":
		return root
	case "aws.events.event":
		o := a.NewObject()
		obj, _ := root.Object()
		obj.Visit(func(k []byte, v *fastjson.Value) {
			switch string(k) {
			case "detail":
			case "detail-type":
				o.Set("detailType", v)
			default:
				o.Set(string(k), v)
			}
		})
		return o
	}
	steps, err := parsePath(tr.InputPathsMap[name])
	if err != nil {
		return nil
	}
	return selectPath(root, steps)
}

func appendValue(out []byte, v *fastjson.Value, jsonMode, inString bool) []byte {
	if v == nil {
		if jsonMode && !inString {
			return append(out, `""`...)
		}
		return out
	}
	switch v.Type() {
	case fastjson.TypeString:
		s := v.GetStringBytes()
		if jsonMode && !inString {
			return appendJSON(out, v)
		}
		return append(out, s...)
	case fastjson.TypeObject, fastjson.TypeArray:
		if jsonMode {
			return appendJSON(out, v)
		}
		return append(out, strings.ReplaceAll(string(appendJSON(nil, v)), `"`, "")...)
	default:
		return v.MarshalTo(out)
	}
}

// appendQuoted writes s as a JSON string, as encoding/json quotes it but
// without its HTML escapes (a "<" stays "<").
func appendQuoted(out, s []byte) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(string(s)) // a string cannot fail
	return append(out, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
}

// appendJSON writes v as JSON. fastjson's MarshalTo quotes strings with
// Go's rules (a NUL becomes \x00, which JSON does not have); strings here
// are quoted by encoding/json, so the output is always valid JSON.
func appendJSON(out []byte, v *fastjson.Value) []byte {
	switch v.Type() {
	case fastjson.TypeString:
		return appendQuoted(out, v.GetStringBytes())
	case fastjson.TypeObject:
		o, _ := v.Object()
		out = append(out, '{')
		first := true
		o.Visit(func(k []byte, e *fastjson.Value) {
			if !first {
				out = append(out, ',')
			}
			first = false
			out = appendQuoted(out, k)
			out = append(out, ':')
			out = appendJSON(out, e)
		})
		return append(out, '}')
	case fastjson.TypeArray:
		a, _ := v.Array()
		out = append(out, '[')
		for i, e := range a {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendJSON(out, e)
		}
		return append(out, ']')
	default:
		return v.MarshalTo(out)
	}
}
