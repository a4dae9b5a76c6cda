package schemas_test

import (
	"fmt"

	"github.com/patternc/patternc/runtime/schemas"
)

func ExampleInfer() {
	s, _ := schemas.Infer([]byte(`{"source":"shop","detail-type":"Order","detail":{"id":7}}`))
	fmt.Println(string(s))
	fmt.Println(schemas.SchemaName("shop", "Order created"))
	// Output:
	// {"$schema":"http://json-schema.org/draft-04/schema#","properties":{"detail":{"properties":{"id":{"type":"integer"}},"required":["id"],"type":"object"},"detail-type":{"type":"string"},"source":{"type":"string"}},"required":["detail","detail-type","source"],"type":"object","x-amazon-events-detail-type":"Order","x-amazon-events-source":"shop"}
	// shop@OrderCreated
}
