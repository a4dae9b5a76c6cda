package sns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/runtime/internal/mirror"
	"github.com/patternc/patternc/runtime/internal/watch"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
	"github.com/patternc/patternc/runtime/store"
)

// Options tune a Service.
type Options struct {
	// BaseURL is where `patternc serve` answers (certificate, unsubscribe
	// and confirmation links); default http://127.0.0.1:4590.
	BaseURL string
	// HTTPClient posts HTTP/S deliveries; default a client with the 15 s
	// delivery timeout.
	HTTPClient *http.Client
	// AutoConfirmHTTP skips the HTTP/S subscription handshake.
	AutoConfirmHTTP bool
}

// Stats are the delivery counters (docs/semantics/runtime.md §8.7).
type Stats struct {
	Delivered         int64 // deliveries accepted by the endpoint
	DeliveredRejected int64 // HTTP 4xx: counted as delivered, not retried
	Retries           int64 // failed attempts that were scheduled again
	DLQWrites         int64 // messages written to a subscription DLQ
	Dropped           int64 // messages given up on without a DLQ (or DLQ failed)
	Filtered          int64 // (message, subscription) pairs the filter policy dropped
	Duplicates        int64 // FIFO publishes dropped as duplicates
	TakenOver         int64 // deliveries taken from a dead instance's lapsed lease (shared stores)
}

// Service is the set of topics of one account and region.
type Service struct {
	env  kernel.Env // Resolver reaches queues and functions by ARN
	opts Options
	http *http.Client
	sign *signer

	mu     sync.Mutex
	topics map[string]*topic        // by name
	subs   map[string]*subscription // by ARN

	stats struct {
		delivered, rejected, retries, dlq, dropped, filtered, dups atomic.Int64
	}
	watchers watch.List[Activity]
	// shared mirrors topics and subscriptions written by other instances
	// on a shared store (shared.go); its Apply is every config write.
	shared *mirror.Mirror

	runMu   sync.Mutex
	runCtx  context.Context
	running map[string]context.CancelFunc // subscription ARN → its worker
	queues  map[string]*queue.Queue
	// nextSlot is each throttled subscription's next delivery time.
	nextSlot map[string]time.Time
	wg       sync.WaitGroup
}

const bucket = "sns"

type topic struct {
	Name  string            `json:"name"`
	ARN   string            `json:"arn"`
	Attrs map[string]string `json:"attrs"`

	fifo     bool
	contentD bool
	groupDed bool // FifoThroughputScope=MessageGroup: dedup per group
	policy   deliveryPolicy
	// filters holds the subscriptions' filter policies by subscription
	// ARN, kept planned as they change one at a time (automaton.Rules).
	filters *automaton.Rules
	fan     atomic.Pointer[fanList] // who a publish goes to; see refreshFan
	pubMu   sync.Mutex              // serialises FIFO publishes (dedup, sequence)
}

// fanList is a topic's confirmed subscriptions as fan-out needs them,
// copied when they change so that Publish reads it without a lock.
type fanList struct {
	targets  []fanTarget // by ARN
	filtered int         // how many have a filter policy
}

type fanTarget struct {
	arn      string
	filtered bool // has a filter policy: delivered only when it matches
}

// refreshFan publishes t's fan-out list from s.subs; the caller holds s.mu
// and calls it after any change to a subscription of t (added, removed,
// confirmed, policy set or removed). A policy being added is installed in
// the machine before the list says "filtered", and one being removed
// leaves the list before the machine, so a publish racing the change sees
// the old state or the new one.
func (s *Service) refreshFan(t *topic) {
	l := &fanList{}
	for _, sub := range s.subs {
		if sub.TopicARN != t.ARN || sub.Pending {
			continue
		}
		l.targets = append(l.targets, fanTarget{arn: sub.ARN, filtered: sub.hasPolicy})
		if sub.hasPolicy {
			l.filtered++
		}
	}
	slices.SortFunc(l.targets, func(a, b fanTarget) int { return strings.Compare(a.arn, b.arn) })
	t.fan.Store(l)
}

type subscription struct {
	ARN      string            `json:"arn"`
	TopicARN string            `json:"topicArn"`
	Protocol string            `json:"protocol"`
	Endpoint string            `json:"endpoint"`
	Attrs    map[string]string `json:"attrs"`
	Pending  bool              `json:"pending,omitempty"`
	Token    string            `json:"token,omitempty"`

	hasPolicy bool
	raw       bool
	dlq       string
	policy    deliveryPolicy
}

// New opens the topics and subscriptions kept in env.Store.
func New(env kernel.Env, cfg Options) (*Service, error) {
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("sns: %w", err)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://127.0.0.1:4590"
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Service{env: env, opts: cfg, http: cfg.HTTPClient,
		topics: map[string]*topic{}, subs: map[string]*subscription{}, running: map[string]context.CancelFunc{},
		shared: mirror.New(env.Store, bucket, isConfigKey)}
	if s.http == nil {
		s.http = &http.Client{Timeout: httpTimeout}
	}
	ctx := context.Background()
	if s.sign, err = loadSigner(ctx, s.env.Store); err != nil {
		return nil, err
	}
	var loadErr error
	err = s.env.Store.Scan(ctx, bucket, []byte("topic/"), []byte("topic0"), func(k, v []byte) bool {
		t := &topic{}
		if loadErr = json.Unmarshal(v, t); loadErr != nil {
			return false
		}
		if loadErr = t.init(); loadErr != nil {
			return false
		}
		s.topics[t.Name] = t
		s.shared.Seed(k, v)
		return true
	})
	if err == nil {
		err = loadErr
	}
	if err != nil {
		return nil, fmt.Errorf("sns: loading topics: %w", err)
	}
	err = s.env.Store.Scan(ctx, bucket, []byte("sub/"), []byte("sub0"), func(k, v []byte) bool {
		sub := &subscription{}
		if loadErr = json.Unmarshal(v, sub); loadErr != nil {
			return false
		}
		t := s.topics[topicName(sub.TopicARN)]
		if t == nil {
			return true
		}
		if e := s.applySubAttrs(t, sub, sub.Attrs, ""); e != nil {
			loadErr = e
			return false
		}
		s.subs[sub.ARN] = sub
		s.shared.Seed(k, v)
		return true
	})
	if err == nil {
		err = loadErr
	}
	if err != nil {
		return nil, fmt.Errorf("sns: loading subscriptions: %w", err)
	}
	for _, t := range s.topics {
		s.refreshFan(t)
	}
	return s, nil
}

// Stats returns a snapshot of the counters.
func (s *Service) Stats() Stats {
	var taken int64
	s.runMu.Lock()
	for _, q := range s.queues {
		taken += q.Stats().TakenOver.Load()
	}
	s.runMu.Unlock()
	return Stats{
		Delivered: s.stats.delivered.Load(), DeliveredRejected: s.stats.rejected.Load(),
		Retries: s.stats.retries.Load(), DLQWrites: s.stats.dlq.Load(), Dropped: s.stats.dropped.Load(),
		Filtered: s.stats.filtered.Load(), Duplicates: s.stats.dups.Load(), TakenOver: taken,
	}
}

// TopicARN returns the ARN of topic name.
func (s *Service) TopicARN(name string) string {
	return s.env.ARN("sns", name).String()
}

func topicName(arn string) string {
	a, err := kernel.ParseARN(arn)
	if err != nil || a.Service != "sns" {
		return ""
	}
	return a.Resource
}

var topicNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (t *topic) init() error {
	t.fifo = t.Attrs["FifoTopic"] == "true"
	t.contentD = t.Attrs["ContentBasedDeduplication"] == "true"
	t.groupDed = t.Attrs["FifoThroughputScope"] == "MessageGroup"
	dp, err := parseDeliveryPolicy(t.Attrs["DeliveryPolicy"], true)
	if err != nil {
		return invalid("Invalid parameter: DeliveryPolicy: %v", err)
	}
	t.policy = dp
	if t.filters == nil {
		t.filters = automaton.NewRules(automaton.Config{})
	}
	return nil
}

// CreateTopic creates topic name (idempotently) and returns its ARN.
func (s *Service) CreateTopic(ctx context.Context, name string, attrs map[string]string) (string, error) {
	attrs = normalizeTopicAttrs(attrs)
	base := strings.TrimSuffix(name, ".fifo")
	if !topicNameRE.MatchString(base) || len(name) > 256 {
		return "", invalid("Invalid parameter: Topic Name")
	}
	isFifo := attrs["FifoTopic"] == "true"
	if isFifo != strings.HasSuffix(name, ".fifo") {
		return "", invalid("Invalid parameter: Topic Name")
	}
	for k, v := range attrs {
		switch k {
		case "FifoTopic", "ContentBasedDeduplication":
			if v != "true" && v != "false" {
				return "", invalid("Invalid parameter: Attributes Reason: %s: Invalid value [%s]. Must be true or false.", k, v)
			}
		case "FifoThroughputScope":
			if v != "Topic" && v != "MessageGroup" {
				return "", invalid("Invalid parameter: Attributes Reason: FifoThroughputScope: Invalid value [%s]. Please use either Topic or MessageGroup", v)
			}
		case "DeliveryPolicy", "DisplayName", "SignatureVersion", "Policy", "KmsMasterKeyId", "TracingConfig", "ArchivePolicy":
		default:
			return "", invalid("Invalid parameter: Attributes Reason: Unknown attribute %s", k)
		}
	}
	if !isFifo && (attrs["ContentBasedDeduplication"] == "true" || attrs["FifoThroughputScope"] != "") {
		return "", invalid("Invalid parameter: Attributes Reason: %s is only valid for FIFO topics", firstFifoAttr(attrs))
	}
	if v := attrs["SignatureVersion"]; v != "" && v != "1" && v != "2" {
		return "", invalid("Invalid parameter: Attributes Reason: SignatureVersion: Invalid value [%s]. Must be 1 or 2.", v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.topics[name]; ok {
		if !sameAttrs(t.Attrs, attrs) {
			return "", invalid("Invalid parameter: Attributes Reason: Topic already exists with different attributes")
		}
		return t.ARN, nil
	}
	t := &topic{Name: name, ARN: s.TopicARN(name), Attrs: attrs}
	if err := t.init(); err != nil {
		return "", err
	}
	if err := s.putJSON(ctx, "topic/"+name, t); err != nil {
		return "", err
	}
	s.topics[name] = t
	return t.ARN, nil
}

func firstFifoAttr(attrs map[string]string) string {
	if attrs["ContentBasedDeduplication"] == "true" {
		return "ContentBasedDeduplication"
	}
	return "FifoThroughputScope"
}

func normalizeTopicAttrs(in map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		switch k {
		case "FifoTopic", "ContentBasedDeduplication":
			v = strings.ToLower(v)
		}
		out[k] = v
	}
	if out["FifoTopic"] == "false" {
		delete(out, "FifoTopic")
	}
	if out["ContentBasedDeduplication"] == "false" {
		delete(out, "ContentBasedDeduplication")
	}
	return out
}

func sameAttrs(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func (s *Service) putJSON(ctx context.Context, key string, v any) error {
	val, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var b store.Batch
	b.Put(bucket, []byte(key), val)
	return s.shared.Apply(ctx, &b)
}

func (s *Service) topicByARN(arn string) (*topic, error) {
	t := s.topics[topicName(arn)]
	if t == nil || t.ARN != arn {
		return nil, errTopicNotFound
	}
	return t, nil
}

// GetTopicAttributes returns the topic's attributes plus TopicArn.
func (s *Service) GetTopicAttributes(arn string) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.topicByARN(arn)
	if err != nil {
		return nil, err
	}
	out := map[string]string{"TopicArn": t.ARN}
	for k, v := range t.Attrs {
		out[k] = v
	}
	return out, nil
}

// ListTopics returns the topic ARNs in name order.
func (s *Service) ListTopics() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, t := range s.topics {
		out = append(out, t.ARN)
	}
	sort.Strings(out)
	return out
}

// DeleteTopic removes a topic and its subscriptions. Deleting a missing
// topic succeeds, as in AWS.
func (s *Service) DeleteTopic(ctx context.Context, arn string) error {
	s.mu.Lock()
	t, err := s.topicByARN(arn)
	if err != nil {
		s.mu.Unlock()
		return nil
	}
	var b store.Batch
	var gone []string
	for a, sub := range s.subs {
		if sub.TopicARN == arn {
			b.Delete(bucket, []byte("sub/"+a))
			gone = append(gone, a)
		}
	}
	b.Delete(bucket, []byte("topic/"+t.Name))
	if err := s.shared.Apply(ctx, &b); err != nil {
		s.mu.Unlock()
		return err
	}
	for _, a := range gone {
		delete(s.subs, a)
	}
	delete(s.topics, t.Name)
	t.fan.Store(&fanList{})
	s.mu.Unlock()
	for _, a := range gone {
		s.stopWorker(a)
		s.purge(ctx, a)
	}
	return nil
}

var supported = map[string]bool{"http": true, "https": true, "sqs": true, "lambda": true}
var unsupported = map[string]bool{"email": true, "email-json": true, "sms": true, "application": true, "firehose": true}

// Subscribe subscribes endpoint to the topic and returns the subscription
// ARN ("pending confirmation" for an unconfirmed HTTP/S endpoint).
func (s *Service) Subscribe(ctx context.Context, topicARN, protocol, endpoint string, attrs map[string]string) (string, error) {
	s.mu.Lock()
	t, err := s.topicByARN(topicARN)
	if err != nil {
		s.mu.Unlock()
		return "", err
	}
	switch {
	case unsupported[protocol]:
		s.mu.Unlock()
		return "", invalid("Invalid parameter: Protocol Reason: %s is not supported by patternc", protocol)
	case !supported[protocol]:
		s.mu.Unlock()
		return "", invalid("Invalid parameter: Amazon SNS does not support this protocol string: %s", protocol)
	}
	if err := checkEndpoint(protocol, endpoint); err != nil {
		s.mu.Unlock()
		return "", err
	}
	if t.fifo && protocol != "sqs" {
		s.mu.Unlock()
		return "", invalid("Invalid parameter: Endpoint Reason: FIFO topics only support SQS subscriptions")
	}
	if !t.fifo && protocol == "sqs" && strings.HasSuffix(endpoint, ".fifo") {
		s.mu.Unlock()
		return "", invalid("Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
	}
	for _, old := range s.subs {
		if old.TopicARN == topicARN && old.Protocol == protocol && old.Endpoint == endpoint {
			s.mu.Unlock()
			if !sameAttrs(normalizeSubAttrs(old.Attrs), normalizeSubAttrs(attrs)) {
				return "", invalid("Invalid parameter: Attributes Reason: Subscription already exists with different attributes")
			}
			return old.ARN, nil
		}
	}
	sub := &subscription{ARN: topicARN + ":" + s.subscriptionID(topicARN, protocol, endpoint), TopicARN: topicARN, Protocol: protocol, Endpoint: endpoint, Attrs: map[string]string{}}
	if err := s.applySubAttrs(t, sub, attrs, "Attributes Reason: "); err != nil {
		s.mu.Unlock()
		return "", err
	}
	if (protocol == "http" || protocol == "https") && !s.opts.AutoConfirmHTTP {
		sub.Pending = true
		tok := make([]byte, 32)
		_, _ = rand.Read(tok)
		sub.Token = hex.EncodeToString(tok)
	}
	if err := s.putJSON(ctx, "sub/"+sub.ARN, sub); err != nil {
		s.mu.Unlock()
		// The policy was installed in the machine; take it out again.
		t.filters.Delete(automaton.ID(sub.ARN))
		return "", err
	}
	s.subs[sub.ARN] = sub
	s.refreshFan(t)
	s.mu.Unlock()
	s.startWorker(sub)
	if sub.Pending {
		s.sendConfirmation(ctx, t, sub, "SubscriptionConfirmation")
		return "pending confirmation", nil
	}
	return sub.ARN, nil
}

func checkEndpoint(protocol, endpoint string) error {
	ok := false
	switch protocol {
	case "http", "https":
		ok = strings.HasPrefix(endpoint, protocol+"://")
	case "sqs", "lambda":
		a, err := kernel.ParseARN(endpoint)
		ok = err == nil && a.Service == protocol
	}
	if !ok {
		return invalid("Invalid parameter: Endpoint")
	}
	return nil
}

func normalizeSubAttrs(in map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		if k == "RawMessageDelivery" {
			v = strings.ToLower(v)
			if v == "false" {
				continue
			}
		}
		if k == "FilterPolicyScope" && v == "MessageAttributes" {
			continue
		}
		if v == "" && k == "FilterPolicy" {
			continue
		}
		out[k] = v
	}
	return out
}

// applySubAttrs checks attrs (merged over the subscription's current ones),
// then installs them: the filter policy goes into the topic's machine at
// once. prefix is "Attributes Reason: " for Subscribe. Callers hold s.mu.
func (s *Service) applySubAttrs(t *topic, sub *subscription, attrs map[string]string, prefix string) error {
	merged := map[string]string{}
	for k, v := range sub.Attrs {
		merged[k] = v
	}
	for k, v := range attrs {
		merged[k] = v
	}
	for k, v := range merged {
		switch k {
		case "FilterPolicy", "FilterPolicyScope", "RedrivePolicy", "DeliveryPolicy", "SubscriptionRoleArn":
		case "RawMessageDelivery":
			lv := strings.ToLower(v)
			if lv != "true" && lv != "false" {
				return invalid("Invalid parameter: %sRawMessageDelivery: Invalid value [%s]. Must be true or false.", prefix, v)
			}
			if sub.Protocol == "lambda" && lv == "true" {
				return invalid("Invalid parameter: %sRawMessageDelivery: Invalid value [%s]. Raw delivery applies to http, https and sqs only.", prefix, v)
			}
			merged[k] = lv
		default:
			return invalid("Invalid parameter: %sAttributeName", prefix)
		}
	}
	scope := merged["FilterPolicyScope"]
	d := compiler.SNSAttributes
	switch scope {
	case "", "MessageAttributes":
	case "MessageBody":
		d = compiler.SNSBody
	default:
		return invalid("Invalid parameter: %sFilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", prefix, scope)
	}
	var pat *compiler.Pattern
	if fp := merged["FilterPolicy"]; fp != "" {
		if len(fp) > 256*1024 {
			return invalid("Invalid parameter: %sFilterPolicy: Filter policy is too long", prefix)
		}
		p, err := compiler.Compile([]byte(fp), d, nil)
		if err != nil {
			reason := err.Error()
			var el compiler.ErrorList
			if errors.As(err, &el) && len(el) > 0 {
				reason = el[0].Reason
			}
			if strings.HasPrefix(reason, "Filter policy scope MessageAttributes does not support nested") {
				return invalid("Invalid parameter: %s%s", prefix, reason)
			}
			return invalid("Invalid parameter: %sFilterPolicy: %s", prefix, reason)
		}
		pat = p
		if _, had := s.subs[sub.ARN]; !had || !sub.hasPolicy {
			if n := s.policyCount(t); n >= 200 {
				return invalid("Invalid parameter: %sFilterPolicy: Filter policy limit per topic exceeded", prefix)
			}
		}
	}
	var dp deliveryPolicy
	if v := merged["DeliveryPolicy"]; v != "" {
		if sub.Protocol != "http" && sub.Protocol != "https" {
			return invalid("Invalid parameter: %sDeliveryPolicy: only http and https subscriptions take a delivery policy", prefix)
		}
		var err error
		if dp, err = parseDeliveryPolicy(v, false); err != nil {
			return invalid("Invalid parameter: %sDeliveryPolicy: %v", prefix, err)
		}
	}
	dlq := ""
	if v := merged["RedrivePolicy"]; v != "" {
		var rp struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		}
		if err := json.Unmarshal([]byte(v), &rp); err != nil {
			return invalid("Invalid parameter: %sRedrivePolicy: failed to parse JSON. %v", prefix, err)
		}
		a, err := kernel.ParseARN(rp.DeadLetterTargetArn)
		if err != nil || !s.env.Owns("sqs", a) || a.Resource == "" || strings.Contains(a.Resource, ":") {
			return invalid("Invalid parameter: %sRedrivePolicy: deadLetterTargetArn is an invalid arn", prefix)
		}
		if t.fifo && !strings.HasSuffix(rp.DeadLetterTargetArn, ".fifo") {
			return invalid("Invalid parameter: %sRedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.", prefix)
		}
		dlq = rp.DeadLetterTargetArn
	}
	// All checked: install.
	if pat != nil {
		if err := t.filters.Put(automaton.ID(sub.ARN), pat); err != nil {
			return invalid("Invalid parameter: %sFilterPolicy: %v", prefix, err)
		}
	} else {
		if sub.hasPolicy {
			sub.hasPolicy = false
			s.refreshFan(t) // unfiltered first, then out of the machine
		}
		t.filters.Delete(automaton.ID(sub.ARN))
	}
	sub.hasPolicy = pat != nil
	if merged["FilterPolicy"] == "" {
		delete(merged, "FilterPolicy")
	}
	sub.Attrs = merged
	sub.raw = merged["RawMessageDelivery"] == "true"
	sub.dlq = dlq
	sub.policy = dp
	return nil
}

func (s *Service) policyCount(t *topic) int {
	n := 0
	for _, sub := range s.subs {
		if sub.TopicARN == t.ARN && sub.hasPolicy {
			n++
		}
	}
	return n
}

// SetSubscriptionAttributes sets one attribute; "" for FilterPolicy
// removes the policy. The change applies to the next publish.
func (s *Service) SetSubscriptionAttributes(ctx context.Context, subARN, name, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.subs[subARN]
	if sub == nil {
		return errSubNotFound
	}
	t, err := s.topicByARN(sub.TopicARN)
	if err != nil {
		return err
	}
	old := *sub
	if err := s.applySubAttrs(t, sub, map[string]string{name: value}, ""); err != nil {
		return err
	}
	s.refreshFan(t)
	if err := s.putJSON(ctx, "sub/"+sub.ARN, sub); err != nil {
		// Put the old policy back so memory matches the store.
		*sub = old
		_ = s.applySubAttrs(t, sub, nil, "")
		s.refreshFan(t)
		return err
	}
	return nil
}

// GetSubscriptionAttributes returns the subscription's attributes with
// SubscriptionArn, TopicArn, Protocol, Endpoint and PendingConfirmation.
func (s *Service) GetSubscriptionAttributes(subARN string) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.subs[subARN]
	if sub == nil {
		return nil, errSubNotFound
	}
	out := map[string]string{"SubscriptionArn": sub.ARN, "TopicArn": sub.TopicARN, "Protocol": sub.Protocol,
		"Endpoint": sub.Endpoint, "PendingConfirmation": fmt.Sprint(sub.Pending), "RawMessageDelivery": fmt.Sprint(sub.raw)}
	for k, v := range sub.Attrs {
		out[k] = v
	}
	return out, nil
}

// ListSubscriptionsByTopic returns the topic's subscription ARNs, sorted.
func (s *Service) ListSubscriptionsByTopic(topicARN string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.topicByARN(topicARN); err != nil {
		return nil, err
	}
	var out []string
	for _, sub := range s.subs {
		if sub.TopicARN == topicARN {
			out = append(out, sub.ARN)
		}
	}
	sort.Strings(out)
	return out, nil
}

// ConfirmSubscription confirms a pending HTTP/S subscription by its token.
func (s *Service) ConfirmSubscription(ctx context.Context, topicARN, token string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.topicByARN(topicARN); err != nil {
		return "", err
	}
	for _, sub := range s.subs {
		if sub.Token != "" && sub.Token == token {
			if sub.TopicARN != topicARN {
				return "", invalid("Invalid parameter: Topic")
			}
			if sub.Pending {
				sub.Pending = false
				if err := s.putJSON(ctx, "sub/"+sub.ARN, sub); err != nil {
					sub.Pending = true
					return "", err
				}
				if t, err := s.topicByARN(topicARN); err == nil {
					s.refreshFan(t)
				}
			}
			return sub.ARN, nil
		}
	}
	return "", invalid("Invalid parameter: Token")
}

// Unsubscribe removes a subscription; HTTP/S endpoints get an
// UnsubscribeConfirmation.
func (s *Service) Unsubscribe(ctx context.Context, subARN string) error {
	s.mu.Lock()
	sub := s.subs[subARN]
	if sub == nil {
		s.mu.Unlock()
		return errSubNotFound
	}
	var b store.Batch
	b.Delete(bucket, []byte("sub/"+subARN))
	if err := s.shared.Apply(ctx, &b); err != nil {
		s.mu.Unlock()
		return err
	}
	delete(s.subs, subARN)
	t, _ := s.topicByARN(sub.TopicARN)
	if t != nil {
		s.refreshFan(t) // out of the list first, then out of the machine
		t.filters.Delete(automaton.ID(subARN))
	}
	s.mu.Unlock()
	s.stopWorker(subARN)
	s.purge(ctx, subARN)
	if t != nil && (sub.Protocol == "http" || sub.Protocol == "https") {
		s.sendConfirmation(ctx, t, sub, "UnsubscribeConfirmation")
	}
	return nil
}

// Resolve finds the topic of an ARN as a sink (bus targets that are topics).
func (s *Service) Resolve(arn string) (kernel.Sink, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.topicByARN(arn); err != nil {
		return nil, fmt.Errorf("sns: %s: %w", arn, kernel.ErrNoResource)
	}
	return topicSink{s, arn}, nil
}

type topicSink struct {
	s   *Service
	arn string
}

// Send publishes m to the topic; string attributes become String message
// attributes.
func (ts topicSink) Send(ctx context.Context, m kernel.Message) error {
	in := PublishInput{TopicArn: ts.arn, Message: string(m.Body), MessageGroupId: m.GroupID, MessageDeduplicationId: m.DedupID}
	if len(m.Attributes) > 0 {
		in.MessageAttributes = map[string]Attribute{}
		for k, v := range m.Attributes {
			in.MessageAttributes[k] = Attribute{DataType: "String", StringValue: v}
		}
	}
	_, err := ts.s.Publish(ctx, in)
	return err // a topic deleted meanwhile is NotFound: errors.Is(err, kernel.ErrNoResource)
}

// purge removes the pending deliveries of a removed subscription (its
// worker is stopped first). Best effort: a purge that fails leaves items
// no worker will run again, as the subscription is gone; it is logged.
func (s *Service) purge(ctx context.Context, subARN string) {
	q, err := s.subQueue(subARN)
	if err == nil {
		err = q.Purge(ctx)
	}
	s.runMu.Lock()
	delete(s.queues, subARN)
	s.runMu.Unlock()
	if err != nil {
		s.env.Logf("sns: purging the deliveries of %s: %v", subARN, err)
	}
}
