package schemas

import (
	"context"
	"errors"
	"github.com/patternc/patternc/runtime/kernel"
	"strings"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/internal/testsupport"
)

func TestInfer(t *testing.T) {
	tests := []struct {
		name   string
		events []string
		want   string
	}{
		{"types", []string{`{"source":"s","detail-type":"d","detail":{"i":1,"f":1.5,"b":true,"n":null,"t":"2024-06-15T10:30:00Z","s":"x","a":[],"o":{}}}`},
			`{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"detail":{"properties":{"a":{"items":{},"type":"array"},"b":{"type":"boolean"},"f":{"type":"number"},"i":{"type":"integer"},"n":{"type":"null"},"o":{"properties":{},"type":"object"},"s":{"type":"string"},"t":{"format":"date-time","type":"string"}},"required":["a","b","f","i","n","o","s","t"],"type":"object"},"detail-type":{"type":"string"},"source":{"type":"string"}},"required":["detail","detail-type","source"],"type":"object","x-amazon-events-detail-type":"d","x-amazon-events-source":"s"}`},
		{"merge", []string{`{"source":"s","detail-type":"d","x":1,"y":[1,"a"]}`, `{"source":"s","detail-type":"d","x":2.5,"z":"q"}`},
			`{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"detail-type":{"type":"string"},"source":{"type":"string"},"x":{"type":"number"},"y":{"items":{"type":["integer","string"]},"type":"array"},"z":{"type":"string"}},"required":["detail-type","source","x"],"type":"object","x-amazon-events-detail-type":"d","x-amazon-events-source":"s"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var evs [][]byte
			for _, e := range tt.events {
				evs = append(evs, []byte(e))
			}
			got, err := Infer(evs...)
			if err != nil || string(got) != tt.want {
				t.Fatalf("got  %s (%v)\nwant %s", got, err, tt.want)
			}
		})
	}
}

func TestSchemaName(t *testing.T) {
	if got := SchemaName("aws.ec2", "EC2 Instance State-change Notification"); got != "aws.ec2@EC2InstanceStateChangeNotification" {
		t.Fatal(got)
	}
	if got := SchemaName("mystore", "review created"); got != "mystore@ReviewCreated" {
		t.Fatal(got)
	}
}

const orderSchema = `{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","required":["detail"],"properties":{"detail":{"type":"object","required":["orderId"],"properties":{"orderId":{"type":"string"}}}}}`

func TestRegistryAndValidate(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			var notes []string
			r, err := New(kernel.Env{Store: e.Open(t, t.TempDir()), Clock: clock.NewFake(time.Unix(0, 0))},
				Options{Notify: func(dt string, s Schema) { notes = append(notes, dt+" "+s.SchemaName+" "+s.Version) }})
			if err != nil {
				t.Fatal(err)
			}
			var apiErr *kernel.Error
			if err := r.CreateRegistry(ctx, Discovered); !errors.As(err, &apiErr) || apiErr.Code != "ForbiddenException" || apiErr.HTTPStatus != 403 || apiErr.Message != "Registry discovered-schemas is managed by patternc." {
				t.Fatal(err)
			}
			if err := r.CreateRegistry(ctx, "mine"); err != nil {
				t.Fatal(err)
			}
			s, err := r.CreateSchema(ctx, "mine", "Order", "JSONSchemaDraft4", orderSchema)
			if err != nil || s.Version != "1" {
				t.Fatal(s, err)
			}
			// Same canonical content (other whitespace): no new version.
			if s, _ := r.CreateSchema(ctx, "mine", "Order", "JSONSchemaDraft4", " "+orderSchema); s.Version != "1" {
				t.Fatalf("identical content made version %s", s.Version)
			}
			s2, _ := r.CreateSchema(ctx, "mine", "Order", "JSONSchemaDraft4", strings.Replace(orderSchema, `"orderId"]`, `"orderId","total"]`, 1))
			if s2.Version != "2" {
				t.Fatalf("changed content: version %s", s2.Version)
			}
			if _, err := r.Validate("mine", "Order", "1", []byte(`{"detail":{"orderId":"x"}}`)); err != nil {
				t.Fatal(err)
			}
			v, err := r.Validate("mine", "Order", "", []byte(`{"detail":{"orderId":"x"}}`))
			if v != "2" || err == nil || !strings.HasPrefix(err.Error(), "/detail: ") || !strings.Contains(err.Error(), "total") {
				t.Fatalf("latest version: %s %v", v, err)
			}
			if _, err := r.Validate("mine", "Order", "1", []byte(`{"detail":{"orderId":1}}`)); err == nil || !strings.HasPrefix(err.Error(), "/detail/orderId: ") {
				t.Fatalf("type error: %v", err)
			}
			if _, err := r.CreateSchema(ctx, "mine", "Bad", "JSONSchemaDraft4", `{"type":7}`); err == nil {
				t.Fatal("invalid schema accepted")
			}
			// Discovery: one version per shape change, sampled.
			ev := `{"version":"0","source":"shop","detail-type":"Order Created","detail":{"id":1}}`
			if err := r.Observe(ctx, []byte(ev)); err != nil {
				t.Fatal(err)
			}
			if err := r.Observe(ctx, []byte(`{"source":"shop","detail-type":"Order Created","detail":{"id":"x"}}`)); err != nil {
				t.Fatal(err)
			}
			d, err := r.Describe(ctx, Discovered, "shop@OrderCreated", "")
			if err != nil || d.Version != "1" {
				t.Fatalf("discovered: %+v %v", d, err)
			}
			r.clk.(*clock.Fake).Advance(2 * time.Second)
			_ = r.Observe(ctx, []byte(`{"source":"shop","detail-type":"Order Created","detail":{"id":"x"}}`))
			d, _ = r.Describe(ctx, Discovered, "shop@OrderCreated", "")
			if d.Version != "2" || !strings.Contains(d.Content, `"type":["integer","string"]`) {
				t.Fatalf("merged: %+v", d)
			}
			list, _ := r.List(ctx, "mine")
			if len(list) != 1 || list[0].Version != "2" {
				t.Fatalf("list %+v", list)
			}
			if strings.Join(notes, ";") != "Schema Created Order 1;Schema Version Created Order 2;Schema Created shop@OrderCreated 1;Schema Version Created shop@OrderCreated 2" {
				t.Fatalf("notifications %q", notes)
			}
		})
	}
}

func FuzzInfer(f *testing.F) {
	f.Add(`{"a":[1,{"b":null}],"source":"s"}`)
	f.Fuzz(func(t *testing.T, ev string) {
		_, _ = Infer([]byte(ev))
	})
}
