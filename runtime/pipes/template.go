package pipes

import (
	"time"

	"github.com/valyala/fastjson"

	"github.com/patternc/patternc/runtime/events"
)

// predefined are the variables a Pipes input template may name besides
// JSON paths [AWS].
var predefined = map[string]bool{
	"aws.pipes.pipe-arn":             true,
	"aws.pipes.pipe-name":            true,
	"aws.pipes.source-arn":           true,
	"aws.pipes.enrichment-arn":       true,
	"aws.pipes.target-arn":           true,
	"aws.pipes.event.ingestion-time": true,
	"aws.pipes.event":                true,
	"aws.pipes.event.json":           true,
}

// render fills a Pipes input template for one event with the
// InputTransformer grammar of the events package: "<$.body.id>" is a
// path into the event (its body parsed when it is JSON), the aws.pipes
// names are the pipe's.
func (p *Pipe) render(tpl string, event []byte, ingested time.Time) ([]byte, error) {
	return events.RenderTemplate(tpl, parsedBody(event), func(name string, root *fastjson.Value) *fastjson.Value {
		var a fastjson.Arena
		switch name {
		case "aws.pipes.pipe-arn":
			return a.NewString(p.Arn)
		case "aws.pipes.pipe-name":
			return a.NewString(p.Name)
		case "aws.pipes.source-arn":
			return a.NewString(p.Source)
		case "aws.pipes.enrichment-arn":
			return a.NewString(p.Enrichment)
		case "aws.pipes.target-arn":
			return a.NewString(p.Target)
		case "aws.pipes.event.ingestion-time":
			return a.NewString(ingested.UTC().Format(time.RFC3339Nano))
		case "aws.pipes.event", "aws.pipes.event.json":
			return root
		}
		return events.SelectPath(root, name)
	})
}
