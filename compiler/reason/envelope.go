package reason

import (
	"strings"
	"sync"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/valueset"
)

// The EventBridge envelope as real events carry it (docs/semantics/
// patterns.md §2, §4.8): version is always "0"; id, detail-type, source,
// account, time and region are always present strings (never shaped like
// an IP address); resources is an array of strings, possibly empty;
// detail is always an object, so no value sits at the path "detail"
// itself and {"exists": false} on it always holds; replay-name, on
// replayed events only, is a string. A string field has no fields below
// it. Paths outside the envelope are free.

// envelopeStrings are the always-present string fields, in the order an
// event lists them, with the value an example event gives them.
var envelopeStrings = []struct{ name, example string }{
	{"id", "00000000-0000-0000-0000-000000000001"},
	{"detail-type", "Example"},
	{"source", "example.source"},
	{"account", "123456789012"},
	{"time", "2026-01-01T00:00:00Z"},
	{"region", "us-east-1"},
}

var envelopeOnce = sync.OnceValue(func() valueset.Set {
	return valueset.StringSet(valueset.IPShaped().Complement())
})

// envelopeString is a present, non-IP-shaped string.
func envelopeString() valueset.Set { return envelopeOnce() }

// domain is the set of values a real event can have at path (for the SNS
// dialects every path is free).
func domain(d compiler.Dialect, path string) valueset.Set {
	if d != compiler.EventBridge {
		return valueset.Full()
	}
	switch path {
	case "version":
		return valueset.StringSet(valueset.Literal("0"))
	case "detail":
		return valueset.OnlyAbsent()
	case "resources", "replay-name":
		s := envelopeString()
		s.Absent = true
		return s
	}
	for _, e := range envelopeStrings {
		if path == e.name {
			return envelopeString()
		}
	}
	if under := scalarParent(path); under != "" {
		return valueset.OnlyAbsent()
	}
	return valueset.Full()
}

// scalarParent returns the envelope string field that path lies below,
// if any ("source.x" → "source").
func scalarParent(path string) string {
	head, _, ok := strings.Cut(path, ".")
	if !ok {
		return ""
	}
	switch head {
	case "version", "resources", "replay-name":
		return head
	}
	for _, e := range envelopeStrings {
		if head == e.name {
			return head
		}
	}
	return ""
}

// exampleValue is the value an example event gives an envelope field.
func exampleValue(path string) string {
	if path == "version" {
		return "0"
	}
	for _, e := range envelopeStrings {
		if path == e.name {
			return e.example
		}
	}
	return ""
}

// envelopeReason says why a field at path can never hold in a real event,
// given that its conditions alone accept something (empty is whether the
// conditions accept nothing even outside the envelope).
func envelopeReason(path string, f *compiler.Field, alone valueset.Set) string {
	if empty, known := alone.IsEmpty(); empty && known {
		return path + ": no value satisfies these conditions"
	}
	onlyAbsent := true
	var ops []string
	seen := map[string]bool{}
	for i := range f.Conds {
		c := &f.Conds[i]
		if !(c.Op == compiler.OpExists && !c.Exists) {
			onlyAbsent = false
		}
		name := opName(c)
		if !seen[name] {
			seen[name] = true
			ops = append(ops, name)
		}
	}
	switch {
	case path == "detail":
		return `detail is always an object in an EventBridge event: a value condition or {"exists": true} on detail itself never matches (test its fields, such as detail.state)`
	case scalarParent(path) != "":
		p := scalarParent(path)
		return p + " is a string in every EventBridge event: it has no field " + strings.TrimPrefix(path, p+".")
	case onlyAbsent:
		return `every EventBridge event carries ` + path + `: {"exists": false} never holds`
	case path == "version":
		return `version is "0" in every EventBridge event`
	}
	return path + " is a string in every EventBridge event (never an IP address): " + strings.Join(ops, ", ") + " never matches"
}

func opName(c *compiler.Condition) string {
	switch c.Op {
	case compiler.OpEquals:
		switch c.Value.Kind {
		case compiler.LitNumber:
			return "a number"
		case compiler.LitTrue, compiler.LitFalse:
			return "a boolean"
		case compiler.LitNull:
			return "null"
		}
		return "a string"
	case compiler.OpNumeric:
		return "numeric"
	case compiler.OpCIDR:
		return "cidr"
	case compiler.OpExists:
		return "exists"
	case compiler.OpAnythingBut:
		return "anything-but"
	}
	return "a string operator"
}
