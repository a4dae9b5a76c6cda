package pipes

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/valyala/fastjson"
)

// Message is one message a queue source handed out.
type Message struct {
	ID            string
	Body          string
	ReceiptHandle string
	ReceiveCount  int
	SentAt        time.Time
	Attributes    map[string]string
}

// record is the envelope of an SQS record as Pipes hands it on [AWS].
type record struct {
	MessageID         string            `json:"messageId"`
	ReceiptHandle     string            `json:"receiptHandle"`
	Body              string            `json:"body"`
	Attributes        map[string]string `json:"attributes"`
	MessageAttributes map[string]string `json:"messageAttributes"`
	MD5OfBody         string            `json:"md5OfBody"`
	EventSource       string            `json:"eventSource"`
	EventSourceARN    string            `json:"eventSourceARN"`
	AWSRegion         string            `json:"awsRegion"`
}

func newRecord(m Message, sourceARN, region string) []byte {
	sum := md5.Sum([]byte(m.Body))
	r := record{MessageID: m.ID, ReceiptHandle: m.ReceiptHandle, Body: m.Body,
		Attributes: map[string]string{
			"ApproximateReceiveCount":          strconv.Itoa(m.ReceiveCount),
			"SentTimestamp":                    strconv.FormatInt(m.SentAt.UnixMilli(), 10),
			"SenderId":                         "AIDAPATTERNC",
			"ApproximateFirstReceiveTimestamp": strconv.FormatInt(m.SentAt.UnixMilli(), 10),
		},
		MessageAttributes: map[string]string{}, MD5OfBody: hex.EncodeToString(sum[:]),
		EventSource: "aws:sqs", EventSourceARN: sourceARN, AWSRegion: region}
	out, _ := json.Marshal(r) // strings and maps of strings: cannot fail
	return out
}

// parsedBody returns the event with a "body" string that holds a JSON
// object or array replaced by that value, as Pipes does for filters and
// templates (a pattern on {"body": {"x": …}}, a path "$.body.x"); any
// other event comes back as it is.
func parsedBody(event []byte) []byte {
	var p fastjson.Parser
	v, err := p.ParseBytes(event)
	if err != nil || v.Type() != fastjson.TypeObject {
		return event
	}
	b := v.Get("body")
	if b == nil || b.Type() != fastjson.TypeString {
		return event
	}
	s := b.GetStringBytes()
	var bp fastjson.Parser
	bv, err := bp.ParseBytes(s)
	if err != nil || (bv.Type() != fastjson.TypeObject && bv.Type() != fastjson.TypeArray) {
		return event
	}
	v.Set("body", bv)
	return v.MarshalTo(nil)
}
