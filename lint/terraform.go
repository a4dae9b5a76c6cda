package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// Terraform is linted a module (a directory) at a time, because locals and
// variables span its files. lint finds patterns in
// aws_cloudwatch_event_rule and aws_cloudwatch_event_archive
// .event_pattern, aws_sns_topic_subscription.filter_policy (+ scope), the
// filters of aws_pipes_pipe and aws_lambda_event_source_mapping, and the
// inputs of the public terraform-aws-modules eventbridge (rules, archives,
// pipes), sns (subscriptions) and lambda (event_source_mapping) modules.
//
// jsonencode({...}) is read straight from the HCL (exact positions);
// heredocs and strings are read as JSON, interpolations standing in as
// holes. local.NAME is resolved (a pattern held by a local is checked once,
// at its definition); var.NAME takes its value from .patternc.yaml
// (terraform.variables) or its literal default; any other reference
// (data., resources, functions) is a computed value: a stand-in, never an
// error. dynamic blocks are noted, not expanded.

// tfModule is one directory of .tf files.
type tfModule struct {
	files   map[string]*tfFile // by file name as HCL reports it
	order   []*tfFile
	locals  map[string]*hclsyntax.Attribute
	vars    map[string]*hclsyntax.Attribute // variable defaults
	cfgVars map[string]*source.Value
	checked map[string]bool // locals, variables and files already checked as patterns
	opaque  map[*source.Value]string
	extra   []*tfFile // files read by file() and templatefile()
}

type tfFile struct {
	fr     *fileResult
	ls     lineStarts
	body   *hclsyntax.Body
	report bool
}

func lintTerraformDir(u unit, cfgs *configs, b *budget) []*fileResult {
	m := &tfModule{files: map[string]*tfFile{}, locals: map[string]*hclsyntax.Attribute{}, vars: map[string]*hclsyntax.Attribute{},
		checked: map[string]bool{}, opaque: map[*source.Value]string{}}
	report := map[string]bool{}
	for _, f := range u.files {
		report[f] = true
	}
	names := append([]string(nil), u.files...)
	if entries, err := os.ReadDir(u.tfDir); err == nil {
		for _, e := range entries {
			p := filepath.Join(u.tfDir, e.Name())
			if e.Type().IsRegular() && isTerraformName(p) && !report[p] {
				names = append(names, p)
			}
		}
	}
	sort.Strings(names)
	if cfg := cfgs.forPath(u.tfDir, true); cfg != nil {
		m.cfgVars = cfg.Variables
	}
	var out []*fileResult
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(errBudget)
			if !ok {
				panic(r)
			}
			fr := &fileResult{file: u.files[0]}
			fr.budgetExceeded(e)
			out = []*fileResult{fr}
		}
	}()
	for _, name := range names {
		fr := &fileResult{file: name, budget: b}
		tf := &tfFile{fr: fr, report: report[name]}
		if !fr.read() {
			if tf.report {
				out = append(out, fr)
			}
			continue
		}
		tf.ls = newLineStarts(fr.src)
		f, diags := hclsyntax.ParseConfig(fr.src, name, hcl.InitialPos)
		if diags.HasErrors() {
			if tf.report {
				d := diags[0]
				pos := source.Pos{Line: 1, Col: 1}
				if d.Subject != nil {
					pos = source.Pos{Offset: d.Subject.Start.Byte, Line: d.Subject.Start.Line, Col: d.Subject.Start.Column}
				}
				fr.addAt(pos, compiler.SeverityError, CodeReadError, "", "not valid HCL: %s", d.Summary)
				out = append(out, fr)
			}
			continue
		}
		tf.body = f.Body.(*hclsyntax.Body)
		m.files[name] = tf
		m.order = append(m.order, tf)
		for _, blk := range tf.body.Blocks {
			switch {
			case blk.Type == "locals":
				for n, a := range blk.Body.Attributes {
					m.locals[n] = a
				}
			case blk.Type == "variable" && len(blk.Labels) == 1:
				if a := blk.Body.Attributes["default"]; a != nil {
					m.vars[blk.Labels[0]] = a
				}
			}
		}
	}
	for _, tf := range m.order {
		if tf.report {
			m.lintFile(tf)
		}
	}
	for _, tf := range append(m.order, m.extra...) {
		if tf.report || len(tf.fr.findings) > 0 || len(tf.fr.rules) > 0 {
			out = append(out, tf.fr)
		}
	}
	return out
}

// fileOf returns the file an expression is in.
func (m *tfModule) fileOf(e hclsyntax.Expression) *tfFile {
	return m.files[e.Range().Filename]
}

func tfPos(p hcl.Pos) source.Pos { return source.Pos{Offset: p.Byte, Line: p.Line, Col: p.Column} }

func (m *tfModule) lintFile(tf *tfFile) {
	for _, b := range tf.body.Blocks {
		switch {
		case b.Type == "resource" && len(b.Labels) == 2:
			m.resource(tf, b)
		case b.Type == "module" && len(b.Labels) == 1:
			m.module(tf, b)
		}
	}
}

func (m *tfModule) resource(tf *tfFile, b *hclsyntax.Block) {
	addr := b.Labels[0] + "." + b.Labels[1]
	switch b.Labels[0] {
	case "aws_cloudwatch_event_rule":
		if a := b.Body.Attributes["event_pattern"]; a != nil {
			m.pattern(a.Expr, site{addr, addr + ".event_pattern", TargetBus, compiler.EventBridge, ""}, 0)
		}
	case "aws_cloudwatch_event_archive":
		if a := b.Body.Attributes["event_pattern"]; a != nil {
			m.pattern(a.Expr, site{addr, addr + ".event_pattern", TargetArchive, compiler.EventBridge, ""}, 0)
		}
	case "aws_sns_topic_subscription":
		a := b.Body.Attributes["filter_policy"]
		if a == nil {
			return
		}
		var scope hclsyntax.Expression
		if s := b.Body.Attributes["filter_policy_scope"]; s != nil {
			scope = s.Expr
		}
		if d, ok := m.snsScope(scope, addr+".filter_policy_scope"); ok {
			m.pattern(a.Expr, site{addr, addr + ".filter_policy", TargetSNS, d, ""}, 0)
		}
	case "aws_pipes_pipe":
		m.dynamicNote(tf, b.Body, addr, "source_parameters")
		for _, sp := range blocks(b.Body, "source_parameters") {
			m.dynamicNote(tf, sp.Body, addr+".source_parameters", "filter_criteria")
			for _, fc := range blocks(sp.Body, "filter_criteria") {
				m.filterBlocks(tf, fc, TargetPipe, addr, addr+".source_parameters.filter_criteria")
			}
		}
	case "aws_lambda_event_source_mapping":
		m.dynamicNote(tf, b.Body, addr, "filter_criteria")
		for _, fc := range blocks(b.Body, "filter_criteria") {
			m.filterBlocks(tf, fc, TargetESM, addr, addr+".filter_criteria")
		}
	}
}

// snsScope reads filter_policy_scope (nil: the default).
func (m *tfModule) snsScope(e hclsyntax.Expression, where string) (compiler.Dialect, bool) {
	if e == nil {
		return compiler.SNSAttributes, true
	}
	tf := m.fileOf(e)
	val, diags := e.Value(nil)
	if diags.HasErrors() || !val.IsKnown() || val.IsNull() || val.Type() != cty.String {
		if tf != nil {
			tf.fr.addAt(tfPos(e.Range().Start), compiler.SeverityInfo, CodeUnchecked, where, "filter_policy_scope is computed; checked as MessageAttributes")
		}
		return compiler.SNSAttributes, true
	}
	d, err := compiler.ParseDialect("sns", val.AsString())
	if err != nil {
		if tf != nil {
			tf.fr.addAt(tfPos(e.Range().Start), compiler.SeverityError, "E000", where, "%v", err)
		}
		return 0, false
	}
	return d, true
}

func blocks(b *hclsyntax.Body, typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, c := range b.Blocks {
		if c.Type == typ {
			out = append(out, c)
		}
	}
	return out
}

// dynamicNote notes dynamic blocks of the given types: their content is
// built at plan time, so lint does not check it.
func (m *tfModule) dynamicNote(tf *tfFile, body *hclsyntax.Body, where string, types ...string) {
	for _, d := range blocks(body, "dynamic") {
		if len(d.Labels) != 1 {
			continue
		}
		for _, t := range types {
			if d.Labels[0] == t {
				tf.fr.addAt(tfPos(d.DefRange().Start), compiler.SeverityInfo, CodeUnchecked, where+"."+t,
					"left unchecked: dynamic %q blocks are expanded by Terraform at plan time", t)
			}
		}
	}
}

func (m *tfModule) filterBlocks(tf *tfFile, fc *hclsyntax.Block, target Target, name, where string) {
	m.dynamicNote(tf, fc.Body, where, "filter")
	for i, f := range blocks(fc.Body, "filter") {
		if a := f.Body.Attributes["pattern"]; a != nil {
			m.pattern(a.Expr, site{fmt.Sprintf("%s.filter[%d]", name, i), fmt.Sprintf("%s.filter[%d].pattern", where, i), target, compiler.EventBridge, ""}, 0)
		}
	}
}

// module checks the inputs of the public terraform-aws-modules modules.
func (m *tfModule) module(tf *tfFile, b *hclsyntax.Block) {
	src := b.Body.Attributes["source"]
	if src == nil {
		return
	}
	val, diags := src.Expr.Value(nil)
	if diags.HasErrors() || !val.IsKnown() || val.IsNull() || val.Type() != cty.String {
		return
	}
	source := strings.ToLower(val.AsString())
	kind := ""
	for _, k := range []string{"eventbridge", "sns", "lambda"} {
		if strings.Contains(source, "terraform-aws-modules/"+k+"/") || strings.Contains(source, "terraform-aws-modules/terraform-aws-"+k) {
			kind = k
		}
	}
	addr := "module." + b.Labels[0]
	input := func(name string) hclsyntax.Expression {
		if a := b.Body.Attributes[name]; a != nil {
			return m.resolve(a.Expr, 0)
		}
		return nil
	}
	switch kind {
	case "eventbridge":
		for _, it := range m.items(input("rules")) {
			if p := m.field(it.val, "event_pattern"); p != nil {
				m.pattern(p, site{addr + ".rules." + it.key, addr + ".rules." + it.key + ".event_pattern", TargetBus, compiler.EventBridge, ""}, 0)
			}
		}
		for _, it := range m.items(input("archives")) {
			if p := m.field(it.val, "event_pattern"); p != nil {
				m.pattern(p, site{addr + ".archives." + it.key, addr + ".archives." + it.key + ".event_pattern", TargetArchive, compiler.EventBridge, ""}, 0)
			}
		}
		for _, it := range m.items(input("pipes")) {
			fc := m.field(m.field(it.val, "source_parameters"), "filter_criteria")
			for _, f := range m.items(fc) {
				if p := m.field(f.val, "pattern"); p != nil {
					w := addr + ".pipes." + it.key + ".source_parameters.filter_criteria." + f.key
					m.pattern(p, site{addr + ".pipes." + it.key + "." + f.key, w + ".pattern", TargetPipe, compiler.EventBridge, ""}, 0)
				}
			}
		}
	case "sns":
		for _, it := range m.items(input("subscriptions")) {
			p := m.field(it.val, "filter_policy")
			if p == nil {
				continue
			}
			w := addr + ".subscriptions." + it.key
			if d, ok := m.snsScope(m.field(it.val, "filter_policy_scope"), w+".filter_policy_scope"); ok {
				m.pattern(p, site{w, w + ".filter_policy", TargetSNS, d, ""}, 0)
			}
		}
	case "lambda":
		for _, it := range m.items(input("event_source_mapping")) {
			fc := m.field(it.val, "filter_criteria")
			if fc == nil {
				continue
			}
			w := addr + ".event_source_mapping." + it.key + ".filter_criteria"
			if p := m.field(fc, "pattern"); p != nil {
				m.pattern(p, site{addr + ".event_source_mapping." + it.key, w + ".pattern", TargetESM, compiler.EventBridge, ""}, 0)
				continue
			}
			for _, f := range m.items(fc) {
				if p := m.field(f.val, "pattern"); p != nil {
					m.pattern(p, site{addr + ".event_source_mapping." + it.key + "[" + f.key + "]", w + "[" + f.key + "].pattern", TargetESM, compiler.EventBridge, ""}, 0)
				}
			}
		}
	}
}

type tfItem struct {
	key string
	val hclsyntax.Expression
}

// items lists the entries of an object or tuple constructor (after
// resolving locals); tuple keys are indexes.
func (m *tfModule) items(e hclsyntax.Expression) []tfItem {
	switch x := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		var out []tfItem
		for _, it := range x.Items {
			out = append(out, tfItem{m.keyText(it.KeyExpr), m.resolve(it.ValueExpr, 0)})
		}
		return out
	case *hclsyntax.TupleConsExpr:
		var out []tfItem
		for i, el := range x.Exprs {
			out = append(out, tfItem{fmt.Sprint(i), m.resolve(el, 0)})
		}
		return out
	}
	return nil
}

// field returns an object constructor's attribute.
func (m *tfModule) field(e hclsyntax.Expression, key string) hclsyntax.Expression {
	o, ok := e.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	for _, it := range o.Items {
		if m.keyText(it.KeyExpr) == key {
			return m.resolve(it.ValueExpr, 0)
		}
	}
	return nil
}

// reference names a local or a variable: ("local", name) or ("var", name).
func reference(e hclsyntax.Expression) (string, string, bool) {
	st, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) != 2 {
		return "", "", false
	}
	attr, ok := st.Traversal[1].(hcl.TraverseAttr)
	if !ok {
		return "", "", false
	}
	root := st.Traversal.RootName()
	if root != "local" && root != "var" {
		return "", "", false
	}
	return root, attr.Name, true
}

// resolve follows local.NAME (and var.NAME with a literal default) to the
// expression it stands for.
func (m *tfModule) resolve(e hclsyntax.Expression, depth int) hclsyntax.Expression {
	for ; depth < 20; depth++ {
		root, name, ok := reference(e)
		if !ok {
			return e
		}
		var a *hclsyntax.Attribute
		if root == "local" {
			a = m.locals[name]
		} else if m.cfgVars[name] == nil {
			a = m.vars[name]
		}
		if a == nil {
			return e
		}
		e = a.Expr
	}
	return e
}

// pattern checks one pattern expression.
func (m *tfModule) pattern(e hclsyntax.Expression, s site, depth int) {
	if depth > 20 {
		return
	}
	tf := m.fileOf(e)
	if tf == nil {
		return
	}
	// A pattern held by a local or a variable's default is checked once,
	// at its definition.
	if root, name, ok := reference(e); ok {
		if root == "var" && m.cfgVars[name] != nil {
			m.configValue(tf, e, m.cfgVars[name], s)
			return
		}
		target := m.resolve(e, 0)
		if target == e {
			tf.fr.addAt(tfPos(e.Range().Start), compiler.SeverityInfo, CodeUnchecked, s.where, "left unchecked: the pattern is %s, whose value lint does not know", root+"."+name)
			return
		}
		key := root + "." + name
		if m.checked[key] {
			return
		}
		m.checked[key] = true
		s.name, s.where = key, key
		m.pattern(target, s, depth+1)
		return
	}
	switch x := e.(type) {
	case *hclsyntax.FunctionCallExpr:
		if (x.Name == "file" || x.Name == "templatefile") && len(x.Args) >= 1 && m.fileCall(tf, x, s) {
			return
		}
		if x.Name == "jsonencode" && len(x.Args) == 1 {
			arg := x.Args[0]
			if root, name, ok := reference(arg); ok && !(root == "var" && m.cfgVars[name] != nil) {
				if target := m.resolve(arg, 0); target != arg {
					key := root + "." + name
					if m.checked[key] {
						return
					}
					m.checked[key] = true
					s.name, s.where = key, key
					arg = target
					tf = m.fileOf(arg)
				}
			}
			v := m.value(arg, 0)
			if name, ok := m.computed(v); ok {
				tf.fr.addAt(v.Pos, compiler.SeverityInfo, CodeUnchecked, s.where, "left unchecked: the pattern is %s", name)
				return
			}
			tf.fr.checkPattern(v, s, m.computed)
			return
		}
	case *hclsyntax.TemplateExpr:
		m.template(tf, x, s)
		return
	case *hclsyntax.ParenthesesExpr:
		m.pattern(x.Expression, s, depth+1)
		return
	}
	val, diags := e.Value(nil)
	if diags.HasErrors() || !val.IsWhollyKnown() || val.IsNull() || val.Type() != cty.String {
		tf.fr.addAt(tfPos(e.Range().Start), compiler.SeverityInfo, CodeUnchecked, s.where, "left unchecked: patternc cannot evaluate this expression")
		return
	}
	tf.fr.embedded(val.AsString(), plainMap(tf.ls, tfPos(e.Range().Start)), s, nil)
}

// fileCall checks a pattern read with file("…") or templatefile("…",
// {…}) in the file it names (path.module, path.root and path.cwd are the
// module's directory); the findings belong to that file. It reports false
// when the path cannot be evaluated or the file cannot be read.
func (m *tfModule) fileCall(tf *tfFile, x *hclsyntax.FunctionCallExpr, s site) bool {
	dir, err := filepath.Abs(filepath.Dir(tf.fr.file))
	if err != nil {
		return false
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"path": cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(dir), "root": cty.StringVal(dir), "cwd": cty.StringVal(dir)}),
	}}
	val, diags := x.Args[0].Value(ctx)
	if diags.HasErrors() || !val.IsWhollyKnown() || val.IsNull() || val.Type() != cty.String {
		return false
	}
	p := val.AsString()
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	// Findings name the file as the module's files are named.
	if rel, err := filepath.Rel(dir, p); err == nil {
		p = filepath.Join(filepath.Dir(tf.fr.file), rel)
	}
	ext := m.files[p]
	if ext == nil {
		// Only a regular file (not a link) inside the repository: lint
		// prints lines of what it reads, and a repository must not make it
		// print files from elsewhere on the machine.
		abs, err := filepath.Abs(p)
		if err != nil || !insideRepo(dir, abs) {
			return false
		}
		fr := &fileResult{file: p, budget: tf.fr.budget}
		if info, err := os.Lstat(p); err != nil || !info.Mode().IsRegular() || !fr.read() {
			return false
		}
		ext = &tfFile{fr: fr, ls: newLineStarts(fr.src)}
		m.files[p] = ext
		m.extra = append(m.extra, ext)
	}
	key := x.Name + ":" + p
	if m.checked[key] {
		return true
	}
	m.checked[key] = true
	if x.Name == "file" {
		ext.fr.embedded(string(ext.fr.src), func(p source.Pos) source.Pos { return p }, s, nil)
		return true
	}
	t, diags := hclsyntax.ParseTemplate(ext.fr.src, p, hcl.InitialPos)
	if diags.HasErrors() {
		return false
	}
	switch te := t.(type) {
	case *hclsyntax.TemplateExpr:
		m.template(ext, te, s)
	case *hclsyntax.TemplateWrapExpr:
		ext.fr.addAt(source.Pos{Line: 1, Col: 1, Offset: 0}, compiler.SeverityInfo, CodeUnchecked, s.where, "left unchecked: the template is one interpolation")
	default:
		return false
	}
	return true
}

// insideRepo reports whether file lies under the repository holding dir
// (the nearest ancestor with .git), or under dir when there is none.
func insideRepo(dir, file string) bool {
	root := dir
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			root = d
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	rel, err := filepath.Rel(root, file)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// template checks a string or heredoc holding JSON; interpolations are
// holes with stand-ins.
func (m *tfModule) template(tf *tfFile, x *hclsyntax.TemplateExpr, s site) {
	if len(x.Parts) == 0 {
		return
	}
	start := x.Parts[0].Range().Start
	heredoc := x.Range().Start.Line < start.Line
	if text, ok := literalTemplate(x); ok {
		var pm posMap
		if heredoc || strings.Contains(text, "\n") {
			pm = blockMap(tf.fr.src, tf.ls, start.Line, text)
		} else {
			open := x.Range().Start // the opening quote
			pm = quotedMap(tf.ls, tfPos(open), string(tf.fr.src[open.Byte:x.Range().End.Byte]))
		}
		tf.fr.embedded(text, pm, s, nil)
		return
	}
	var parts []holePart
	for _, p := range x.Parts {
		if lit, ok := p.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String {
			parts = append(parts, holePart{text: lit.Val.AsString(), at: p.Range().Start.Byte})
			continue
		}
		parts = append(parts, holePart{hole: exprName(p), at: p.Range().Start.Byte - 2})
	}
	text, segs, ins := expandHoles(parts)
	pm := func(p source.Pos) source.Pos {
		off := genToTemplate(segs, p.Offset)
		return tf.ls.posAt(off)
	}
	si := &standIns{at: map[[2]int]bool{}}
	for _, in := range ins {
		p := tf.ls.posAt(in.tmpl)
		if len(si.names) == 0 {
			si.first = p
		}
		si.names = append(si.names, in.name)
		if !in.inString {
			si.at[[2]int{p.Line, p.Col}] = true
		}
	}
	tf.fr.embedded(text, pm, s, si)
}

// configValue checks a pattern given by .patternc.yaml for var.NAME; its
// findings are reported at the reference.
func (m *tfModule) configValue(tf *tfFile, e hclsyntax.Expression, cv *source.Value, s site) {
	at := tfPos(e.Range().Start)
	pm := func(source.Pos) source.Pos { return at }
	if cv.Kind == source.String {
		tf.fr.embedded(cv.Text, pm, s, nil)
		return
	}
	v := copyAt(cv, at, 0)
	tf.fr.checkPattern(v, s, nil)
}

// copyAt copies a value tree with every position set to at.
func copyAt(v *source.Value, at source.Pos, depth int) *source.Value {
	out := *v
	out.Pos, out.End = at, at
	if depth > 1000 {
		return &out
	}
	out.Members = make([]source.Member, len(v.Members))
	for i, mm := range v.Members {
		out.Members[i] = source.Member{Key: mm.Key, KeyPos: at, Value: copyAt(mm.Value, at, depth+1)}
	}
	out.Elems = make([]*source.Value, len(v.Elems))
	for i, e := range v.Elems {
		out.Elems[i] = copyAt(e, at, depth+1)
	}
	return &out
}

func (m *tfModule) computed(v *source.Value) (string, bool) {
	n, ok := m.opaque[v]
	return n, ok
}

// exprName names a computed expression for messages.
func exprName(e hclsyntax.Expression) string {
	switch x := e.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return traversalName(x.Traversal)
	case *hclsyntax.RelativeTraversalExpr:
		return exprName(x.Source)
	case *hclsyntax.IndexExpr:
		return exprName(x.Collection)
	case *hclsyntax.FunctionCallExpr:
		return x.Name + "(…)"
	case *hclsyntax.TemplateWrapExpr:
		return exprName(x.Wrapped)
	}
	return "an expression"
}

func traversalName(t hcl.Traversal) string {
	var b strings.Builder
	for i, s := range t {
		if i > 3 {
			break
		}
		switch s := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		}
	}
	return b.String()
}

// literalTemplate returns the text of a template without interpolations.
func literalTemplate(t *hclsyntax.TemplateExpr) (string, bool) {
	if len(t.Parts) == 0 {
		return "", false
	}
	var b strings.Builder
	for _, p := range t.Parts {
		lit, ok := p.(*hclsyntax.LiteralValueExpr)
		if !ok || lit.Val.Type() != cty.String {
			return "", false
		}
		b.WriteString(lit.Val.AsString())
	}
	return b.String(), true
}

// value converts the argument of jsonencode into a value tree, keeping the
// HCL positions and the literal text of numbers. local.NAME and var.NAME
// are resolved where their value is known; every other reference, call or
// interpolated string is a computed value.
func (m *tfModule) value(e hclsyntax.Expression, depth int) *source.Value {
	r := e.Range()
	v := &source.Value{Pos: tfPos(r.Start), End: tfPos(r.End)}
	tf := m.fileOf(e)
	if tf != nil {
		tf.fr.budget.node()
	}
	computed := func() *source.Value {
		v.Kind, v.Text = source.String, standInText
		m.opaque[v] = exprName(e)
		return v
	}
	if depth > 200 || tf == nil {
		return computed()
	}
	switch x := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		v.Kind = source.Object
		for _, item := range x.Items {
			key := m.keyText(item.KeyExpr)
			v.Members = append(v.Members, source.Member{Key: key, KeyPos: tfPos(item.KeyExpr.Range().Start), Value: m.value(item.ValueExpr, depth+1)})
		}
	case *hclsyntax.TupleConsExpr:
		v.Kind = source.Array
		for _, el := range x.Exprs {
			v.Elems = append(v.Elems, m.value(el, depth+1))
		}
	case *hclsyntax.ParenthesesExpr:
		return m.value(x.Expression, depth+1)
	case *hclsyntax.TemplateExpr:
		if text, ok := literalTemplate(x); ok {
			v.Kind, v.Text = source.String, text
			return v
		}
		return computed()
	case *hclsyntax.LiteralValueExpr:
		switch {
		case x.Val.IsNull():
			v.Kind = source.Null
		case x.Val.Type() == cty.Bool:
			v.Kind = source.False
			if x.Val.True() {
				v.Kind = source.True
			}
		case x.Val.Type() == cty.Number:
			v.Kind, v.Text = source.Number, string(tf.fr.src[r.Start.Byte:r.End.Byte])
		case x.Val.Type() == cty.String:
			v.Kind, v.Text = source.String, x.Val.AsString()
		}
	case *hclsyntax.UnaryOpExpr:
		if lit, ok := x.Val.(*hclsyntax.LiteralValueExpr); ok && x.Op == hclsyntax.OpNegate && lit.Val.Type() == cty.Number {
			v.Kind, v.Text = source.Number, strings.ReplaceAll(string(tf.fr.src[r.Start.Byte:r.End.Byte]), " ", "")
			return v
		}
		return computed()
	case *hclsyntax.ScopeTraversalExpr:
		if root, name, ok := reference(x); ok {
			if root == "var" && m.cfgVars[name] != nil {
				return copyAt(m.cfgVars[name], v.Pos, 0)
			}
			if target := m.resolve(x, 0); target != e {
				return m.value(target, depth+1)
			}
		}
		return computed()
	default:
		return computed()
	}
	return v
}

func (m *tfModule) keyText(e hclsyntax.Expression) string {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if t, diags := hcl.AbsTraversalForExpr(k.Wrapped); !diags.HasErrors() && len(t) == 1 {
			return t.RootName()
		}
		e = k.Wrapped
	}
	if t, ok := e.(*hclsyntax.TemplateExpr); ok {
		if text, ok := literalTemplate(t); ok {
			return text
		}
	}
	val, diags := e.Value(nil)
	if !diags.HasErrors() && val.IsKnown() && !val.IsNull() && val.Type() == cty.String {
		return val.AsString()
	}
	return "${…}"
}
