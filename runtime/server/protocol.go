package server

import (
	"net/http"

	"github.com/patternc/patternc/runtime/server/models"
)

// protocol is one AWS wire protocol: how a request's input is read and how
// an output or an error is written. awsJson (1.0 and 1.1) and awsQuery
// each live in their own file.
type protocol interface {
	// Name is the protocol as the service models name it.
	Name() string
	// WriteOutput writes a successful answer of operation op; out is
	// the operation's output as a JSON document (nil: empty output).
	WriteOutput(w http.ResponseWriter, reqID, op string, out []byte) error
	// WriteError writes an error answer.
	WriteError(w http.ResponseWriter, reqID string, e *apiError)
}

// failure is a protocol-level failure whose code differs by protocol.
type failure int

const (
	failMalformed    failure = iota // body or parameter text cannot be read
	failUnknownOp                   // the operation does not exist or is not implemented
	failThrottled                   // too much work in flight
	failMissingAuth                 // no signature on a sigv4 server
	failBadSignature                // signature does not match, or expired
	failUnknownKey                  // access key not in the credentials file
	failTooLarge                    // body over the limit
	failMissingParam                // a required member is absent
	failInvalidParam                // a member has the wrong type or an unknown name
)

// failureCodes gives each failure's code and HTTP status per protocol
// family [AWS codes: awsJson services answer *Exception codes, awsQuery
// services the short ones].
var failureCodes = map[failure][2]struct {
	code   string
	status int
}{
	failMalformed:    {{"SerializationException", 400}, {"MalformedQueryString", 400}},
	failUnknownOp:    {{"UnknownOperationException", 400}, {"InvalidAction", 400}},
	failThrottled:    {{"ThrottlingException", 400}, {"Throttling", 400}},
	failMissingAuth:  {{"MissingAuthenticationTokenException", 403}, {"MissingAuthenticationToken", 403}},
	failBadSignature: {{"InvalidSignatureException", 403}, {"SignatureDoesNotMatch", 403}},
	failUnknownKey:   {{"UnrecognizedClientException", 403}, {"InvalidClientTokenId", 403}},
	failTooLarge:     {{"RequestEntityTooLarge", 413}, {"RequestEntityTooLarge", 413}},
	failMissingParam: {{"ValidationException", 400}, {"ValidationError", 400}},
	failInvalidParam: {{"SerializationException", 400}, {"ValidationError", 400}},
}

// failureError builds the error of failure f for a service speaking proto.
// SQS keeps its query-era codes on both of its protocols.
func failureError(f failure, service, proto string, msg string) *apiError {
	fam := 0
	if proto == "query" {
		fam = 1
	}
	c := failureCodes[f][fam]
	code := c.code
	if service == "sqs" {
		switch f {
		case failMissingParam:
			code = "MissingParameter"
		case failInvalidParam:
			code = "InvalidParameterValue"
		case failMalformed:
			if proto == "query" {
				code = "MalformedQueryString"
			}
		}
	}
	return &apiError{Code: code, Message: msg, HTTPStatus: c.status, Sender: c.status < 500}
}

// serviceDef ties a service to its model, its protocols and its adapter.
type serviceDef struct {
	name  string
	model *models.Model
}
