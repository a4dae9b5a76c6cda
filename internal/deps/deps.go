// Package deps pins the project's chosen dependencies while packages that use
// them are being written; it is removed once every dependency is imported by
// real code.
package deps

import (
	_ "github.com/alecthomas/participle/v2"
	_ "github.com/google/uuid"
	_ "github.com/gorilla/websocket"
	_ "github.com/hashicorp/hcl/v2"
	_ "github.com/nats-io/nats-server/v2/server"
	_ "github.com/nats-io/nats.go"
	_ "github.com/nats-io/nats.go/jetstream"
	_ "github.com/santhosh-tekuri/jsonschema/v5"
	_ "github.com/spf13/cobra"
	_ "github.com/valyala/fastjson"
	_ "github.com/zclconf/go-cty/cty"
	_ "go.etcd.io/bbolt"
	_ "go.yaml.in/yaml/v3"
)
