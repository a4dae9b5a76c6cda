package automaton

import "fmt"

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
