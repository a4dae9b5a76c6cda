package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"unicode/utf8"

	"github.com/patternc/patternc/runtime/server/models"
)

// jsonProtocol is awsJson1_0 (sqs) and awsJson1_1 (events): the operation
// in X-Amz-Target, the input as a JSON object, errors as
// {"__type","message"} with the code also in X-Amzn-Errortype.
type jsonProtocol struct {
	version string // "1.0" or "1.1"
	model   *models.Model
	// errorNames maps a query code (AWS.SimpleQueueService.NonExistentQueue)
	// to its error shape (QueueDoesNotExist) and back, for services with
	// the awsQueryCompatible trait (sqs).
	queryCompat bool
}

func (p jsonProtocol) Name() string { return "json" }

func (p jsonProtocol) WriteOutput(w http.ResponseWriter, reqID, op string, out []byte) error {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-"+p.version)
	h.Set("X-Amzn-Requestid", reqID)
	if out == nil {
		out = []byte("{}")
	}
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(out)
	return err
}

func (p jsonProtocol) WriteError(w http.ResponseWriter, reqID string, e *apiError) {
	typ := e.Code
	h := w.Header()
	if p.queryCompat {
		shape, code := errorShape(p.model, e.Code)
		typ = "com.amazonaws." + p.model.Metadata.TargetPrefixService() + "#" + shape
		fault := "Sender"
		if !e.Sender {
			fault = "Receiver"
		}
		h.Set("X-Amzn-Query-Error", code+";"+fault)
	}
	h.Set("Content-Type", "application/x-amz-json-"+p.version)
	h.Set("X-Amzn-Requestid", reqID)
	h.Set("X-Amzn-Errortype", typ)
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{typ, e.Message})
	w.WriteHeader(e.HTTPStatus)
	_, _ = w.Write(body)
}

// errorShape finds the error shape named code, or the one whose query code
// is code; it returns the shape name and the query code (both code when
// the model has neither).
func errorShape(m *models.Model, code string) (shape, queryCode string) {
	if s := m.Shape(code); s != nil && s.Error != nil {
		if s.Error.Code != "" {
			return code, s.Error.Code
		}
		return code, code
	}
	for name, s := range m.Shapes {
		if s.Error != nil && s.Error.Code == code {
			return name, code
		}
	}
	return code, code
}

// readJSONInput checks a JSON request body against the operation's input
// shape: valid UTF-8, one JSON object, known members of the right types,
// required members present. An empty body is an empty input.
func readJSONInput(service string, m *models.Model, inputShape string, body []byte) ([]byte, *apiError) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	if !utf8.Valid(body) {
		return nil, failureError(failMalformed, service, "json", "Request body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, failureError(failMalformed, service, "json", "Request body is not valid JSON: "+err.Error())
	}
	if dec.More() {
		return nil, failureError(failMalformed, service, "json", "Request body holds more than one JSON value.")
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, failureError(failMalformed, service, "json", "Request body must be a JSON object.")
	}
	if inputShape != "" {
		if e := checkValue(service, "json", m, models.Ref{Shape: inputShape}, v, ""); e != nil {
			return nil, e
		}
	}
	return body, nil
}
