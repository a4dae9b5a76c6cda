package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/schemas"
)

// The schemas adapter: the Schemas API's restJson1 operations over the
// runtime's schema registry (runtime/schemas). Code bindings and resource
// policies are not implemented (UnknownOperationException).
func init() {
	restServices["schemas"] = &restService{name: "schemas", writeError: writeRestJSONError, routes: []restRoute{
		{"GET", "/v1/registries", "ListRegistries", scListRegistries},
		{"POST", "/v1/registries/name/{}", "CreateRegistry", scCreateRegistry},
		{"GET", "/v1/registries/name/{}", "DescribeRegistry", scDescribeRegistry},
		{"PUT", "/v1/registries/name/{}", "UpdateRegistry", scUpdateRegistry},
		{"DELETE", "/v1/registries/name/{}", "DeleteRegistry", scDeleteRegistry},
		{"GET", "/v1/registries/name/{}/schemas", "ListSchemas", scListSchemas},
		{"GET", "/v1/registries/name/{}/schemas/search", "SearchSchemas", scSearchSchemas},
		{"POST", "/v1/registries/name/{}/schemas/name/{}", "CreateSchema", scCreateSchema},
		{"GET", "/v1/registries/name/{}/schemas/name/{}", "DescribeSchema", scDescribeSchema},
		{"PUT", "/v1/registries/name/{}/schemas/name/{}", "UpdateSchema", scUpdateSchema},
		{"DELETE", "/v1/registries/name/{}/schemas/name/{}", "DeleteSchema", scDeleteSchema},
		{"GET", "/v1/registries/name/{}/schemas/name/{}/versions", "ListSchemaVersions", scListSchemaVersions},
		{"DELETE", "/v1/registries/name/{}/schemas/name/{}/version/{}", "DeleteSchemaVersion", scDeleteSchemaVersion},
		{"GET", "/v1/registries/name/{}/schemas/name/{}/export", "ExportSchema", scExportSchema},
		{"POST", "/v1/discover", "GetDiscoveredSchema", scGetDiscoveredSchema},
		{"POST", "/v1/discoverers", "CreateDiscoverer", scCreateDiscoverer},
		{"GET", "/v1/discoverers", "ListDiscoverers", scListDiscoverers},
		{"GET", "/v1/discoverers/id/{}", "DescribeDiscoverer", scDescribeDiscoverer},
		{"PUT", "/v1/discoverers/id/{}", "UpdateDiscoverer", scUpdateDiscoverer},
		{"DELETE", "/v1/discoverers/id/{}", "DeleteDiscoverer", scDeleteDiscoverer},
		{"POST", "/v1/discoverers/id/{}/start", "StartDiscoverer", scStartDiscoverer},
		{"POST", "/v1/discoverers/id/{}/stop", "StopDiscoverer", scStopDiscoverer},
		{"POST", "/tags/{}", "TagResource", scTag},
		{"DELETE", "/tags/{}", "UntagResource", scUntag},
		{"GET", "/tags/{}", "ListTagsForResource", scListTags},
	}}
}

func iso(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func schemaBadRequest(format string, args ...any) *kernel.Error {
	return kernel.Errorf("BadRequestException", 400, format, args...)
}

// scPage pages names with the Schemas API's limit and nextToken.
func scPage(c *restCall, names []string) ([]string, string, error) {
	limit, err := intParam(c.query, "limit")
	if err != nil {
		return nil, "", schemaBadRequest("limit must be a positive integer.")
	}
	picked, next, err := page(names, c.query.Get("nextToken"), limit, 100)
	if err != nil {
		return nil, "", schemaBadRequest("The nextToken is not valid.")
	}
	return picked, next, nil
}

func withNext(out map[string]any, next string) map[string]any {
	if next != "" {
		out["NextToken"] = next
	}
	return out
}

// tagsOf reads a resource's tags ({} when none).
func tagsOf(ctx context.Context, c *restCall, arn string) map[string]string {
	t, _ := c.acct.tags().List(ctx, arn)
	if t == nil {
		t = map[string]string{}
	}
	return t
}

func registryOut(ctx context.Context, c *restCall, info schemas.RegistryInfo) map[string]any {
	return map[string]any{"RegistryName": info.Name, "RegistryArn": info.Arn, "Description": omit(info.Description), "tags": tagsOf(ctx, c, info.Arn)}
}

func scListRegistries(ctx context.Context, c *restCall) (int, any, error) {
	all, err := c.acct.rt.Schemas.ListRegistries(ctx)
	if err != nil {
		return 0, nil, err
	}
	scope := c.query.Get("scope")
	byName := map[string]schemas.RegistryInfo{}
	var names []string
	for _, r := range all {
		aws := r.Name == schemas.AWSEvents
		if (scope == "AWS" && !aws) || (scope == "LOCAL" && aws) || !strings.HasPrefix(r.Name, c.query.Get("registryNamePrefix")) {
			continue
		}
		byName[r.Name] = r
		names = append(names, r.Name)
	}
	picked, next, err := scPage(c, names)
	if err != nil {
		return 0, nil, err
	}
	list := []any{}
	for _, n := range picked {
		o := registryOut(ctx, c, byName[n])
		delete(o, "Description")
		list = append(list, o)
	}
	return http.StatusOK, withNext(map[string]any{"Registries": list}, next), nil
}

func scCreateRegistry(ctx context.Context, c *restCall) (int, any, error) {
	in, err := decodeRest[struct {
		Description string
		Tags        map[string]string `json:"tags"`
	}](c)
	if err != nil {
		return 0, nil, err
	}
	s := c.acct.rt.Schemas
	if err := s.CreateRegistryWith(ctx, c.params[0], in.Description); err != nil {
		return 0, nil, err
	}
	if len(in.Tags) > 0 {
		if err := c.acct.tags().Tag(ctx, s.RegistryARN(c.params[0]), in.Tags); err != nil {
			return 0, nil, err
		}
	}
	info, err := s.DescribeRegistry(ctx, c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, registryOut(ctx, c, info), nil
}

func scDescribeRegistry(ctx context.Context, c *restCall) (int, any, error) {
	info, err := c.acct.rt.Schemas.DescribeRegistry(ctx, c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, registryOut(ctx, c, info), nil
}

func scUpdateRegistry(ctx context.Context, c *restCall) (int, any, error) {
	in, err := decodeRest[struct{ Description string }](c)
	if err != nil {
		return 0, nil, err
	}
	info, err := c.acct.rt.Schemas.UpdateRegistry(ctx, c.params[0], in.Description)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, registryOut(ctx, c, info), nil
}

func scDeleteRegistry(ctx context.Context, c *restCall) (int, any, error) {
	s := c.acct.rt.Schemas
	if err := s.DeleteRegistry(ctx, c.params[0]); err != nil {
		return 0, nil, err
	}
	_ = c.acct.tags().Drop(ctx, s.RegistryARN(c.params[0]))
	return http.StatusNoContent, nil, nil
}

// requireRegistry answers NotFoundException for a registry that does
// not exist (listing an unknown registry is not an empty list).
func requireRegistry(ctx context.Context, c *restCall) error {
	_, err := c.acct.rt.Schemas.DescribeRegistry(ctx, c.params[0])
	return err
}

func scListSchemas(ctx context.Context, c *restCall) (int, any, error) {
	if err := requireRegistry(ctx, c); err != nil {
		return 0, nil, err
	}
	s := c.acct.rt.Schemas
	all, err := s.List(ctx, c.params[0])
	if err != nil {
		return 0, nil, err
	}
	byName := map[string]schemas.Schema{}
	var names []string
	for _, sc := range all {
		if strings.HasPrefix(sc.SchemaName, c.query.Get("schemaNamePrefix")) {
			byName[sc.SchemaName] = sc
			names = append(names, sc.SchemaName)
		}
	}
	picked, next, err := scPage(c, names)
	if err != nil {
		return 0, nil, err
	}
	list := []any{}
	for _, n := range picked {
		sc := byName[n]
		vs, _ := s.Versions(ctx, sc.RegistryName, sc.SchemaName)
		arn := s.SchemaARN(sc.RegistryName, sc.SchemaName)
		list = append(list, map[string]any{"SchemaName": sc.SchemaName, "SchemaArn": arn, "LastModified": iso(sc.CreationDate),
			"VersionCount": len(vs), "tags": tagsOf(ctx, c, arn)})
	}
	return http.StatusOK, withNext(map[string]any{"Schemas": list}, next), nil
}

func scSearchSchemas(ctx context.Context, c *restCall) (int, any, error) {
	kw := c.query.Get("keywords")
	if kw == "" {
		return 0, nil, schemaBadRequest("keywords is required.")
	}
	if err := requireRegistry(ctx, c); err != nil {
		return 0, nil, err
	}
	s := c.acct.rt.Schemas
	found, err := s.Search(ctx, c.params[0], kw)
	if err != nil {
		return 0, nil, err
	}
	var names []string
	for _, sc := range found {
		names = append(names, sc.SchemaName)
	}
	picked, next, err := scPage(c, names)
	if err != nil {
		return 0, nil, err
	}
	list := []any{}
	for _, n := range picked {
		vs, _ := s.Versions(ctx, c.params[0], n)
		var versions []any
		for i := len(vs) - 1; i >= 0; i-- { // newest first
			versions = append(versions, map[string]any{"SchemaVersion": vs[i].Version, "Type": vs[i].Type, "CreatedDate": iso(vs[i].CreationDate)})
		}
		list = append(list, map[string]any{"RegistryName": c.params[0], "SchemaName": n, "SchemaArn": s.SchemaARN(c.params[0], n), "SchemaVersions": versions})
	}
	return http.StatusOK, withNext(map[string]any{"Schemas": list}, next), nil
}

func schemaOut(ctx context.Context, c *restCall, sc schemas.Schema, content bool) map[string]any {
	s := c.acct.rt.Schemas
	arn := s.SchemaARN(sc.RegistryName, sc.SchemaName)
	out := map[string]any{"SchemaName": sc.SchemaName, "SchemaArn": arn, "SchemaVersion": sc.Version, "Type": sc.Type,
		"LastModified": iso(sc.CreationDate), "VersionCreatedDate": iso(sc.CreationDate),
		"Description": omit(s.Description(ctx, sc.RegistryName, sc.SchemaName)), "tags": tagsOf(ctx, c, arn)}
	if content {
		out["Content"] = sc.Content
	}
	return out
}

type schemaIn struct {
	Content, Description, Type string
	Tags                       map[string]string `json:"tags"`
}

func scCreateSchema(ctx context.Context, c *restCall) (int, any, error) {
	in, err := decodeRest[schemaIn](c)
	if err != nil {
		return 0, nil, err
	}
	s := c.acct.rt.Schemas
	reg, name := c.params[0], c.params[1]
	if _, err := s.Describe(ctx, reg, name, ""); err == nil {
		return 0, nil, schemaBadRequest("Schema %s/%s already exists: UpdateSchema adds versions.", reg, name)
	}
	sc, err := s.CreateSchema(ctx, reg, name, in.Type, in.Content)
	if err != nil {
		return 0, nil, err
	}
	if err := s.SetDescription(ctx, reg, name, in.Description); err != nil {
		return 0, nil, err
	}
	if len(in.Tags) > 0 {
		if err := c.acct.tags().Tag(ctx, s.SchemaARN(reg, name), in.Tags); err != nil {
			return 0, nil, err
		}
	}
	return http.StatusCreated, schemaOut(ctx, c, sc, false), nil
}

func scDescribeSchema(ctx context.Context, c *restCall) (int, any, error) {
	sc, err := c.acct.rt.Schemas.Describe(ctx, c.params[0], c.params[1], c.query.Get("schemaVersion"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, schemaOut(ctx, c, sc, true), nil
}

// scUpdateSchema writes a new version when Content changes (Type
// defaults to the schema's) and replaces the description when given.
func scUpdateSchema(ctx context.Context, c *restCall) (int, any, error) {
	in, err := decodeRest[schemaIn](c)
	if err != nil {
		return 0, nil, err
	}
	s := c.acct.rt.Schemas
	reg, name := c.params[0], c.params[1]
	cur, err := s.Describe(ctx, reg, name, "")
	if err != nil {
		return 0, nil, err
	}
	if in.Content != "" {
		typ := in.Type
		if typ == "" {
			typ = cur.Type
		}
		if cur, err = s.CreateSchema(ctx, reg, name, typ, in.Content); err != nil {
			return 0, nil, err
		}
	}
	if in.Description != "" {
		if err := s.SetDescription(ctx, reg, name, in.Description); err != nil {
			return 0, nil, err
		}
	}
	return http.StatusOK, schemaOut(ctx, c, cur, false), nil
}

func scDeleteSchema(ctx context.Context, c *restCall) (int, any, error) {
	s := c.acct.rt.Schemas
	if err := s.DeleteSchema(ctx, c.params[0], c.params[1]); err != nil {
		return 0, nil, err
	}
	_ = c.acct.tags().Drop(ctx, s.SchemaARN(c.params[0], c.params[1]))
	return http.StatusNoContent, nil, nil
}

func scListSchemaVersions(ctx context.Context, c *restCall) (int, any, error) {
	s := c.acct.rt.Schemas
	vs, err := s.Versions(ctx, c.params[0], c.params[1])
	if err != nil {
		return 0, nil, err
	}
	// Versions page in number order; tokens are zero-padded so that the
	// page helper's sort keeps it.
	var keys []string
	byKey := map[string]schemas.Schema{}
	for _, v := range vs {
		k := strings.Repeat("0", 10-len(v.Version)) + v.Version
		keys = append(keys, k)
		byKey[k] = v
	}
	picked, next, err := scPage(c, keys)
	if err != nil {
		return 0, nil, err
	}
	list := []any{}
	for _, k := range picked {
		v := byKey[k]
		list = append(list, map[string]any{"SchemaName": v.SchemaName, "SchemaArn": s.SchemaARN(v.RegistryName, v.SchemaName), "SchemaVersion": v.Version, "Type": v.Type})
	}
	return http.StatusOK, withNext(map[string]any{"SchemaVersions": list}, next), nil
}

func scDeleteSchemaVersion(ctx context.Context, c *restCall) (int, any, error) {
	return http.StatusNoContent, nil, c.acct.rt.Schemas.DeleteSchemaVersion(ctx, c.params[0], c.params[1], c.params[2])
}

func scExportSchema(ctx context.Context, c *restCall) (int, any, error) {
	typ := c.query.Get("type")
	if typ == "" {
		return 0, nil, schemaBadRequest("type is required.")
	}
	s := c.acct.rt.Schemas
	sc, content, err := s.Export(ctx, c.params[0], c.params[1], c.query.Get("schemaVersion"), typ)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"Content": content, "SchemaArn": s.SchemaARN(sc.RegistryName, sc.SchemaName),
		"SchemaName": sc.SchemaName, "SchemaVersion": sc.Version, "Type": typ}, nil
}

func scGetDiscoveredSchema(ctx context.Context, c *restCall) (int, any, error) {
	in, err := decodeRest[struct {
		Events []string
		Type   string
	}](c)
	if err != nil {
		return 0, nil, err
	}
	content, err := schemas.DiscoverSchema(in.Events, in.Type)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"Content": content}, nil
}

func discovererOut(ctx context.Context, c *restCall, d schemas.Discoverer) map[string]any {
	return map[string]any{"DiscovererId": d.DiscovererId, "DiscovererArn": d.DiscovererArn, "SourceArn": d.SourceArn,
		"Description": omit(d.Description), "State": d.State, "CrossAccount": d.CrossAccount, "tags": tagsOf(ctx, c, d.DiscovererArn)}
}

func scCreateDiscoverer(ctx context.Context, c *restCall) (int, any, error) {
	in, err := decodeRest[struct {
		Description, SourceArn string
		CrossAccount           *bool
		Tags                   map[string]string `json:"tags"`
	}](c)
	if err != nil {
		return 0, nil, err
	}
	if in.SourceArn == "" {
		return 0, nil, schemaBadRequest("SourceArn is required.")
	}
	// The bus must exist.
	if _, err := c.acct.rt.Resolve(in.SourceArn); err != nil {
		return 0, nil, schemaBadRequest("SourceArn %s does not name an event bus of this account.", in.SourceArn)
	}
	d, err := c.acct.rt.Schemas.CreateDiscoverer(ctx, in.SourceArn, in.Description, in.CrossAccount)
	if err != nil {
		return 0, nil, err
	}
	if len(in.Tags) > 0 {
		if err := c.acct.tags().Tag(ctx, d.DiscovererArn, in.Tags); err != nil {
			return 0, nil, err
		}
	}
	return http.StatusCreated, discovererOut(ctx, c, d), nil
}

func scListDiscoverers(ctx context.Context, c *restCall) (int, any, error) {
	byID := map[string]schemas.Discoverer{}
	var ids []string
	for _, d := range c.acct.rt.Schemas.ListDiscoverers() {
		if strings.HasPrefix(d.DiscovererId, c.query.Get("discovererIdPrefix")) && strings.HasPrefix(d.SourceArn, c.query.Get("sourceArnPrefix")) {
			byID[d.DiscovererId] = d
			ids = append(ids, d.DiscovererId)
		}
	}
	picked, next, err := scPage(c, ids)
	if err != nil {
		return 0, nil, err
	}
	list := []any{}
	for _, id := range picked {
		o := discovererOut(ctx, c, byID[id])
		delete(o, "Description")
		list = append(list, o)
	}
	return http.StatusOK, withNext(map[string]any{"Discoverers": list}, next), nil
}

func scDescribeDiscoverer(ctx context.Context, c *restCall) (int, any, error) {
	d, err := c.acct.rt.Schemas.DescribeDiscoverer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, discovererOut(ctx, c, d), nil
}

func scUpdateDiscoverer(ctx context.Context, c *restCall) (int, any, error) {
	in, err := decodeRest[struct {
		Description  *string
		CrossAccount *bool
	}](c)
	if err != nil {
		return 0, nil, err
	}
	d, err := c.acct.rt.Schemas.UpdateDiscoverer(ctx, c.params[0], in.Description, in.CrossAccount)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, discovererOut(ctx, c, d), nil
}

func scDeleteDiscoverer(ctx context.Context, c *restCall) (int, any, error) {
	d, err := c.acct.rt.Schemas.DescribeDiscoverer(c.params[0])
	if err != nil {
		return 0, nil, err
	}
	if err := c.acct.rt.Schemas.DeleteDiscoverer(ctx, c.params[0]); err != nil {
		return 0, nil, err
	}
	_ = c.acct.tags().Drop(ctx, d.DiscovererArn)
	return http.StatusNoContent, nil, nil
}

func scStartDiscoverer(ctx context.Context, c *restCall) (int, any, error) {
	d, err := c.acct.rt.Schemas.SetDiscovererState(ctx, c.params[0], schemas.DiscovererStarted)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"DiscovererId": d.DiscovererId, "State": d.State}, nil
}

func scStopDiscoverer(ctx context.Context, c *restCall) (int, any, error) {
	d, err := c.acct.rt.Schemas.SetDiscovererState(ctx, c.params[0], schemas.DiscovererStopped)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"DiscovererId": d.DiscovererId, "State": d.State}, nil
}

// schemaResource checks that arn names a registry, schema or discoverer
// of the caller's account.
func schemaResource(ctx context.Context, c *restCall, arn string) error {
	a, err := kernel.ParseARN(arn)
	if err != nil || a.Service != "schemas" || a.Account != c.acct.id {
		return kernel.Errorf("NotFoundException", 404, "Resource %s does not exist.", arn)
	}
	s := c.acct.rt.Schemas
	kind, rest, _ := strings.Cut(a.Resource, "/")
	switch kind {
	case "registry":
		_, err = s.DescribeRegistry(ctx, rest)
	case "schema":
		reg, name, _ := strings.Cut(rest, "/")
		_, err = s.Describe(ctx, reg, name, "")
	case "discoverer":
		_, err = s.DescribeDiscoverer(rest)
	default:
		err = kernel.ErrNoResource
	}
	if err != nil {
		return kernel.Errorf("NotFoundException", 404, "Resource %s does not exist.", arn)
	}
	return nil
}

func scTag(ctx context.Context, c *restCall) (int, any, error) {
	in, err := decodeRest[struct {
		Tags map[string]string `json:"tags"`
	}](c)
	if err != nil {
		return 0, nil, err
	}
	if len(in.Tags) == 0 {
		return 0, nil, schemaBadRequest("tags is required.")
	}
	if err := schemaResource(ctx, c, c.params[0]); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, c.acct.tags().Tag(ctx, c.params[0], in.Tags)
}

func scUntag(ctx context.Context, c *restCall) (int, any, error) {
	keys := c.query["tagKeys"]
	if len(keys) == 0 {
		return 0, nil, schemaBadRequest("tagKeys is required.")
	}
	if err := schemaResource(ctx, c, c.params[0]); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, c.acct.tags().Untag(ctx, c.params[0], keys)
}

func scListTags(ctx context.Context, c *restCall) (int, any, error) {
	if err := schemaResource(ctx, c, c.params[0]); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"tags": tagsOf(ctx, c, c.params[0])}, nil
}
