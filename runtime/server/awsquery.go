package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/patternc/patternc/runtime/server/models"
)

// queryProtocol is awsQuery: the input as form parameters (Action,
// Version, then members flattened to dotted names), the output as XML
// wrapped in {Op}Response/{Op}Result, errors as ErrorResponse XML.
type queryProtocol struct {
	model *models.Model
}

func (p queryProtocol) Name() string { return "query" }

func (p queryProtocol) WriteOutput(w http.ResponseWriter, reqID, op string, out []byte) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<%sResponse xmlns="%s">`, op, p.model.Metadata.XMLNamespace)
	o := p.model.Operations[op]
	if o.Output != "" {
		var v any
		if len(out) > 0 {
			dec := json.NewDecoder(bytes.NewReader(out))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				return fmt.Errorf("server: output of %s is not JSON: %w", op, err)
			}
		}
		wrapper := o.ResultWrapper
		if wrapper == "" {
			wrapper = op + "Result"
		}
		buf.WriteString("<" + wrapper + ">")
		writeXMLMembers(&buf, p.model, p.model.Shape(o.Output), v)
		buf.WriteString("</" + wrapper + ">")
	}
	fmt.Fprintf(&buf, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>", reqID, op)
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}

func (p queryProtocol) WriteError(w http.ResponseWriter, reqID string, e *apiError) {
	_, code := errorShape(p.model, e.Code)
	fault := "Sender"
	if !e.Sender {
		fault = "Receiver"
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>`, p.model.Metadata.XMLNamespace, fault)
	xmlText(&buf, code)
	buf.WriteString("</Code><Message>")
	xmlText(&buf, e.Message)
	fmt.Fprintf(&buf, "</Message></Error><RequestId>%s</RequestId></ErrorResponse>", reqID)
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(e.HTTPStatus)
	_, _ = w.Write(buf.Bytes())
}

// xmlText writes s as XML character data: &, < and > escaped, carriage
// returns as references (so they survive parsing), and what XML 1.0
// cannot carry at all (most control characters, invalid UTF-8) as U+FFFD.
func xmlText(buf *bytes.Buffer, s string) {
	for i, r := range s {
		switch {
		case r == '&':
			buf.WriteString("&amp;")
		case r == '<':
			buf.WriteString("&lt;")
		case r == '>':
			buf.WriteString("&gt;")
		case r == '\r':
			buf.WriteString("&#xD;")
		case r == utf8.RuneError && isBadByte(s, i), !xmlChar(r):
			buf.WriteRune(utf8.RuneError)
		default:
			buf.WriteRune(r)
		}
	}
}

func isBadByte(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 1
}

// xmlChar reports whether XML 1.0 allows r in a document.
func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// writeXMLMembers writes a structure's members present in v (a decoded
// JSON object), in member-name order.
func writeXMLMembers(buf *bytes.Buffer, m *models.Model, s *models.Shape, v any) {
	obj, _ := v.(map[string]any)
	if s == nil || obj == nil {
		return
	}
	names := make([]string, 0, len(s.Members))
	for n := range s.Members {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		val, ok := obj[n]
		if !ok || val == nil {
			continue
		}
		ref := s.Members[n]
		name := n
		if ref.LocationName != "" {
			name = ref.LocationName
		}
		writeXMLValue(buf, m, ref, name, val)
	}
}

// writeXMLValue writes one value as element(s) named name.
func writeXMLValue(buf *bytes.Buffer, m *models.Model, ref models.Ref, name string, v any) {
	s := m.Shape(ref.Shape)
	if s == nil {
		return
	}
	switch s.Type {
	case "structure":
		buf.WriteString("<" + name + ">")
		writeXMLMembers(buf, m, s, v)
		buf.WriteString("</" + name + ">")
	case "list":
		arr, _ := v.([]any)
		if m.Flat(ref) {
			elem := name
			if s.Member.LocationName != "" {
				elem = s.Member.LocationName
			}
			for _, e := range arr {
				writeXMLValue(buf, m, s.Member, elem, e)
			}
			return
		}
		elem := "member"
		if s.Member.LocationName != "" {
			elem = s.Member.LocationName
		}
		buf.WriteString("<" + name + ">")
		for _, e := range arr {
			writeXMLValue(buf, m, s.Member, elem, e)
		}
		buf.WriteString("</" + name + ">")
	case "map":
		obj, _ := v.(map[string]any)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kn, vn := "key", "value"
		if s.Key.LocationName != "" {
			kn = s.Key.LocationName
		}
		if s.Value.LocationName != "" {
			vn = s.Value.LocationName
		}
		flat := m.Flat(ref)
		if !flat {
			buf.WriteString("<" + name + ">")
		}
		for _, k := range keys {
			if flat {
				buf.WriteString("<" + name + ">")
			} else {
				buf.WriteString("<entry>")
			}
			buf.WriteString("<" + kn + ">")
			xmlText(buf, k)
			buf.WriteString("</" + kn + ">")
			writeXMLValue(buf, m, s.Value, vn, obj[k])
			if flat {
				buf.WriteString("</" + name + ">")
			} else {
				buf.WriteString("</entry>")
			}
		}
		if !flat {
			buf.WriteString("</" + name + ">")
		}
	default:
		buf.WriteString("<" + name + ">")
		xmlText(buf, scalarText(s.Type, v))
		buf.WriteString("</" + name + ">")
	}
}

// scalarText is a scalar as awsQuery writes it: timestamps ISO-8601.
func scalarText(typ string, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		if typ == "timestamp" {
			if f, err := x.Float64(); err == nil {
				sec := int64(f)
				return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC().Format("2006-01-02T15:04:05.000Z")
			}
		}
		return x.String()
	}
	return fmt.Sprint(v)
}

// maxParams bounds the parameters of one query request, so decoding stays
// cheap whatever the body holds.
const maxParams = 2000

// readQueryInput turns form parameters into the operation's input as a
// JSON document, following the model's wire names: lists as Name.member.N
// (or Name.N when flattened), maps as Name.entry.N.key/value. Unknown
// parameters, wrong types and missing required members are the
// protocol's errors.
func readQueryInput(service string, m *models.Model, inputShape string, form url.Values) ([]byte, *apiError) {
	n := 0
	for _, vs := range form {
		n += len(vs)
	}
	if n > maxParams {
		return nil, failureError(failMalformed, service, "query", fmt.Sprintf("The request has more than %d parameters.", maxParams))
	}
	d := queryDecoder{service: service, m: m, form: map[string]string{}, used: map[string]bool{}}
	for k, vs := range form {
		if k == "Action" || k == "Version" || strings.HasPrefix(k, "X-Amz-") {
			continue
		}
		if !utf8.ValidString(k) {
			return nil, failureError(failMalformed, service, "query", "A parameter name is not valid UTF-8.")
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil, failureError(failMalformed, service, "query", fmt.Sprintf("The value of parameter %s is not valid UTF-8.", k))
			}
		}
		d.form[k] = vs[0]
		d.keys = append(d.keys, k)
	}
	sort.Strings(d.keys)
	var tree any = map[string]any{}
	if inputShape != "" {
		t, err := d.structure(m.Shape(inputShape), "")
		if err != nil {
			return nil, err
		}
		tree = t
	}
	for _, k := range d.keys {
		if !d.used[k] {
			return nil, failureError(failInvalidParam, service, "query", fmt.Sprintf("Unknown parameter %s.", k))
		}
	}
	if inputShape != "" {
		if e := checkValue(service, "query", m, models.Ref{Shape: inputShape}, tree, ""); e != nil {
			return nil, e
		}
	}
	out, err := json.Marshal(tree)
	if err != nil {
		return nil, failureError(failMalformed, service, "query", err.Error())
	}
	return out, nil
}

type queryDecoder struct {
	service string
	m       *models.Model
	form    map[string]string
	keys    []string // sorted
	used    map[string]bool
}

// under returns the keys that start with prefix + ".".
func (d *queryDecoder) under(prefix string) []string {
	p := prefix + "."
	i := sort.SearchStrings(d.keys, p)
	j := i
	for j < len(d.keys) && strings.HasPrefix(d.keys[j], p) {
		j++
	}
	return d.keys[i:j]
}

func (d *queryDecoder) has(key string) bool {
	_, ok := d.form[key]
	return ok || len(d.under(key)) > 0
}

func (d *queryDecoder) structure(s *models.Shape, prefix string) (map[string]any, *apiError) {
	out := map[string]any{}
	for name, ref := range s.Members {
		wire := name
		if ref.LocationName != "" {
			wire = ref.LocationName
		}
		key := wire
		if prefix != "" {
			key = prefix + "." + wire
		}
		v, ok, err := d.value(ref, key)
		if err != nil {
			return nil, err
		}
		if ok {
			out[name] = v
		}
	}
	return out, nil
}

// indexes returns the element numbers N found under prefix (prefix.N...).
func (d *queryDecoder) indexes(prefix string) ([]int, *apiError) {
	seen := map[int]bool{}
	var out []int
	for _, k := range d.under(prefix) {
		rest := k[len(prefix)+1:]
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			rest = rest[:i]
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 || n > maxParams {
			return nil, failureError(failInvalidParam, d.service, "query", fmt.Sprintf("Unknown parameter %s.", k))
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out, nil
}

func (d *queryDecoder) value(ref models.Ref, key string) (any, bool, *apiError) {
	s := d.m.Shape(ref.Shape)
	if s == nil {
		return nil, false, nil
	}
	switch s.Type {
	case "structure":
		if !d.has(key) {
			return nil, false, nil
		}
		if _, ok := d.form[key]; ok {
			d.used[key] = true // an empty structure (Name=)
		}
		v, err := d.structure(s, key)
		return v, true, err
	case "list":
		elem := key + ".member"
		if s.Member.LocationName != "" {
			elem = key + "." + s.Member.LocationName
		}
		if d.m.Flat(ref) {
			elem = key
			if s.Member.LocationName != "" {
				elem = key[:strings.LastIndexByte(key, '.')+1] + s.Member.LocationName
			}
		}
		if v, ok := d.form[key]; ok && v == "" && len(d.under(elem)) == 0 {
			d.used[key] = true
			return []any{}, true, nil
		}
		idx, err := d.indexes(elem)
		if err != nil {
			return nil, false, err
		}
		if len(idx) == 0 {
			return nil, false, nil
		}
		out := make([]any, 0, len(idx))
		for _, i := range idx {
			v, ok, err := d.value(s.Member, elem+"."+strconv.Itoa(i))
			if err != nil {
				return nil, false, err
			}
			if ok {
				out = append(out, v)
			}
		}
		return out, true, nil
	case "map":
		full := key + ".entry"
		if d.m.Flat(ref) {
			full = key
		}
		idx, err := d.indexes(full)
		if err != nil {
			return nil, false, err
		}
		if len(idx) == 0 {
			return nil, false, nil
		}
		kn, vn := "key", "value"
		if s.Key.LocationName != "" {
			kn = s.Key.LocationName
		}
		if s.Value.LocationName != "" {
			vn = s.Value.LocationName
		}
		out := map[string]any{}
		for _, i := range idx {
			p := full + "." + strconv.Itoa(i)
			k, ok := d.form[p+"."+kn]
			if !ok {
				return nil, false, failureError(failInvalidParam, d.service, "query", fmt.Sprintf("Parameter %s.%s is missing.", p, kn))
			}
			d.used[p+"."+kn] = true
			v, ok, err := d.value(s.Value, p+"."+vn)
			if err != nil {
				return nil, false, err
			}
			if ok {
				out[k] = v
			}
		}
		return out, true, nil
	}
	text, ok := d.form[key]
	if !ok {
		return nil, false, nil
	}
	d.used[key] = true
	switch s.Type {
	case "boolean":
		switch strings.ToLower(text) {
		case "true":
			return true, true, nil
		case "false":
			return false, true, nil
		}
		return nil, false, failureError(failInvalidParam, d.service, "query", fmt.Sprintf("Value (%s) for parameter %s is invalid. Must be a boolean.", text, key))
	case "integer", "long":
		if _, err := strconv.ParseInt(text, 10, 64); err != nil {
			return nil, false, failureError(failInvalidParam, d.service, "query", fmt.Sprintf("Value (%s) for parameter %s is invalid. Must be an integer.", text, key))
		}
		return json.Number(text), true, nil
	case "double", "float":
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			return nil, false, failureError(failInvalidParam, d.service, "query", fmt.Sprintf("Value (%s) for parameter %s is invalid. Must be a number.", text, key))
		}
		return json.Number(text), true, nil
	}
	return text, true, nil
}
