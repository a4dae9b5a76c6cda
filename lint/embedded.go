package lint

import (
	"sort"
	"strings"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// A pattern written as a JSON string inside YAML, JSON or HCL is read with
// the JSON reader, which gives positions inside the string; a posMap
// carries them back into the user's file.
type posMap func(inner source.Pos) source.Pos

// lineStarts indexes the byte offset of each line of a file.
type lineStarts []int

func newLineStarts(src []byte) lineStarts {
	ls := lineStarts{0}
	for i, c := range src {
		if c == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

// pos builds a full position from a 1-based line and column.
func (ls lineStarts) pos(line, col int) source.Pos {
	if line < 1 || line > len(ls) {
		return source.Pos{Line: line, Col: col}
	}
	return source.Pos{Offset: ls[line-1] + col - 1, Line: line, Col: col}
}

// line returns the text of a 1-based line.
func (ls lineStarts) line(src []byte, line int) string {
	if line < 1 || line > len(ls) {
		return ""
	}
	end := len(src)
	if line < len(ls) {
		end = ls[line] - 1
	}
	return strings.TrimRight(string(src[ls[line-1]:end]), "\r")
}

// blockMap maps a multi-line text whose line k stands on file line
// firstLine+k (YAML block scalars, heredocs): each text line is found in
// its file line to learn the indentation that was removed.
func blockMap(src []byte, ls lineStarts, firstLine int, text string) posMap {
	lines := strings.Split(text, "\n")
	base := make([]int, len(lines))
	for k, l := range lines {
		fileLine := ls.line(src, firstLine+k)
		i := -1
		if strings.TrimSpace(l) != "" {
			i = strings.Index(fileLine, l)
		}
		if i < 0 {
			i = len(fileLine) - len(strings.TrimLeft(fileLine, " \t"))
		}
		base[k] = i + 1
	}
	return func(p source.Pos) source.Pos {
		k := p.Line - 1
		if k < 0 || k >= len(base) {
			return ls.pos(firstLine, 1)
		}
		return ls.pos(firstLine+k, base[k]+p.Col-1)
	}
}

// quotedMap maps a one-line quoted string whose opening quote stands at
// start: raw is the token with its quotes; escapes (JSON, YAML double
// quotes, HCL) and YAML's doubled single quote shift the columns.
func quotedMap(ls lineStarts, start source.Pos, raw string) posMap {
	// decoded byte offset → raw byte offset
	var table []int
	quote := byte('"')
	if len(raw) > 0 {
		quote = raw[0]
	}
	for i := 1; i < len(raw)-1; {
		c := raw[i]
		switch {
		case quote == '"' && c == '\\' && i+1 < len(raw)-1:
			n := 2
			if raw[i+1] == 'u' {
				n = 6
			}
			table = append(table, i)
			i += n
		case quote == '\'' && c == '\'' && i+1 < len(raw)-1 && raw[i+1] == '\'':
			table = append(table, i)
			i += 2
		default:
			table = append(table, i)
			i++
		}
	}
	return func(p source.Pos) source.Pos {
		off := p.Offset
		rawOff := len(raw) - 1
		if off >= 0 && off < len(table) {
			rawOff = table[off]
		}
		return ls.pos(start.Line, start.Col+rawOff)
	}
}

// plainMap maps a one-line unquoted text starting at start.
func plainMap(ls lineStarts, start source.Pos) posMap {
	return func(p source.Pos) source.Pos { return ls.pos(start.Line, start.Col+p.Offset) }
}

// remap moves every position of a tree through m.
func remap(v *source.Value, m posMap) {
	v.Pos, v.End = m(v.Pos), m(v.End)
	for i := range v.Members {
		v.Members[i].KeyPos = m(v.Members[i].KeyPos)
		remap(v.Members[i].Value, m)
	}
	for _, e := range v.Elems {
		remap(e, m)
	}
}

// embedded reads a pattern given as a JSON string and checks it; syntax
// errors are reported at their place in the file. si (may be nil) holds
// stand-ins already written into text (Fn::Sub placeholders).
func (fr *fileResult) embedded(text string, m posMap, s site, si *standIns) {
	v, err := compiler.ReadJSON([]byte(text), 0)
	if err != nil {
		for _, dg := range err.(compiler.ErrorList) {
			dg.Pos = m(dg.Pos)
			fr.addDiag(dg, s.where)
		}
		fr.patterns++
		fr.rules = append(fr.rules, Rule{Name: s.name, File: fr.file, Pos: m(source.Pos{Line: 1, Col: 1}), Where: s.where, Dialect: s.dialect, Target: s.target})
		return
	}
	remap(v, m)
	fr.checkOpen(v, s, si)
}

// posAt builds a full position from a byte offset.
func (ls lineStarts) posAt(off int) source.Pos {
	i := sort.Search(len(ls), func(i int) bool { return ls[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return source.Pos{Offset: off, Line: i + 1, Col: off - ls[i] + 1}
}
