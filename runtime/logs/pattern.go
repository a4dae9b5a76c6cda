package logs

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pattern is a compiled CloudWatch Logs filter pattern [AWS syntax]:
//
//   - terms: ERROR matches events containing ERROR (case-sensitive);
//     several terms must all appear; "quoted phrases" match as a whole;
//   - ?ERROR ?WARN matches events containing any of the ?-terms;
//   - -term (or -"phrase") excludes events containing it;
//   - { $.field = value } compares a field of a JSON event: = and != on
//     strings (with * as a wildcard) and numbers, < > <= >= on numbers,
//     IS NULL, IS TRUE, IS FALSE, NOT EXISTS, joined with && and || and
//     grouped with parentheses; selectors are $.a.b, $.a[0], $.a[0].b.
//
// The empty pattern matches every event. Space-delimited patterns
// ([ip, user, ...]) are rejected with an error saying so.
type Pattern struct {
	src  string
	text *textPattern
	json jsonExpr
}

// MaxPatternLength is the longest filter pattern [AWS: 1024].
const MaxPatternLength = 1024

// maxDepth bounds parentheses nesting [P].
const maxDepth = 64

// PatternError is a filter pattern that does not parse.
type PatternError struct {
	Pattern string
	Offset  int // byte offset of the problem
	Msg     string
}

func (e *PatternError) Error() string {
	return fmt.Sprintf("Invalid filter pattern at offset %d: %s", e.Offset, e.Msg)
}

// ParsePattern compiles a filter pattern.
func ParsePattern(src string) (*Pattern, error) {
	if len(src) > MaxPatternLength {
		return nil, &PatternError{src, MaxPatternLength, fmt.Sprintf("the pattern is %d bytes; at most %d", len(src), MaxPatternLength)}
	}
	if !utf8.ValidString(src) {
		return nil, &PatternError{src, 0, "the pattern is not valid UTF-8"}
	}
	p := &Pattern{src: src}
	trimmed := strings.TrimSpace(src)
	switch {
	case strings.HasPrefix(trimmed, "{"):
		ps := &parser{src: src, pos: strings.Index(src, "{") + 1}
		e, err := ps.expr(0)
		if err != nil {
			return nil, err
		}
		ps.space()
		if !ps.eat("}") {
			return nil, ps.fail("expected } or a && / || operator")
		}
		ps.space()
		if ps.pos != len(src) {
			return nil, ps.fail("unexpected text after the closing }")
		}
		p.json = e
	case strings.HasPrefix(trimmed, "["):
		return nil, &PatternError{src, strings.Index(src, "["), "space-delimited patterns ([field, ...]) are not supported by patternc; use terms or a JSON pattern"}
	default:
		t, err := parseText(src)
		if err != nil {
			return nil, err
		}
		p.text = t
	}
	return p, nil
}

// String is the pattern's source.
func (p *Pattern) String() string { return p.src }

// Match reports whether the event message matches.
func (p *Pattern) Match(msg string) bool {
	switch {
	case p.json != nil:
		v, ok := decodeEvent(msg)
		return ok && p.json.eval(v)
	case p.text != nil:
		return p.text.match(msg)
	}
	return true
}

// textPattern is a pattern of terms.
type textPattern struct {
	all, any, none []string
}

func (t *textPattern) match(msg string) bool {
	for _, s := range t.none {
		if strings.Contains(msg, s) {
			return false
		}
	}
	for _, s := range t.all {
		if !strings.Contains(msg, s) {
			return false
		}
	}
	if len(t.any) == 0 {
		return true
	}
	for _, s := range t.any {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func parseText(src string) (*textPattern, error) {
	t := &textPattern{}
	i := 0
	for {
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i == len(src) {
			return t, nil
		}
		list := &t.all
		switch src[i] {
		case '-':
			list = &t.none
			i++
		case '?':
			list = &t.any
			i++
		}
		if i == len(src) || src[i] == ' ' || src[i] == '\t' {
			return nil, &PatternError{src, i, "an operator (- or ?) must be followed by a term"}
		}
		var term string
		if src[i] == '"' {
			s, n, err := quoted(src, i)
			if err != nil {
				return nil, err
			}
			term, i = s, n
		} else {
			start := i
			for i < len(src) && src[i] != ' ' && src[i] != '\t' {
				if c := src[i]; c == '"' || c == '{' || c == '}' || c == '[' || c == ']' {
					return nil, &PatternError{src, i, fmt.Sprintf("the character %q must be inside a quoted phrase", c)}
				}
				i++
			}
			term = src[start:i]
		}
		if term == "" {
			continue // "" matches everything
		}
		*list = append(*list, term)
	}
}

// quoted reads a "…" string starting at src[i] (backslash escapes " and
// \) and returns it and the offset after it.
func quoted(src string, i int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if j+1 < len(src) {
				j++
			}
			b.WriteByte(src[j])
		case '"':
			return b.String(), j + 1, nil
		default:
			b.WriteByte(src[j])
		}
	}
	return "", 0, &PatternError{src, i, "unterminated quoted string"}
}

// decodeEvent reads a JSON event, keeping numbers exact.
func decodeEvent(msg string) (any, bool) {
	d := json.NewDecoder(strings.NewReader(msg))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

// --- JSON patterns ---

type jsonExpr interface{ eval(v any) bool }

type andExpr struct{ l, r jsonExpr }
type orExpr struct{ l, r jsonExpr }

func (e andExpr) eval(v any) bool { return e.l.eval(v) && e.r.eval(v) }
func (e orExpr) eval(v any) bool  { return e.l.eval(v) || e.r.eval(v) }

// step is one selector step: a member name or an array index.
type step struct {
	name  string
	index int // -1 for a member step
}

type cmpExpr struct {
	path []step
	op   string // = != < > <= >= null true false notexists
	str  *string
	num  *big.Rat
}

func (e cmpExpr) eval(root any) bool {
	v, ok := selectPath(root, e.path)
	switch e.op {
	case "notexists":
		return !ok
	case "null":
		return ok && v == nil
	case "true", "false":
		b, isBool := v.(bool)
		return ok && isBool && b == (e.op == "true")
	}
	if !ok {
		return false
	}
	if e.num != nil {
		n, isNum := v.(json.Number)
		if !isNum {
			return false
		}
		r, okR := new(big.Rat).SetString(string(n))
		if !okR {
			return false
		}
		c := r.Cmp(e.num)
		switch e.op {
		case "=":
			return c == 0
		case "!=":
			return c != 0
		case "<":
			return c < 0
		case ">":
			return c > 0
		case "<=":
			return c <= 0
		case ">=":
			return c >= 0
		}
		return false
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = string(x)
	case bool:
		s = strconv.FormatBool(x)
	default:
		return false
	}
	m := wildcard(*e.str, s)
	if e.op == "!=" {
		return !m
	}
	return m
}

func selectPath(v any, path []step) (any, bool) {
	for _, st := range path {
		if st.index >= 0 {
			a, ok := v.([]any)
			if !ok || st.index >= len(a) {
				return nil, false
			}
			v = a[st.index]
			continue
		}
		o, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = o[st.name]; !ok {
			return nil, false
		}
	}
	return v, true
}

// wildcard matches s against pattern, where * matches any run of bytes.
func wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last) && len(s) >= len(last)
}

type parser struct {
	src string
	pos int
}

func (p *parser) fail(msg string) error { return &PatternError{p.src, p.pos, msg} }

func (p *parser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

func (p *parser) eat(s string) bool {
	if strings.HasPrefix(p.src[p.pos:], s) {
		p.pos += len(s)
		return true
	}
	return false
}

// keyword eats a case-insensitive word that is not followed by a word
// character.
func (p *parser) keyword(w string) bool {
	end := p.pos + len(w)
	if end > len(p.src) || !strings.EqualFold(p.src[p.pos:end], w) {
		return false
	}
	if end < len(p.src) && isWord(p.src[end]) {
		return false
	}
	p.pos = end
	return true
}

func isWord(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func (p *parser) expr(depth int) (jsonExpr, error) {
	l, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if !p.eat("||") {
			return l, nil
		}
		r, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		l = orExpr{l, r}
	}
}

func (p *parser) and(depth int) (jsonExpr, error) {
	l, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if !p.eat("&&") {
			return l, nil
		}
		r, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		l = andExpr{l, r}
	}
}

func (p *parser) unary(depth int) (jsonExpr, error) {
	p.space()
	if p.eat("(") {
		if depth >= maxDepth {
			return nil, p.fail(fmt.Sprintf("parentheses nest deeper than %d", maxDepth))
		}
		e, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		p.space()
		if !p.eat(")") {
			return nil, p.fail("expected )")
		}
		return e, nil
	}
	return p.comparison()
}

func (p *parser) comparison() (jsonExpr, error) {
	path, err := p.selector()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.keyword("IS") {
		p.space()
		for _, w := range []string{"NULL", "TRUE", "FALSE"} {
			if p.keyword(w) {
				return cmpExpr{path: path, op: strings.ToLower(w)}, nil
			}
		}
		return nil, p.fail("expected NULL, TRUE or FALSE after IS")
	}
	if p.keyword("NOT") {
		p.space()
		if p.keyword("EXISTS") {
			return cmpExpr{path: path, op: "notexists"}, nil
		}
		return nil, p.fail("expected EXISTS after NOT")
	}
	var op string
	for _, o := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if p.eat(o) {
			op = o
			break
		}
	}
	if op == "" {
		return nil, p.fail("expected a comparison operator (= != < > <= >=), IS or NOT EXISTS")
	}
	p.space()
	e := cmpExpr{path: path, op: op}
	if p.pos < len(p.src) && p.src[p.pos] == '"' {
		s, n, err := quoted(p.src, p.pos)
		if err != nil {
			return nil, err
		}
		p.pos = n
		e.str = &s
	} else {
		start := p.pos
		for p.pos < len(p.src) && (isWord(p.src[p.pos]) || p.src[p.pos] == '.' || p.src[p.pos] == '*' || p.src[p.pos] == '+') {
			p.pos++
		}
		word := p.src[start:p.pos]
		if word == "" {
			return nil, p.fail("expected a value")
		}
		if r, ok := parseNumber(word); ok {
			e.num = r
		} else {
			e.str = &word
		}
	}
	if e.num == nil && op != "=" && op != "!=" {
		return nil, p.fail(fmt.Sprintf("the operator %s needs a number", op))
	}
	return e, nil
}

// parseNumber reads a JSON-style number (optionally with a leading +),
// refusing exponents so large they would cost time to expand.
func parseNumber(s string) (*big.Rat, bool) {
	s = strings.TrimPrefix(s, "+")
	if s == "" || !(s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		return nil, false
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, err := strconv.Atoi(s[i+1:])
		if err != nil || exp > 400 || exp < -400 {
			return nil, false
		}
	}
	if !json.Valid([]byte(s)) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

func (p *parser) selector() ([]step, error) {
	p.space()
	if !p.eat("$") {
		return nil, p.fail("expected a selector starting with $")
	}
	var path []step
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == '.':
			p.pos++
			start := p.pos
			for p.pos < len(p.src) && (isWord(p.src[p.pos]) || p.src[p.pos] == '$' || p.src[p.pos] == '@' || p.src[p.pos] == ':') {
				p.pos++
			}
			if p.pos == start {
				return nil, p.fail("expected a member name after .")
			}
			path = append(path, step{name: p.src[start:p.pos], index: -1})
		case c == '[':
			p.pos++
			start := p.pos
			for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
				p.pos++
			}
			n, err := strconv.Atoi(p.src[start:p.pos])
			if err != nil || n > 1<<20 {
				return nil, p.fail("expected an array index")
			}
			if !p.eat("]") {
				return nil, p.fail("expected ]")
			}
			path = append(path, step{index: n})
		default:
			if len(path) == 0 {
				return nil, p.fail("expected .field or [index] after $")
			}
			return path, nil
		}
	}
	return path, nil
}
