package models

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"
)

// Model is one AWS service's wire contract, trimmed to what the protocol
// codecs need.
type Model struct {
	Metadata   Metadata             `json:"metadata"`
	Operations map[string]Operation `json:"operations"`
	Shapes     map[string]*Shape    `json:"shapes"`
}

// Metadata names the service's protocol and its identifiers on the wire.
type Metadata struct {
	Protocol     string `json:"protocol"`
	APIVersion   string `json:"apiVersion"`
	TargetPrefix string `json:"targetPrefix"`
	XMLNamespace string `json:"xmlNamespace"`
	JSONVersion  string `json:"jsonVersion"`
}

// Operation names an operation's input and output shapes; ResultWrapper is
// the XML element awsQuery wraps the output in.
type Operation struct {
	Input         string `json:"input"`
	Output        string `json:"output"`
	ResultWrapper string `json:"resultWrapper"`
}

// Shape is a structure, list, map or scalar (string, integer, long,
// boolean, timestamp, blob, double, float).
type Shape struct {
	Type      string         `json:"type"`
	Flattened bool           `json:"flattened"`
	Members   map[string]Ref `json:"members"`
	Required  []string       `json:"required"`
	Member    Ref            `json:"member"`
	Key       Ref            `json:"key"`
	Value     Ref            `json:"value"`
	Error     *ErrorTrait    `json:"error"`
}

// Ref is a use of a shape: as a structure member, list member, map key or
// map value, with its wire name.
type Ref struct {
	Shape        string `json:"shape"`
	LocationName string `json:"locationName"`
	Flattened    bool   `json:"flattened"`
}

// ErrorTrait is an error shape's awsQuery code and HTTP status.
type ErrorTrait struct {
	Code        string `json:"code"`
	HTTPStatus  int    `json:"httpStatusCode"`
	SenderFault bool   `json:"senderFault"`
}

//go:embed events.json sns.json sqs.json logs.json
var files embed.FS

var (
	loadOnce sync.Once
	loaded   map[string]*Model
	loadErr  error
)

// Get returns the model of service "events", "sns", "sqs" or "logs".
func Get(service string) (*Model, error) {
	loadOnce.Do(func() {
		loaded = map[string]*Model{}
		for _, name := range []string{"events", "sns", "sqs", "logs"} {
			data, err := files.ReadFile(name + ".json")
			if err != nil {
				loadErr = err
				return
			}
			m := &Model{}
			if err := json.Unmarshal(data, m); err != nil {
				loadErr = fmt.Errorf("models: %s: %w", name, err)
				return
			}
			loaded[name] = m
		}
	})
	if loadErr != nil {
		return nil, loadErr
	}
	m, ok := loaded[service]
	if !ok {
		return nil, fmt.Errorf("models: no model for service %q", service)
	}
	return m, nil
}

// Must is Get for the services this package embeds; it panics only if the
// embedded files are broken, which the package's tests rule out.
func Must(service string) *Model {
	m, err := Get(service)
	if err != nil {
		panic(err)
	}
	return m
}

// Shape returns the named shape, or nil.
func (m *Model) Shape(name string) *Shape { return m.Shapes[name] }

// Flat reports whether a list or map used through ref is flattened (the
// trait sits on the ref or on the shape).
func (m *Model) Flat(ref Ref) bool {
	if ref.Flattened {
		return true
	}
	s := m.Shapes[ref.Shape]
	return s != nil && s.Flattened
}

// TargetPrefixService is the service's short name in error type ids
// (com.amazonaws.sqs#QueueDoesNotExist): the JSON target prefix's
// service, lower-cased (AmazonSQS → sqs).
func (md Metadata) TargetPrefixService() string {
	switch md.TargetPrefix {
	case "AmazonSQS":
		return "sqs"
	case "AWSEvents":
		return "eventbridge"
	}
	return md.TargetPrefix
}
