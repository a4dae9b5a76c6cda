package compiler

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Wildcard complexity (docs/semantics/patterns.md §4.5, §4.5.1) is event-ruler's measure
// over event-ruler's own automaton layout, so it is computed on a model of
// that layout: the rule's $or sub-rules, in the engine's order, each a
// chain of name states over its sorted keys, each name state holding one
// value machine per field (complexity_machine.go), measured by a subset
// construction (complexity_eval.go).

// ComplexityCap is where event-ruler's evaluator stops counting
// (MachineComplexityEvaluator(100)): a measure is exact up to it.
const ComplexityCap = 100

// Complexity is a pattern's wildcard complexity and the value machine that
// gives it.
type Complexity struct {
	// Value is the complexity, at most the limit it was measured with.
	Value int
	// AtLeast is set when the measure stopped early, at the limit or out of
	// effort (complexity_effort.go): Value is then a lower bound.
	AtLeast bool
	// Path is the field whose value machine gives Value ("" when Value is
	// 0); After lists the fields the rule must match first to reach that
	// machine, in the engine's (sorted) order, empty for a machine at the
	// root.
	Path  string
	After []string
}

// WildcardComplexity measures a checked pattern as EventBridge does,
// stopping at limit (at most ComplexityCap; 0 means ComplexityCap): the
// result is exact below limit and limit otherwise. exists:false conditions
// are measured as if absent (event-ruler scores the fields after them 0,
// a quirk patternc does not copy).
func WildcardComplexity(p *Pattern, limit int) Complexity {
	if p == nil || p.Root == nil {
		return Complexity{}
	}
	return measureRule(p.Root, limit, false, newEffort(complexitySteps))
}

// measureRule measures a rule up to limit. With quirk it measures as
// event-ruler does: a field whose list is only {"exists": false} is a link
// its evaluator never follows, so the fields sorting after it in that
// sub-rule are not measured.
func measureRule(root *Object, limit int, quirk bool, e *effort) Complexity {
	if limit <= 0 || limit > ComplexityCap {
		limit = ComplexityCap
	}
	if !hasGlobs(root) {
		return Complexity{} // nothing counts: most patterns stop here
	}
	r := &ruleModel{pats: map[string]*vpattern{}, effort: e, root: &nameState{}}
	for _, sub := range subRules(root) {
		if e.spend(1 + len(sub)); e.out() {
			return Complexity{Value: limit, AtLeast: true}
		}
		lists := map[string][]*vpattern{}
		keys := make([]string, 0, len(sub))
		for k, conds := range sub {
			// A list of only exists:false has no value patterns.
			lists[k] = r.patterns(conds)
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return javaLess(keys[i], keys[j]) })
		kept := keys[:0]
		for _, k := range keys {
			if len(lists[k]) > 0 {
				kept = append(kept, k)
			} else if quirk {
				break
			}
		}
		if keys = kept; len(keys) == 0 {
			continue
		}
		r.addStep(r.root, keys, 0, lists)
		if e.out() {
			return Complexity{Value: limit, AtLeast: true}
		}
	}
	best := Complexity{}
	seen := map[*nameState]bool{}
	var walk func(ns *nameState, after []string) bool
	walk = func(ns *nameState, after []string) bool {
		if seen[ns] {
			return false
		}
		seen[ns] = true
		for _, k := range ns.keys {
			vm := ns.machines[k]
			n, out := measureMachine(vm, limit, e)
			if n > best.Value || out {
				best = Complexity{Value: max(n, best.Value), Path: k, After: append([]string(nil), after...)}
			}
			if out || n >= limit {
				best.AtLeast = true
				return true
			}
			next := append(after[:len(after):len(after)], k)
			for _, ms := range vm.nextStates() {
				if walk(ms, next) {
					return true
				}
			}
		}
		return false
	}
	walk(r.root, nil)
	return best
}

// hasGlobs reports whether any condition of o counts for the measure: a
// wildcard or an anything-but wildcard.
func hasGlobs(o *Object) bool {
	for _, m := range o.Members {
		switch m.Kind {
		case MemberLeaf:
			for _, c := range m.Conds {
				if c.Op == OpWildcard || c.Op == OpAnythingBut && c.Exclude.Op == OpWildcard {
					return true
				}
			}
		case MemberObject:
			if hasGlobs(m.Object) {
				return true
			}
		case MemberOr:
			for _, b := range m.Branches {
				if hasGlobs(b) {
					return true
				}
			}
		}
	}
	return false
}

// nameState is a point in a rule's chain of fields: one value machine per
// field that may come next.
type nameState struct {
	machines map[string]*valueMachine
	keys     []string
}

// nextStates lists, once each and in a stable order, the name states the
// machine's matches lead to.
func (vm *valueMachine) nextStates() []*nameState {
	var out []*nameState
	seen := map[*nameState]bool{}
	keys := make([]matchKey, 0, len(vm.matches))
	for k := range vm.matches {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].pat < keys[j].pat })
	for _, k := range keys {
		if ns := vm.matches[k].next; !seen[ns] {
			seen[ns] = true
			out = append(out, ns)
		}
	}
	okeys := make([]string, 0, len(vm.other))
	for k := range vm.other {
		okeys = append(okeys, k)
	}
	sort.Strings(okeys)
	for _, k := range okeys {
		if ns := vm.other[k]; !seen[ns] {
			seen[ns] = true
			out = append(out, ns)
		}
	}
	return out
}

// ruleModel is event-ruler's machine holding one rule.
type ruleModel struct {
	root   *nameState
	pats   map[string]*vpattern // one pattern per key, so equal means same
	effort *effort
}

// addStep adds key keys[i] of one sub-rule at name state ns, then the
// following keys at every name state its values lead to (event-ruler's
// GenericMachine.addStep): each value after the first is offered the name
// state of the value before it.
func (r *ruleModel) addStep(ns *nameState, keys []string, i int, lists map[string][]*vpattern) {
	r.effort.spend(1)
	key := keys[i]
	if ns.machines == nil {
		ns.machines = map[string]*valueMachine{}
	}
	vm := ns.machines[key]
	if vm == nil {
		vm = newValueMachine(key, r.effort)
		ns.machines[key] = vm
		ns.keys = append(ns.keys, key)
	}
	var last *nameState
	var next []*nameState
	for _, p := range lists[key] {
		last = vm.add(p, last)
		if !containsState(next, last) {
			next = append(next, last)
		}
		if r.effort.out() {
			return
		}
	}
	if i+1 == len(keys) {
		return
	}
	for _, n := range next {
		r.addStep(n, keys, i+1, lists)
	}
}

func containsState(list []*nameState, s *nameState) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// subRules splits $or as event-ruler's JsonRuleCompiler does, in its
// order: fields before an $or are copied into each branch's sub-rules,
// branch after branch, and later fields are added to all of them; a later
// list for the same path replaces an earlier one.
func subRules(root *Object) []map[string][]Condition {
	var rules []map[string][]Condition
	var walk func(o *Object, prefix string)
	walk = func(o *Object, prefix string) {
		for _, m := range o.Members {
			path := m.Key
			if prefix != "" {
				path = prefix + "." + m.Key
			}
			switch m.Kind {
			case MemberLeaf:
				if len(rules) == 0 {
					rules = append(rules, map[string][]Condition{})
				}
				for _, r := range rules {
					r[path] = m.Conds
				}
			case MemberObject:
				walk(m.Object, path)
			case MemberOr:
				current := rules
				rules = nil
				for _, b := range m.Branches {
					saved := rules
					rules = copyRules(current)
					if len(rules) == 0 {
						rules = append(rules, map[string][]Condition{})
					}
					walk(b, prefix)
					rules = append(saved, rules...)
				}
			}
		}
	}
	walk(root, "")
	return rules
}

func copyRules(rules []map[string][]Condition) []map[string][]Condition {
	out := make([]map[string][]Condition, len(rules))
	for i, r := range rules {
		c := make(map[string][]Condition, len(r))
		for k, v := range r {
			c[k] = v
		}
		out[i] = c
	}
	return out
}

// patterns turns a condition list into event-ruler's patterns, in order.
// Only values that start with a JSON quote are laid out in the model; the
// others (numbers, ranges, CIDR blocks, true/false/null, exists) only need
// their identity, for the name states they lead to.
func (r *ruleModel) patterns(conds []Condition) []*vpattern {
	var out []*vpattern
	add := func(p *vpattern) { out = append(out, p) }
	for _, c := range conds {
		switch c.Op {
		case OpEquals:
			switch c.Value.Kind {
			case LitString:
				if _, ip := ParseIP(c.Value.Text); ip {
					continue // event-ruler keeps only the address block
				}
				v := `"` + c.Value.Text + `"`
				add(r.pattern("exact", []string{v}, false, byteChars))
			case LitNumber:
				if c.Value.Exact {
					add(r.pattern("numeric-equals "+strconv.FormatFloat(c.Value.Num, 'g', -1, 64), nil, false, nil))
				}
				add(r.pattern("exact "+c.Value.Text, nil, false, nil))
			case LitTrue:
				add(r.pattern("exact true", nil, false, nil))
			case LitFalse:
				add(r.pattern("exact false", nil, false, nil))
			case LitNull:
				add(r.pattern("exact null", nil, false, nil))
			}
		case OpPrefix:
			v := `"` + c.Text
			if c.IgnoreCase {
				add(r.pattern("prefix-equals-ignore-case", []string{v}, false, caseChars))
			} else {
				add(r.pattern("prefix", []string{v}, false, byteChars))
			}
		case OpSuffix:
			v := c.Text + `"`
			if c.IgnoreCase {
				add(r.pattern("suffix-equals-ignore-case", []string{v}, false, reversedCaseChars))
			} else {
				add(r.pattern("suffix", []string{v}, false, reversedByteChars))
			}
		case OpEqualsIgnoreCase:
			add(r.pattern("equals-ignore-case", []string{`"` + c.Text + `"`}, false, caseChars))
		case OpWildcard:
			add(r.pattern("wildcard", []string{`"` + c.Glob.String() + `"`}, true, globChars))
		case OpAnythingBut:
			ex := c.Exclude
			switch ex.Op {
			case OpEquals:
				var vs []string
				numeric := false
				for _, l := range ex.Values {
					if l.Kind == LitNumber {
						numeric = true
						vs = append(vs, strconv.FormatFloat(l.Num, 'g', -1, 64))
					} else {
						vs = append(vs, `"`+l.Text+`"`)
					}
				}
				if numeric {
					add(r.pattern("anything-but-numeric", javaHashOrder(vs), false, nil))
				} else {
					add(r.pattern("anything-but", javaHashOrder(vs), false, byteChars))
				}
			case OpPrefix:
				add(r.pattern("anything-but-prefix", javaHashOrder(quoteAll(ex.Texts, `"`, "")), false, byteChars))
			case OpSuffix:
				add(r.pattern("anything-but-suffix", javaHashOrder(quoteAll(ex.Texts, "", `"`)), false, reversedByteChars))
			case OpEqualsIgnoreCase:
				add(r.pattern("anything-but-equals-ignore-case", javaHashOrder(quoteAll(ex.Texts, `"`, `"`)), false, caseChars))
			case OpWildcard:
				texts := make([]string, len(ex.Globs))
				for i, g := range ex.Globs {
					texts[i] = `"` + g.String() + `"`
				}
				add(r.pattern("anything-but-wildcard", javaHashOrder(texts), true, globChars))
			}
		case OpNumeric:
			rg := c.Range
			add(r.pattern("numeric "+strconv.FormatBool(rg.HasLo)+strconv.FormatFloat(rg.Lo, 'g', -1, 64)+strconv.FormatBool(rg.LoIncl)+
				strconv.FormatBool(rg.HasHi)+strconv.FormatFloat(rg.Hi, 'g', -1, 64)+strconv.FormatBool(rg.HiIncl), nil, false, nil))
		case OpExists:
			if c.Exists {
				add(r.pattern("exists", nil, false, nil))
			}
		case OpCIDR:
			add(r.pattern("cidr "+c.Prefix.String(), nil, false, nil))
		}
	}
	return out
}

// pattern returns the one pattern of this type and these values; chars
// lays a value out (nil: not laid out).
func (r *ruleModel) pattern(kind string, values []string, counted bool, chars func(string) []inChar) *vpattern {
	key := kind + "\x00" + strings.Join(values, "\x00")
	if p, ok := r.pats[key]; ok {
		return p
	}
	p := &vpattern{key: key, counted: counted, suffix: suffixKinds[kind]}
	if chars != nil {
		for _, v := range values {
			p.values = append(p.values, chars(v))
		}
	}
	r.pats[key] = p
	return p
}

// suffixKinds are the pattern types that event-ruler counts in its
// machine's hasSuffix (addMatchReferences): once one is in a machine, later
// values are laid out with its suffix-aware reuse check (converges).
var suffixKinds = map[string]bool{"suffix": true, "suffix-equals-ignore-case": true, "anything-but-suffix": true}

func quoteAll(texts []string, before, after string) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = before + t + after
	}
	return out
}

func byteChars(v string) []inChar {
	out := make([]inChar, len(v))
	for i := 0; i < len(v); i++ {
		out[i] = inChar{kind: inByte, b: v[i]}
	}
	return out
}

// reversedByteChars lays a suffix out backwards, as event-ruler matches
// suffixes by reading the value from its end.
func reversedByteChars(v string) []inChar {
	out := make([]inChar, len(v))
	for i := 0; i < len(v); i++ {
		out[len(v)-1-i] = inChar{kind: inByte, b: v[i]}
	}
	return out
}

// globChars lays a glob out: `\*` and `\\` are literal bytes, a bare star a
// star step. The text was checked, so every escape is one of those two.
func globChars(v string) []inChar {
	var out []inChar
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '*':
			out = append(out, inChar{kind: inStar})
		case c == '\\' && i+1 < len(v):
			i++
			out = append(out, inChar{kind: inByte, b: v[i]})
		default:
			out = append(out, inChar{kind: inByte, b: c})
		}
	}
	return out
}

// caseChars lays an equals-ignore-case value out as event-ruler does: per
// UTF-16 unit, its bytes when it has no case, else one step that is the
// set of its lower- and upper-case spellings.
func caseChars(v string) []inChar {
	var out []inChar
	for _, u := range utf16.Encode([]rune(v)) {
		set := unitCaseSet(u)
		if len(set) == 1 {
			for _, b := range set[0] {
				out = append(out, inChar{kind: inByte, b: b})
			}
			continue
		}
		out = append(out, inChar{kind: inSet, set: set})
	}
	return out
}

// reversedCaseChars is caseChars for a suffix: units from the end, each
// spelling's bytes reversed.
func reversedCaseChars(v string) []inChar {
	fwd := caseChars(v)
	out := make([]inChar, len(fwd))
	for i, c := range fwd {
		if c.kind != inSet {
			out[len(fwd)-1-i] = c
			continue
		}
		set := make([][]byte, len(c.set))
		for k, seq := range c.set {
			r := make([]byte, len(seq))
			for j := range seq {
				r[len(seq)-1-j] = seq[j]
			}
			set[k] = r
		}
		out[len(fwd)-1-i] = inChar{kind: inSet, set: set}
	}
	return out
}

// caseSet is the set of spellings of the first UTF-16 unit of s.
func caseSet(s string) [][]byte {
	r, _ := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return [][]byte{[]byte(s)}
	}
	return unitCaseSet(utf16.Encode([]rune{r})[0])
}

// unitCaseSet spells one UTF-16 unit in lower and upper case, as Java's
// String.toLowerCase/toUpperCase(Locale.ROOT) do for a one-unit string
// (a lone surrogate encodes as '?').
func unitCaseSet(u uint16) [][]byte {
	if utf16.IsSurrogate(rune(u)) {
		return [][]byte{{'?'}}
	}
	r := rune(u)
	lower, upper := string(unicode.ToLower(r)), string(unicode.ToUpper(r))
	switch r {
	case 'ß':
		upper = "SS"
	case 'İ':
		lower = "i\u0307"
	}
	if lower == upper {
		return [][]byte{[]byte(lower)}
	}
	return [][]byte{[]byte(lower), []byte(upper)}
}

// javaLess orders keys as Java's String.compareTo: by UTF-16 units.
func javaLess(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

// javaHashOrder drops duplicates and orders values as a java.util.HashSet
// of them iterates (event-ruler keeps anything-but values in one): by
// bucket of the final table, then by insertion.
func javaHashOrder(values []string) []string {
	var uniq []string
	seen := map[string]bool{}
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			uniq = append(uniq, v)
		}
	}
	n := 16
	for float64(len(uniq)) > 0.75*float64(n) {
		n *= 2
	}
	bucket := func(s string) int {
		var h int32
		for _, u := range utf16.Encode([]rune(s)) {
			h = 31*h + int32(u)
		}
		x := uint32(h)
		return int((x ^ x>>16) & uint32(n-1))
	}
	sort.SliceStable(uniq, func(i, j int) bool { return bucket(uniq[i]) < bucket(uniq[j]) })
	return uniq
}
