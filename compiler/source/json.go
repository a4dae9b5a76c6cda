package source

import (
	"fmt"
	"unicode/utf8"
)

// Limits bound the work of ParseJSON. The zero value means defaults.
type Limits struct {
	// MaxDepth is the deepest nesting of arrays and objects accepted.
	MaxDepth int
	// MaxSize is the largest document accepted, in bytes.
	MaxSize int
}

// Default limits: deep enough for any real pattern or event, shallow enough
// that hostile input is refused long before it costs anything.
const (
	DefaultMaxDepth = 1000
	DefaultMaxSize  = 4 << 20
)

// maxNumberLen bounds the literal text of one number; longer runs of digits
// are refused rather than parsed.
const maxNumberLen = 1024

// Error is a syntax error with the position where reading stopped.
type Error struct {
	Pos Pos
	Msg string
	// Jackson is the message AWS's JSON parser (Jackson) gives for the same
	// fault, for the faults whose AWS wording is known (docs/semantics/patterns.md §8);
	// empty otherwise.
	Jackson string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
}

// ParseJSON reads one JSON document into a Value tree. It accepts exactly
// RFC 8259 JSON (no comments, no trailing commas), checks that strings are
// valid UTF-8, keeps number text as written and duplicate keys in order, and
// refuses documents deeper or larger than lim allows.
func ParseJSON(data []byte, lim Limits) (*Value, error) {
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultMaxDepth
	}
	if lim.MaxSize <= 0 {
		lim.MaxSize = DefaultMaxSize
	}
	if len(data) > lim.MaxSize {
		return nil, &Error{Pos: Pos{Line: 1, Col: 1}, Msg: fmt.Sprintf("document is %d bytes, larger than the limit of %d bytes", len(data), lim.MaxSize)}
	}
	r := reader{data: data, line: 1, lineStart: 0, lim: lim}
	r.skipSpace()
	v, err := r.value(0)
	if err != nil {
		return nil, err
	}
	r.skipSpace()
	if r.off < len(r.data) {
		return nil, r.errorf("unexpected %s after the end of the JSON value", r.describe())
	}
	return v, nil
}

type reader struct {
	data      []byte
	off       int
	line      int
	lineStart int
	lim       Limits
}

func (r *reader) pos() Pos {
	return Pos{Offset: r.off, Line: r.line, Col: r.off - r.lineStart + 1}
}

func (r *reader) errorf(format string, args ...any) error {
	return &Error{Pos: r.pos(), Msg: fmt.Sprintf(format, args...)}
}

// describe names the byte at the current offset for an error message.
func (r *reader) describe() string {
	if r.off >= len(r.data) {
		return "end of input"
	}
	c := r.data[r.off]
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("character %q", rune(c))
	}
	if c < 0x80 {
		return fmt.Sprintf("control character 0x%02x", c)
	}
	ru, size := utf8.DecodeRune(r.data[r.off:])
	if ru == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("invalid UTF-8 byte 0x%02x", c)
	}
	return fmt.Sprintf("character %q", ru)
}

func (r *reader) skipSpace() {
	for r.off < len(r.data) {
		switch r.data[r.off] {
		case ' ', '\t', '\r':
			r.off++
		case '\n':
			r.off++
			r.line++
			r.lineStart = r.off
		default:
			return
		}
	}
}

func (r *reader) value(depth int) (*Value, error) {
	if r.off >= len(r.data) {
		return nil, r.errorf("unexpected end of input: expected a JSON value")
	}
	start := r.pos()
	switch c := r.data[r.off]; {
	case c == '{':
		return r.object(depth, start)
	case c == '[':
		return r.array(depth, start)
	case c == '"':
		s, err := r.str()
		if err != nil {
			return nil, err
		}
		return &Value{Kind: String, Pos: start, End: r.pos(), Text: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		text, err := r.number()
		if err != nil {
			return nil, err
		}
		return &Value{Kind: Number, Pos: start, End: r.pos(), Text: text}, nil
	case c == 't':
		return r.word("true", True, start)
	case c == 'f':
		return r.word("false", False, start)
	case c == 'n':
		return r.word("null", Null, start)
	}
	if c := r.data[r.off]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
		return nil, r.unrecognizedToken()
	}
	return nil, r.errorf("unexpected %s: expected a JSON value (object, array, string, number, true, false or null)", r.describe())
}

// unrecognizedToken reports a bare word where a value belongs.
func (r *reader) unrecognizedToken() error {
	end := r.off
	for end < len(r.data) && end-r.off < 32 && isWordByte(r.data[end]) {
		end++
	}
	tok := string(r.data[r.off:end])
	err := r.errorf("unrecognized token %q: expected a JSON value (object, array, string, number, true, false or null)", tok)
	err.(*Error).Jackson = fmt.Sprintf("Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", tok)
	return err
}

func (r *reader) word(w string, k Kind, start Pos) (*Value, error) {
	if len(r.data)-r.off >= len(w) && string(r.data[r.off:r.off+len(w)]) == w {
		r.off += len(w)
		if r.off < len(r.data) && isWordByte(r.data[r.off]) {
			return nil, r.errorf("unexpected %s after %s", r.describe(), w)
		}
		return &Value{Kind: k, Pos: start, End: r.pos()}, nil
	}
	return nil, r.unrecognizedToken()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func (r *reader) enter(depth int) error {
	if depth+1 > r.lim.MaxDepth {
		return r.errorf("nesting deeper than the limit of %d levels", r.lim.MaxDepth)
	}
	return nil
}

func (r *reader) object(depth int, start Pos) (*Value, error) {
	if err := r.enter(depth); err != nil {
		return nil, err
	}
	r.off++ // {
	v := &Value{Kind: Object, Pos: start}
	r.skipSpace()
	if r.off < len(r.data) && r.data[r.off] == '}' {
		r.off++
		v.End = r.pos()
		return v, nil
	}
	for {
		r.skipSpace()
		if r.off < len(r.data) && r.data[r.off] == '}' && len(v.Members) > 0 {
			err := r.errorf("unexpected '}' after ',': JSON does not allow a trailing comma")
			err.(*Error).Jackson = "Unexpected character ('}' (code 125)): was expecting double-quote to start field name"
			return nil, err
		}
		if r.off >= len(r.data) || r.data[r.off] != '"' {
			err := r.errorf("unexpected %s: expected a double-quoted member name", r.describe())
			if r.off < len(r.data) && r.data[r.off] < utf8.RuneSelf {
				c := r.data[r.off]
				err.(*Error).Jackson = fmt.Sprintf("Unexpected character ('%c' (code %d)): was expecting double-quote to start field name", c, c)
			}
			return nil, err
		}
		keyPos := r.pos()
		key, err := r.str()
		if err != nil {
			return nil, err
		}
		r.skipSpace()
		if r.off >= len(r.data) || r.data[r.off] != ':' {
			return nil, r.errorf("unexpected %s: expected ':' after member name", r.describe())
		}
		r.off++
		r.skipSpace()
		val, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Members = append(v.Members, Member{Key: key, KeyPos: keyPos, Value: val})
		r.skipSpace()
		if r.off >= len(r.data) {
			return nil, r.errorf("unexpected end of input: expected ',' or '}' in object")
		}
		switch r.data[r.off] {
		case ',':
			r.off++
			continue
		case '}':
			r.off++
			v.End = r.pos()
			return v, nil
		}
		return nil, r.errorf("unexpected %s: expected ',' or '}' in object", r.describe())
	}
}

func (r *reader) array(depth int, start Pos) (*Value, error) {
	if err := r.enter(depth); err != nil {
		return nil, err
	}
	r.off++ // [
	v := &Value{Kind: Array, Pos: start}
	r.skipSpace()
	if r.off < len(r.data) && r.data[r.off] == ']' {
		r.off++
		v.End = r.pos()
		return v, nil
	}
	for {
		r.skipSpace()
		if r.off < len(r.data) && r.data[r.off] == ']' && len(v.Elems) > 0 {
			return nil, r.errorf("unexpected ']' after ',': JSON does not allow a trailing comma")
		}
		el, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Elems = append(v.Elems, el)
		r.skipSpace()
		if r.off >= len(r.data) {
			return nil, r.errorf("unexpected end of input: expected ',' or ']' in array")
		}
		switch r.data[r.off] {
		case ',':
			r.off++
			continue
		case ']':
			r.off++
			v.End = r.pos()
			return v, nil
		}
		return nil, r.errorf("unexpected %s: expected ',' or ']' in array", r.describe())
	}
}

// number scans an RFC 8259 number and returns its text unchanged.
func (r *reader) number() (string, error) {
	start := r.off
	d := r.data
	i := r.off
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		r.off = i
		return "", r.errorf("unexpected %s in number: expected a digit", r.describe())
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			r.off = i
			return "", r.errorf("unexpected %s in number: expected a digit after '.'", r.describe())
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			r.off = i
			return "", r.errorf("unexpected %s in number: expected a digit in the exponent", r.describe())
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i-start > maxNumberLen {
		return "", r.errorf("number is %d characters long, longer than the limit of %d", i-start, maxNumberLen)
	}
	if i < len(d) && (isWordByte(d[i]) || d[i] == '.' || d[i] == '-' || d[i] == '+') {
		r.off = i
		return "", r.errorf("unexpected %s after number", r.describe())
	}
	r.off = i
	return string(d[start:i]), nil
}

// str scans a JSON string at r.off (which is '"') and returns it decoded.
func (r *reader) str() (string, error) {
	r.off++ // opening quote
	d := r.data
	start := r.off
	// Fast path: no escapes.
	for i := r.off; i < len(d); i++ {
		c := d[i]
		if c == '"' {
			s := d[start:i]
			if !utf8.Valid(s) {
				return "", r.badUTF8(start, i)
			}
			r.off = i + 1
			return string(s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	buf := make([]byte, 0, 32)
	for {
		if r.off >= len(d) {
			return "", r.errorf("unexpected end of input inside a string")
		}
		c := d[r.off]
		switch {
		case c == '"':
			r.off++
			return string(buf), nil
		case c < 0x20:
			return "", r.errorf("unexpected control character 0x%02x inside a string (use an escape such as \\n)", c)
		case c == '\\':
			out, n, bad := AppendEscape(buf, d, r.off)
			switch bad {
			case EscapeTruncated:
				r.off++
				return "", r.errorf("unexpected end of input inside a string escape")
			case EscapeBadUnicode:
				r.off++
				return "", r.errorf("invalid \\u escape: expected four hex digits")
			case EscapeUnknown:
				r.off++
				return "", r.errorf("invalid escape '\\%c' in string", d[r.off])
			}
			buf = out
			r.off += n
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			r.off++
		default:
			ru, size := utf8.DecodeRune(d[r.off:])
			if ru == utf8.RuneError && size <= 1 {
				return "", r.errorf("invalid UTF-8 byte 0x%02x inside a string", c)
			}
			buf = append(buf, d[r.off:r.off+size]...)
			r.off += size
		}
	}
}

// unicodeEscape decodes \uXXXX at r.off (surrogate pairs joined) and returns
// the rune and how many bytes it used. A lone surrogate decodes to U+FFFD, as
// encoding/json does.
func (r *reader) badUTF8(start, end int) error {
	for i := start; i < end; {
		ru, size := utf8.DecodeRune(r.data[i:end])
		if ru == utf8.RuneError && size <= 1 {
			r.off = i
			return r.errorf("invalid UTF-8 byte 0x%02x inside a string", r.data[i])
		}
		i += size
	}
	r.off = end
	return r.errorf("invalid UTF-8 inside a string")
}
