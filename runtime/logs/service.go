package logs

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/functions"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
)

// Limits [AWS].
const (
	MaxEventSize     = 256 << 10 // one message
	MaxBatchEvents   = 10_000    // events of one PutLogEvents
	MaxBatchBytes    = 1_048_576 // messages + 26 bytes each
	eventOverhead    = 26
	maxBatchSpan     = 24 * time.Hour
	tooOldAge        = 14 * 24 * time.Hour
	tooNewAhead      = 2 * time.Hour
	defaultLimit     = 10_000
	maxGroupNameLen  = 512
	maxStreamNameLen = 512
)

// Group is a log group.
type Group struct {
	Name            string `json:"name"`
	CreationTime    int64  `json:"creationTime"` // Unix ms
	RetentionInDays *int   `json:"retentionInDays,omitempty"`
	StoredBytes     int64  `json:"storedBytes"`
}

// Stream is a log stream of a group.
type Stream struct {
	Name                string `json:"name"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	StoredBytes         int64  `json:"storedBytes"`
	seq                 uint64
}

// Event is one log event as read back.
type Event struct {
	Stream        string
	Timestamp     int64 // Unix ms
	IngestionTime int64
	Message       string
	ID            string // unique: the event's key, base64
}

// InputEvent is one event of PutLogEvents.
type InputEvent struct {
	Timestamp int64
	Message   string
}

// Rejected says which events PutLogEvents refused [AWS
// rejectedLogEventsInfo]: indexes are into the request's events.
type Rejected struct {
	TooOldLogEventEndIndex   *int
	TooNewLogEventStartIndex *int
}

// Service is the log groups of one account and region, kept in a store.
type Service struct {
	env kernel.Env
	st  store.Store
	clk clock.Clock

	mu      sync.Mutex
	groups  map[string]*Group
	streams map[string]map[string]*Stream // group → stream → meta

	stats struct{ written, rejected, targetEvents, targetFailures atomic.Int64 }
}

const (
	groupsBucket  = "logs-groups"
	streamsBucket = "logs-streams"
	eventsBucket  = "logs-events"
)

// Options configure a Service; there are none yet.
type Options struct{}

// New opens the log groups kept in env.Store.
func New(env kernel.Env, _ Options) (*Service, error) {
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	st := env.Store
	s := &Service{env: env, st: st, clk: env.Clock,
		groups: map[string]*Group{}, streams: map[string]map[string]*Stream{}}
	ctx := context.Background()
	scanErr := st.Scan(ctx, groupsBucket, nil, nil, func(k, v []byte) bool {
		var g Group
		if err = json.Unmarshal(v, &g); err != nil {
			return false
		}
		s.groups[g.Name] = &g
		s.streams[g.Name] = map[string]*Stream{}
		return true
	})
	if err == nil {
		err = scanErr
	}
	if err != nil {
		return nil, fmt.Errorf("logs: loading groups: %w", err)
	}
	scanErr = st.Scan(ctx, streamsBucket, nil, nil, func(k, v []byte) bool {
		var rec streamRecord
		if err = json.Unmarshal(v, &rec); err != nil {
			return false
		}
		if m := s.streams[rec.Group]; m != nil {
			str := rec.Stream
			str.seq = rec.Seq
			m[str.Name] = &str
		}
		return true
	})
	if err == nil {
		err = scanErr
	}
	if err != nil {
		return nil, fmt.Errorf("logs: loading streams: %w", err)
	}
	return s, nil
}

type streamRecord struct {
	Group  string `json:"group"`
	Stream Stream `json:"stream"`
	Seq    uint64 `json:"seq"`
}

// Stats returns the service's counters.
func (s *Service) Stats() map[string]int64 {
	return map[string]int64{
		"log_events_written":          s.stats.written.Load(),
		"log_events_rejected":         s.stats.rejected.Load(),
		"log_target_events":           s.stats.targetEvents.Load(),
		"log_target_delivery_failure": s.stats.targetFailures.Load(),
	}
}

func apiErr(code, msg string) error { return kernel.Errorf(code, 400, "%s", msg) }

var groupNameRE = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)

// ARN is a log group's ARN [AWS: with a trailing :* in DescribeLogGroups'
// arn].
func (s *Service) ARN(group string) string {
	return s.env.ARN("logs", "log-group:"+group+":*").String()
}

func (s *Service) nowMs() int64 { return s.clk.Now().UnixMilli() }

func groupKey(name string) []byte { return []byte(name) }

func streamKey(group, stream string) []byte { return []byte(group + "\x00" + stream) }

// CreateLogGroup makes a group.
func (s *Service) CreateLogGroup(ctx context.Context, name string) error {
	if len(name) == 0 || len(name) > maxGroupNameLen || !groupNameRE.MatchString(name) {
		return apiErr("InvalidParameterException", fmt.Sprintf("1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[name]; ok {
		return apiErr("ResourceAlreadyExistsException", "The specified log group already exists")
	}
	return s.createGroupLocked(ctx, name)
}

func (s *Service) createGroupLocked(ctx context.Context, name string) error {
	g := &Group{Name: name, CreationTime: s.nowMs()}
	data, _ := json.Marshal(g)
	var b store.Batch
	b.Put(groupsBucket, groupKey(name), data)
	if err := s.st.Apply(ctx, &b); err != nil {
		return err
	}
	s.groups[name] = g
	s.streams[name] = map[string]*Stream{}
	return nil
}

// DeleteLogGroup removes a group with its streams and events.
func (s *Service) DeleteLogGroup(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[name]; !ok {
		return apiErr("ResourceNotFoundException", "The specified log group does not exist.")
	}
	var b store.Batch
	prefix := []byte(name + "\x00")
	end := []byte(name + "\x01")
	err := s.st.Scan(ctx, eventsBucket, prefix, end, func(k, v []byte) bool {
		b.Delete(eventsBucket, append([]byte(nil), k...))
		return true
	})
	if err != nil {
		return err
	}
	for st := range s.streams[name] {
		b.Delete(streamsBucket, streamKey(name, st))
	}
	b.Delete(groupsBucket, groupKey(name))
	if err := s.st.Apply(ctx, &b); err != nil {
		return err
	}
	delete(s.groups, name)
	delete(s.streams, name)
	return nil
}

// DescribeLogGroups lists groups whose name starts with prefix, by name.
func (s *Service) DescribeLogGroups(prefix string) []Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Group
	for name, g := range s.groups {
		if strings.HasPrefix(name, prefix) {
			out = append(out, *g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CreateLogStream makes a stream in a group.
func (s *Service) CreateLogStream(ctx context.Context, group, stream string) error {
	if len(stream) == 0 || len(stream) > maxStreamNameLen || strings.ContainsAny(stream, ":*") {
		return apiErr("InvalidParameterException", fmt.Sprintf("1 validation error detected: Value '%s' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", stream))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	streams, ok := s.streams[group]
	if !ok {
		return apiErr("ResourceNotFoundException", "The specified log group does not exist.")
	}
	if _, ok := streams[stream]; ok {
		return apiErr("ResourceAlreadyExistsException", "The specified log stream already exists")
	}
	_, err := s.createStreamLocked(ctx, group, stream)
	return err
}

func (s *Service) createStreamLocked(ctx context.Context, group, stream string) (*Stream, error) {
	st := &Stream{Name: stream, CreationTime: s.nowMs()}
	if err := s.saveStreamLocked(ctx, group, st, nil); err != nil {
		return nil, err
	}
	s.streams[group][stream] = st
	return st, nil
}

func (s *Service) saveStreamLocked(ctx context.Context, group string, st *Stream, b *store.Batch) error {
	data, _ := json.Marshal(streamRecord{Group: group, Stream: *st, Seq: st.seq})
	if b == nil {
		b = &store.Batch{}
	}
	b.Put(streamsBucket, streamKey(group, st.Name), data)
	return s.st.Apply(ctx, b)
}

// DescribeLogStreams lists a group's streams whose name starts with
// prefix: by name, or by last event time (newest first) when byTime.
func (s *Service) DescribeLogStreams(group, prefix string, byTime bool) ([]Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	streams, ok := s.streams[group]
	if !ok {
		return nil, apiErr("ResourceNotFoundException", "The specified log group does not exist.")
	}
	var out []Stream
	for name, st := range streams {
		if strings.HasPrefix(name, prefix) {
			out = append(out, *st)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if byTime && out[i].LastEventTimestamp != out[j].LastEventTimestamp {
			return out[i].LastEventTimestamp > out[j].LastEventTimestamp
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// eventKey orders a stream's events by timestamp, then arrival.
func eventKey(group, stream string, ts int64, seq uint64) []byte {
	k := []byte(group + "\x00" + stream + "\x00")
	k = binary.BigEndian.AppendUint64(k, uint64(ts)^(1<<63))
	return binary.BigEndian.AppendUint64(k, seq)
}

type storedEvent struct {
	M string `json:"m"`
	I int64  `json:"i"`
}

// PutLogEvents appends events to a stream [AWS validation: order within
// the batch, 24 h span, sizes; events more than 14 days old or 2 h ahead
// are rejected by index, not failed].
func (s *Service) PutLogEvents(ctx context.Context, group, stream string, events []InputEvent) (Rejected, error) {
	var rej Rejected
	if len(events) == 0 {
		return rej, apiErr("InvalidParameterException", "1 validation error detected: Value null at 'logEvents' failed to satisfy constraint: Member must not be null")
	}
	if len(events) > MaxBatchEvents {
		return rej, apiErr("InvalidParameterException", fmt.Sprintf("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to %d", MaxBatchEvents))
	}
	size := 0
	for i, e := range events {
		if len(e.Message) > MaxEventSize {
			return rej, apiErr("InvalidParameterException", fmt.Sprintf("Log event %d is too large: %d bytes; at most %d", i, len(e.Message), MaxEventSize))
		}
		size += len(e.Message) + eventOverhead
		if i > 0 && e.Timestamp < events[i-1].Timestamp {
			return rej, apiErr("InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	if size > MaxBatchBytes {
		return rej, apiErr("InvalidParameterException", fmt.Sprintf("Upload too large: %d bytes exceeds limit of %d", size, MaxBatchBytes))
	}
	if time.Duration(events[len(events)-1].Timestamp-events[0].Timestamp)*time.Millisecond > maxBatchSpan {
		return rej, apiErr("InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	streams, ok := s.streams[group]
	if !ok {
		return rej, apiErr("ResourceNotFoundException", "The specified log group does not exist.")
	}
	st, ok := streams[stream]
	if !ok {
		return rej, apiErr("ResourceNotFoundException", "The specified log stream does not exist.")
	}
	now := s.nowMs()
	first, last := 0, len(events)
	for first < last && events[first].Timestamp < now-tooOldAge.Milliseconds() {
		first++
	}
	for last > first && events[last-1].Timestamp > now+tooNewAhead.Milliseconds() {
		last--
	}
	if first > 0 {
		i := first - 1
		rej.TooOldLogEventEndIndex = &i
		s.stats.rejected.Add(int64(first))
	}
	if last < len(events) {
		i := last
		rej.TooNewLogEventStartIndex = &i
		s.stats.rejected.Add(int64(len(events) - last))
	}
	return rej, s.appendLocked(ctx, group, st, events[first:last], now)
}

func (s *Service) appendLocked(ctx context.Context, group string, st *Stream, events []InputEvent, now int64) error {
	if len(events) == 0 {
		return nil
	}
	var b store.Batch
	next := *st
	for _, e := range events {
		next.seq++
		val, _ := json.Marshal(storedEvent{M: e.Message, I: now})
		b.Put(eventsBucket, eventKey(group, st.Name, e.Timestamp, next.seq), val)
		if next.FirstEventTimestamp == 0 || e.Timestamp < next.FirstEventTimestamp {
			next.FirstEventTimestamp = e.Timestamp
		}
		if e.Timestamp > next.LastEventTimestamp {
			next.LastEventTimestamp = e.Timestamp
		}
		next.StoredBytes += int64(len(e.Message))
	}
	next.LastIngestionTime = now
	if err := s.saveStreamLocked(ctx, group, &next, &b); err != nil {
		return err
	}
	*st = next
	s.groups[group].StoredBytes += int64(len(events))
	s.stats.written.Add(int64(len(events)))
	return nil
}

// AppendLogs implements functions.LogSink: the group and stream are
// created as needed (as Lambda creates them), and events are written in
// batches within PutLogEvents' limits.
func (s *Service) AppendLogs(group, stream string, events []functions.LogEvent) error {
	ctx := context.Background()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[group]; !ok {
		if err := s.createGroupLocked(ctx, group); err != nil {
			return err
		}
	}
	st, ok := s.streams[group][stream]
	if !ok {
		var err error
		if st, err = s.createStreamLocked(ctx, group, stream); err != nil {
			return err
		}
	}
	now := s.nowMs()
	batch := make([]InputEvent, 0, len(events))
	size := 0
	for _, e := range events {
		msg := e.Message
		if len(msg) > MaxEventSize {
			msg = msg[:MaxEventSize]
		}
		if len(batch) == MaxBatchEvents || size+len(msg)+eventOverhead > MaxBatchBytes {
			if err := s.appendLocked(ctx, group, st, batch, now); err != nil {
				return err
			}
			batch, size = batch[:0], 0
		}
		batch = append(batch, InputEvent{Timestamp: e.Time.UnixMilli(), Message: msg})
		size += len(msg) + eventOverhead
	}
	return s.appendLocked(ctx, group, st, batch, now)
}

// Query selects events for GetLogEvents and FilterLogEvents.
type Query struct {
	Streams            []string // none: every stream of the group
	StreamPrefix       string
	StartTime, EndTime int64 // Unix ms; 0 = open; EndTime is exclusive
	Pattern            *Pattern
	Limit              int    // default and at most 10 000
	NextToken          string // from a previous page
	Backward           bool   // GetLogEvents with startFromHead=false and no token: the newest page
}

// Page is one page of events.
type Page struct {
	Events    []Event
	NextToken string // "" at the end
}

var errBadToken = errors.New("logs: bad token")

// Events returns the events of a group matching q, oldest first, merged
// across streams by timestamp.
func (s *Service) Events(ctx context.Context, group string, q Query) (Page, error) {
	s.mu.Lock()
	streams, ok := s.streams[group]
	var names []string
	if ok {
		for name := range streams {
			if len(q.Streams) > 0 && !contains(q.Streams, name) {
				continue
			}
			if strings.HasPrefix(name, q.StreamPrefix) {
				names = append(names, name)
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		return Page{}, apiErr("ResourceNotFoundException", "The specified log group does not exist.")
	}
	for _, want := range q.Streams {
		if !contains(names, want) {
			return Page{}, apiErr("ResourceNotFoundException", "The specified log stream does not exist.")
		}
	}
	limit := q.Limit
	if limit <= 0 || limit > defaultLimit {
		limit = defaultLimit
	}
	skip := 0
	if q.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.NextToken)
		if err != nil || len(b) != 8 {
			return Page{}, apiErr("InvalidParameterException", "The specified nextToken is not valid.")
		}
		skip = int(binary.BigEndian.Uint64(b))
	}
	var all []Event
	for _, name := range names {
		prefix := []byte(group + "\x00" + name + "\x00")
		from := prefix
		if q.StartTime != 0 {
			from = binary.BigEndian.AppendUint64(append([]byte(nil), prefix...), uint64(q.StartTime)^(1<<63))
		}
		to := append(append([]byte(nil), prefix[:len(prefix)-1]...), 1)
		if q.EndTime != 0 {
			to = binary.BigEndian.AppendUint64(append([]byte(nil), prefix...), uint64(q.EndTime)^(1<<63))
		}
		err := s.st.Scan(ctx, eventsBucket, from, to, func(k, v []byte) bool {
			var se storedEvent
			if json.Unmarshal(v, &se) != nil {
				return true
			}
			if q.Pattern != nil && !q.Pattern.Match(se.M) {
				return true
			}
			ts := int64(binary.BigEndian.Uint64(k[len(prefix):]) ^ (1 << 63))
			all = append(all, Event{Stream: name, Timestamp: ts, IngestionTime: se.I, Message: se.M, ID: base64.RawURLEncoding.EncodeToString(k[len(prefix):])})
			return true
		})
		if err != nil {
			return Page{}, err
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Timestamp != all[j].Timestamp {
			return all[i].Timestamp < all[j].Timestamp
		}
		if all[i].Stream != all[j].Stream {
			return all[i].Stream < all[j].Stream
		}
		return all[i].ID < all[j].ID
	})
	if q.Backward && q.NextToken == "" && len(all) > limit {
		skip = len(all) - limit
	}
	if skip > len(all) {
		skip = len(all)
	}
	page := Page{Events: all[skip:]}
	if len(page.Events) > limit {
		page.Events = page.Events[:limit]
		page.NextToken = base64.RawURLEncoding.EncodeToString(binary.BigEndian.AppendUint64(nil, uint64(skip+limit)))
	}
	return page, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
