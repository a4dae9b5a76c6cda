package sqs

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
)

// The SQS API over local queues [AWS SQS semantics, trimmed]: queue
// attributes, typed message attributes, delays, long polls, visibility
// changes, redrive. FIFO queues keep send order (one receiver at a time)
// and require a MessageGroupId; deduplication is not implemented. A
// RedrivePolicy moves messages received maxReceiveCount times to the
// dead-letter queue before the next receive.

// MessageAttribute is one typed SQS message attribute.
type MessageAttribute struct {
	DataType    string
	StringValue string `json:",omitempty"`
	BinaryValue []byte `json:",omitempty"`
}

// SendInput is a SendMessage request.
type SendInput struct {
	Body              string
	DelaySeconds      *int
	MessageAttributes map[string]MessageAttribute
	GroupID, DedupID  string
}

var (
	queueNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	// queueAttrs are the settable attributes and their defaults [AWS].
	queueAttrs = map[string]string{
		"DelaySeconds": "0", "MaximumMessageSize": "262144", "MessageRetentionPeriod": "345600",
		"ReceiveMessageWaitTimeSeconds": "0", "VisibilityTimeout": "30", "Policy": "", "RedrivePolicy": "",
		"RedriveAllowPolicy": "", "FifoQueue": "", "ContentBasedDeduplication": "", "KmsMasterKeyId": "",
		"KmsDataKeyReusePeriodSeconds": "", "SqsManagedSseEnabled": "", "DeduplicationScope": "", "FifoThroughputLimit": "",
	}
	// attrRanges bound the numeric attributes [AWS].
	attrRanges = map[string][2]int{
		"DelaySeconds": {0, 900}, "MaximumMessageSize": {1024, 262144}, "MessageRetentionPeriod": {60, 1209600},
		"ReceiveMessageWaitTimeSeconds": {0, 20}, "VisibilityTimeout": {0, 43200},
	}
)

func checkAttrs(attrs map[string]string) error {
	for k, v := range attrs {
		if _, ok := queueAttrs[k]; !ok {
			return kernel.Errorf("InvalidAttributeName", 400, "Unknown Attribute %s.", k)
		}
		if r, ok := attrRanges[k]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < r[0] || n > r[1] {
				return kernel.Errorf("InvalidAttributeValue", 400, "Invalid value for the parameter %s.", k)
			}
		}
	}
	return nil
}

// CreateQueue creates a queue with attributes; creating an existing queue
// with the same attributes returns it, with different ones fails [AWS].
func (s *Service) CreateQueue(ctx context.Context, name string, attrs map[string]string) (string, error) {
	base := strings.TrimSuffix(name, ".fifo")
	if !queueNameRE.MatchString(base) || len(name) > 80 {
		return "", kernel.Errorf("InvalidParameterValue", 400, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	if err := checkAttrs(attrs); err != nil {
		return "", err
	}
	if rp := attrs["RedrivePolicy"]; rp != "" {
		if _, _, err := s.parseRedrive(rp); err != nil {
			return "", err
		}
	}
	fifo := strings.EqualFold(attrs["FifoQueue"], "true")
	if fifo != strings.HasSuffix(name, ".fifo") {
		return "", kernel.Errorf("InvalidParameterValue", 400, "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
	}
	attrs = copyAttrs(attrs) // the caller's map stays as it was
	if s.exists(name) {
		cur, err := s.storedAttrs(ctx, name)
		if err != nil {
			return "", err
		}
		for k, v := range attrs {
			if cur[k] != v {
				return "", kernel.Errorf("QueueAlreadyExists", 400, "A queue already exists with the same name and a different value for attribute %s", k)
			}
		}
		return s.ARN(name), nil
	}
	attrs["CreatedTimestamp"] = strconv.FormatInt(s.env.Clock.Now().Unix(), 10)
	if err := s.putAttrs(ctx, name, attrs); err != nil {
		return "", err
	}
	s.mu.Lock()
	s.queues[name] = true
	s.mu.Unlock()
	return s.ARN(name), nil
}

func (s *Service) storedAttrs(ctx context.Context, name string) (map[string]string, error) {
	val, err := s.env.Store.Get(ctx, namesBucket, []byte(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, noQueue(name)
	}
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	_ = json.Unmarshal(val, &out) // queues made by Create hold "{}"
	return out, nil
}

func (s *Service) putAttrs(ctx context.Context, name string, attrs map[string]string) error {
	val, err := json.Marshal(attrs)
	if err != nil {
		return err
	}
	var b store.Batch
	b.Put(namesBucket, []byte(name), val)
	return s.shared.Apply(ctx, &b)
}

// Attributes returns a queue's attributes with defaults filled in, its
// ARN and its approximate message counts.
func (s *Service) Attributes(ctx context.Context, name string) (map[string]string, error) {
	if !s.exists(name) {
		return nil, noQueue(name)
	}
	attrs, err := s.storedAttrs(ctx, name)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, def := range queueAttrs {
		if v, ok := attrs[k]; ok {
			out[k] = v
		} else if def != "" {
			out[k] = def
		}
	}
	out["QueueArn"] = s.ARN(name)
	out["CreatedTimestamp"] = attrs["CreatedTimestamp"]
	out["LastModifiedTimestamp"] = attrs["CreatedTimestamp"]
	if v, ok := attrs["LastModifiedTimestamp"]; ok {
		out["LastModifiedTimestamp"] = v
	}
	visible, hidden, delayed, err := s.counts(ctx, name)
	if err != nil {
		return nil, err
	}
	out["ApproximateNumberOfMessages"] = strconv.Itoa(visible)
	out["ApproximateNumberOfMessagesNotVisible"] = strconv.Itoa(hidden)
	out["ApproximateNumberOfMessagesDelayed"] = strconv.Itoa(delayed)
	return out, nil
}

// counts returns the queue's visible, in-flight and delayed messages.
func (s *Service) counts(ctx context.Context, name string) (visible, hidden, delayed int, err error) {
	now := s.env.Clock.Now()
	msgs, err := s.Messages(ctx, name)
	for _, m := range msgs {
		switch {
		case !m.VisibleAt.After(now):
			visible++
		case m.ReceiveCount == 0:
			delayed++
		default:
			hidden++
		}
	}
	return visible, hidden, delayed, err
}

// SetAttributes changes queue attributes (FifoQueue is fixed).
func (s *Service) SetAttributes(ctx context.Context, name string, attrs map[string]string) error {
	if !s.exists(name) {
		return noQueue(name)
	}
	if err := checkAttrs(attrs); err != nil {
		return err
	}
	if _, ok := attrs["FifoQueue"]; ok {
		return kernel.Errorf("InvalidAttributeName", 400, "Invalid attribute name FifoQueue.")
	}
	if rp := attrs["RedrivePolicy"]; rp != "" {
		if _, _, err := s.parseRedrive(rp); err != nil {
			return err
		}
	}
	cur, err := s.storedAttrs(ctx, name)
	if err != nil {
		return err
	}
	for k, v := range attrs {
		cur[k] = v
	}
	cur["LastModifiedTimestamp"] = strconv.FormatInt(s.env.Clock.Now().Unix(), 10)
	return s.putAttrs(ctx, name, cur)
}

// SendMessage stores a message; DelaySeconds (else the queue's) hides
// it that long.
func (s *Service) SendMessage(ctx context.Context, name string, in SendInput) (Message, error) {
	if !s.exists(name) {
		return Message{}, noQueue(name)
	}
	attrs, err := s.storedAttrs(ctx, name)
	if err != nil {
		return Message{}, err
	}
	if in.Body == "" {
		return Message{}, kernel.Errorf("MissingParameter", 400, "The request must contain the parameter MessageBody.")
	}
	max := 262144
	if v, err := strconv.Atoi(attrs["MaximumMessageSize"]); err == nil {
		max = v
	}
	size := len(in.Body)
	for k, a := range in.MessageAttributes {
		size += len(k) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
	}
	if size > max {
		return Message{}, kernel.Errorf("InvalidParameterValue", 400, "One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", max)
	}
	fifo := strings.HasSuffix(name, ".fifo")
	if fifo && in.GroupID == "" {
		return Message{}, kernel.Errorf("MissingParameter", 400, "The request must contain the parameter MessageGroupId.")
	}
	if !fifo && in.DedupID != "" {
		return Message{}, kernel.Errorf("InvalidParameterValue", 400, "The request include parameter that is not valid for this queue type")
	}
	delay, _ := strconv.Atoi(attrs["DelaySeconds"])
	if in.DelaySeconds != nil {
		if *in.DelaySeconds < 0 || *in.DelaySeconds > 900 {
			return Message{}, kernel.Errorf("InvalidParameterValue", 400, "Value %d for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.", *in.DelaySeconds)
		}
		delay = *in.DelaySeconds
	}
	now := s.env.Clock.Now().UTC()
	msg := Message{ID: uuid.NewString(), Body: in.Body, MessageAttributes: in.MessageAttributes, GroupID: in.GroupID,
		DedupID: in.DedupID, SentAt: now}
	if delay > 0 {
		msg.VisibleAt = now.Add(time.Duration(delay) * time.Second)
	}
	return msg, s.put(ctx, name, msg)
}

func (s *Service) put(ctx context.Context, name string, msg Message) error {
	val, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	key := append(binary.BigEndian.AppendUint64(nil, uint64(msg.SentAt.UnixNano())), msg.ID...)
	var b store.Batch
	b.Put("sqs/"+name, key, val)
	if err := s.env.Store.Apply(ctx, &b); err != nil {
		return err
	}
	s.wake()
	return nil
}

// wake tells long polls that a message arrived.
func (s *Service) wake() {
	s.waitMu.Lock()
	if s.arrived != nil {
		close(s.arrived)
		s.arrived = nil
	}
	s.waitMu.Unlock()
}

func (s *Service) arrival() <-chan struct{} {
	s.waitMu.Lock()
	defer s.waitMu.Unlock()
	if s.arrived == nil {
		s.arrived = make(chan struct{})
	}
	return s.arrived
}

// ReceiveWait is Receive that waits up to wait for a message (SQS long
// polling); a zero visibility uses the queue's VisibilityTimeout.
func (s *Service) ReceiveWait(ctx context.Context, name string, max int, visibility *time.Duration, wait time.Duration) ([]Message, error) {
	attrs, err := s.storedAttrs(ctx, name)
	if err != nil {
		return nil, err
	}
	vis := 30 * time.Second
	if v, err := strconv.Atoi(attrs["VisibilityTimeout"]); err == nil {
		vis = time.Duration(v) * time.Second
	}
	if visibility != nil {
		vis = *visibility
	}
	if vis == 0 {
		vis = time.Nanosecond // visible again at once
	}
	deadline := s.env.Clock.Now().Add(wait)
	for {
		ch := s.arrival()
		msgs, err := s.Receive(ctx, name, max, vis)
		if err != nil || len(msgs) > 0 || wait <= 0 {
			return msgs, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return msgs, nil
		}
		// Delayed and invisible messages become visible without a send:
		// look again at least once a second.
		if left > time.Second {
			left = time.Second
		}
		t := time.NewTimer(left)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil
		case <-ch:
		case <-t.C:
		}
		t.Stop()
		if !s.env.Clock.Now().Before(deadline) {
			msgs, err := s.Receive(ctx, name, max, vis)
			return msgs, err
		}
	}
}

// ChangeVisibility makes a received message visible again after timeout.
func (s *Service) ChangeVisibility(ctx context.Context, name, receiptHandle string, timeout time.Duration) error {
	if !s.exists(name) {
		return noQueue(name)
	}
	k, err := hex.DecodeString(receiptHandle)
	if err != nil || len(k) < 8 {
		return kernel.Errorf("ReceiptHandleIsInvalid", 400, "The input receipt handle \"%s\" is not a valid receipt handle.", receiptHandle)
	}
	val, err := s.env.Store.Get(ctx, "sqs/"+name, k)
	if errors.Is(err, store.ErrNotFound) {
		return kernel.Errorf("InvalidParameterValue", 400, "Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.", receiptHandle)
	}
	if err != nil {
		return err
	}
	var m Message
	if err := json.Unmarshal(val, &m); err != nil {
		return err
	}
	m.VisibleAt = s.env.Clock.Now().UTC().Add(timeout)
	val, err = json.Marshal(m)
	if err != nil {
		return err
	}
	var b store.Batch
	b.Put("sqs/"+name, k, val)
	if err := s.env.Store.Apply(ctx, &b); err != nil {
		return err
	}
	if timeout == 0 {
		s.wake()
	}
	return nil
}

// CheckReceipt reports whether receiptHandle is well formed.
func CheckReceipt(receiptHandle string) error {
	k, err := hex.DecodeString(receiptHandle)
	if err != nil || len(k) < 8 {
		return kernel.Errorf("ReceiptHandleIsInvalid", 400, "The input receipt handle \"%s\" is not a valid receipt handle.", receiptHandle)
	}
	return nil
}

func copyAttrs(in map[string]string) map[string]string {
	out := make(map[string]string, len(in)+1)
	for k, v := range in {
		out[k] = v
	}
	return out
}

// redrivePolicy is a queue's RedrivePolicy attribute [AWS]: after
// maxReceiveCount receives, a message moves to the dead-letter queue.
type redrivePolicy struct {
	DeadLetterTargetArn string      `json:"deadLetterTargetArn"`
	MaxReceiveCount     json.Number `json:"maxReceiveCount"`
}

// parseRedrive reads a RedrivePolicy; it must name a queue of this
// account and region and a count of 1 to 1000.
func (s *Service) parseRedrive(text string) (dlq string, max int, err error) {
	bad := func(reason string) error {
		return kernel.Errorf("InvalidParameterValue", 400, "Value %s for parameter RedrivePolicy is invalid. Reason: %s", text, reason)
	}
	var p redrivePolicy
	if json.Unmarshal([]byte(text), &p) != nil {
		return "", 0, bad("Invalid JSON.")
	}
	n, nerr := strconv.Atoi(p.MaxReceiveCount.String())
	if nerr != nil || n < 1 || n > 1000 {
		return "", 0, bad("Invalid value for maxReceiveCount: " + p.MaxReceiveCount.String() + ", valid values are from 1 to 1000 both inclusive.")
	}
	prefix := s.ARN("")
	name, ok := strings.CutPrefix(p.DeadLetterTargetArn, prefix)
	if !ok || name == "" {
		return "", 0, bad("Dead-letter target owner should be same as the source.")
	}
	return name, n, nil
}
