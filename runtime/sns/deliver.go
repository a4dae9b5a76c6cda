package sns

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
)

// httpTimeout is how long an HTTP/S endpoint has to answer (docs/semantics/runtime.md §5.8).
const httpTimeout = 15 * time.Second

const tsLayout = "2006-01-02T15:04:05.000Z"

func newID() string { return uuid.NewString() }

// Run delivers until ctx is done: one durable queue per subscription, each
// with its own workers, so a slow or failing subscriber never delays
// another. Deliveries interrupted by a crash resume on the next Run.
func (s *Service) Run(ctx context.Context) error {
	s.runMu.Lock()
	if s.runCtx != nil {
		s.runMu.Unlock()
		return errors.New("sns: Run called twice")
	}
	s.runCtx = ctx
	s.runMu.Unlock()
	s.mu.Lock()
	subs := make([]*subscription, 0, len(s.subs))
	for _, sub := range s.subs {
		subs = append(subs, sub)
	}
	s.mu.Unlock()
	for _, sub := range subs {
		s.startWorker(sub)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.shared.Run(ctx, s.env.Logf, s.syncShared)
	}()
	<-ctx.Done()
	s.wg.Wait()
	return ctx.Err()
}

// subQueue returns the one Queue value of a subscription (one value, so an
// Enqueue wakes the worker running on it).
func (s *Service) subQueue(subARN string) (*queue.Queue, error) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if q := s.queues[subARN]; q != nil {
		return q, nil
	}
	q, err := queue.Open(s.env, queueName(subARN))
	if err != nil {
		return nil, err
	}
	if s.queues == nil {
		s.queues = map[string]*queue.Queue{}
	}
	s.queues[subARN] = q
	return q, nil
}

func (s *Service) startWorker(sub *subscription) {
	q, err := s.subQueue(sub.ARN)
	if err != nil {
		return
	}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.runCtx == nil || s.running[sub.ARN] != nil || s.runCtx.Err() != nil {
		return
	}
	ctx, cancel := context.WithCancel(s.runCtx)
	s.running[sub.ARN] = cancel
	s.mu.Lock()
	fifo := s.topics[topicName(sub.TopicARN)] != nil && s.topics[topicName(sub.TopicARN)].fifo
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if fifo {
			// One at a time, in sequence order; retries wait in place. On
			// a shared store one instance at a time owns the subscription.
			_ = q.RunOrdered(ctx, once(s.deliverFIFO(sub.ARN)))
			return
		}
		_ = q.Run(ctx, 8, once(s.deliverStandard(sub.ARN)))
	}()
}

func (s *Service) stopWorker(subARN string) {
	s.runMu.Lock()
	cancel := s.running[subARN]
	delete(s.running, subARN)
	delete(s.queues, subARN)
	s.runMu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// attemptResult is what one delivery attempt came to.
type attemptResult int

const (
	delivered attemptResult = iota
	failedRetry
	failedClient // never retried: goes to the DLQ at once
)

// target is a consistent copy of what a delivery needs.
type target struct {
	sub   subscription
	topic *topic
	sched phases
}

func (s *Service) target(subARN string) (*target, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.subs[subARN]
	if sub == nil {
		return nil, false
	}
	t := s.topics[topicName(sub.TopicARN)]
	if t == nil {
		return nil, false
	}
	tg := &target{sub: *sub, topic: t, sched: managedSchedule}
	if sub.Protocol == "http" || sub.Protocol == "https" {
		p := DefaultHTTPRetry
		if t.policy.HasRetry {
			p = t.policy.Retry
		}
		if sub.policy.HasRetry && !t.policy.NoOverrides {
			p = sub.policy.Retry
		}
		tg.sched = p.phases()
	}
	return tg, true
}

func (s *Service) deliverStandard(subARN string) queue.Handler {
	return func(ctx context.Context, it queue.Item) queue.Outcome {
		var m message
		if json.Unmarshal(it.Payload, &m) != nil {
			s.stats.dropped.Add(1)
			return queue.Outcome{}
		}
		tg, ok := s.target(subARN)
		if !ok {
			return queue.Outcome{} // unsubscribed: nothing to deliver to
		}
		switch s.attempt(ctx, tg, &m) {
		case delivered:
			s.watchDelivery(subARN, &m, "delivered")
			return queue.Outcome{}
		case failedRetry:
			if ctx.Err() != nil {
				return queue.Outcome{Retry: true, RetryAt: it.Due}
			}
			if d, ok := tg.sched.delay(it.Attempt + 1); ok {
				s.stats.retries.Add(1)
				s.watchDelivery(subARN, &m, "retrying")
				return queue.Outcome{Retry: true, RetryAt: s.env.Clock.Now().Add(d)}
			}
		}
		s.deadLetter(ctx, tg, &m)
		s.watchDelivery(subARN, &m, deadState(tg))
		return queue.Outcome{}
	}
}

func (s *Service) deliverFIFO(subARN string) queue.Handler {
	return func(ctx context.Context, it queue.Item) queue.Outcome {
		var m message
		if json.Unmarshal(it.Payload, &m) != nil {
			s.stats.dropped.Add(1)
			return queue.Outcome{}
		}
		for n := 1; ; n++ {
			tg, ok := s.target(subARN)
			if !ok {
				return queue.Outcome{}
			}
			switch s.attempt(ctx, tg, &m) {
			case delivered:
				s.watchDelivery(subARN, &m, "delivered")
				return queue.Outcome{}
			case failedClient:
				s.deadLetter(ctx, tg, &m)
				s.watchDelivery(subARN, &m, deadState(tg))
				return queue.Outcome{}
			}
			d, ok := tg.sched.delay(n)
			if !ok {
				s.deadLetter(ctx, tg, &m)
				s.watchDelivery(subARN, &m, deadState(tg))
				return queue.Outcome{}
			}
			s.stats.retries.Add(1)
			s.watchDelivery(subARN, &m, "retrying")
			select {
			case <-ctx.Done():
				// Keep the item under its key (due zero): it resumes first.
				return queue.Outcome{Retry: true, RetryAt: it.Due}
			case <-s.env.Clock.After(d):
			}
		}
	}
}

// attempt makes one delivery attempt.
func (s *Service) attempt(ctx context.Context, tg *target, m *message) attemptResult {
	switch tg.sub.Protocol {
	case "http", "https":
		return s.postHTTP(ctx, tg, m)
	case "sqs", "lambda":
		sk, err := s.env.Resolver.Resolve(tg.sub.Endpoint)
		if err != nil {
			return failedClient
		}
		msg, client := s.sinkMessage(tg, m)
		if client {
			return failedClient
		}
		err = sk.Send(ctx, msg)
		switch {
		case err == nil:
			s.stats.delivered.Add(1)
			return delivered
		case errors.Is(err, kernel.ErrNoResource):
			return failedClient
		}
		return failedRetry
	}
	return failedClient
}

// sinkMessage builds what a queue or function receives; client is true
// when the message cannot be delivered at all (raw delivery of more than
// 10 attributes to a queue).
func (s *Service) sinkMessage(tg *target, m *message) (kernel.Message, bool) {
	msg := kernel.Message{GroupID: m.GroupID, DedupID: m.DedupID}
	text := m.text(tg.sub.Protocol)
	switch {
	case tg.sub.Protocol == "lambda":
		msg.Body = s.lambdaRecord(tg, m, text)
		msg.GroupID, msg.DedupID = "", ""
	case tg.sub.raw:
		if len(m.Attrs) > 10 {
			return msg, true
		}
		msg.Body = []byte(text)
		if len(m.Attrs) > 0 {
			msg.Attributes = map[string]string{}
			for k, a := range m.Attrs {
				msg.Attributes[k] = a.text()
			}
		}
	default:
		msg.Body = s.notification(tg, m, text)
	}
	if !tg.topic.fifo && !strings.HasSuffix(tg.sub.Endpoint, ".fifo") {
		msg.DedupID = "" // standard queues take a group id only
	}
	return msg, false
}

func (m *message) text(protocol string) string {
	if v, ok := m.PerProto[protocol]; ok {
		return v
	}
	return m.Message
}

func (a Attribute) text() string {
	if len(a.BinaryValue) > 0 {
		return base64.StdEncoding.EncodeToString(a.BinaryValue)
	}
	return a.StringValue
}

func (s *Service) postHTTP(ctx context.Context, tg *target, m *message) attemptResult {
	text := m.text(tg.sub.Protocol)
	body := []byte(text)
	if !tg.sub.raw {
		body = s.notification(tg, m, text)
	}
	ct := "text/plain; charset=UTF-8"
	if tg.topic.policy.ContentType != "" {
		ct = tg.topic.policy.ContentType
	}
	if tg.sub.policy.ContentType != "" && !tg.topic.policy.NoOverrides {
		ct = tg.sub.policy.ContentType
	}
	hdr := http.Header{}
	hdr.Set("x-amz-sns-message-type", "Notification")
	hdr.Set("x-amz-sns-message-id", m.MessageID)
	hdr.Set("x-amz-sns-topic-arn", tg.topic.ARN)
	hdr.Set("x-amz-sns-subscription-arn", tg.sub.ARN)
	if tg.sub.raw {
		hdr.Set("x-amz-sns-rawdelivery", "true")
	}
	hdr.Set("Content-Type", ct)
	rate := tg.topic.policy.MaxPerSecond
	if tg.sub.policy.MaxPerSecond > 0 && !tg.topic.policy.NoOverrides {
		rate = tg.sub.policy.MaxPerSecond
	}
	if !s.throttle(ctx, tg.sub.ARN, rate) {
		return failedRetry
	}
	status, err := s.post(ctx, tg.sub.Endpoint, hdr, body)
	switch {
	case err != nil:
		return failedRetry
	case status >= 200 && status < 400 && status < 300:
		s.stats.delivered.Add(1)
		return delivered
	case status >= 400 && status < 500:
		// Counted as delivered (AWS does not retry a 4xx) and logged.
		s.stats.rejected.Add(1)
		return delivered
	}
	return failedRetry
}

func (s *Service) post(ctx context.Context, endpoint string, hdr http.Header, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, httpTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = hdr
	req.Header.Set("User-Agent", "Amazon Simple Notification Service Agent")
	resp, err := s.http.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// deadLetter sends what would have been delivered to the subscription's
// DLQ, or counts the message as dropped.
func (s *Service) deadLetter(ctx context.Context, tg *target, m *message) {
	if tg.sub.dlq == "" {
		s.stats.dropped.Add(1)
		return
	}
	var msg kernel.Message
	if tg.sub.Protocol == "http" || tg.sub.Protocol == "https" {
		text := m.text(tg.sub.Protocol)
		msg.Body = []byte(text)
		if !tg.sub.raw {
			msg.Body = s.notification(tg, m, text)
		}
	} else {
		raw := tg.sub.raw
		tg.sub.raw = raw && len(m.Attrs) <= 10
		msg, _ = s.sinkMessage(tg, m)
		tg.sub.raw = raw
	}
	msg.GroupID, msg.DedupID = m.GroupID, m.DedupID
	if !tg.topic.fifo {
		msg.DedupID = ""
	}
	sk, err := s.env.Resolver.Resolve(tg.sub.dlq)
	if err == nil {
		err = sk.Send(ctx, msg)
	}
	if err != nil {
		s.stats.dropped.Add(1)
		return
	}
	s.stats.dlq.Add(1)
}

// jsonObject writes a JSON object with keys in the order they are added.
type jsonObject struct{ b bytes.Buffer }

func (o *jsonObject) add(key string, val any) {
	if o.b.Len() == 0 {
		o.b.WriteByte('{')
	} else {
		o.b.WriteByte(',')
	}
	k, _ := json.Marshal(key)
	o.b.Write(k)
	o.b.WriteByte(':')
	if raw, ok := val.(json.RawMessage); ok {
		o.b.Write(raw)
		return
	}
	enc := json.NewEncoder(&o.b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(val)
	o.b.Truncate(o.b.Len() - 1) // Encode's newline
}

func (o *jsonObject) bytes() []byte {
	if o.b.Len() == 0 {
		return []byte("{}")
	}
	o.b.WriteByte('}')
	return o.b.Bytes()
}

func (s *Service) unsubscribeURL(subARN string) string {
	return s.opts.BaseURL + "/sns/unsubscribe?SubscriptionArn=" + url.QueryEscape(subARN)
}

func (s *Service) certURL() string { return s.opts.BaseURL + "/sns/cert.pem" }

func sigVersion(t *topic) string {
	if t.Attrs["SignatureVersion"] == "2" {
		return "2"
	}
	return "1"
}

// notification renders the docs/semantics/runtime.md §5.7 Notification JSON.
func (s *Service) notification(tg *target, m *message, text string) []byte {
	ts := m.Timestamp.UTC().Format(tsLayout)
	var o jsonObject
	o.add("Type", "Notification")
	o.add("MessageId", m.MessageID)
	if tg.topic.fifo {
		o.add("SequenceNumber", m.Seq)
	}
	o.add("TopicArn", tg.topic.ARN)
	if m.Subject != "" {
		o.add("Subject", m.Subject)
	}
	o.add("Message", text)
	o.add("Timestamp", ts)
	if !tg.topic.fifo {
		v := sigVersion(tg.topic)
		fields := [][2]string{{"Message", text}, {"MessageId", m.MessageID}}
		if m.Subject != "" {
			fields = append(fields, [2]string{"Subject", m.Subject})
		}
		fields = append(fields, [2]string{"Timestamp", ts}, [2]string{"TopicArn", tg.topic.ARN}, [2]string{"Type", "Notification"})
		o.add("SignatureVersion", v)
		o.add("Signature", s.sign.sign(v, fields))
		o.add("SigningCertURL", s.certURL())
	}
	o.add("UnsubscribeURL", s.unsubscribeURL(tg.sub.ARN))
	if len(m.Attrs) > 0 {
		o.add("MessageAttributes", json.RawMessage(envelopeAttrs(m.Attrs, false)))
	}
	return o.bytes()
}

// envelopeAttrs renders {name: {"Type": T, "Value": text}}; forLambda maps
// Number and String.Array to "String" as AWS does for functions.
func envelopeAttrs(attrs map[string]Attribute, forLambda bool) []byte {
	type tv struct {
		Type  string `json:"Type"`
		Value string `json:"Value"`
	}
	out := map[string]tv{}
	for k, a := range attrs {
		typ := a.DataType
		if forLambda && (strings.HasPrefix(typ, "Number") || typ == "String.Array") {
			typ = "String"
		}
		out[k] = tv{typ, a.text()}
	}
	b, _ := json.Marshal(out) // map keys sorted: stable output
	return b
}

// lambdaRecord renders the SNS event a function receives.
func (s *Service) lambdaRecord(tg *target, m *message, text string) []byte {
	ts := m.Timestamp.UTC().Format(tsLayout)
	v := sigVersion(tg.topic)
	fields := [][2]string{{"Message", text}, {"MessageId", m.MessageID}}
	if m.Subject != "" {
		fields = append(fields, [2]string{"Subject", m.Subject})
	}
	fields = append(fields, [2]string{"Timestamp", ts}, [2]string{"TopicArn", tg.topic.ARN}, [2]string{"Type", "Notification"})
	var sn jsonObject
	sn.add("Type", "Notification")
	sn.add("MessageId", m.MessageID)
	sn.add("TopicArn", tg.topic.ARN)
	if m.Subject != "" {
		sn.add("Subject", m.Subject)
	} else {
		sn.add("Subject", nil)
	}
	sn.add("Message", text)
	sn.add("Timestamp", ts)
	sn.add("SignatureVersion", v)
	sn.add("Signature", s.sign.sign(v, fields))
	sn.add("SigningCertUrl", s.certURL())
	sn.add("UnsubscribeUrl", s.unsubscribeURL(tg.sub.ARN))
	sn.add("MessageAttributes", json.RawMessage(envelopeAttrs(m.Attrs, true)))
	var rec jsonObject
	rec.add("EventSource", "aws:sns")
	rec.add("EventVersion", "1.0")
	rec.add("EventSubscriptionArn", tg.sub.ARN)
	rec.add("Sns", json.RawMessage(sn.bytes()))
	return []byte(`{"Records":[` + string(rec.bytes()) + `]}`)
}

// sendConfirmation POSTs a SubscriptionConfirmation or
// UnsubscribeConfirmation, best effort (the endpoint can also be confirmed
// by ConfirmSubscription).
func (s *Service) sendConfirmation(ctx context.Context, t *topic, sub *subscription, kind string) {
	id := newID()
	ts := s.env.Clock.Now().UTC().Format(tsLayout)
	text := fmt.Sprintf("You have chosen to subscribe to the topic %s.\nTo confirm the subscription, visit the SubscribeURL included in this message.", t.ARN)
	if kind == "UnsubscribeConfirmation" {
		text = fmt.Sprintf("You have chosen to deactivate subscription %s.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.", sub.ARN)
	}
	subURL := s.opts.BaseURL + "/sns/confirm?TopicArn=" + url.QueryEscape(t.ARN) + "&Token=" + url.QueryEscape(sub.Token)
	v := sigVersion(t)
	var o jsonObject
	o.add("Type", kind)
	o.add("MessageId", id)
	o.add("Token", sub.Token)
	o.add("TopicArn", t.ARN)
	o.add("Message", text)
	o.add("SubscribeURL", subURL)
	o.add("Timestamp", ts)
	o.add("SignatureVersion", v)
	o.add("Signature", s.sign.sign(v, [][2]string{{"Message", text}, {"MessageId", id}, {"SubscribeURL", subURL},
		{"Timestamp", ts}, {"Token", sub.Token}, {"TopicArn", t.ARN}, {"Type", kind}}))
	o.add("SigningCertURL", s.certURL())
	body := o.bytes()
	hdr := http.Header{}
	hdr.Set("x-amz-sns-message-type", kind)
	hdr.Set("x-amz-sns-message-id", id)
	hdr.Set("x-amz-sns-topic-arn", t.ARN)
	if kind != "SubscriptionConfirmation" {
		hdr.Set("x-amz-sns-subscription-arn", sub.ARN)
	}
	hdr.Set("Content-Type", "text/plain; charset=UTF-8")
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_, _ = s.post(context.WithoutCancel(ctx), sub.Endpoint, hdr, body)
	}()
}

// recent remembers the item ids a subscription's handler finished lately.
// The durable queue is at-least-once: an engine whose scans can trail a
// delete may hand a finished item out again while the process lives; this
// turns that repeat into a no-op (after a crash a repeat is a legitimate
// at-least-once duplicate).
type recent struct {
	mu   sync.Mutex
	ids  map[string]bool
	ring []string
	next int
}

const recentSize = 4096

func (r *recent) seen(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ids[id]
}

func (r *recent) add(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids == nil {
		r.ids = map[string]bool{}
		r.ring = make([]string, recentSize)
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.ids, old)
	}
	r.ring[r.next] = id
	r.ids[id] = true
	r.next = (r.next + 1) % recentSize
}

// once wraps a handler so a finished item is not handled twice.
func once(h queue.Handler) queue.Handler {
	var done recent
	return func(ctx context.Context, it queue.Item) queue.Outcome {
		if done.seen(it.ID) {
			return queue.Outcome{}
		}
		out := h(ctx, it)
		if !out.Retry {
			done.add(it.ID)
		}
		return out
	}
}

// throttle waits for the subscription's next delivery slot under
// maxReceivesPerSecond (rate 0: unlimited); false when ctx ended first.
func (s *Service) throttle(ctx context.Context, subARN string, rate int) bool {
	if rate <= 0 {
		return true
	}
	gap := time.Second / time.Duration(rate)
	s.runMu.Lock()
	if s.nextSlot == nil {
		s.nextSlot = map[string]time.Time{}
	}
	now := s.env.Clock.Now()
	at := s.nextSlot[subARN]
	if at.Before(now) {
		at = now
	}
	s.nextSlot[subARN] = at.Add(gap)
	s.runMu.Unlock()
	if wait := at.Sub(now); wait > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-s.env.Clock.After(wait):
		}
	}
	return true
}
