package testsupport

import (
	"context"
	"encoding/json"
)

// EnrichOrders is the Go function the pipe tests enrich with: it reads a
// batch of SQS records and answers one event per record, the body parsed
// and a tier looked up ("gold" above an amount of 100, else "standard").
func EnrichOrders(ctx context.Context, p []byte) ([]byte, error) {
	var recs []struct{ Body string }
	if err := json.Unmarshal(p, &recs); err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, r := range recs {
		var body map[string]any
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			return nil, err
		}
		tier := "standard"
		if amount, _ := body["amount"].(float64); amount > 100 {
			tier = "gold"
		}
		out = append(out, map[string]any{"body": body, "tier": tier})
	}
	return json.Marshal(out)
}
