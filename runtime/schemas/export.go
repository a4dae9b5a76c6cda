package schemas

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
)

// Schema types [AWS].
const (
	JSONSchemaDraft4 = "JSONSchemaDraft4"
	OpenAPI3         = "OpenApi3"
)

// DiscoverSchema infers a schema of type typ from sample events
// (GetDiscoveredSchema): JSONSchemaDraft4 as Infer writes it, or OpenApi3
// with that schema as components.schemas.AWSEvent.
func DiscoverSchema(events []string, typ string) (string, error) {
	if len(events) == 0 || len(events) > 10 {
		return "", badRequest("Events must hold 1 to 10 events.")
	}
	if typ != JSONSchemaDraft4 && typ != OpenAPI3 {
		return "", badRequest("Type must be JSONSchemaDraft4 or OpenApi3.")
	}
	bs := make([][]byte, len(events))
	for i, e := range events {
		if len(e) == 0 || len(e) > 1<<20 {
			return "", badRequest("Event %d must be 1 byte to 1 MB.", i+1)
		}
		bs[i] = []byte(e)
	}
	sch, err := Infer(bs...)
	if err != nil {
		return "", badRequest("Events must be JSON objects: %v", err)
	}
	if typ == JSONSchemaDraft4 {
		return string(sch), nil
	}
	var root map[string]any
	_ = json.Unmarshal(sch, &root) // Infer wrote it
	delete(root, "$schema")
	doc := map[string]any{"openapi": "3.0.0", "info": map[string]any{"version": "1.0.0", "title": "Event"},
		"paths": map[string]any{}, "components": map[string]any{"schemas": map[string]any{"AWSEvent": root}}}
	out, _ := json.Marshal(doc)
	return string(out), nil
}

// Export returns a schema version's content as JSON Schema Draft 4
// (ExportSchema: the only export type AWS offers). An OpenApi3 schema
// becomes its root component (AWSEvent, or the first by name) with the
// other components as definitions and its $refs pointing there.
func (r *Registry) Export(ctx context.Context, registry, name, version, typ string) (Schema, string, error) {
	if typ != JSONSchemaDraft4 {
		return Schema{}, "", badRequest("Type %s is not supported for export: only JSONSchemaDraft4.", typ)
	}
	s, err := r.Describe(ctx, registry, name, version)
	if err != nil {
		return Schema{}, "", err
	}
	if s.Type == JSONSchemaDraft4 {
		return s, s.Content, nil
	}
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(s.Content), &doc); err != nil || len(doc.Components.Schemas) == 0 {
		return Schema{}, "", badRequest("Schema %s/%s version %s has no components.schemas to export.", registry, name, s.Version)
	}
	comps := doc.Components.Schemas
	rootName := "AWSEvent"
	if _, ok := comps[rootName]; !ok {
		names := make([]string, 0, len(comps))
		for n := range comps {
			names = append(names, n)
		}
		sort.Strings(names)
		rootName = names[0]
	}
	root, ok := rewriteRefs(comps[rootName]).(map[string]any)
	if !ok {
		return Schema{}, "", badRequest("Component %s of %s/%s is not a schema object.", rootName, registry, name)
	}
	defs := map[string]any{}
	for n, c := range comps {
		if n != rootName {
			defs[n] = rewriteRefs(c)
		}
	}
	if len(defs) > 0 {
		root["definitions"] = defs
	}
	root["$schema"] = "http://json-schema.org/draft-04/schema#"
	out, err := json.Marshal(root)
	return s, string(out), err
}

// rewriteRefs points OpenAPI component references at definitions.
func rewriteRefs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				x[k] = strings.Replace(s, "#/components/schemas/", "#/definitions/", 1)
			} else {
				x[k] = rewriteRefs(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = rewriteRefs(e)
		}
	}
	return v
}
