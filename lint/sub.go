package lint

import (
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/patternc/patternc/compiler/source"
)

// A pattern written as Fn::Sub / !Sub is a JSON template whose ${…}
// placeholders CloudFormation fills in. lint parses the template string,
// writes the JSON with a typed stand-in for each placeholder (a list where
// a condition list goes, a number inside a numeric range, plain text inside
// a string), checks it, and maps every position back to the template in
// the user's file.

var subLexer = lexer.MustStateful(lexer.Rules{
	"Root": {
		{Name: "Escape", Pattern: `\$\{![^}]*\}`},
		{Name: "Open", Pattern: `\$\{`, Action: lexer.Push("Ref")},
		{Name: "Text", Pattern: `[^$]+|\$`},
	},
	"Ref": {
		{Name: "Name", Pattern: `[A-Za-z0-9_:-]+`},
		{Name: "Dot", Pattern: `\.`},
		{Name: "Close", Pattern: `\}`, Action: lexer.Pop()},
	},
})

// subTemplate is a parsed Fn::Sub string.
type subTemplate struct {
	Parts []*subPart `parser:"@@*"`
}

// subPart is literal text, an escaped literal ${!Literal}, or a
// placeholder ${Name} / ${Resource.Attribute}.
type subPart struct {
	Pos    lexer.Position
	Escape *string `parser:"(  @Escape"`
	Ref    *subRef `parser:"| @@"`
	Text   *string `parser:"| @Text )"`
}

type subRef struct {
	Name  string   `parser:"Open @Name"`
	Attrs []string `parser:"( Dot @Name )* Close"`
}

func (r *subRef) String() string { return strings.Join(append([]string{r.Name}, r.Attrs...), ".") }

var subParser = participle.MustBuild[subTemplate](participle.Lexer(subLexer))

// parseSub parses a Fn::Sub template string.
func parseSub(s string) (*subTemplate, error) { return subParser.ParseString("", s) }

// subSegment maps a run of the generated JSON back to the template: a
// literal run maps byte for byte, a stand-in maps to its placeholder.
type subSegment struct {
	gen, tmpl int
	standIn   bool
}

// holePart is a run of template text or a hole (a placeholder, an
// interpolation) at an offset of the template's own coordinates.
type holePart struct {
	text string
	hole string // non-empty for a hole: its name
	at   int
}

// expandSub writes the JSON a template stands for, with stand-ins (or the
// literal values of vars) for placeholders.
func expandSub(t *subTemplate, vars map[string]string) (string, []subSegment, []subStandIn) {
	var parts []holePart
	for _, p := range t.Parts {
		switch {
		case p.Text != nil:
			parts = append(parts, holePart{text: *p.Text, at: p.Pos.Offset})
		case p.Escape != nil:
			parts = append(parts, holePart{text: "${" + strings.TrimSuffix(strings.TrimPrefix(*p.Escape, "${!"), "}") + "}", at: p.Pos.Offset})
		case p.Ref != nil:
			name := p.Ref.String()
			if val, ok := vars[name]; ok {
				parts = append(parts, holePart{text: val, at: p.Pos.Offset})
				continue
			}
			parts = append(parts, holePart{hole: name, at: p.Pos.Offset})
		}
	}
	return expandHoles(parts)
}

// expandHoles writes a template's text with a typed stand-in for each
// hole: plain text inside a JSON string, otherwise what subStandInFor
// picks from the text before it.
func expandHoles(parts []holePart) (string, []subSegment, []subStandIn) {
	var b strings.Builder
	var segs []subSegment
	var ins []subStandIn
	inString, escaped := false, false
	for _, p := range parts {
		if p.hole == "" {
			segs = append(segs, subSegment{gen: b.Len(), tmpl: p.at})
			for i := 0; i < len(p.text); i++ {
				c := p.text[i]
				switch {
				case escaped:
					escaped = false
				case inString && c == '\\':
					escaped = true
				case c == '"':
					inString = !inString
				}
			}
			b.WriteString(p.text)
			continue
		}
		segs = append(segs, subSegment{gen: b.Len(), tmpl: p.at, standIn: true})
		ins = append(ins, subStandIn{name: p.hole, tmpl: p.at, inString: inString})
		if inString {
			b.WriteString("x")
			continue
		}
		b.WriteString(subStandInFor(b.String()))
	}
	return b.String(), segs, ins
}

// subStandIn is one placeholder written as a stand-in.
type subStandIn struct {
	name     string
	tmpl     int
	inString bool
}

// subStandInFor picks the stand-in for a placeholder outside a JSON
// string from what precedes it: a member value is a condition list, a
// bound of a numeric range a number, any other element a string.
func subStandInFor(before string) string {
	t := strings.TrimRight(before, " \t\r\n")
	if strings.HasSuffix(t, ":") {
		return `["` + standInText + `"]`
	}
	t = strings.TrimRight(strings.TrimSuffix(t, ","), " \t\r\n")
	switch {
	case strings.HasSuffix(t, `">"`), strings.HasSuffix(t, `">="`):
		return "-999999999"
	case strings.HasSuffix(t, `"<"`), strings.HasSuffix(t, `"<="`):
		return "999999999"
	case strings.HasSuffix(t, `"="`):
		return "0"
	}
	return `"` + standInText + `"`
}

// genToTemplate maps an offset of the generated JSON to the template.
func genToTemplate(segs []subSegment, off int) int {
	i := len(segs) - 1
	for i > 0 && segs[i].gen > off {
		i--
	}
	if i < 0 {
		return 0
	}
	s := segs[i]
	if s.standIn {
		return s.tmpl
	}
	return s.tmpl + off - s.gen
}

// templatePos turns an offset of a template string into a position inside
// it (1-based line and column), as the file's posMap expects.
func templatePos(tmpl string, off int) source.Pos {
	if off > len(tmpl) {
		off = len(tmpl)
	}
	line := 1 + strings.Count(tmpl[:off], "\n")
	col := off + 1
	if nl := strings.LastIndexByte(tmpl[:off], '\n'); nl >= 0 {
		col = off - nl
	}
	return source.Pos{Offset: off, Line: line, Col: col}
}

// subPattern checks a pattern given as Fn::Sub: arg is the template
// string, or [template, {Var: value}]. It reports false when the template
// cannot be read (the caller leaves the pattern unchecked).
func subPattern(fr *fileResult, dc *doc, arg *source.Value, s site) bool {
	tv := arg
	vars := map[string]string{}
	if arg.Kind == source.Array {
		if len(arg.Elems) != 2 || arg.Elems[0].Kind != source.String || arg.Elems[1].Kind != source.Object {
			return false
		}
		tv = arg.Elems[0]
		for _, m := range arg.Elems[1].Members {
			if _, computed := dc.opaque[m.Value]; !computed && m.Value.Kind == source.String {
				vars[m.Key] = m.Value.Text
			}
		}
	}
	if tv.Kind != source.String {
		return false
	}
	t, err := parseSub(tv.Text)
	if err != nil {
		return false
	}
	text, segs, ins := expandSub(t, vars)
	fileMap := dc.mapString(tv)
	m := func(p source.Pos) source.Pos {
		return fileMap(templatePos(tv.Text, genToTemplate(segs, p.Offset)))
	}
	si := &standIns{at: map[[2]int]bool{}}
	for _, in := range ins {
		p := fileMap(templatePos(tv.Text, in.tmpl))
		if len(si.names) == 0 {
			si.first = p
		}
		si.names = append(si.names, "${"+in.name+"}")
		if !in.inString {
			si.at[[2]int{p.Line, p.Col}] = true
		}
	}
	fr.embedded(text, m, s, si)
	return true
}
