package sns

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
)

// TestNumberAttributesInSNSSyntax: SNS accepts Number values such as ".5"
// and "5.", which are not JSON numbers. Publish used to write the request
// as JSON, parse it back for matching and drop the parse error, so such a
// message matched no policy at all. Attributes are now matched as held.
func TestNumberAttributesInSNSSyntax(t *testing.T) {
	r := newRig(t, testsupport.Engines()[0], "half", "five")
	arn := r.topic("readings", nil)
	r.sub(arn, "sqs", qarn("half"), map[string]string{"FilterPolicy": `{"v": [{"numeric": ["<", 1]}]}`})
	r.sub(arn, "sqs", qarn("five"), map[string]string{"FilterPolicy": `{"v": [5]}`})
	for _, v := range []string{".5", "-.5", "5.", "5.0e0"} {
		r.publish(PublishInput{TopicArn: arn, Message: v, MessageAttributes: map[string]Attribute{"v": {DataType: "Number", StringValue: v}}})
	}
	half := r.waitQueue("half", 2)
	five := r.waitQueue("five", 2)
	got := map[string]bool{}
	for _, m := range append(half, five...) {
		got[decode(t, m.Body)["Message"].(string)] = true
	}
	for _, v := range []string{".5", "-.5", "5.", "5.0e0"} {
		if !got[v] {
			t.Errorf("Number %q reached no subscription: %v", v, got)
		}
	}
}

// TestMatchErrorReachesPublisher: a body too complex to match against the
// topic's MessageBody policies is an error for the publisher, not a message
// silently left undelivered (the matcher's error used to be dropped). The
// absence of "d" is decided only once a leaf of every other field is
// chosen, so the matcher tries all 130³ combinations whatever order it
// takes the fields in (an inconsistency between two fields would let it
// prune early). Each array's elements hold two fields the policy names,
// which the clause must take from one element: an array that leads to one
// field alone pins nothing (its leaves are free, with nothing to search).
func TestMatchErrorReachesPublisher(t *testing.T) {
	r := newRig(t, testsupport.Engines()[0], "q")
	arn := r.topic("deep", nil)
	r.sub(arn, "sqs", qarn("q"), map[string]string{"FilterPolicyScope": "MessageBody",
		"FilterPolicy": `{"a":{"x":["1"],"w":["1"]},"b":{"y":["1"],"v":["1"]},"c":{"z":["1"],"u":["1"]},"d":[{"exists":false}]}`})
	el := func(k, l string) string { return strings.Repeat(`{"`+k+`":"1","`+l+`":"1"},`, 130) }
	body := `{"a":[` + el("x", "w") + `{}],"b":[` + el("y", "v") + `{}],"c":[` + el("z", "u") + `{}],"d":"1"}`
	_, err := r.svc.Publish(context.Background(), PublishInput{TopicArn: arn, Message: body})
	var e *kernel.Error
	if !errors.As(err, &e) || e.Code != "InvalidParameter" || !e.SenderFault {
		t.Fatalf("Publish of an unmatchable body: %v", err)
	}
	if msgs, _ := r.q.Messages(context.Background(), "q"); len(msgs) != 0 {
		t.Fatalf("%d messages delivered", len(msgs))
	}
}

func TestJSONNumber(t *testing.T) {
	for in, want := range map[string]string{".5": "0.5", "-.5": "-0.5", "5.": "5", "5.0": "5.0", "-5.E3": "-5e3", "1e-2": "1e-2", "42": "42", "007": "7", "00.5": "0.5", "0": "0", "-0": "-0", "000": "0", "0e5": "0e5"} {
		if got := jsonNumber(in); got != want {
			t.Errorf("jsonNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzJSONNumber: every Number value Publish accepts becomes a JSON number
// of the same value (the matcher reads the attributes event as valid JSON).
func FuzzJSONNumber(f *testing.F) {
	for _, s := range []string{".5", "5.", "007", "-0.0e-0", "1E9", "00.000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !validNumber(s) {
			return
		}
		j := jsonNumber(s)
		var v float64
		if err := json.Unmarshal([]byte(j), &v); err != nil {
			t.Fatalf("%q → %q is not JSON: %v", s, j, err)
		}
		if want, _ := strconv.ParseFloat(s, 64); want != v {
			t.Fatalf("%q → %q: %v, want %v", s, j, v, want)
		}
	})
}
