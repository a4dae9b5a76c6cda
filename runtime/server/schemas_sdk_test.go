package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/schemas"
	stypes "github.com/aws/aws-sdk-go-v2/service/schemas/types"
)

const orderSchema = `{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{"id":{"type":"string"}},"required":["id"]}`

// An OpenApi3 schema whose root component refers to another.
const orderOpenAPI = `{"openapi":"3.0.0","info":{"version":"1.0.0","title":"Order"},"paths":{},
 "components":{"schemas":{"AWSEvent":{"type":"object","properties":{"detail":{"$ref":"#/components/schemas/Order"}}},
 "Order":{"type":"object","properties":{"id":{"type":"string"}}}}}}`

// TestSchemasSDK drives every Schemas operation patternc implements with
// the AWS SDK for Go v2: registries, schemas and versions in both types,
// search, export, discoverers that turn discovery on for a bus, the
// discovered schema, tags, and AWS's errors.
func TestSchemasSDK(t *testing.T) {
	eachAuth(t, func(t *testing.T, s *Server, c clients) {
		ctx := context.Background()
		sc := schemas.NewFromConfig(awsConfig(s, "AKIDALICE", "alice-secret"))
		acct := accountOf(s)
		arn := func(res string) string { return fmt.Sprintf("arn:aws:schemas:us-east-1:%s:%s", acct, res) }

		// Registries.
		reg := must[*schemas.CreateRegistryOutput](t)(sc.CreateRegistry(ctx, &schemas.CreateRegistryInput{RegistryName: aws.String("shop"),
			Description: aws.String("the shop's events"), Tags: map[string]string{"team": "shop"}}))
		if *reg.RegistryArn != arn("registry/shop") || *reg.Description != "the shop's events" || reg.Tags["team"] != "shop" {
			t.Fatalf("CreateRegistry: %+v", reg)
		}
		_, err := sc.CreateRegistry(ctx, &schemas.CreateRegistryInput{RegistryName: aws.String("shop")})
		wantAPIError(t, err, "ConflictException", "Registry shop already exists.")
		_, err = sc.CreateRegistry(ctx, &schemas.CreateRegistryInput{RegistryName: aws.String("discovered-schemas")})
		wantAPIError(t, err, "ForbiddenException", "Registry discovered-schemas is managed by patternc.")
		_, err = sc.DescribeRegistry(ctx, &schemas.DescribeRegistryInput{RegistryName: aws.String("nope")})
		wantAPIError(t, err, "NotFoundException", "Registry nope does not exist.")
		up := must[*schemas.UpdateRegistryOutput](t)(sc.UpdateRegistry(ctx, &schemas.UpdateRegistryInput{RegistryName: aws.String("shop"), Description: aws.String("v2")}))
		if *up.Description != "v2" {
			t.Fatalf("UpdateRegistry: %+v", up)
		}
		regs := must[*schemas.ListRegistriesOutput](t)(sc.ListRegistries(ctx, &schemas.ListRegistriesInput{Scope: aws.String("LOCAL")}))
		var names []string
		for _, r := range regs.Registries {
			names = append(names, *r.RegistryName)
		}
		if strings.Join(names, ",") != "discovered-schemas,shop" {
			t.Fatalf("ListRegistries LOCAL: %v", names)
		}
		p1 := must[*schemas.ListRegistriesOutput](t)(sc.ListRegistries(ctx, &schemas.ListRegistriesInput{Limit: aws.Int32(2)}))
		p2 := must[*schemas.ListRegistriesOutput](t)(sc.ListRegistries(ctx, &schemas.ListRegistriesInput{Limit: aws.Int32(2), NextToken: p1.NextToken}))
		if len(p1.Registries) != 2 || p1.NextToken == nil || len(p2.Registries) != 1 || *p2.Registries[0].RegistryName != "shop" {
			t.Fatalf("ListRegistries pages: %+v / %+v", p1, p2)
		}

		// Schemas and versions.
		cs := must[*schemas.CreateSchemaOutput](t)(sc.CreateSchema(ctx, &schemas.CreateSchemaInput{RegistryName: aws.String("shop"),
			SchemaName: aws.String("Order"), Type: stypes.TypeJSONSchemaDraft4, Content: aws.String(orderSchema), Description: aws.String("an order")}))
		if *cs.SchemaVersion != "1" || *cs.SchemaArn != arn("schema/shop/Order") || *cs.Description != "an order" {
			t.Fatalf("CreateSchema: %+v", cs)
		}
		_, err = sc.CreateSchema(ctx, &schemas.CreateSchemaInput{RegistryName: aws.String("shop"), SchemaName: aws.String("Bad"),
			Type: stypes.TypeJSONSchemaDraft4, Content: aws.String(`{"type": 12}`)})
		wantAPIError(t, err, "BadRequestException", "")
		_, err = sc.CreateSchema(ctx, &schemas.CreateSchemaInput{RegistryName: aws.String("nope"), SchemaName: aws.String("X"),
			Type: stypes.TypeJSONSchemaDraft4, Content: aws.String(orderSchema)})
		wantAPIError(t, err, "NotFoundException", "Registry nope does not exist.")
		must[*schemas.CreateSchemaOutput](t)(sc.CreateSchema(ctx, &schemas.CreateSchemaInput{RegistryName: aws.String("shop"),
			SchemaName: aws.String("OrderApi"), Type: stypes.TypeOpenApi3, Content: aws.String(orderOpenAPI)}))
		us := must[*schemas.UpdateSchemaOutput](t)(sc.UpdateSchema(ctx, &schemas.UpdateSchemaInput{RegistryName: aws.String("shop"),
			SchemaName: aws.String("Order"), Content: aws.String(strings.Replace(orderSchema, `"required":["id"]`, `"required":["id","total"]`, 1))}))
		if *us.SchemaVersion != "2" {
			t.Fatalf("UpdateSchema: %+v", us)
		}
		same := must[*schemas.UpdateSchemaOutput](t)(sc.UpdateSchema(ctx, &schemas.UpdateSchemaInput{RegistryName: aws.String("shop"),
			SchemaName: aws.String("Order"), Content: aws.String(strings.Replace(orderSchema, `"required":["id"]`, `"required":[ "id", "total" ]`, 1))}))
		if *same.SchemaVersion != "2" {
			t.Fatalf("identical content made version %s", *same.SchemaVersion)
		}
		d1 := must[*schemas.DescribeSchemaOutput](t)(sc.DescribeSchema(ctx, &schemas.DescribeSchemaInput{RegistryName: aws.String("shop"),
			SchemaName: aws.String("Order"), SchemaVersion: aws.String("1")}))
		if *d1.Content != orderSchema || *d1.SchemaVersion != "1" || d1.VersionCreatedDate == nil {
			t.Fatalf("DescribeSchema v1: %+v", d1)
		}
		_, err = sc.DescribeSchema(ctx, &schemas.DescribeSchemaInput{RegistryName: aws.String("shop"), SchemaName: aws.String("Nope")})
		wantAPIError(t, err, "NotFoundException", "Schema shop/Nope does not exist.")
		vs := must[*schemas.ListSchemaVersionsOutput](t)(sc.ListSchemaVersions(ctx, &schemas.ListSchemaVersionsInput{RegistryName: aws.String("shop"), SchemaName: aws.String("Order")}))
		if len(vs.SchemaVersions) != 2 || *vs.SchemaVersions[0].SchemaVersion != "1" || *vs.SchemaVersions[1].SchemaVersion != "2" {
			t.Fatalf("ListSchemaVersions: %+v", vs.SchemaVersions)
		}
		ls := must[*schemas.ListSchemasOutput](t)(sc.ListSchemas(ctx, &schemas.ListSchemasInput{RegistryName: aws.String("shop"), SchemaNamePrefix: aws.String("Order")}))
		if len(ls.Schemas) != 2 || *ls.Schemas[0].SchemaName != "Order" || *ls.Schemas[0].VersionCount != 2 {
			t.Fatalf("ListSchemas: %+v", ls.Schemas)
		}
		_, err = sc.ListSchemas(ctx, &schemas.ListSchemasInput{RegistryName: aws.String("nope")})
		wantAPIError(t, err, "NotFoundException", "")
		ss := must[*schemas.SearchSchemasOutput](t)(sc.SearchSchemas(ctx, &schemas.SearchSchemasInput{RegistryName: aws.String("shop"), Keywords: aws.String("api")}))
		if len(ss.Schemas) != 1 || *ss.Schemas[0].SchemaName != "OrderApi" || *ss.Schemas[0].SchemaVersions[0].SchemaVersion != "1" {
			t.Fatalf("SearchSchemas: %+v", ss.Schemas)
		}

		// Export: JSON Schema as is; OpenApi3 converted, refs to definitions.
		ex := must[*schemas.ExportSchemaOutput](t)(sc.ExportSchema(ctx, &schemas.ExportSchemaInput{RegistryName: aws.String("shop"), SchemaName: aws.String("OrderApi"), Type: aws.String("JSONSchemaDraft4")}))
		var exported map[string]any
		if err := json.Unmarshal([]byte(*ex.Content), &exported); err != nil || exported["$schema"] != "http://json-schema.org/draft-04/schema#" ||
			!strings.Contains(*ex.Content, `"$ref":"#/definitions/Order"`) || exported["definitions"].(map[string]any)["Order"] == nil {
			t.Fatalf("ExportSchema OpenApi3: %s", *ex.Content)
		}
		_, err = sc.ExportSchema(ctx, &schemas.ExportSchemaInput{RegistryName: aws.String("shop"), SchemaName: aws.String("Order"), Type: aws.String("OpenApi3")})
		wantAPIError(t, err, "BadRequestException", "")

		// Versions and schemas deleted.
		must[*schemas.DeleteSchemaVersionOutput](t)(sc.DeleteSchemaVersion(ctx, &schemas.DeleteSchemaVersionInput{RegistryName: aws.String("shop"), SchemaName: aws.String("Order"), SchemaVersion: aws.String("1")}))
		_, err = sc.DeleteSchemaVersion(ctx, &schemas.DeleteSchemaVersionInput{RegistryName: aws.String("shop"), SchemaName: aws.String("Order"), SchemaVersion: aws.String("1")})
		wantAPIError(t, err, "NotFoundException", "")
		must[*schemas.DeleteSchemaOutput](t)(sc.DeleteSchema(ctx, &schemas.DeleteSchemaInput{RegistryName: aws.String("shop"), SchemaName: aws.String("OrderApi")}))
		_, err = sc.DeleteSchema(ctx, &schemas.DeleteSchemaInput{RegistryName: aws.String("shop"), SchemaName: aws.String("OrderApi")})
		wantAPIError(t, err, "NotFoundException", "")

		// Tags.
		must[*schemas.TagResourceOutput](t)(sc.TagResource(ctx, &schemas.TagResourceInput{ResourceArn: cs.SchemaArn, Tags: map[string]string{"a": "1", "b": "2"}}))
		must[*schemas.UntagResourceOutput](t)(sc.UntagResource(ctx, &schemas.UntagResourceInput{ResourceArn: cs.SchemaArn, TagKeys: []string{"a"}}))
		tg := must[*schemas.ListTagsForResourceOutput](t)(sc.ListTagsForResource(ctx, &schemas.ListTagsForResourceInput{ResourceArn: cs.SchemaArn}))
		if len(tg.Tags) != 1 || tg.Tags["b"] != "2" {
			t.Fatalf("tags: %v", tg.Tags)
		}
		_, err = sc.ListTagsForResource(ctx, &schemas.ListTagsForResourceInput{ResourceArn: aws.String(arn("schema/shop/Nope"))})
		wantAPIError(t, err, "NotFoundException", "")

		// GetDiscoveredSchema: inference without a registry.
		gd := must[*schemas.GetDiscoveredSchemaOutput](t)(sc.GetDiscoveredSchema(ctx, &schemas.GetDiscoveredSchemaInput{Type: stypes.TypeJSONSchemaDraft4,
			Events: []string{`{"source":"shop","detail-type":"Order Placed","detail":{"id":"o1","n":1}}`}}))
		if !strings.Contains(*gd.Content, `"x-amazon-events-detail-type":"Order Placed"`) || !strings.Contains(*gd.Content, `"n":{"type":"integer"}`) {
			t.Fatalf("GetDiscoveredSchema: %s", *gd.Content)
		}
		gdo := must[*schemas.GetDiscoveredSchemaOutput](t)(sc.GetDiscoveredSchema(ctx, &schemas.GetDiscoveredSchemaInput{Type: stypes.TypeOpenApi3,
			Events: []string{`{"source":"shop","detail-type":"Order Placed","detail":{}}`}}))
		if !strings.Contains(*gdo.Content, `"openapi":"3.0.0"`) || !strings.Contains(*gdo.Content, `"AWSEvent"`) {
			t.Fatalf("GetDiscoveredSchema OpenApi3: %s", *gdo.Content)
		}
		_, err = sc.GetDiscoveredSchema(ctx, &schemas.GetDiscoveredSchemaInput{Type: stypes.TypeJSONSchemaDraft4, Events: []string{`not json`}})
		wantAPIError(t, err, "BadRequestException", "")

		// Discoverers: CreateDiscoverer on the default bus turns discovery on.
		bus := fmt.Sprintf("arn:aws:events:us-east-1:%s:event-bus/default", acct)
		cd := must[*schemas.CreateDiscovererOutput](t)(sc.CreateDiscoverer(ctx, &schemas.CreateDiscovererInput{SourceArn: aws.String(bus), Description: aws.String("default bus")}))
		if *cd.DiscovererId != "events-event-bus-default" || cd.State != stypes.DiscovererStateStarted || !*cd.CrossAccount {
			t.Fatalf("CreateDiscoverer: %+v", cd)
		}
		_, err = sc.CreateDiscoverer(ctx, &schemas.CreateDiscovererInput{SourceArn: aws.String(bus)})
		wantAPIError(t, err, "ConflictException", "")
		_, err = sc.CreateDiscoverer(ctx, &schemas.CreateDiscovererInput{SourceArn: aws.String(strings.Replace(bus, "default", "nope", 1))})
		wantAPIError(t, err, "BadRequestException", "")
		must[*eventbridge.PutEventsOutput](t)(c.ev.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
			Source: aws.String("mystore"), DetailType: aws.String("Review Created"), Detail: aws.String(`{"stars":5,"text":"good"}`)}}}))
		var disc *schemas.DescribeSchemaOutput
		waitUntil(t, 10*time.Second, "the discovered schema", func() bool {
			disc, err = sc.DescribeSchema(ctx, &schemas.DescribeSchemaInput{RegistryName: aws.String("discovered-schemas"), SchemaName: aws.String("mystore@ReviewCreated")})
			return err == nil
		})
		if !strings.Contains(*disc.Content, `"stars":{"type":"integer"}`) || disc.Type == nil || *disc.Type != "JSONSchemaDraft4" {
			t.Fatalf("discovered: %s", *disc.Content)
		}
		exd := must[*schemas.ExportSchemaOutput](t)(sc.ExportSchema(ctx, &schemas.ExportSchemaInput{RegistryName: aws.String("discovered-schemas"),
			SchemaName: aws.String("mystore@ReviewCreated"), Type: aws.String("JSONSchemaDraft4")}))
		if *exd.Content != *disc.Content {
			t.Fatalf("export of a JSON Schema differs: %s", *exd.Content)
		}
		_, err = sc.UpdateSchema(ctx, &schemas.UpdateSchemaInput{RegistryName: aws.String("discovered-schemas"), SchemaName: aws.String("mystore@ReviewCreated"), Content: aws.String(orderSchema)})
		wantAPIError(t, err, "ForbiddenException", "")

		ld := must[*schemas.ListDiscoverersOutput](t)(sc.ListDiscoverers(ctx, &schemas.ListDiscoverersInput{SourceArnPrefix: aws.String(bus)}))
		if len(ld.Discoverers) != 1 || *ld.Discoverers[0].DiscovererId != "events-event-bus-default" {
			t.Fatalf("ListDiscoverers: %+v", ld.Discoverers)
		}
		st := must[*schemas.StopDiscovererOutput](t)(sc.StopDiscoverer(ctx, &schemas.StopDiscovererInput{DiscovererId: cd.DiscovererId}))
		if st.State != stypes.DiscovererStateStopped {
			t.Fatalf("StopDiscoverer: %+v", st)
		}
		// Stopped: a new type is not discovered.
		must[*eventbridge.PutEventsOutput](t)(c.ev.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
			Source: aws.String("mystore"), DetailType: aws.String("Review Deleted"), Detail: aws.String(`{}`)}}}))
		time.Sleep(500 * time.Millisecond)
		_, err = sc.DescribeSchema(ctx, &schemas.DescribeSchemaInput{RegistryName: aws.String("discovered-schemas"), SchemaName: aws.String("mystore@ReviewDeleted")})
		wantAPIError(t, err, "NotFoundException", "")
		sd := must[*schemas.StartDiscovererOutput](t)(sc.StartDiscoverer(ctx, &schemas.StartDiscovererInput{DiscovererId: cd.DiscovererId}))
		if sd.State != stypes.DiscovererStateStarted {
			t.Fatalf("StartDiscoverer: %+v", sd)
		}
		ud := must[*schemas.UpdateDiscovererOutput](t)(sc.UpdateDiscoverer(ctx, &schemas.UpdateDiscovererInput{DiscovererId: cd.DiscovererId, Description: aws.String("d2"), CrossAccount: aws.Bool(false)}))
		if *ud.Description != "d2" || *ud.CrossAccount {
			t.Fatalf("UpdateDiscoverer: %+v", ud)
		}
		dd := must[*schemas.DescribeDiscovererOutput](t)(sc.DescribeDiscoverer(ctx, &schemas.DescribeDiscovererInput{DiscovererId: cd.DiscovererId}))
		if *dd.Description != "d2" || dd.State != stypes.DiscovererStateStarted || *dd.SourceArn != bus {
			t.Fatalf("DescribeDiscoverer: %+v", dd)
		}
		must[*schemas.DeleteDiscovererOutput](t)(sc.DeleteDiscoverer(ctx, &schemas.DeleteDiscovererInput{DiscovererId: cd.DiscovererId}))
		_, err = sc.DescribeDiscoverer(ctx, &schemas.DescribeDiscovererInput{DiscovererId: cd.DiscovererId})
		wantAPIError(t, err, "NotFoundException", "")

		// Registries deleted; built-ins cannot be.
		_, err = sc.DeleteRegistry(ctx, &schemas.DeleteRegistryInput{RegistryName: aws.String("aws.events")})
		wantAPIError(t, err, "ForbiddenException", "")
		must[*schemas.DeleteRegistryOutput](t)(sc.DeleteRegistry(ctx, &schemas.DeleteRegistryInput{RegistryName: aws.String("shop")}))
		_, err = sc.DescribeSchema(ctx, &schemas.DescribeSchemaInput{RegistryName: aws.String("shop"), SchemaName: aws.String("Order")})
		wantAPIError(t, err, "NotFoundException", "")
		_, err = sc.DeleteRegistry(ctx, &schemas.DeleteRegistryInput{RegistryName: aws.String("shop")})
		wantAPIError(t, err, "NotFoundException", "")
		// Code bindings are not implemented: AWS's shape, UnknownOperationException.
		_, err = sc.DescribeCodeBinding(ctx, &schemas.DescribeCodeBindingInput{RegistryName: aws.String("shop"), SchemaName: aws.String("Order"), Language: aws.String("Java8")})
		wantAPIError(t, err, "UnknownOperationException", "")
	})
}
