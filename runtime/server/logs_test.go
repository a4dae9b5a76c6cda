package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// awsJSON posts an awsJson1_1 request and returns the status and body.
func awsJSON(t *testing.T, s *Server, target, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL()+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestLogsAPI: groups, streams, PutLogEvents and FilterLogEvents with a
// JSON pattern, and a log group as a bus rule target.
func TestLogsAPI(t *testing.T) {
	s := startServer(t, "none", nil)
	call := func(op, body string, want int) string {
		t.Helper()
		code, out := awsJSON(t, s, "Logs_20140328."+op, body)
		if code != want {
			t.Fatalf("%s: %d %s", op, code, out)
		}
		return out
	}
	call("CreateLogGroup", `{"logGroupName":"/aws/events/orders"}`, 200)
	if out := call("CreateLogGroup", `{"logGroupName":"/aws/events/orders"}`, 400); !strings.Contains(out, "ResourceAlreadyExistsException") {
		t.Errorf("duplicate: %s", out)
	}
	call("CreateLogStream", `{"logGroupName":"/aws/events/orders","logStreamName":"manual"}`, 200)
	now := time.Now().UnixMilli()
	call("PutLogEvents", `{"logGroupName":"/aws/events/orders","logStreamName":"manual","logEvents":[{"timestamp":`+jsonInt(now)+`,"message":"hello ERROR"}]}`, 200)
	if out := call("FilterLogEvents", `{"logGroupName":"/aws/events/orders","filterPattern":"{ $.x = "}`, 400); !strings.Contains(out, "InvalidParameterException") {
		t.Errorf("bad pattern: %s", out)
	}
	code, out := awsJSON(t, s, "AWSEvents.PutRule", `{"Name":"watch","EventPattern":"{\"source\":[\"shop\"]}"}`)
	if code != 200 {
		t.Fatal(out)
	}
	if code, out = awsJSON(t, s, "AWSEvents.PutTargets", `{"Rule":"watch","Targets":[{"Id":"log","Arn":"arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/orders"}]}`); code != 200 || !strings.Contains(out, `"FailedEntryCount":0`) {
		t.Fatal(out)
	}
	awsJSON(t, s, "AWSEvents.PutEvents", `{"Entries":[{"Source":"shop","DetailType":"Order","Detail":"{\"dept\":\"billing\"}"},{"Source":"shop","DetailType":"Order","Detail":"{\"dept\":\"shipping\"}"}]}`)
	var got struct {
		Events []struct{ LogStreamName, Message string }
	}
	for deadline := time.Now().Add(10 * time.Second); len(got.Events) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		json.Unmarshal([]byte(call("FilterLogEvents", `{"logGroupName":"/aws/events/orders","filterPattern":"{ $.detail.dept = \"billing\" }"}`, 200)), &got)
	}
	if len(got.Events) != 1 || !strings.Contains(got.Events[0].Message, `"dept":"billing"`) || got.Events[0].LogStreamName == "manual" {
		t.Fatalf("filtered: %+v", got)
	}
	out = call("DescribeLogStreams", `{"logGroupName":"/aws/events/orders"}`, 200)
	if strings.Count(out, `"logStreamName"`) != 3 {
		t.Errorf("streams (manual + one per event): %s", out)
	}
	out = call("GetLogEvents", `{"logGroupName":"/aws/events/orders","logStreamName":"manual","startFromHead":true}`, 200)
	if !strings.Contains(out, `"message":"hello ERROR"`) || !strings.Contains(out, `"nextForwardToken"`) {
		t.Errorf("get: %s", out)
	}
	out = call("DescribeLogGroups", `{"logGroupNamePrefix":"/aws/"}`, 200)
	if !strings.Contains(out, `"logGroupName":"/aws/events/orders"`) || !strings.Contains(out, `"arn":"arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/orders:*"`) {
		t.Errorf("groups: %s", out)
	}
	call("DeleteLogGroup", `{"logGroupName":"/aws/events/orders"}`, 200)
	if out := call("GetLogEvents", `{"logGroupName":"/aws/events/orders","logStreamName":"manual"}`, 400); !strings.Contains(out, "ResourceNotFoundException") {
		t.Errorf("after delete: %s", out)
	}
	if code, out := awsJSON(t, s, "Logs_20140328.PutMetricFilter", `{}`); code != 400 || !strings.Contains(out, "UnknownOperationException") {
		t.Errorf("unimplemented op: %d %s", code, out)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
