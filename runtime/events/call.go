package events

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxCallResponse bounds what CallAPIDestination reads of an answer (a
// synchronous function's payload limit).
const maxCallResponse = 6 << 20

// CallAPIDestination sends payload to the API destination arn names
// (".../api-destination/NAME" or ".../api-destination/NAME/ID") and
// returns its answer's body: how a pipe's enrichment calls an endpoint.
// An answer other than 2xx, or one larger than 6 MB, is an error.
func (s *Service) CallAPIDestination(ctx context.Context, arn string, payload []byte) ([]byte, error) {
	_, rest, ok := strings.Cut(arn, ":api-destination/")
	if !ok {
		return nil, notFound("%s is not an api-destination ARN.", arn)
	}
	name, _, _ := strings.Cut(rest, "/")
	d, err := s.DescribeAPIDestination(name)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, d.Method, d.URL, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCallResponse+1))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("api-destination %s answered %s", name, resp.Status)
	}
	if len(body) > maxCallResponse {
		return nil, fmt.Errorf("api-destination %s answered more than %d bytes", name, maxCallResponse)
	}
	return body, nil
}
