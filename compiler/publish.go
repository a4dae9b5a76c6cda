package compiler

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/patternc/patternc/compiler/source"
)

// Publish is an SNS Publish request as patternc reads it:
// {"Message": "...", "MessageAttributes": {"k": {"DataType": "...",
// "StringValue": "..."}}}.
type Publish struct {
	Message    string
	Attributes []Attribute // sorted by Name
}

// Attribute is one message attribute.
type Attribute struct {
	Name        string
	DataType    string // as sent, custom label included ("Number.float")
	StringValue string
}

// BaseType is the attribute's type without a custom label: "String",
// "Number", "Binary" or "String.Array" (docs/semantics/filter-policies.md §3.1).
func (a Attribute) BaseType() string {
	if a.DataType == "String.Array" {
		return "String.Array"
	}
	base, _, _ := strings.Cut(a.DataType, ".")
	return base
}

// ParsePublish reads a Publish request, or the notification envelope SNS
// delivers to SQS and HTTP subscribers, which names attribute fields Type
// and Value:
//
//	{"Message": "...", "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}}
//	{"Type": "Notification", "Message": "...", "MessageAttributes": {"k": {"Type": "String", "Value": "v"}}}
//
// Message or MessageAttributes must be present (Publish requires Message;
// a request carrying only attributes is still plainly one). Anything else
// (a raw message body, a bare attributes map) is an *InputError that names
// the forms expected, never a silent "no match".
func ParsePublish(req []byte) (*Publish, error) {
	v, err := source.ParseJSON(req, source.Limits{MaxSize: 16 << 20})
	if err != nil {
		return nil, &InputError{Msg: "the Publish request is not valid JSON: " + err.Error()}
	}
	if v.Kind != source.Object {
		return nil, &InputError{Msg: "the Publish request must be a JSON object: " + publishForms}
	}
	if err := needMessage(v); err != nil {
		return nil, err
	}
	p := &Publish{}
	for _, m := range v.Members {
		switch m.Key {
		case "Message":
			if m.Value.Kind != source.String {
				return nil, &InputError{Msg: "Message must be a string"}
			}
			p.Message = m.Value.Text
		case "MessageAttributes":
			if m.Value.Kind == source.Null {
				continue
			}
			if m.Value.Kind != source.Object {
				return nil, &InputError{Msg: "MessageAttributes must be an object of {\"DataType\": …, \"StringValue\": …}"}
			}
			for _, am := range m.Value.Members {
				a, err := readAttribute(am)
				if err != nil {
					return nil, err
				}
				p.Attributes = append(p.Attributes, a)
			}
		}
	}
	sort.SliceStable(p.Attributes, func(i, j int) bool { return p.Attributes[i].Name < p.Attributes[j].Name })
	// A name written twice keeps its later value, as a JSON object decoder
	// would; the stable sort kept document order among equal names.
	kept := p.Attributes[:0]
	for i, a := range p.Attributes {
		if i+1 < len(p.Attributes) && p.Attributes[i+1].Name == a.Name {
			continue
		}
		kept = append(kept, a)
	}
	p.Attributes = kept
	return p, nil
}

// publishForms names the accepted input forms in error messages.
const publishForms = `expected a Publish request {"Message": "...", "MessageAttributes": {"name": {"DataType": "String", "StringValue": "..."}}} or an SNS notification envelope {"Type": "Notification", "Message": "...", "MessageAttributes": {"name": {"Type": "String", "Value": "..."}}}`

// needMessage rejects an object with neither Message nor MessageAttributes, saying what it
// looks like: a bare MessageAttributes map, or a message body that should
// have been put in Message as a string.
func needMessage(v *source.Value) error {
	for _, m := range v.Members {
		if m.Key == "Message" || m.Key == "MessageAttributes" {
			return nil
		}
	}
	attrs := len(v.Members) > 0
	for _, m := range v.Members {
		if !isAttributeShape(m.Value) {
			attrs = false
			break
		}
	}
	if attrs {
		return &InputError{Msg: `this is a bare MessageAttributes map, not a Publish request: wrap it as {"Message": "...", "MessageAttributes": {...}}`}
	}
	return &InputError{Msg: `not an SNS Publish request: it has neither "Message" nor "MessageAttributes" (for a MessageBody policy, put the body in "Message" as a JSON string); ` + publishForms}
}

// isAttributeShape reports whether v looks like one message attribute.
func isAttributeShape(v *source.Value) bool {
	if v.Kind != source.Object {
		return false
	}
	for _, f := range v.Members {
		if f.Key == "DataType" || f.Key == "Type" {
			return true
		}
	}
	return false
}

func readAttribute(m source.Member) (Attribute, error) {
	a := Attribute{Name: m.Key}
	if m.Value.Kind != source.Object {
		return a, &InputError{Msg: fmt.Sprintf("message attribute %q must be an object with DataType and StringValue", m.Key)}
	}
	hasValue := false
	for _, f := range m.Value.Members {
		switch f.Key {
		case "DataType", "Type":
			if f.Value.Kind != source.String {
				return a, &InputError{Msg: fmt.Sprintf("message attribute %q: DataType must be a string", m.Key)}
			}
			a.DataType = f.Value.Text
		case "StringValue", "Value":
			if f.Value.Kind != source.String {
				return a, &InputError{Msg: fmt.Sprintf("message attribute %q: StringValue must be a string", m.Key)}
			}
			a.StringValue = f.Value.Text
			hasValue = true
		case "BinaryValue":
			hasValue = true
		}
	}
	switch a.BaseType() {
	case "String", "String.Array", "Binary":
	case "Number":
		if !isJSONNumber(a.StringValue) {
			return a, &InputError{Msg: fmt.Sprintf("message attribute %q: Number value %q is not a number", m.Key, a.StringValue)}
		}
	case "":
		return a, &InputError{Msg: fmt.Sprintf("message attribute %q has no DataType", m.Key)}
	default:
		return a, &InputError{Msg: fmt.Sprintf("message attribute %q: DataType %q is not String, Number, Binary or String.Array", m.Key, a.DataType)}
	}
	if !hasValue {
		return a, &InputError{Msg: fmt.Sprintf("message attribute %q has no value", m.Key)}
	}
	return a, nil
}

func isJSONNumber(s string) bool {
	v, err := source.ParseJSON([]byte(s), source.Limits{})
	return err == nil && v.Kind == source.Number
}

// HasAttributes reports whether the message carries an attribute that SNS
// filters on (Binary attributes are ignored). A message without one never
// matches a MessageAttributes policy (docs/semantics/filter-policies.md §3.2).
func (p *Publish) HasAttributes() bool {
	for _, a := range p.Attributes {
		if a.BaseType() != "Binary" {
			return true
		}
	}
	return false
}

// AttributesEvent writes the attributes as the flat JSON object that
// MessageAttributes-scope policies are matched against (docs/semantics/filter-policies.md
// §3.1): String → string, Number → number with the value as literal text,
// String.Array → the parsed array's scalar elements, Binary → omitted.
func (p *Publish) AttributesEvent() []byte { return p.AppendAttributesEvent(nil) }

// AppendAttributesEvent is AttributesEvent appending to dst, so a caller
// matching many messages reuses one buffer.
func (p *Publish) AppendAttributesEvent(dst []byte) []byte {
	b := append(dst, '{')
	first := true
	for _, a := range p.Attributes {
		var val []byte
		switch a.BaseType() {
		case "String":
			val = jsonString(a.StringValue)
		case "Number":
			val = []byte(a.StringValue)
		case "String.Array":
			val = arrayScalars(a.StringValue)
		default:
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, jsonString(a.Name)...)
		b = append(b, ':')
		b = append(b, val...)
	}
	return append(b, '}')
}

// arrayScalars keeps the scalar elements of a String.Array value; text that
// is not a JSON array contributes no values.
func arrayScalars(s string) []byte {
	v, err := source.ParseJSON([]byte(s), source.Limits{})
	if err != nil || v.Kind != source.Array {
		return []byte("[]")
	}
	out := []byte{'['}
	n := 0
	for _, e := range v.Elems {
		var el []byte
		switch e.Kind {
		case source.String:
			el = jsonString(e.Text)
		case source.Number:
			el = []byte(e.Text)
		case source.True:
			el = []byte("true")
		case source.False:
			el = []byte("false")
		case source.Null:
			el = []byte("null")
		default:
			continue
		}
		if n > 0 {
			out = append(out, ',')
		}
		out = append(out, el...)
		n++
	}
	return append(out, ']')
}

func jsonString(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}
