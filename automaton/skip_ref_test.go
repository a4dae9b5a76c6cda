package automaton

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// skipContainerRef is the byte-wise definition skipContainer is fuzzed
// against: the same grammar, one byte and one call at a time, with the
// number, string and literal scanners of scan.go.
func skipContainerRef(d []byte, i, depth int) (int, error) {
	type open struct{ obj bool }
	var stack []open
	for {
		// At a value.
		if i >= len(d) {
			return i, &SyntaxError{i, "unexpected end of input"}
		}
		var err error
		switch c := d[i]; {
		case c == '{' || c == '[':
			if depth+len(stack) >= 1000 || len(stack) >= 16*64 {
				return i, &SyntaxError{i, "nesting deeper than the limit of 1000 levels"}
			}
			stack = append(stack, open{c == '{'})
			i = skipWS(d, i+1)
			if i >= len(d) {
				return i, &SyntaxError{i, "unexpected end of input"}
			}
			if d[i] == c+2 {
				i++
				stack = stack[:len(stack)-1]
				break
			}
			if c == '{' {
				if i, err = skipMemberNameRef(d, i); err != nil {
					return i, err
				}
			}
			continue
		case c == '"':
			i, err = skipString(d, i)
		case c == '-' || (c >= '0' && c <= '9'):
			i, _, err = scanNumberShape(d, i)
		case c == 't' || c == 'f' || c == 'n':
			i, _, err = scanLiteral(d, i)
		default:
			return i, &SyntaxError{i, fmt.Sprintf("unexpected character %q", c)}
		}
		if err != nil {
			return i, err
		}
		for {
			if len(stack) == 0 {
				return i, nil
			}
			i = skipWS(d, i)
			if i >= len(d) {
				return i, &SyntaxError{i, "unexpected end of input"}
			}
			top := stack[len(stack)-1]
			if d[i] == ',' {
				i = skipWS(d, i+1)
				if top.obj {
					if i, err = skipMemberNameRef(d, i); err != nil {
						return i, err
					}
				} else if i >= len(d) {
					return i, &SyntaxError{i, "unexpected end of input in an array"}
				}
				break
			}
			if (top.obj && d[i] == '}') || (!top.obj && d[i] == ']') {
				i++
				stack = stack[:len(stack)-1]
				continue
			}
			return i, &SyntaxError{i, "expected ',' or a closing bracket"}
		}
	}
}

func skipMemberNameRef(d []byte, i int) (int, error) {
	if i >= len(d) || d[i] != '"' {
		return i, &SyntaxError{i, "expected a double-quoted member name"}
	}
	i, err := skipString(d, i)
	if err != nil {
		return i, err
	}
	i = skipWS(d, i)
	if i >= len(d) || d[i] != ':' {
		return i, &SyntaxError{i, "expected ':' after a member name"}
	}
	i = skipWS(d, i+1)
	if i >= len(d) {
		return i, &SyntaxError{i, "expected a value"}
	}
	return i, nil
}

// TestSkipContainerDeep holds skipContainer to its byte-wise definition
// on containers nested past the 64 levels its bit word holds (where it
// skips the deeper ones by a call of their own) and up to the limit of
// 1000 levels, whole and damaged.
func TestSkipContainerDeep(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	for n := 0; n < 3000; n++ {
		levels := 1 + r.Intn(140)
		if n%50 == 0 {
			levels = 990 + r.Intn(20)
		}
		var b strings.Builder
		closers := make([]byte, 0, levels)
		for k := 0; k < levels; k++ {
			if r.Intn(2) == 0 {
				b.WriteString(`{"k":`)
				closers = append(closers, '}')
			} else {
				b.WriteString(`[1,`)
				closers = append(closers, ']')
			}
		}
		b.WriteString(`"v"`)
		for k := len(closers) - 1; k >= 0; k-- {
			if r.Intn(4) == 0 { // a second member or element
				if closers[k] == '}' {
					b.WriteString(`,"x":2`)
				} else {
					b.WriteString(`,2`)
				}
			}
			b.WriteByte(closers[k])
		}
		data := []byte(b.String())
		for _, d := range [][]byte{data, data[:r.Intn(len(data)+1)], damage(r, data)} {
			if len(d) == 0 || d[0] != '{' && d[0] != '[' {
				continue
			}
			for _, depth := range []int{0, 1 + r.Intn(900)} {
				end, err := skipContainer(d, 0, depth)
				refEnd, refErr := skipContainerRef(d, 0, depth)
				if end != refEnd || fmt.Sprint(err) != fmt.Sprint(refErr) {
					t.Fatalf("%d levels from depth %d: skipContainer %d %v, byte-wise %d %v", levels, depth, end, err, refEnd, refErr)
				}
			}
		}
	}
}

// damage returns a copy of data with one byte changed to a byte that
// matters to the grammar.
func damage(r *rand.Rand, data []byte) []byte {
	d := bytes.Clone(data)
	d[r.Intn(len(d))] = "{}[],:\" x1"[r.Intn(10)]
	return d
}

// TestNumberTail: a number near the end of the input (numberTail, from
// zero-padded words) is read as the byte-wise scanner reads it, at every
// distance from the end and from the start of the input.
func TestNumberTail(t *testing.T) {
	for _, num := range []string{"0", "-0", "7", "-", "89.28", "1234567", "12345678", "1234567.1", "1234567.", "123.4567890123",
		"1.5e3", "01", "-1.", "3.25E1", "0.00000001", "1234.56789012345", "-9999999.99999999"} {
		for _, tail := range []string{"", "}", "}}", ",\"a\":1}", "e", "."} {
			for pre := 0; pre < 20; pre++ {
				d := []byte(strings.Repeat(" ", pre) + num + tail)
				end, sh, err := scanNumberShape(d, pre)
				got, gotSh := numberShape(d, pre)
				if (err == nil) != (got >= 0) || (err == nil && (got != end || gotSh != sh)) {
					t.Fatalf("%q from %d: numberShape %d %+v, scanNumberShape %d %+v %v", d, pre, got, gotSh, end, sh, err)
				}
			}
		}
	}
}

// TestEmptyContainers: an empty object or array nobody names, read in
// line by the object loop, is accepted exactly where it is valid JSON,
// and a mismatched pair is an error at the same byte as skipContainer's.
func TestEmptyContainers(t *testing.T) {
	mt := compileAll(t, compiler.EventBridge, `{"a":["x"]}`).NewMatcher()
	for _, ev := range []string{`{"x":[]}`, `{"x":{}}`, `{"x":[},"a":"x"}`, `{"x":{]}`, `{"x":[] ,"a":"x"}`, `{"x":[ ]}`,
		`{"x":{},"y":[],"a":"x"}`, `{"x":[]`, `{"x":[`, `{"x":{}}}`, `{"x":[]]}`} {
		_, err := mt.Match(nil, []byte(ev))
		if (err == nil) != json.Valid([]byte(ev)) {
			t.Errorf("%s: %v", ev, err)
		}
		i := strings.Index(ev, ":") + 1
		if _, want := skipContainer([]byte(ev), i, 1); want != nil && (err == nil || !strings.Contains(err.Error(), want.Error()[strings.Index(want.Error(), "at byte"):])) {
			t.Errorf("%s: %v, skipContainer says %v", ev, err, want)
		}
	}
}

// TestSkipContainerStopBlocks holds skipContainer to its byte-wise
// definition where it finds the strings' and names' first stops from the
// 64-byte masks (asciiStopMask): strings and names of every length up to
// past a block, holding an escape, a non-ASCII character, invalid UTF-8,
// a control character or nothing of those at every offset, starting at
// every offset of a block, and the input cut short or damaged.
func TestSkipContainerStopBlocks(t *testing.T) {
	r := rand.New(rand.NewSource(13))
	odd := []string{"", `\"`, `\\`, `\u00e9`, `\x`, "\xc3\xa9", "\xe6\x9d\xb1", "\xc3", "\xff", "\x01", "\t", `\`}
	for n := 0; n < 4000; n++ {
		var b strings.Builder
		obj := r.Intn(2) == 0
		if obj {
			b.WriteString("{")
		} else {
			b.WriteString("[")
		}
		for k := r.Intn(6); k > 0; k-- { // shift the strings through the blocks
			if obj {
				fmt.Fprintf(&b, `"%s":%d,`, strings.Repeat("n", r.Intn(9)), k)
			} else {
				fmt.Fprintf(&b, `"%s",`, strings.Repeat("s", r.Intn(9)))
			}
		}
		for k := 1 + r.Intn(8); k > 0; k-- {
			s := strings.Repeat("a", r.Intn(90))
			if p := r.Intn(len(s) + 1); r.Intn(3) > 0 {
				s = s[:p] + odd[r.Intn(len(odd))] + s[p:]
			}
			if obj {
				name := strings.Repeat("m", r.Intn(80))
				if r.Intn(4) == 0 {
					name += odd[r.Intn(len(odd))]
				}
				fmt.Fprintf(&b, `"%s":"%s"`, name, s)
			} else {
				fmt.Fprintf(&b, `"%s"`, s)
			}
			if k > 1 {
				b.WriteString(",")
			}
		}
		if obj {
			b.WriteString("}")
		} else {
			b.WriteString("]")
		}
		b.WriteString(strings.Repeat(" ", r.Intn(70)))
		data := []byte(b.String())
		for _, d := range [][]byte{data, data[:1+r.Intn(len(data))], damage(r, data)} {
			if d[0] != '{' && d[0] != '[' {
				continue
			}
			end, err := skipContainer(d, 0, 0)
			refEnd, refErr := skipContainerRef(d, 0, 0)
			if end != refEnd || fmt.Sprint(err) != fmt.Sprint(refErr) {
				t.Fatalf("%q: skipContainer %d %v, byte-wise %d %v", d, end, err, refEnd, refErr)
			}
		}
	}
}

// TestNumberWordsLong: integers of every length up to twenty digits,
// signed or not, with a leading zero or not, and whatever follows them
// (numberWords reads those of up to fifteen digits in two words), are
// read as the byte-wise scanner reads them.
func TestNumberWordsLong(t *testing.T) {
	for n := 1; n <= 20; n++ {
		for _, lead := range []string{"1", "0", "-1", "-0", "9"} {
			num := lead + strings.Repeat("7", n-1)
			for _, tail := range []string{",\"a\":1}", "}", ".5,", ".,", "e3,", "E+1]", "-", "x", " ", "0"} {
				d := []byte(num + tail + strings.Repeat(" ", 20))
				end, sh, err := scanNumberShape(d, 0)
				got, gotSh := numberShape(d, 0)
				if (err == nil) != (got >= 0) || (err == nil && (got != end || gotSh != sh)) {
					t.Fatalf("%q: numberShape %d %+v, scanNumberShape %d %+v %v", d, got, gotSh, end, sh, err)
				}
				if w, intEnd := numberWords(d, 0); w >= 0 && (w != end || intEnd != sh.intEnd || err != nil) {
					t.Fatalf("%q: numberWords %d %d, scanNumberShape %d %+v %v", d, w, intEnd, end, sh, err)
				}
			}
		}
	}
}

// TestSkipContainerLiterals: true, false and null, whole, cut short,
// misspelt or run on, in arrays and objects and at the end of the input,
// are read as the byte-wise definition reads them.
func TestSkipContainerLiterals(t *testing.T) {
	for _, lit := range []string{"true", "false", "null", "tru", "fals", "nul", "falsE", "fa1se", "truex", "nulll", "t", "f", "n", "trUe", "nill"} {
		for _, tail := range []string{"]", ",1]", "", " ]", "}", ",true]", ",false}", "e]"} {
			for _, d := range []string{"[" + lit + tail, `{"a":` + lit + tail, `[[` + lit + `]` + tail} {
				end, err := skipContainer([]byte(d), 0, 0)
				refEnd, refErr := skipContainerRef([]byte(d), 0, 0)
				if end != refEnd || fmt.Sprint(err) != fmt.Sprint(refErr) {
					t.Fatalf("%q: skipContainer %d %v, byte-wise %d %v", d, end, err, refEnd, refErr)
				}
			}
		}
	}
}
