package logs

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/functions"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

var t0 = time.Date(2024, 6, 15, 10, 30, 0, 0, time.UTC)

func newLogs(t *testing.T) (*Service, func() *Service) {
	dir := t.TempDir()
	st, err := boltstore.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := clock.NewFake(t0)
	open := func() *Service {
		s, err := New(kernel.Env{Store: st, Clock: clk, Region: "us-east-1", Account: "123456789012"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return open(), open
}

func code(err error) string {
	var ae *kernel.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

func TestGroupsStreamsEvents(t *testing.T) {
	s, reopen := newLogs(t)
	ctx := context.Background()
	if err := s.CreateLogGroup(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateLogGroup(ctx, "app"); code(err) != "ResourceAlreadyExistsException" {
		t.Errorf("duplicate group: %v", err)
	}
	if err := s.CreateLogGroup(ctx, "bad name!"); code(err) != "InvalidParameterException" {
		t.Errorf("bad name: %v", err)
	}
	if err := s.CreateLogStream(ctx, "nope", "s"); code(err) != "ResourceNotFoundException" {
		t.Errorf("stream in a missing group: %v", err)
	}
	if err := s.CreateLogStream(ctx, "app", "s1"); err != nil {
		t.Fatal(err)
	}
	ms := t0.UnixMilli()
	if _, err := s.PutLogEvents(ctx, "app", "s1", []InputEvent{{ms, "b"}, {ms - 1, "a"}}); err == nil || !strings.Contains(err.Error(), "chronological") {
		t.Errorf("out of order: %v", err)
	}
	if _, err := s.PutLogEvents(ctx, "app", "missing", []InputEvent{{ms, "x"}}); code(err) != "ResourceNotFoundException" {
		t.Errorf("missing stream: %v", err)
	}
	if _, err := s.PutLogEvents(ctx, "app", "s1", []InputEvent{{ms - 2*24*3600*1000, "a"}, {ms, "b"}}); err == nil || !strings.Contains(err.Error(), "24 hours") {
		t.Errorf("a batch over 24 h: %v", err)
	}
	rej, err := s.PutLogEvents(ctx, "app", "s1", []InputEvent{{ms - 15*24*3600*1000, "too old"}, {ms - 15*24*3600*1000 + 1, "too old too"}})
	if err != nil || rej.TooOldLogEventEndIndex == nil || *rej.TooOldLogEventEndIndex != 1 {
		t.Errorf("too old: %+v %v", rej, err)
	}
	rej, err = s.PutLogEvents(ctx, "app", "s1", []InputEvent{{ms, "first ERROR"}, {ms + 1, "second"}, {ms + 3*3600*1000, "too new"}})
	if err != nil {
		t.Fatal(err)
	}
	if rej.TooOldLogEventEndIndex != nil || rej.TooNewLogEventStartIndex == nil || *rej.TooNewLogEventStartIndex != 2 {
		t.Errorf("rejected = %+v", rej)
	}
	s.AppendLogs("app", "s0", []functions.LogEvent{{Time: t0.Add(time.Millisecond / 2), Message: "from s0 ERROR"}})

	// Everything survives a reopen.
	s = reopen()
	page, err := s.Events(ctx, "app", Query{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range page.Events {
		got = append(got, e.Stream+":"+e.Message)
	}
	if strings.Join(got, "|") != "s0:from s0 ERROR|s1:first ERROR|s1:second" {
		t.Errorf("events = %q", got)
	}
	p, _ := ParsePattern("ERROR -s0")
	page, _ = s.Events(ctx, "app", Query{Pattern: p})
	if len(page.Events) != 1 || page.Events[0].Message != "first ERROR" {
		t.Errorf("filtered = %+v", page.Events)
	}
	page, _ = s.Events(ctx, "app", Query{Streams: []string{"s1"}, Limit: 1})
	if len(page.Events) != 1 || page.NextToken == "" {
		t.Fatalf("page 1 = %+v", page)
	}
	page, _ = s.Events(ctx, "app", Query{Streams: []string{"s1"}, Limit: 1, NextToken: page.NextToken})
	if len(page.Events) != 1 || page.Events[0].Message != "second" || page.NextToken != "" {
		t.Errorf("page 2 = %+v", page)
	}
	page, _ = s.Events(ctx, "app", Query{Streams: []string{"s1"}, Limit: 1, Backward: true})
	if len(page.Events) != 1 || page.Events[0].Message != "second" {
		t.Errorf("newest page = %+v", page)
	}
	page, _ = s.Events(ctx, "app", Query{StartTime: ms + 1})
	if len(page.Events) != 1 || page.Events[0].Message != "second" {
		t.Errorf("from ms+1 = %+v", page)
	}
	if _, err := s.Events(ctx, "app", Query{NextToken: "%%%"}); code(err) != "InvalidParameterException" {
		t.Errorf("bad token: %v", err)
	}
	streams, _ := s.DescribeLogStreams("app", "", false)
	if len(streams) != 2 || streams[1].Name != "s1" || streams[1].FirstEventTimestamp != ms || streams[1].LastEventTimestamp != ms+1 {
		t.Errorf("streams = %+v", streams)
	}
	if err := s.DeleteLogGroup(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Events(ctx, "app", Query{}); code(err) != "ResourceNotFoundException" {
		t.Errorf("after delete: %v", err)
	}
}

// TestRuleTarget: a log group as a bus target writes the event as a log
// event in a stream named by its id, at its time.
func TestRuleTarget(t *testing.T) {
	s, _ := newLogs(t)
	ctx := context.Background()
	if _, err := s.Resolve("arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders"); !errors.Is(err, kernel.ErrNoResource) {
		t.Errorf("missing group: %v", err)
	}
	s.CreateLogGroup(ctx, "/aws/events/orders")
	sk, err := s.Resolve("arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders:*")
	if err != nil {
		t.Fatal(err)
	}
	ev := `{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"OrderPlaced","source":"shop","account":"123456789012","time":"2024-06-15T10:00:00Z","region":"us-east-1","resources":[],"detail":{"dept":"billing"}}`
	if err := sk.Send(ctx, kernel.Message{Body: []byte(ev)}); err != nil {
		t.Fatal(err)
	}
	p, _ := ParsePattern(`{ $.detail.dept = "billing" }`)
	page, _ := s.Events(ctx, "/aws/events/orders", Query{Pattern: p})
	if len(page.Events) != 1 || page.Events[0].Message != ev || page.Events[0].Stream != "6a7e8feb-b491-4cf7-a9f1-bf3703467718" ||
		page.Events[0].Timestamp != time.Date(2024, 6, 15, 10, 0, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("events = %+v", page.Events)
	}
}
