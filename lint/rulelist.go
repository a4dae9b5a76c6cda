package lint

import (
	"bytes"
	"strings"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// lintRuleList handles a .jsonl/.ndjson rule list: one rule a line,
// {"id": "...", "dialect": "eventbridge|sns-attributes|sns-body",
// "pattern": {...}}. A file whose first line is not such an object (an
// events file, a log) is passed over.
func lintRuleList(fr *fileResult) {
	lines := bytes.Split(fr.src, []byte("\n"))
	first := true
	for n, raw := range lines {
		fr.budget.step()
		line := bytes.TrimRight(raw, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		v, err := source.ParseJSON(line, source.Limits{MaxSize: MaxFileSize})
		isRule := err == nil && member(v, "id") != nil && member(v, "pattern") != nil
		if first {
			first = false
			if !isRule {
				fr.skipped = "JSON lines that are not a rule list"
				return
			}
		}
		lineNo := n + 1
		at := func(p source.Pos) source.Pos { return source.Pos{Line: lineNo, Col: p.Col, Offset: p.Offset} }
		if err != nil {
			pos := source.Pos{Line: 1, Col: 1}
			if se, ok := err.(*source.Error); ok {
				pos = se.Pos
			}
			fr.addAt(at(pos), compiler.SeverityError, compiler.CodeSyntax, "", "failed to parse JSON: %s", err)
			continue
		}
		if !isRule || memberText(v, "id") == "" {
			fr.addAt(at(v.Pos), compiler.SeverityError, CodeRuleFile, "", `rule list: each line must be {"id": "...", "dialect": "...", "pattern": {...}}`)
			continue
		}
		remap(v, func(p source.Pos) source.Pos {
			if !p.IsValid() {
				return p
			}
			return at(p)
		})
		id := memberText(v, "id")
		s := site{name: id, where: "rule " + id, target: TargetBus, dialect: compiler.EventBridge}
		if dn := member(v, "dialect"); dn != nil {
			d, err := compiler.ParseDialect(strings.ToLower(dn.Text), "")
			if err != nil {
				fr.addAt(dn.Pos, compiler.SeverityError, CodeRuleFile, s.where, "rule list: %v", err)
				continue
			}
			s.dialect = d
			if d.IsSNS() {
				s.target = TargetSNS
			}
		}
		p := member(v, "pattern")
		if p.Kind == source.String {
			fr.embedded(p.Text, plainMap(newLineStarts(nil), p.Pos), s, nil)
			continue
		}
		fr.checkPattern(p, s, nil)
	}
	if first {
		fr.skipped = "empty"
	}
}
