package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/patternc/patternc/compiler"
)

// Formats lists the output formats of Write.
var Formats = []string{"text", "json", "sarif", "github"}

// Counts tallies findings by severity.
func (r *Result) Counts() (errs, warns, infos int) {
	for _, f := range r.Findings {
		switch f.Severity {
		case compiler.SeverityError:
			errs++
		case compiler.SeverityWarning:
			warns++
		default:
			infos++
		}
	}
	return
}

// AtOrAbove reports whether some finding is at least as severe as level.
func (r *Result) AtOrAbove(level compiler.Severity) bool {
	for _, f := range r.Findings {
		if f.Severity <= level {
			return true
		}
	}
	return false
}

// Write prints the findings in one of Formats.
func (r *Result) Write(w io.Writer, format, version string) error {
	switch format {
	case "text":
		return r.writeText(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // messages quote patterns: keep <, > and & readable
		errs, warns, infos := r.Counts()
		return enc.Encode(struct {
			Files    int       `json:"files"`
			Patterns int       `json:"patterns"`
			Errors   int       `json:"errors"`
			Warnings int       `json:"warnings"`
			Infos    int       `json:"infos"`
			Findings []Finding `json:"findings"`
		}{r.Files, r.Patterns, errs, warns, infos, nonNil(r.Findings)})
	case "sarif":
		return r.writeSARIF(w, version)
	case "github":
		for _, f := range r.Findings {
			cmd := map[compiler.Severity]string{compiler.SeverityError: "error", compiler.SeverityWarning: "warning"}[f.Severity]
			if cmd == "" {
				cmd = "notice"
			}
			fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=patternc %s::%s\n", cmd, ghEscapeProp(filepath.ToSlash(f.File)), f.Line, f.Col, f.Code, ghEscape(f.Message+hintSuffix(f)))
		}
		return nil
	}
	return fmt.Errorf("unknown format %q (use %s)", format, strings.Join(Formats, ", "))
}

func nonNil(f []Finding) []Finding {
	if f == nil {
		return []Finding{}
	}
	return f
}

func hintSuffix(f Finding) string {
	if f.Hint == "" {
		return ""
	}
	return " (hint: " + f.Hint + ")"
}

func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghEscapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func (r *Result) writeText(w io.Writer) error {
	for _, f := range r.Findings {
		d := compiler.Diagnostic{Pos: f.pos, Severity: f.Severity, Code: f.Code, Reason: f.Message, Hint: f.Hint}
		if !d.Pos.IsValid() {
			d.Pos.Line, d.Pos.Col = f.Line, f.Col
		}
		text := d.Format(f.File, r.sources[f.File])
		if f.Where != "" {
			// Say where in the template the pattern is, after the first line.
			if i := strings.IndexByte(text, '\n'); i >= 0 {
				text = text[:i+1] + "  in " + f.Where + "\n" + text[i+1:]
			}
		}
		if _, err := io.WriteString(w, text); err != nil {
			return err
		}
	}
	errs, warns, infos := r.Counts()
	_, err := fmt.Fprintf(w, "%d file%s, %d pattern%s: %d error%s, %d warning%s, %d note%s\n",
		r.Files, s(r.Files), r.Patterns, s(r.Patterns), errs, s(errs), warns, s(warns), infos, s(infos))
	return err
}

func s(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// SARIF 2.1.0, the subset code scanning reads.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

func (r *Result) writeSARIF(w io.Writer, version string) error {
	ruleIdx := map[string]int{}
	var rules []sarifRule
	results := []sarifResult{}
	codes := make([]string, 0)
	for _, f := range r.Findings {
		if _, ok := ruleIdx[f.Code]; !ok {
			ruleIdx[f.Code] = -1
			codes = append(codes, f.Code)
		}
	}
	sort.Strings(codes)
	for i, c := range codes {
		ruleIdx[c] = i
		rules = append(rules, sarifRule{ID: c, ShortDescription: sarifMessage{Text: describeCode(c)}})
	}
	for _, f := range r.Findings {
		level := map[compiler.Severity]string{compiler.SeverityError: "error", compiler.SeverityWarning: "warning"}[f.Severity]
		if level == "" {
			level = "note"
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(f.File), URIBaseID: "%SRCROOT%"}}}
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line, StartColumn: f.Col}
		}
		results = append(results, sarifResult{RuleID: f.Code, RuleIndex: ruleIdx[f.Code], Level: level,
			Message: sarifMessage{Text: f.Message + hintSuffix(f)}, Locations: []sarifLocation{loc}})
	}
	if rules == nil {
		rules = []sarifRule{}
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{Tool: sarifTool{Driver: sarifDriver{Name: "patternc", InformationURI: "https://github.com/patternc/patternc",
			Version: version, Rules: rules}}, Results: results}},
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// describeCode is the one-line description of a finding code.
// describeCode is the one-line meaning of a code, from the code tables
// that also write docs/codes.md.
func describeCode(code string) string {
	if ci, ok := compiler.LookupCode(code); ok {
		return ci.Summary
	}
	for _, ci := range Codes {
		if ci.Code == code {
			return ci.Summary
		}
	}
	return "patternc finding " + code
}
