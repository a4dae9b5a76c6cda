package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
)

// destinationBody is what a destination receives (docs/semantics/runtime.md §6.5): the record
// itself, or for an event bus a PutEvents entry (source "lambda") whose
// detail is the record.
func destinationBody(dest, functionARN string, rec []byte, success bool) []byte {
	if a, err := kernel.ParseARN(dest); err != nil || a.Service != "events" || a.ResourceType() != "event-bus" {
		return rec
	}
	detailType := "Lambda Function Invocation Result - Failure"
	if success {
		detailType = "Lambda Function Invocation Result - Success"
	}
	entry, _ := json.Marshal(struct {
		Source     string
		DetailType string
		Detail     string
		Resources  []string
	}{"lambda", detailType, string(rec), []string{dest, functionARN}})
	return entry
}

// record is the invocation record of docs/semantics/runtime.md §6.4, keys in AWS's order.
func (d *Dispatcher) record(j job, condition string, response []byte, ran bool, functionError string, now time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"version":"1.0","timestamp":%q,"requestContext":{"requestId":%q,"functionArn":%q,"condition":%q,"approximateInvokeCount":%d},"requestPayload":%s`,
		stamp(now), j.RequestID, d.FunctionARN(j.Function), condition, j.Invokes, j.Payload)
	if ran {
		b.WriteString(`,"responseContext":{"statusCode":200,"executedVersion":"$LATEST"`)
		if functionError != "" {
			fmt.Fprintf(&b, `,"functionError":%q`, functionError)
		}
		b.WriteString(`},"responsePayload":`)
		b.Write(resultJSON(response))
	}
	b.WriteString("}")
	return []byte(b.String())
}

func (d *Dispatcher) deliver(ctx context.Context, arn string, m kernel.Message, st *Status, success, dlq bool) {
	state := "delivered"
	s, err := d.env.Resolver.Resolve(arn)
	if err == nil {
		err = s.Send(ctx, m)
	}
	if err != nil {
		state = "failed"
		if dlq {
			d.stats.dlqFailures.Add(1)
		} else {
			d.stats.destinationFailures.Add(1)
		}
		log.Printf("lambda: invocation %s: delivery to %s failed: %v", st.InvocationID, arn, err)
	}
	t := &DeliveryTarget{ARN: arn, State: state}
	switch {
	case dlq:
		st.Delivery.DeadLetter = t
	case success:
		st.Delivery.OnSuccess = t
	default:
		st.Delivery.OnFailure = t
	}
}

func (d *Dispatcher) deliveryPlan(f *function) Delivery {
	var dl Delivery
	c := d.configOf(f)
	if c.OnSuccess != "" {
		dl.OnSuccess = &DeliveryTarget{ARN: c.OnSuccess, State: "pending"}
	}
	if c.OnFailure != "" {
		dl.OnFailure = &DeliveryTarget{ARN: c.OnFailure, State: "pending"}
	}
	if f.opts.DeadLetterArn != "" {
		dl.DeadLetter = &DeliveryTarget{ARN: f.opts.DeadLetterArn, State: "pending"}
	}
	return dl
}
