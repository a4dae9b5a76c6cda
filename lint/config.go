package lint

import (
	"bytes"
	_ "embed"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"go.yaml.in/yaml/v3"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// configName is the repository configuration file, found by walking up
// from each linted path to the repository root (a directory holding .git)
// or the file system root.
const configName = ".patternc.yaml"

// ConfigSchema is the JSON Schema of .patternc.yaml.
//
//go:embed schema/config.schema.json
var ConfigSchema []byte

// Config is a parsed .patternc.yaml.
type Config struct {
	File      string // the config file
	Dir       string // its directory: globs are relative to it
	Include   []string
	Exclude   []string
	Patterns  []PatternGlob
	Disable   []string
	FailLevel string // "" when not set
	// Variables are Terraform input variable values (var.NAME), as value
	// trees positioned in the config file.
	Variables map[string]*source.Value

	findings []Finding // the config file's own errors
}

// PatternGlob maps standalone files to a dialect.
type PatternGlob struct {
	Files   string
	Dialect compiler.Dialect
}

// configs finds and caches the configuration of each directory.
type configs struct {
	off   bool
	mu    sync.Mutex
	byDir map[string]*Config
	files map[string]*Config
}

func newConfigs(off bool) *configs {
	return &configs{off: off, byDir: map[string]*Config{}, files: map[string]*Config{}}
}

// forPath returns the configuration governing p (nil if none).
func (cs *configs) forPath(p string, isDir bool) *Config {
	if cs == nil || cs.off {
		return nil
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil
	}
	dir := abs
	if !isDir {
		dir = filepath.Dir(abs)
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.lookup(dir)
}

func (cs *configs) lookup(dir string) *Config {
	if c, ok := cs.byDir[dir]; ok {
		return c
	}
	var c *Config
	file := filepath.Join(dir, configName)
	if _, err := os.Stat(file); err == nil {
		c = cs.files[file]
		if c == nil {
			c = loadConfig(file)
			cs.files[file] = c
		}
	} else if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		if parent := filepath.Dir(dir); parent != dir {
			c = cs.lookup(parent)
		}
	}
	cs.byDir[dir] = c
	return c
}

// all returns every config file loaded, for their own findings.
func (cs *configs) all() []*Config {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	out := make([]*Config, 0, len(cs.files))
	for _, c := range cs.files {
		out = append(out, c)
	}
	return out
}

var (
	configSchemaOnce sync.Once
	configSchemaC    *jsonschema.Schema
	configSchemaErr  error
)

func configSchema() (*jsonschema.Schema, error) {
	configSchemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		if err := c.AddResource("config.schema.json", bytes.NewReader(ConfigSchema)); err != nil {
			configSchemaErr = err
			return
		}
		configSchemaC, configSchemaErr = c.Compile("config.schema.json")
	})
	return configSchemaC, configSchemaErr
}

// LoadConfig reads and validates one .patternc.yaml. Its errors (L005,
// with positions) are in Findings; a config with errors is not applied.
func LoadConfig(file string) (*Config, []Finding) {
	c := loadConfig(file)
	return c, c.findings
}

func loadConfig(file string) (cfg *Config) {
	c := &Config{File: file, Dir: filepath.Dir(file)}
	fr := &fileResult{file: file, budget: newBudget(0)}
	bad := func() *Config {
		return &Config{File: file, Dir: c.Dir, findings: fr.findings}
	}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(errBudget)
			if !ok {
				panic(r)
			}
			fr.budgetExceeded(e)
			cfg = bad()
		}
	}()
	if !fr.read() {
		return bad()
	}
	var n yaml.Node
	if err := yaml.Unmarshal(fr.src, &n); err != nil {
		fr.addAt(source.Pos{Line: 1, Col: 1}, compiler.SeverityError, CodeConfig, "", "not valid YAML: %v", err)
		return bad()
	}
	if len(n.Content) == 0 {
		return c
	}
	dc := newDoc(fr.src, fr.budget)
	fr.budget.maxNodes = countYAML(&n, 0) + aliasAllowance
	root := dc.fromYAML(n.Content[0], 0)
	s, err := configSchema()
	if err != nil {
		fr.addAt(source.Pos{Line: 1, Col: 1}, compiler.SeverityError, CodeConfig, "", "internal: config schema: %v", err)
		return bad()
	}
	if !validate(fr, s, root, CodeConfig, "config") {
		return bad()
	}
	c.Include = stringList(member(root, "include"))
	c.Exclude = stringList(member(root, "exclude"))
	c.Disable = stringList(member(root, "disable"))
	c.FailLevel = memberText(root, "fail-level")
	if pl := member(root, "patterns"); pl != nil {
		for _, p := range pl.Elems {
			d := compiler.EventBridge
			if memberText(p, "dialect") == "sns" {
				d, _ = compiler.ParseDialect("sns", memberText(p, "scope"))
			}
			c.Patterns = append(c.Patterns, PatternGlob{Files: memberText(p, "files"), Dialect: d})
		}
	}
	if vars := member(member(root, "terraform"), "variables"); vars != nil {
		c.Variables = map[string]*source.Value{}
		for _, m := range vars.Members {
			c.Variables[m.Key] = m.Value
		}
	}
	return c
}

func stringList(v *source.Value) []string {
	if v == nil {
		return nil
	}
	var out []string
	for _, e := range v.Elems {
		out = append(out, e.Text)
	}
	return out
}

// rel is p relative to the config's directory, with forward slashes.
func (c *Config) rel(p string) (string, bool) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	r, err := filepath.Rel(c.Dir, abs)
	if err != nil || strings.HasPrefix(r, "..") {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// includes applies include and exclude globs.
func (c *Config) includes(p string) bool {
	if c == nil {
		return true
	}
	r, ok := c.rel(p)
	if !ok {
		return true
	}
	for _, g := range c.Exclude {
		if globMatch(g, r) {
			return false
		}
	}
	if len(c.Include) == 0 {
		return true
	}
	for _, g := range c.Include {
		if globMatch(g, r) {
			return true
		}
	}
	return false
}

// dialectFor returns the dialect the config gives a standalone file.
func (c *Config) dialectFor(p string) (compiler.Dialect, bool) {
	if c == nil {
		return 0, false
	}
	r, ok := c.rel(p)
	if !ok {
		return 0, false
	}
	for _, pg := range c.Patterns {
		if globMatch(pg.Files, r) {
			return pg.Dialect, true
		}
	}
	return 0, false
}

// disables reports a code the config leaves out.
func (c *Config) disables(code string) bool {
	if c == nil {
		return false
	}
	for _, d := range c.Disable {
		if strings.EqualFold(d, code) {
			return true
		}
	}
	return false
}

// globMatch matches a slash-separated path against a glob in which ** is
// any number of path segments and every other segment is a path.Match
// pattern. A glob without a slash matches the base name at any depth, as
// .gitignore does.
func globMatch(glob, p string) bool {
	glob = strings.TrimPrefix(glob, "./")
	if !strings.Contains(glob, "/") {
		glob = "**/" + glob
	}
	return matchSegs(strings.Split(glob, "/"), strings.Split(p, "/"))
}

func matchSegs(g, p []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			for len(g) > 0 && g[0] == "**" {
				g = g[1:]
			}
			if len(g) == 0 {
				return true
			}
			for i := range p {
				if matchSegs(g, p[i:]) {
					return true
				}
			}
			return false
		}
		if len(p) == 0 {
			return false
		}
		if ok, err := path.Match(g[0], p[0]); err != nil || !ok {
			return false
		}
		g, p = g[1:], p[1:]
	}
	return len(p) == 0
}
