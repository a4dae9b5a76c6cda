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

	"github.com/patternc/patternc/runtime/internal/mirror"
	"github.com/patternc/patternc/runtime/kernel"
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

// Options tune a Service.
type Options struct {
	// Visibility is how long Receive hides a message when the caller
	// names no visibility timeout; default 30 s, as SQS.
	Visibility time.Duration
}

// Service is the set of local queues of one account and region.
type Service struct {
	env  kernel.Env
	opts Options

	mu     sync.Mutex
	queues map[string]bool
	// shared mirrors the queues other instances create and delete on a
	// shared store; its Apply is every write of namesBucket.
	shared *mirror.Mirror
	recvMu sync.Mutex

	waitMu  sync.Mutex
	arrived chan struct{} // closed when a message arrives (long polls)
}

const namesBucket = "sqs-queues"

// New opens the queues kept in env.Store.
func New(env kernel.Env, opts Options) (*Service, error) {
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("sqs: %w", err)
	}
	if opts.Visibility <= 0 {
		opts.Visibility = 30 * time.Second
	}
	s := &Service{env: env, opts: opts, queues: map[string]bool{}, shared: mirror.New(env.Store, namesBucket, nil)}
	err = env.Store.Scan(context.Background(), namesBucket, nil, nil, func(k, v []byte) bool {
		s.queues[string(k)] = true
		s.shared.Seed(k, v)
		return true
	})
	return s, err
}

// ARN is the ARN of the queue name.
func (s *Service) ARN(name string) string {
	return s.env.ARN("sqs", name).String()
}

// noQueue is SQS's answer for a queue that does not exist.
func noQueue(name string) *kernel.Error {
	return kernel.Errorf("AWS.SimpleQueueService.NonExistentQueue", 400, "The specified queue does not exist.")
}

// Create makes a queue (idempotent) and returns its ARN.
func (s *Service) Create(ctx context.Context, name string) (string, error) {
	if name == "" || len(name) > 80 || strings.ContainsAny(name, ":/ ") {
		return "", kernel.Errorf("InvalidParameterValue", 400, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length (queue name %q)", name)
	}
	var b store.Batch
	b.Put(namesBucket, []byte(name), []byte("{}"))
	if err := s.shared.Apply(ctx, &b); err != nil {
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
	if err := s.shared.Apply(ctx, &b); err != nil {
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
		return noQueue(name)
	}
	var b store.Batch
	err := s.env.Store.Scan(ctx, "sqs/"+name, nil, nil, func(k, v []byte) bool {
		b.Delete("sqs/"+name, k)
		return true
	})
	if err != nil {
		return err
	}
	return s.env.Store.Apply(ctx, &b)
}

// Receive hands out up to max visible messages, oldest first, and hides
// them for visibility (SQS's visibility timeout; default 30 s) unless
// Delete removes them first. Each carries a ReceiptHandle for Delete.
func (s *Service) Receive(ctx context.Context, name string, max int, visibility time.Duration) ([]Message, error) {
	if !s.exists(name) {
		return nil, noQueue(name)
	}
	if max <= 0 || max > 10 {
		return nil, kernel.Errorf("InvalidParameterValue", 400, "Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", max)
	}
	if visibility <= 0 {
		visibility = s.opts.Visibility
	}
	// One receiver at a time, so two calls never hand out one message.
	s.recvMu.Lock()
	defer s.recvMu.Unlock()
	now := s.env.Clock.Now().UTC()
	rd := s.redriveOf(ctx, name)
	var out []Message
	var b store.Batch
	var bad error
	err := s.env.Store.Scan(ctx, "sqs/"+name, nil, nil, func(k, v []byte) bool {
		var m Message
		if bad = json.Unmarshal(v, &m); bad != nil {
			return false
		}
		if m.VisibleAt.After(now) {
			return true
		}
		if rd.max > 0 && m.ReceiveCount >= rd.max {
			bad = rd.moveToDLQ(&b, name, k, m)
			return bad == nil
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
		err = s.env.Store.Apply(ctx, &b)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes the message Receive handed out with receiptHandle.
func (s *Service) Delete(ctx context.Context, name, receiptHandle string) error {
	if !s.exists(name) {
		return noQueue(name)
	}
	k, err := hex.DecodeString(receiptHandle)
	if err != nil || len(k) < 8 {
		return kernel.Errorf("ReceiptHandleIsInvalid", 400, "The input receipt handle %q is not a valid receipt handle.", receiptHandle)
	}
	var b store.Batch
	b.Delete("sqs/"+name, k)
	return s.env.Store.Apply(ctx, &b)
}

func (s *Service) exists(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queues[name]
}

// Send stores a message on queue name.
func (s *Service) Send(ctx context.Context, name string, m kernel.Message) (string, error) {
	if !s.exists(name) {
		return "", noQueue(name)
	}
	msg := Message{ID: uuid.NewString(), Body: string(m.Body), Attributes: m.Attributes, GroupID: m.GroupID, DedupID: m.DedupID, SentAt: s.env.Clock.Now().UTC()}
	val, err := json.Marshal(msg)
	if err != nil {
		return "", err
	}
	key := append(binary.BigEndian.AppendUint64(nil, uint64(msg.SentAt.UnixNano())), msg.ID...)
	var b store.Batch
	b.Put("sqs/"+name, key, val)
	if err := s.env.Store.Apply(ctx, &b); err != nil {
		return "", err
	}
	s.wake()
	return msg.ID, nil
}

// Messages lists the messages on queue name, oldest first.
func (s *Service) Messages(ctx context.Context, name string) ([]Message, error) {
	if !s.exists(name) {
		return nil, noQueue(name)
	}
	var out []Message
	var bad error
	err := s.env.Store.Scan(ctx, "sqs/"+name, nil, nil, func(k, v []byte) bool {
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
func (s *Service) Resolve(arn string) (kernel.Sink, error) {
	a, err := kernel.ParseARN(arn)
	if err != nil || !s.env.Owns("sqs", a) || !s.exists(a.Resource) {
		return nil, fmt.Errorf("sqs: %s: %w", arn, kernel.ErrNoResource)
	}
	return queueSink{s, a.Resource}, nil
}

type queueSink struct {
	s    *Service
	name string
}

func (q queueSink) Send(ctx context.Context, m kernel.Message) error {
	_, err := q.s.Send(ctx, q.name, m)
	return err
}

// Run keeps the queue names in step with those other instances create
// and delete, on a shared store (serve instances on one JetStream
// cluster), until ctx is done. Messages and attributes are read from the
// store on every call, so only the names need this.
func (s *Service) Run(ctx context.Context) error {
	return s.shared.Run(ctx, s.env.Logf, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, c := range s.shared.Changes() {
			if c.Val == nil {
				delete(s.queues, c.Key)
			} else {
				s.queues[c.Key] = true
			}
		}
	})
}
