package sns

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/patternc/patternc/automaton"

	"github.com/patternc/patternc/runtime/store"
)

// publishLocks is the claims bucket of FIFO topics' publish locks.
const publishLocks = "sns-fifo-publish"

// lockPublish serialises FIFO publishes of t across instances sharing the
// store (serve instances on one JetStream cluster): the sequence number is
// a read then a write, and so is the dedup check, so two instances
// publishing at once could hand out one sequence number twice (one
// message lost under the other's queue key) or both accept one dedup id.
// The lock is a claim (a lease): an instance killed while holding it
// blocks the topic's FIFO publishes for at most the lease. On bbolt (one
// process) t.pubMu is enough and this does nothing.
func (s *Service) lockPublish(ctx context.Context, t *topic) (release func(), err error) {
	cl, ok := s.env.Store.(store.Claimer)
	if !ok {
		return func() {}, nil
	}
	wait := time.Millisecond
	for {
		c, ok, err := cl.Claim(ctx, publishLocks, []byte(t.Name))
		if err != nil {
			return nil, err
		}
		if ok {
			return func() { _ = c.Release(context.WithoutCancel(ctx)) }, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// subscriptionID is the id part of a new subscription's ARN: random, as
// in AWS, on one process. On a shared store it is derived from the topic,
// protocol and endpoint instead: Subscribe is idempotent for those, and
// two instances subscribing one endpoint at once (every instance applying
// the same --config at start) must make one subscription, not two that
// each deliver every message. The price: a subscription made again after
// an unsubscribe gets its old ARN back.
func (s *Service) subscriptionID(topicARN, protocol, endpoint string) string {
	if !s.shared.On() {
		return uuid.NewString()
	}
	return uuid.NewSHA1(subscriptionSpace, []byte(topicARN+"\x00"+protocol+"\x00"+endpoint)).String()
}

// subscriptionSpace is the UUID namespace of derived subscription ids.
var subscriptionSpace = uuid.MustParse("6f1d3c2e-8a4b-5c7d-9e0f-1a2b3c4d5e6f")

// isConfigKey picks the sns bucket's configuration (topics,
// subscriptions) from what shares it (dedup records, sequence numbers,
// the signing key): only configuration is mirrored across instances.
func isConfigKey(k []byte) bool {
	return bytes.HasPrefix(k, []byte("topic/")) || bytes.HasPrefix(k, []byte("sub/"))
}

// syncShared applies the topics and subscriptions other instances wrote
// (the mirror's changes): a topic is added, changed in place or removed
// with its subscriptions; a subscription's filter policy goes into (or
// out of) its topic's matcher, the only matcher it affects, and its
// delivery worker starts or stops here as well.
func (s *Service) syncShared() {
	s.mu.Lock()
	changes := s.shared.Changes()
	var start []*subscription
	var stop []string
	for _, c := range changes { // topics first: a new topic's subscriptions need it
		if name, ok := strings.CutPrefix(c.Key, "topic/"); ok {
			stop = append(stop, s.syncTopic(name, c.Val)...)
		}
	}
	for _, c := range changes {
		if arn, ok := strings.CutPrefix(c.Key, "sub/"); ok {
			sub, gone := s.syncSub(arn, c.Val)
			if sub != nil {
				start = append(start, sub)
			}
			if gone {
				stop = append(stop, arn)
			}
		}
	}
	s.mu.Unlock()
	for _, a := range stop {
		s.stopWorker(a)
		s.runMu.Lock()
		delete(s.queues, a) // its writer purges the queue
		s.runMu.Unlock()
	}
	for _, sub := range start {
		s.startWorker(sub)
	}
}

// syncTopic applies topic name's record (nil: deleted) and returns the
// subscriptions that went with it. Callers hold s.mu.
func (s *Service) syncTopic(name string, val []byte) (gone []string) {
	t := s.topics[name]
	if val == nil {
		if t == nil {
			return nil
		}
		delete(s.topics, name)
		t.fan.Store(&fanList{})
		for a, sub := range s.subs {
			if sub.TopicARN == t.ARN {
				delete(s.subs, a)
				t.filters.Delete(automaton.ID(a))
				gone = append(gone, a)
			}
		}
		return gone
	}
	next := &topic{}
	if err := json.Unmarshal(val, next); err != nil {
		s.env.Logf("sns: topic %s written by another instance: %v", name, err)
		return nil
	}
	if t != nil {
		next.filters = t.filters
	}
	if err := next.init(); err != nil {
		s.env.Logf("sns: topic %s written by another instance: %v", name, err)
		return nil
	}
	if t == nil {
		s.topics[name] = next
		s.refreshFan(next)
		return nil
	}
	t.adopt(next)
	return nil
}

// syncSub applies subscription arn's record (nil: deleted); it returns
// the subscription when it is new here (its worker is to start) or gone
// when it was removed. Callers hold s.mu.
func (s *Service) syncSub(arn string, val []byte) (added *subscription, gone bool) {
	old := s.subs[arn]
	if val == nil {
		if old == nil {
			return nil, false
		}
		delete(s.subs, arn)
		if t, err := s.topicByARN(old.TopicARN); err == nil {
			s.refreshFan(t) // out of the list first, then out of the machine
			t.filters.Delete(automaton.ID(arn))
		}
		return nil, true
	}
	next := &subscription{}
	if err := json.Unmarshal(val, next); err != nil {
		s.env.Logf("sns: subscription %s written by another instance: %v", arn, err)
		return nil, false
	}
	t, err := s.topicByARN(next.TopicARN)
	if err != nil {
		return nil, false // its topic is gone already
	}
	if old == nil {
		if err := s.applySubAttrs(t, next, next.Attrs, ""); err != nil {
			s.env.Logf("sns: subscription %s written by another instance: %v", arn, err)
			return nil, false
		}
		s.subs[arn] = next
		s.refreshFan(t)
		return next, false
	}
	// Deliveries hold pointers to old: change it in place. Its attributes
	// are replaced, not merged (a removed filter policy is absent).
	kept := old.Attrs
	old.Attrs = map[string]string{}
	if err := s.applySubAttrs(t, old, next.Attrs, ""); err != nil {
		old.Attrs = kept
		s.env.Logf("sns: subscription %s written by another instance: %v", arn, err)
		return nil, false
	}
	old.Pending, old.Token = next.Pending, next.Token
	s.refreshFan(t)
	return nil, false
}
