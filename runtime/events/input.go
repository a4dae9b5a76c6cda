package events

import (
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
	root, err := fastjson.ParseBytes(event)
	if err != nil {
		return nil, errTransform{"event is not JSON: " + err.Error()}
	}
	tpl := tr.InputTemplate
	jsonMode := strings.HasPrefix(strings.TrimSpace(tpl), "{")
	var out []byte
	inString := false
	for i := 0; i < len(tpl); {
		c := tpl[i]
		if c == '<' {
			if loc := placeholderRE.FindStringSubmatchIndex(tpl[i:]); loc != nil && loc[0] == 0 {
				name := tpl[i+loc[2] : i+loc[3]]
				out = appendValue(out, lookup(name, tr, root, sc), jsonMode, inString)
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
			out = append(out, '"')
			out = append(out, s...)
			return append(out, '"')
		}
		return append(out, s...)
	case fastjson.TypeObject, fastjson.TypeArray:
		if jsonMode {
			return v.MarshalTo(out)
		}
		return append(out, strings.ReplaceAll(string(v.MarshalTo(nil)), `"`, "")...)
	default:
		return v.MarshalTo(out)
	}
}
