// Package schemas is the runtime's schema registry: registries of JSON
// Schemas with numbered, immutable versions, validation of events against
// them (santhosh-tekuri/jsonschema), and discovery, which infers a schema
// per (source, detail-type) from observed events and writes a new version
// to the discovered-schemas registry whenever the shape changes
// (docs/semantics/runtime.md §4).
package schemas
