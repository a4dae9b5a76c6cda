package events

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

// Archive is a pattern-filtered store of a bus's events (docs/semantics/runtime.md §3.1).
type Archive struct {
	ArchiveName    string
	ArchiveArn     string
	EventSourceArn string
	EventPattern   string `json:",omitempty"`
	RetentionDays  int
	Description    string `json:",omitempty"`
	State          string
	EventCount     int64
	SizeBytes      int64
	CreationTime   time.Time
}

// Replay is a replay of an archive's time window (docs/semantics/runtime.md §3.2).
type Replay struct {
	ReplayName            string
	ReplayArn             string
	EventSourceArn        string
	DestinationArn        string
	FilterArns            []string `json:",omitempty"`
	EventStartTime        time.Time
	EventEndTime          time.Time
	Description           string `json:",omitempty"`
	State                 string
	StateReason           string `json:",omitempty"`
	ReplayStartTime       time.Time
	ReplayEndTime         time.Time `json:",omitempty"`
	EventLastReplayedTime time.Time `json:",omitempty"`
}

var archiveNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,48}$`)

func archiveBucket(name string) string { return "events-archive/" + name }

func (s *Service) archiveARN(name string) string {
	return s.env.ARN("events", "archive/"+name).String()
}

// archivePattern adds "replay-name": [{"exists": false}] to the archive's
// pattern so replayed events are never archived again.
func archivePattern(p string) (string, error) {
	m := map[string]json.RawMessage{}
	if p != "" {
		if err := json.Unmarshal([]byte(p), &m); err != nil {
			return "", apiErr("InvalidEventPatternException", "Event pattern is not valid. Reason: %v", err)
		}
	}
	m["replay-name"] = json.RawMessage(`[{"exists":false}]`)
	b, err := json.Marshal(m)
	return string(b), err
}

// CreateArchive creates an archive of the bus EventSourceArn.
func (s *Service) CreateArchive(ctx context.Context, a Archive) (*Archive, error) {
	if !archiveNameRE.MatchString(a.ArchiveName) {
		return nil, validation("Archive name %s is not valid.", a.ArchiveName)
	}
	if a.RetentionDays < 0 {
		return nil, validation("RetentionDays must be 0 or more.")
	}
	if len(a.Description) > 512 {
		return nil, validation("Description must be at most 512 characters.")
	}
	busName := s.busName(a.EventSourceArn)
	s.mu.RLock()
	_, dup := s.archives[a.ArchiveName]
	_, busOK := s.buses[busName]
	s.mu.RUnlock()
	if dup {
		return nil, apiErr("ResourceAlreadyExistsException", "Archive %s already exists.", a.ArchiveName)
	}
	if !busOK {
		return nil, notFound("Event bus %s does not exist.", busName)
	}
	pat, err := archivePattern(a.EventPattern)
	if err != nil {
		return nil, err
	}
	if a.EventPattern == "" {
		pat = `{"replay-name":[{"exists":false}]}`
	}
	a.ArchiveArn = s.archiveARN(a.ArchiveName)
	a.EventSourceArn = s.BusARN(busName)
	a.State = "ENABLED"
	a.CreationTime = s.env.Clock.Now().UTC()
	if _, err := s.putRule(ctx, PutRuleInput{Name: archiveRule + a.ArchiveName, EventBusName: busName, EventPattern: pat}, "archive:"+a.ArchiveName); err != nil {
		return nil, err
	}
	if err := s.saveArchive(ctx, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func (s *Service) saveArchive(ctx context.Context, a *Archive) error {
	val, _ := json.Marshal(a)
	var b store.Batch
	b.Put(configBucket, []byte("archive/"+a.ArchiveName), val)
	if err := s.apply(ctx, &b); err != nil {
		return err
	}
	s.mu.Lock()
	s.archives[a.ArchiveName] = a
	s.mu.Unlock()
	return nil
}

// DescribeArchive returns an archive with its counts.
func (s *Service) DescribeArchive(name string) (Archive, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.archives[name]
	if !ok {
		return Archive{}, notFound("Archive %s does not exist.", name)
	}
	return *a, nil
}

// UpdateArchive changes an archive's pattern, retention or description.
func (s *Service) UpdateArchive(ctx context.Context, name string, pattern *string, retentionDays *int, description *string) error {
	if pattern == nil && retentionDays == nil && description == nil {
		return validation("At least one of EventPattern, RetentionDays or Description must be provided.")
	}
	a, err := s.DescribeArchive(name)
	if err != nil {
		return err
	}
	if pattern != nil {
		pat, err := archivePattern(*pattern)
		if err != nil {
			return err
		}
		if _, err := s.putRule(ctx, PutRuleInput{Name: archiveRule + name, EventBusName: s.busName(a.EventSourceArn), EventPattern: pat}, "archive:"+name); err != nil {
			return err
		}
		a.EventPattern = *pattern
	}
	if retentionDays != nil {
		if *retentionDays < 0 {
			return validation("RetentionDays must be 0 or more.")
		}
		a.RetentionDays = *retentionDays
	}
	if description != nil {
		a.Description = *description
	}
	return s.saveArchive(ctx, &a)
}

// DeleteArchive deletes an archive, its managed rule and its events.
func (s *Service) DeleteArchive(ctx context.Context, name string) error {
	a, err := s.DescribeArchive(name)
	if err != nil {
		return err
	}
	_ = s.deleteRule(ctx, a.EventSourceArn, archiveRule+name, "archive:"+name)
	var b store.Batch
	_ = s.env.Store.Scan(ctx, archiveBucket(name), nil, nil, func(k, v []byte) bool {
		b.Delete(archiveBucket(name), append([]byte(nil), k...))
		return true
	})
	b.Delete(configBucket, []byte("archive/"+name))
	if err := s.apply(ctx, &b); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.archives, name)
	s.mu.Unlock()
	return nil
}

// archiveEvent stores one event: key = event time (ns, big-endian) + id,
// value = the envelope and ingestion time.
func (s *Service) archiveEvent(ctx context.Context, name string, event []byte, ingested int64) error {
	ev, err := parseEnvelope(event, time.Unix(0, ingested))
	if err != nil {
		return nil // not an envelope: nothing to archive
	}
	key := binary.BigEndian.AppendUint64(nil, uint64(ev.Time.UnixNano()))
	key = append(key, ev.ID...)
	val, _ := json.Marshal(stored{Event: event, Ingested: ingested})
	var b store.Batch
	b.Put(archiveBucket(name), key, val)
	if err := s.apply(ctx, &b); err != nil {
		return err
	}
	size := entrySize(ev)
	s.mu.Lock()
	if a, ok := s.archives[name]; ok {
		a.EventCount++
		a.SizeBytes += size
	}
	s.mu.Unlock()
	s.count("events_archived", 1)
	return nil
}

// recountArchives sets EventCount and SizeBytes from the stored events
// (the counters are kept in memory while running).
func (s *Service) recountArchives(ctx context.Context) error {
	for _, a := range s.archives {
		a.EventCount, a.SizeBytes = 0, 0
		err := s.env.Store.Scan(ctx, archiveBucket(a.ArchiveName), nil, nil, func(k, v []byte) bool {
			var st stored
			if json.Unmarshal(v, &st) != nil {
				return true
			}
			if ev, err := parseEnvelope(st.Event, time.Time{}); err == nil {
				a.EventCount++
				a.SizeBytes += entrySize(ev)
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func entrySize(ev *Event) int64 {
	size := int64(len(ev.Source) + len(ev.DetailType) + len(ev.Detail) + 14)
	for _, r := range ev.Resources {
		size += int64(len(r))
	}
	return size
}

// SweepArchives removes archived events older than their archive's
// retention (by ingestion time). Run calls it hourly.
func (s *Service) SweepArchives(ctx context.Context) error {
	s.sweepMu.Lock()
	defer s.sweepMu.Unlock()
	now := s.env.Clock.Now()
	s.mu.RLock()
	var list []Archive
	for _, a := range s.archives {
		list = append(list, *a)
	}
	s.mu.RUnlock()
	for _, a := range list {
		if a.RetentionDays == 0 {
			continue
		}
		cutoff := now.Add(-time.Duration(a.RetentionDays) * 24 * time.Hour).UnixNano()
		var b store.Batch
		var removed int64
		err := s.env.Store.Scan(ctx, archiveBucket(a.ArchiveName), nil, nil, func(k, v []byte) bool {
			var st stored
			if json.Unmarshal(v, &st) == nil && st.Ingested < cutoff {
				b.Delete(archiveBucket(a.ArchiveName), append([]byte(nil), k...))
				removed++
			}
			return true
		})
		if err != nil {
			return err
		}
		if removed > 0 {
			if err := s.apply(ctx, &b); err != nil {
				return err
			}
			s.mu.Lock()
			if live, ok := s.archives[a.ArchiveName]; ok {
				live.EventCount -= removed
			}
			s.mu.Unlock()
			s.count("archive_events_expired", removed)
		}
	}
	return nil
}

// StartReplayInput is a StartReplay request.
type StartReplayInput struct {
	ReplayName     string
	EventSourceArn string // archive ARN
	EventStartTime time.Time
	EventEndTime   time.Time
	DestinationArn string
	FilterArns     []string
	Description    string
}

// StartReplay checks a replay and schedules it; Run executes it.
func (s *Service) StartReplay(ctx context.Context, in StartReplayInput) (*Replay, error) {
	if !ruleNameRE.MatchString(in.ReplayName) {
		return nil, validation("Replay name %s is not valid.", in.ReplayName)
	}
	if !in.EventStartTime.Before(in.EventEndTime) {
		return nil, validation("Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.")
	}
	archName := in.EventSourceArn[strings.LastIndex(in.EventSourceArn, "/")+1:]
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.archives[archName]
	if !ok {
		return nil, validation("Parameter EventSourceArn is not valid. Reason: Archive %s does not exist.", archName)
	}
	dest := s.busName(in.DestinationArn)
	if _, ok := s.buses[dest]; !ok {
		return nil, notFound("Event bus %s does not exist.", dest)
	}
	if s.BusARN(dest) != a.EventSourceArn {
		return nil, validation("Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.")
	}
	if _, dup := s.replays[in.ReplayName]; dup {
		return nil, apiErr("ResourceAlreadyExistsException", "Replay %s already exists.", in.ReplayName)
	}
	active := 0
	for _, r := range s.replays {
		if r.State == "STARTING" || r.State == "RUNNING" {
			active++
		}
	}
	if active >= 10 {
		return nil, apiErr("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
	}
	r := &Replay{ReplayName: in.ReplayName, ReplayArn: s.env.ARN("events", "replay/"+in.ReplayName).String(),
		EventSourceArn: a.ArchiveArn, DestinationArn: s.BusARN(dest), FilterArns: in.FilterArns,
		EventStartTime: in.EventStartTime.UTC(), EventEndTime: in.EventEndTime.UTC(), Description: in.Description,
		State: "STARTING", ReplayStartTime: s.env.Clock.Now().UTC()}
	if err := s.saveReplayLocked(ctx, r); err != nil {
		return nil, err
	}
	s.replays[r.ReplayName] = r
	s.count("replays_started", 1)
	go s.kickReplays()
	cp := *r
	return &cp, nil
}

func (s *Service) saveReplayLocked(ctx context.Context, r *Replay) error {
	val, _ := json.Marshal(r)
	var b store.Batch
	b.Put(configBucket, []byte("replay/"+r.ReplayName), val)
	return s.apply(ctx, &b)
}

// DescribeReplay returns a replay's state.
func (s *Service) DescribeReplay(name string) (Replay, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.replays[name]
	if !ok {
		return Replay{}, notFound("Replay %s does not exist.", name)
	}
	return *r, nil
}

// CancelReplay asks a STARTING or RUNNING replay to stop.
func (s *Service) CancelReplay(ctx context.Context, name string) (Replay, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.replays[name]
	if !ok {
		return Replay{}, notFound("Replay %s does not exist.", name)
	}
	if r.State != "STARTING" && r.State != "RUNNING" {
		return Replay{}, apiErr("IllegalStatusException", "Replay %s is not in a state that can be cancelled.", name)
	}
	r.State = "CANCELLING"
	if err := s.saveReplayLocked(ctx, r); err != nil {
		return Replay{}, err
	}
	return *r, nil
}

func (s *Service) kickReplays() {
	select {
	case s.replayKick <- struct{}{}:
	default:
	}
}

// runReplaysAndSweeps executes pending replays (also ones interrupted by a
// crash) and sweeps archives hourly.
func (s *Service) runReplaysAndSweeps(ctx context.Context) error {
	sweep := s.env.Clock.After(time.Hour)
	for {
		s.runPendingReplays(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.replayKick:
		case <-sweep:
			if err := s.SweepArchives(ctx); err != nil {
				s.env.Logf("events: archive sweep: %v", err)
			}
			sweep = s.env.Clock.After(time.Hour)
		}
	}
}

func (s *Service) runPendingReplays(ctx context.Context) {
	s.mu.RLock()
	var todo []string
	for name, r := range s.replays {
		if r.State == "STARTING" || r.State == "RUNNING" || r.State == "CANCELLING" {
			todo = append(todo, name)
		}
	}
	s.mu.RUnlock()
	for _, name := range todo {
		if ctx.Err() != nil {
			return
		}
		s.runReplay(ctx, name)
	}
}

func (s *Service) setReplay(ctx context.Context, name string, fn func(r *Replay)) Replay {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.replays[name]
	fn(r)
	if err := s.saveReplayLocked(ctx, r); err != nil {
		s.env.Logf("events: saving replay %s: %v", name, err)
	}
	return *r
}

// runReplay re-ingests the archive's events of [start, end) in event-time
// order (so minute by minute), with replay-name set. A replay interrupted
// by a crash starts again from the start of its window (at-least-once).
func (s *Service) runReplay(ctx context.Context, name string) {
	r := s.setReplay(ctx, name, func(r *Replay) {
		if r.State == "STARTING" {
			r.State = "RUNNING"
		}
	})
	if r.State == "CANCELLING" {
		s.setReplay(ctx, name, func(r *Replay) { r.State = "CANCELLED" })
		return
	}
	archName := r.EventSourceArn[strings.LastIndex(r.EventSourceArn, "/")+1:]
	from := binary.BigEndian.AppendUint64(nil, uint64(r.EventStartTime.UnixNano()))
	to := binary.BigEndian.AppendUint64(nil, uint64(r.EventEndTime.UnixNano()))
	busName := s.busName(r.DestinationArn)
	var (
		last      time.Time
		minute    int64 = -1
		cancelled bool
		failed    error
	)
	err := s.env.Store.Scan(ctx, archiveBucket(archName), from, to, func(k, v []byte) bool {
		var st stored
		if json.Unmarshal(v, &st) != nil {
			return true
		}
		ev, err := parseEnvelope(st.Event, time.Unix(0, st.Ingested))
		if err != nil {
			return true
		}
		if m := ev.Time.Unix() / 60; m != minute {
			minute = m
			s.mu.RLock()
			cancelled = s.replays[name].State == "CANCELLING"
			s.mu.RUnlock()
			if cancelled {
				return false
			}
		}
		ev.ReplayName = name
		if err := s.ingestRaw(ctx, busName, ev.JSON(), r.FilterArns); err != nil {
			failed = err
			return false
		}
		last = ev.Time
		s.count("events_replayed", 1)
		return true
	})
	if err == nil {
		err = failed
	}
	if err != nil && ctx.Err() != nil {
		return // shutting down: resume after restart
	}
	now := s.env.Clock.Now().UTC()
	s.setReplay(ctx, name, func(r *Replay) {
		if !last.IsZero() {
			r.EventLastReplayedTime = last
		}
		switch {
		case err != nil:
			r.State, r.StateReason = "FAILED", err.Error()
		case cancelled || r.State == "CANCELLING":
			r.State = "CANCELLED"
		default:
			r.State = "COMPLETED"
		}
		r.ReplayEndTime = now
	})
}
