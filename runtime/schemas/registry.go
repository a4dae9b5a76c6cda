package schemas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/internal/mirror"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// The Schemas API's errors (a restJson service: the status is the code's).
func badRequest(format string, args ...any) *kernel.Error {
	return kernel.Errorf("BadRequestException", 400, format, args...)
}

func forbidden(format string, args ...any) *kernel.Error {
	return kernel.Errorf("ForbiddenException", 403, format, args...)
}

func notFound(format string, args ...any) *kernel.Error {
	return kernel.Errorf("NotFoundException", 404, format, args...)
}

func conflict(format string, args ...any) *kernel.Error {
	return kernel.Errorf("ConflictException", 409, format, args...)
}

// Built-in registries.
const (
	Discovered = "discovered-schemas"
	AWSEvents  = "aws.events"
)

// Schema is one version of a schema.
type Schema struct {
	RegistryName string
	SchemaName   string
	Type         string // JSONSchemaDraft4 or OpenApi3
	Content      string
	Version      string
	CreationDate time.Time
}

// Notify is called after a schema or a version was created; the runtime
// emits "Schema Created" / "Schema Version Created" on the default bus.
type Notify func(detailType string, s Schema)

// Options tune a Registry.
type Options struct {
	// Notify, when set, is told of every schema and version created.
	Notify Notify
	// MinInterval is the least time between two discovery merges for one
	// type (default 1 s): discovery is sampled, off the hot path.
	MinInterval time.Duration
}

// Registry keeps registries, schemas and versions in a store.
type Registry struct {
	env  kernel.Env // ARNs of registries, schemas and discoverers
	st   store.Store
	clk  clock.Clock
	opts Options

	mu       sync.Mutex
	compiled map[string]*jsonschema.Schema // registry/name/version
	inferred map[string]*discovery         // source + "\x00" + detail-type
	// discoverers by id; their buses' events are inferred when STARTED.
	discoverers map[string]*Discoverer
	shared      *mirror.Mirror // discoverers written by other instances (discoverer.go)
}

type discovery struct {
	n    *node
	last time.Time
}

const bucket = "schemas"

// New opens the registry kept in env.Store.
func New(env kernel.Env, opts Options) (*Registry, error) {
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("schemas: %w", err)
	}
	if opts.MinInterval <= 0 {
		opts.MinInterval = time.Second
	}
	r := &Registry{env: env, st: env.Store, clk: env.Clock, opts: opts, compiled: map[string]*jsonschema.Schema{},
		inferred: map[string]*discovery{}, discoverers: map[string]*Discoverer{}, shared: mirror.New(env.Store, bucket, isDiscovererKey)}
	if err := r.loadDiscoverers(context.Background()); err != nil {
		return nil, fmt.Errorf("schemas: loading discoverers: %w", err)
	}
	return r, nil
}

var nameRE = regexp.MustCompile(`^[\.\-_@A-Za-z0-9]{1,385}$`)

func regKey(reg string) []byte { return []byte("r/" + reg) }
func verKey(reg, name string, v int) []byte {
	return fmt.Appendf(nil, "s/%s/%s/%010d", reg, name, v)
}

// CreateRegistry creates a custom registry.
func (r *Registry) CreateRegistry(ctx context.Context, name string) error {
	return r.CreateRegistryWith(ctx, name, "")
}

// CreateRegistryWith creates a custom registry with a description.
func (r *Registry) CreateRegistryWith(ctx context.Context, name, description string) error {
	if name == Discovered || name == AWSEvents {
		return forbidden("Registry %s is managed by patternc.", name)
	}
	if !nameRE.MatchString(name) {
		return badRequest("Registry name %s is not valid.", name)
	}
	if _, err := r.st.Get(ctx, bucket, regKey(name)); err == nil {
		return conflict("Registry %s already exists.", name)
	}
	if len(description) > 256 {
		return badRequest("Description must be at most 256 characters.")
	}
	val, _ := json.Marshal(registryDoc{Description: description})
	var b store.Batch
	b.Put(bucket, regKey(name), val)
	return r.st.Apply(ctx, &b)
}

func (r *Registry) registryExists(ctx context.Context, name string) bool {
	if name == Discovered || name == AWSEvents {
		return true
	}
	_, err := r.st.Get(ctx, bucket, regKey(name))
	return err == nil
}

// CreateSchema creates version "1" of a schema, or, if the schema exists,
// a new version when the canonical content differs (UpdateSchema).
func (r *Registry) CreateSchema(ctx context.Context, registry, name, typ, content string) (Schema, error) {
	if registry == Discovered || registry == AWSEvents {
		return Schema{}, forbidden("Registry %s is managed by patternc.", registry)
	}
	return r.put(ctx, registry, name, typ, content)
}

func (r *Registry) put(ctx context.Context, registry, name, typ, content string) (Schema, error) {
	if !r.registryExists(ctx, registry) {
		return Schema{}, notFound("Registry %s does not exist.", registry)
	}
	if !nameRE.MatchString(name) {
		return Schema{}, badRequest("Schema name %s is not valid.", name)
	}
	if typ != "JSONSchemaDraft4" && typ != "OpenApi3" {
		return Schema{}, badRequest("Type must be JSONSchemaDraft4 or OpenApi3.")
	}
	if len(content) == 0 || len(content) > 100000 {
		return Schema{}, badRequest("Content must be 1 to 100000 characters.")
	}
	canon, err := canonical(content)
	if err != nil {
		return Schema{}, badRequest("Content is not valid JSON: %v", err)
	}
	if typ == "JSONSchemaDraft4" {
		if _, err := compile(canon); err != nil {
			return Schema{}, badRequest("Content is not a valid JSON Schema: %v", err)
		}
	}
	latest, err := r.Describe(ctx, registry, name, "")
	next := 1
	if err == nil {
		if c, _ := canonical(latest.Content); c == canon && latest.Type == typ {
			return latest, nil // identical content: no new version
		}
		v, _ := strconv.Atoi(latest.Version)
		next = v + 1
	}
	s := Schema{RegistryName: registry, SchemaName: name, Type: typ, Content: content, Version: strconv.Itoa(next), CreationDate: r.clk.Now().UTC()}
	val, _ := json.Marshal(s)
	var b store.Batch
	b.Put(bucket, verKey(registry, name, next), val)
	if err := r.st.Apply(ctx, &b); err != nil {
		return Schema{}, err
	}
	if r.opts.Notify != nil {
		if next == 1 {
			r.opts.Notify("Schema Created", s)
		} else {
			r.opts.Notify("Schema Version Created", s)
		}
	}
	return s, nil
}

// Describe returns a version of a schema ("" for the latest).
func (r *Registry) Describe(ctx context.Context, registry, name, version string) (Schema, error) {
	var found []byte
	if version != "" {
		v, err := strconv.Atoi(version)
		if err == nil {
			found, _ = r.st.Get(ctx, bucket, verKey(registry, name, v))
		}
	} else {
		prefix := fmt.Appendf(nil, "s/%s/%s/", registry, name)
		end := append(append([]byte(nil), prefix...), 0xff)
		if err := r.st.Scan(ctx, bucket, prefix, end, func(k, v []byte) bool {
			found = append(found[:0], v...)
			return true
		}); err != nil {
			return Schema{}, err
		}
	}
	if found == nil {
		return Schema{}, notFound("Schema %s/%s does not exist.", registry, name)
	}
	var s Schema
	err := json.Unmarshal(found, &s)
	return s, err
}

// List lists the latest version of every schema of a registry.
func (r *Registry) List(ctx context.Context, registry string) ([]Schema, error) {
	latest := map[string][]byte{}
	prefix := []byte("s/" + registry + "/")
	end := append(append([]byte(nil), prefix...), 0xff)
	err := r.st.Scan(ctx, bucket, prefix, end, func(k, v []byte) bool {
		rest := string(k[len(prefix):])
		latest[rest[:strings.LastIndexByte(rest, '/')]] = append([]byte(nil), v...)
		return true
	})
	var out []Schema
	for _, v := range latest {
		var s Schema
		if json.Unmarshal(v, &s) == nil {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SchemaName < out[j].SchemaName })
	return out, err
}

func canonical(content string) (string, error) {
	v, err := decode([]byte(content))
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func compile(content string) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft4
	if err := c.AddResource("schema.json", strings.NewReader(content)); err != nil {
		return nil, err
	}
	return c.Compile("schema.json")
}

// Validate checks event against a JSON Schema version ("" for the latest)
// and returns the version used; the error is the first failure as
// "{json-pointer}: {reason}".
func (r *Registry) Validate(registry, name, version string, event []byte) (string, error) {
	ctx := context.Background()
	s, err := r.Describe(ctx, registry, name, version)
	if err != nil {
		return version, err
	}
	if s.Type != "JSONSchemaDraft4" {
		return s.Version, nil // OpenApi3 content is stored, not validated against
	}
	key := registry + "/" + name + "/" + s.Version
	r.mu.Lock()
	sch := r.compiled[key]
	r.mu.Unlock()
	if sch == nil {
		if sch, err = compile(s.Content); err != nil {
			return s.Version, err
		}
		r.mu.Lock()
		r.compiled[key] = sch
		r.mu.Unlock()
	}
	v, err := decode(event)
	if err != nil {
		return s.Version, fmt.Errorf(": event is not JSON: %v", err)
	}
	if err := sch.Validate(v); err != nil {
		if ve, ok := err.(*jsonschema.ValidationError); ok {
			leaf := ve
			for len(leaf.Causes) > 0 {
				leaf = leaf.Causes[0]
			}
			return s.Version, fmt.Errorf("%s: %s", pointer(leaf.InstanceLocation), leaf.Message)
		}
		return s.Version, err
	}
	return s.Version, nil
}

func pointer(loc string) string {
	if loc == "" {
		return "/"
	}
	return loc
}

// SchemaName is the discovered schema's name: {source}@{DetailTypeInPascalCase}.
func SchemaName(source, detailType string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(detailType, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(w)
		b.WriteString(strings.ToUpper(string(rs[0])))
		b.WriteString(string(rs[1:]))
	}
	return source + "@" + b.String()
}

// Observe merges an event into the inferred schema of its (source,
// detail-type) and writes a new version of discovered-schemas when the
// merged schema changed. Samples arriving within MinInterval of the last
// merge for the same type are skipped.
func (r *Registry) Observe(ctx context.Context, event []byte) error {
	v, err := decode(event)
	if err != nil {
		return err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("schemas: event is not an object")
	}
	src, _ := m["source"].(string)
	dt, _ := m["detail-type"].(string)
	key := src + "\x00" + dt
	now := r.clk.Now()
	r.mu.Lock()
	d := r.inferred[key]
	if d == nil {
		d = &discovery{n: newNode()}
		r.inferred[key] = d
	} else if now.Sub(d.last) < r.opts.MinInterval {
		r.mu.Unlock()
		return nil
	}
	d.last = now
	d.n.observe(v, 0)
	content := render(d.n, src, dt)
	r.mu.Unlock()
	_, err = r.put(ctx, Discovered, SchemaName(src, dt), "JSONSchemaDraft4", string(bytes.TrimSpace(content)))
	return err
}
