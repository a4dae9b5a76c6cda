package schemas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/patternc/patternc/runtime/store"
)

// registryDoc is what the store keeps of a custom registry.
type registryDoc struct {
	Description string `json:",omitempty"`
}

// RegistryInfo describes a registry.
type RegistryInfo struct {
	Name, Arn, Description string
}

// RegistryARN is the ARN of registry name.
func (r *Registry) RegistryARN(name string) string {
	return r.env.ARN("schemas", "registry/"+name).String()
}

// SchemaARN is the ARN of a schema.
func (r *Registry) SchemaARN(registry, name string) string {
	return r.env.ARN("schemas", "schema/"+registry+"/"+name).String()
}

func builtin(name string) bool { return name == Discovered || name == AWSEvents }

// DescribeRegistry describes a registry, built-in or custom.
func (r *Registry) DescribeRegistry(ctx context.Context, name string) (RegistryInfo, error) {
	info := RegistryInfo{Name: name, Arn: r.RegistryARN(name)}
	switch name {
	case Discovered:
		info.Description = "Schemas discovered on event buses (written by patternc's discovery)."
		return info, nil
	case AWSEvents:
		info.Description = "Schemas of AWS services (empty in patternc)."
		return info, nil
	}
	val, err := r.st.Get(ctx, bucket, regKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return info, notFound("Registry %s does not exist.", name)
	}
	if err != nil {
		return info, err
	}
	var d registryDoc
	_ = json.Unmarshal(val, &d) // registries made before descriptions hold "{}"
	info.Description = d.Description
	return info, nil
}

// ListRegistries lists the registries in name order: the built-in ones
// and the custom ones.
func (r *Registry) ListRegistries(ctx context.Context) ([]RegistryInfo, error) {
	names := []string{AWSEvents, Discovered}
	prefix := []byte("r/")
	err := r.st.Scan(ctx, bucket, prefix, []byte("r0"), func(k, v []byte) bool {
		names = append(names, string(k[len(prefix):]))
		return true
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]RegistryInfo, 0, len(names))
	for _, n := range names {
		info, err := r.DescribeRegistry(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// UpdateRegistry changes a custom registry's description.
func (r *Registry) UpdateRegistry(ctx context.Context, name, description string) (RegistryInfo, error) {
	if builtin(name) {
		return RegistryInfo{}, forbidden("Registry %s is managed by patternc.", name)
	}
	if _, err := r.DescribeRegistry(ctx, name); err != nil {
		return RegistryInfo{}, err
	}
	if len(description) > 256 {
		return RegistryInfo{}, badRequest("Description must be at most 256 characters.")
	}
	val, _ := json.Marshal(registryDoc{Description: description})
	var b store.Batch
	b.Put(bucket, regKey(name), val)
	if err := r.st.Apply(ctx, &b); err != nil {
		return RegistryInfo{}, err
	}
	return r.DescribeRegistry(ctx, name)
}

// DeleteRegistry deletes a custom registry and its schemas.
func (r *Registry) DeleteRegistry(ctx context.Context, name string) error {
	if builtin(name) {
		return forbidden("Registry %s is managed by patternc.", name)
	}
	if _, err := r.DescribeRegistry(ctx, name); err != nil {
		return err
	}
	var b store.Batch
	for _, p := range []string{"s/" + name + "/", "d/" + name + "/"} {
		if err := r.collect(ctx, &b, []byte(p)); err != nil {
			return err
		}
	}
	b.Delete(bucket, regKey(name)) // last: a crash leaves the registry, never orphans
	return r.st.Apply(ctx, &b)
}

// collect adds the deletion of every key under prefix to b.
func (r *Registry) collect(ctx context.Context, b *store.Batch, prefix []byte) error {
	end := append(append([]byte(nil), prefix...), 0xff)
	return r.st.Scan(ctx, bucket, prefix, end, func(k, v []byte) bool {
		b.Delete(bucket, append([]byte(nil), k...))
		return true
	})
}

func descKey(registry, name string) []byte { return []byte("d/" + registry + "/" + name) }

// Description is a schema's description ("" when none).
func (r *Registry) Description(ctx context.Context, registry, name string) string {
	v, err := r.st.Get(ctx, bucket, descKey(registry, name))
	if err != nil {
		return ""
	}
	return string(v)
}

// SetDescription sets a schema's description (at most 256 characters).
func (r *Registry) SetDescription(ctx context.Context, registry, name, description string) error {
	if len(description) > 256 {
		return badRequest("Description must be at most 256 characters.")
	}
	var b store.Batch
	if description == "" {
		b.Delete(bucket, descKey(registry, name))
	} else {
		b.Put(bucket, descKey(registry, name), []byte(description))
	}
	return r.st.Apply(ctx, &b)
}

// Versions lists every version of a schema, oldest first.
func (r *Registry) Versions(ctx context.Context, registry, name string) ([]Schema, error) {
	var out []Schema
	prefix := fmt.Appendf(nil, "s/%s/%s/", registry, name)
	end := append(append([]byte(nil), prefix...), 0xff)
	var bad error
	err := r.st.Scan(ctx, bucket, prefix, end, func(k, v []byte) bool {
		var s Schema
		if bad = json.Unmarshal(v, &s); bad != nil {
			return false
		}
		out = append(out, s)
		return true
	})
	if err == nil {
		err = bad
	}
	if err == nil && len(out) == 0 {
		err = notFound("Schema %s/%s does not exist.", registry, name)
	}
	return out, err
}

// DeleteSchema deletes a schema and all its versions.
func (r *Registry) DeleteSchema(ctx context.Context, registry, name string) error {
	if registry == AWSEvents {
		return forbidden("Registry %s is managed by patternc.", registry)
	}
	if _, err := r.Versions(ctx, registry, name); err != nil {
		return err
	}
	var b store.Batch
	if err := r.collect(ctx, &b, fmt.Appendf(nil, "s/%s/%s/", registry, name)); err != nil {
		return err
	}
	b.Delete(bucket, descKey(registry, name))
	return r.st.Apply(ctx, &b)
}

// DeleteSchemaVersion deletes one version of a schema.
func (r *Registry) DeleteSchemaVersion(ctx context.Context, registry, name, version string) error {
	if registry == AWSEvents {
		return forbidden("Registry %s is managed by patternc.", registry)
	}
	v, err := strconv.Atoi(version)
	if err != nil || v < 1 {
		return badRequest("SchemaVersion %s is not valid.", version)
	}
	if _, err := r.st.Get(ctx, bucket, verKey(registry, name, v)); err != nil {
		return notFound("Schema %s/%s version %s does not exist.", registry, name, version)
	}
	var b store.Batch
	b.Delete(bucket, verKey(registry, name, v))
	return r.st.Apply(ctx, &b)
}

// Search returns the latest version of the schemas of a registry whose
// name contains every keyword (case-insensitive, space-separated).
func (r *Registry) Search(ctx context.Context, registry, keywords string) ([]Schema, error) {
	all, err := r.List(ctx, registry)
	if err != nil {
		return nil, err
	}
	words := strings.Fields(strings.ToLower(keywords))
	var out []Schema
	for _, s := range all {
		name := strings.ToLower(s.SchemaName)
		ok := true
		for _, w := range words {
			if !strings.Contains(name, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}
