package sqs

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/sink"
	"github.com/patternc/patternc/runtime/store"
)

// Message is one queued message.
type Message struct {
	ID         string            `json:"id"`
	Body       string            `json:"body"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// MessageAttributes are typed attributes sent through the SQS API.
	MessageAttributes map[string]MessageAttribute `json:"messageAttributes,omitempty"`
	GroupID           string                      `json:"groupId,omitempty"`
	DedupID           string                      `json:"dedupId,omitempty"`
	SentAt            time.Time                   `json:"sentAt"`
	// ReceiveCount is how many times Receive handed the message out.
	ReceiveCount int `json:"receiveCount,omitempty"`
	// VisibleAt hides a received message from Receive until then.
	VisibleAt time.Time `json:"visibleAt,omitzero"`
	// ReceiptHandle, set by Receive, names the message for Delete.
	ReceiptHandle string `json:"receiptHandle,omitempty"`
}

// Service is the set of local queues of one account and region.
type Service struct {
	st              store.Store
	clk             clock.Clock
	region, account string

	mu     sync.Mutex
	queues map[string]bool
	recvMu sync.Mutex

	waitMu  sync.Mutex
	arrived chan struct{} // closed when a message arrives (long polls)
}

const namesBucket = "sqs-queues"

// New opens the queues kept in st.
func New(st store.Store, clk clock.Clock, region, account string) (*Service, error) {
	clk = clock.Or(clk)
	s := &Service{st: st, clk: clk, region: region, account: account, queues: map[string]bool{}}
	err := st.Scan(context.Background(), namesBucket, nil, nil, func(k, v []byte) bool {
		s.queues[string(k)] = true
		return true
	})
	return s, err
}

// ARN is the ARN of the queue name.
func (s *Service) ARN(name string) string {
	return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", s.region, s.account, name)
}

// Create makes a queue (idempotent) and returns its ARN.
func (s *Service) Create(ctx context.Context, name string) (string, error) {
	if name == "" || len(name) > 80 || strings.ContainsAny(name, ":/ ") {
		return "", fmt.Errorf("sqs: invalid queue name %q", name)
	}
	var b store.Batch
	b.Put(namesBucket, []byte(name), []byte("{}"))
	if err := s.st.Apply(ctx, &b); err != nil {
		return "", err
	}
	s.mu.Lock()
	s.queues[name] = true
	s.mu.Unlock()
	return s.ARN(name), nil
}

// List returns the names of the queues, sorted.
func (s *Service) List() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.queues))
	for n := range s.queues {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// DeleteQueue removes a queue and its messages.
func (s *Service) DeleteQueue(ctx context.Context, name string) error {
	if err := s.Purge(ctx, name); err != nil {
		return err
	}
	var b store.Batch
	b.Delete(namesBucket, []byte(name))
	if err := s.st.Apply(ctx, &b); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.queues, name)
	s.mu.Unlock()
	return nil
}

// Purge deletes every message on queue name.
func (s *Service) Purge(ctx context.Context, name string) error {
	if !s.exists(name) {
		return fmt.Errorf("sqs: queue %s: %w", name, sink.ErrNoResource)
	}
	var b store.Batch
	err := s.st.Scan(ctx, "sqs/"+name, nil, nil, func(k, v []byte) bool {
		b.Delete("sqs/"+name, k)
		return true
	})
	if err != nil {
		return err
	}
	return s.st.Apply(ctx, &b)
}

// Receive hands out up to max visible messages, oldest first, and hides
// them for visibility (SQS's visibility timeout; default 30 s) unless
// Delete removes them first. Each carries a ReceiptHandle for Delete.
func (s *Service) Receive(ctx context.Context, name string, max int, visibility time.Duration) ([]Message, error) {
	if !s.exists(name) {
		return nil, fmt.Errorf("sqs: queue %s: %w", name, sink.ErrNoResource)
	}
	if max <= 0 || max > 10 {
		return nil, fmt.Errorf("sqs: max messages %d: must be between 1 and 10", max)
	}
	if visibility <= 0 {
		visibility = 30 * time.Second
	}
	// One receiver at a time, so two calls never hand out one message.
	s.recvMu.Lock()
	defer s.recvMu.Unlock()
	now := s.clk.Now().UTC()
	var out []Message
	var b store.Batch
	var bad error
	err := s.st.Scan(ctx, "sqs/"+name, nil, nil, func(k, v []byte) bool {
		var m Message
		if bad = json.Unmarshal(v, &m); bad != nil {
			return false
		}
		if m.VisibleAt.After(now) {
			return true
		}
		m.ReceiveCount++
		m.VisibleAt = now.Add(visibility)
		m.ReceiptHandle = ""
		val, err := json.Marshal(m)
		if err != nil {
			bad = err
			return false
		}
		b.Put("sqs/"+name, k, val)
		m.ReceiptHandle = hex.EncodeToString(k)
		out = append(out, m)
		return len(out) < max
	})
	if err == nil {
		err = bad
	}
	if err == nil {
		err = s.st.Apply(ctx, &b)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes the message Receive handed out with receiptHandle.
func (s *Service) Delete(ctx context.Context, name, receiptHandle string) error {
	if !s.exists(name) {
		return fmt.Errorf("sqs: queue %s: %w", name, sink.ErrNoResource)
	}
	k, err := hex.DecodeString(receiptHandle)
	if err != nil || len(k) < 8 {
		return fmt.Errorf("sqs: receipt handle %q is invalid", receiptHandle)
	}
	var b store.Batch
	b.Delete("sqs/"+name, k)
	return s.st.Apply(ctx, &b)
}

func (s *Service) exists(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queues[name]
}

// Send stores a message on queue name.
func (s *Service) Send(ctx context.Context, name string, m sink.Message) (string, error) {
	if !s.exists(name) {
		return "", fmt.Errorf("sqs: queue %s: %w", name, sink.ErrNoResource)
	}
	msg := Message{ID: uuid.NewString(), Body: string(m.Body), Attributes: m.Attributes, GroupID: m.GroupID, DedupID: m.DedupID, SentAt: s.clk.Now().UTC()}
	val, err := json.Marshal(msg)
	if err != nil {
		return "", err
	}
	key := append(binary.BigEndian.AppendUint64(nil, uint64(msg.SentAt.UnixNano())), msg.ID...)
	var b store.Batch
	b.Put("sqs/"+name, key, val)
	if err := s.st.Apply(ctx, &b); err != nil {
		return "", err
	}
	s.wake()
	return msg.ID, nil
}

// Messages lists the messages on queue name, oldest first.
func (s *Service) Messages(ctx context.Context, name string) ([]Message, error) {
	if !s.exists(name) {
		return nil, fmt.Errorf("sqs: queue %s: %w", name, sink.ErrNoResource)
	}
	var out []Message
	var bad error
	err := s.st.Scan(ctx, "sqs/"+name, nil, nil, func(k, v []byte) bool {
		var m Message
		if bad = json.Unmarshal(v, &m); bad != nil {
			return false
		}
		out = append(out, m)
		return true
	})
	if err == nil {
		err = bad
	}
	return out, err
}

// Resolve finds the queue of an ARN, as a sink.
func (s *Service) Resolve(arn string) (sink.Sink, error) {
	prefix := fmt.Sprintf("arn:aws:sqs:%s:%s:", s.region, s.account)
	name, ok := strings.CutPrefix(arn, prefix)
	if !ok || !s.exists(name) {
		return nil, fmt.Errorf("sqs: %s: %w", arn, sink.ErrNoResource)
	}
	return queueSink{s, name}, nil
}

type queueSink struct {
	s    *Service
	name string
}

func (q queueSink) Send(ctx context.Context, m sink.Message) error {
	_, err := q.s.Send(ctx, q.name, m)
	return err
}
