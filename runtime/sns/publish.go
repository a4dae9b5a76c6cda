package sns

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
	"github.com/patternc/patternc/runtime/store"
)

// Attribute is one message attribute: DataType plus StringValue or
// BinaryValue (raw bytes).
type Attribute struct {
	DataType    string
	StringValue string
	BinaryValue []byte
}

// PublishInput is a Publish request (or one PublishBatch entry).
type PublishInput struct {
	TopicArn string
	Message  string
	Subject  string
	// SubjectGiven marks a request that carried a Subject parameter, so an
	// empty one is rejected as AWS does.
	SubjectGiven           bool
	MessageStructure       string
	MessageAttributes      map[string]Attribute
	MessageGroupId         string
	MessageDeduplicationId string
}

// PublishOutput is a Publish response; SequenceNumber is set on FIFO topics.
type PublishOutput struct {
	MessageId      string
	SequenceNumber string
}

// BatchEntry is one PublishBatch entry.
type BatchEntry struct {
	Id string
	PublishInput
}

// BatchResult is a PublishBatch response.
type BatchResult struct {
	Successful []BatchSuccess
	Failed     []BatchFailure
}

// BatchSuccess reports one published entry.
type BatchSuccess struct {
	Id, MessageId, SequenceNumber string
}

// BatchFailure reports one entry that could not be stored.
type BatchFailure struct {
	Id, Code, Message string
	SenderFault       bool
}

// MaxSize is the largest message with its attributes, in bytes.
const MaxSize = 262144

// DedupWindow is how long a FIFO deduplication id is remembered.
const DedupWindow = 5 * time.Minute

var fifoIDRE = regexp.MustCompile("^[A-Za-z0-9!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]{1,128}$")
var batchIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// message is what the runtime stores per accepted publish and hands to the
// delivery workers.
type message struct {
	MessageID string               `json:"id"`
	Seq       string               `json:"seq,omitempty"`
	TopicARN  string               `json:"topic"`
	Subject   string               `json:"subject,omitempty"`
	Message   string               `json:"message"`
	PerProto  map[string]string    `json:"perProto,omitempty"`
	Attrs     map[string]Attribute `json:"attrs,omitempty"`
	GroupID   string               `json:"group,omitempty"`
	DedupID   string               `json:"dedup,omitempty"`
	Timestamp time.Time            `json:"ts"`
}

// size is the AWS size: message bytes plus name, type and value of each
// attribute.
func size(in *PublishInput) int {
	n := len(in.Message)
	for k, a := range in.MessageAttributes {
		n += len(k) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
	}
	return n
}

// validate checks one entry against topic t; field is the attribute path
// prefix for ValidationError messages.
func validate(t *topic, in *PublishInput, field string) (*message, error) {
	if in.Subject != "" || in.SubjectGiven {
		if in.Subject == "" {
			return nil, invalid("Invalid parameter: Subject")
		}
		if len([]rune(in.Subject)) >= 100 || strings.ContainsFunc(in.Subject, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return nil, invalid("Invalid parameter: Subject")
		}
	}
	if in.Message == "" {
		return nil, invalid("Invalid parameter: Empty message")
	}
	if !utf8.ValidString(in.Message) {
		return nil, invalid("Invalid parameter: Message Reason: Message must be valid UTF-8")
	}
	if err := checkAttributes(in.MessageAttributes, field); err != nil {
		return nil, err
	}
	if size(in) > MaxSize {
		return nil, invalid("Invalid parameter: Message too long")
	}
	m := &message{TopicARN: t.ARN, Subject: in.Subject, Message: in.Message, Attrs: in.MessageAttributes}
	if in.MessageStructure == "json" {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal([]byte(in.Message), &doc); err != nil {
			return nil, invalid("Invalid parameter: Message Structure - JSON message body failed to parse")
		}
		m.PerProto = map[string]string{}
		for k, raw := range doc {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				m.PerProto[k] = s
			}
		}
		def, ok := m.PerProto["default"]
		if !ok {
			return nil, invalid("Invalid parameter: Message Structure - No default entry in JSON message body")
		}
		m.Message = def
	} else if in.MessageStructure != "" {
		return nil, invalid("Invalid parameter: MessageStructure")
	}
	if t.fifo {
		if in.MessageGroupId == "" {
			return nil, invalid("Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
		}
		if !fifoIDRE.MatchString(in.MessageGroupId) {
			return nil, invalid("Invalid parameter: MessageGroupId Reason: MessageGroupId must be 1 to 128 characters of alphanumerics and punctuation")
		}
		dedup := in.MessageDeduplicationId
		if dedup == "" {
			if !t.contentD {
				return nil, invalid("Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}
			sum := sha256.Sum256([]byte(in.Message))
			dedup = hex.EncodeToString(sum[:])
		} else if !fifoIDRE.MatchString(dedup) {
			return nil, invalid("Invalid parameter: MessageDeduplicationId Reason: MessageDeduplicationId must be 1 to 128 characters of alphanumerics and punctuation")
		}
		m.GroupID, m.DedupID = in.MessageGroupId, dedup
	} else {
		if in.MessageDeduplicationId != "" {
			return nil, invalid("Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
		}
		m.GroupID = in.MessageGroupId
	}
	return m, nil
}

// checkAttributes applies docs/semantics/runtime.md §5.3 in a stable (sorted) order.
func checkAttributes(attrs map[string]Attribute, field string) error {
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		a := attrs[name]
		if a.DataType == "" {
			return kernel.Errorf("ValidationError", 400,
				"1 validation error detected: Value null at '%smessageAttributes.%s.member.dataType' failed to satisfy constraint: Member must not be null", field, name)
		}
		if len(name) >= 256 {
			return paramValue("Length of message attribute name must be less than 256 bytes.")
		}
		if name == "" {
			return paramValue("The message attribute name must not be empty.")
		}
		if name[0] == '.' {
			return paramValue("Invalid message attribute name starting with character '.' was found.")
		}
		if name[len(name)-1] == '.' {
			return paramValue("Invalid message attribute name ending with character '.' was found.")
		}
		if strings.Contains(name, "..") {
			return paramValue("Message attribute name can not have successive '.' character.")
		}
		for _, r := range name {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
				return paramValue("Invalid non-alphanumeric character '#x%X' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.", r)
			}
		}
		if l := strings.ToLower(name); strings.HasPrefix(l, "aws.") || strings.HasPrefix(l, "amazon.") {
			return paramValue("The message attribute name '%s' is reserved for use by AWS.", name)
		}
		if len(a.DataType) > 256 {
			return paramValue("The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
		base := a.DataType
		if base != "String.Array" {
			base, _, _ = strings.Cut(a.DataType, ".")
		}
		switch base {
		case "String", "String.Array", "Number":
			if len(a.BinaryValue) > 0 {
				return paramValue("The message attribute '%s' with type '%s' must use field 'String'.", name, base)
			}
			if a.StringValue == "" {
				return paramValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type 'String'.", name)
			}
			if !utf8.ValidString(a.StringValue) {
				return paramValue("The message attribute '%s' must contain valid UTF-8 text.", name)
			}
		case "Binary":
			if a.StringValue != "" {
				return paramValue("The message attribute '%s' with type 'Binary' must use field 'Binary'.", name)
			}
			if len(a.BinaryValue) == 0 {
				return paramValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type 'Binary'.", name)
			}
		default:
			return paramValue("The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
		switch base {
		case "Number":
			if !validNumber(a.StringValue) {
				return paramValue("Could not cast message attribute '%s' value to number.", name)
			}
		case "String.Array":
			var arr []any
			if json.Unmarshal([]byte(a.StringValue), &arr) != nil {
				return paramValue("The message attribute '%s' with type 'String.Array' must be a JSON array.", name)
			}
			for _, v := range arr {
				switch v.(type) {
				case string, float64, bool, nil:
				default:
					return paramValue("The message attribute '%s' with type 'String.Array' may hold only strings, numbers, true, false and null.", name)
				}
			}
		}
	}
	return nil
}

// jsonNumber writes a Number attribute value that SNS accepts (validNumber)
// as JSON number text, which is how the matcher reads numbers: "5." is 5,
// ".5" is 0.5, "007" is 7.
func jsonNumber(v string) string {
	sign := ""
	if rest, ok := strings.CutPrefix(v, "-"); ok {
		sign, v = "-", rest
	}
	mant, exp, _ := strings.Cut(strings.ToLower(v), "e")
	mant = strings.TrimLeft(mant, "0") // JSON allows no leading zeros
	if mant == "" || strings.HasPrefix(mant, ".") {
		mant = "0" + mant
	}
	mant = strings.TrimSuffix(mant, ".")
	if exp != "" {
		mant += "e" + exp
	}
	return sign + mant
}

var numberRE = regexp.MustCompile(`^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$`)

func validNumber(s string) bool {
	if !numberRE.MatchString(s) {
		return false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < -1e9 || f > 1e9 {
		return false
	}
	if !strings.ContainsAny(s, "eE") {
		if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > 5 {
			return false
		}
	}
	return true
}

// Publish validates and accepts a message: when it returns, the message is
// committed to each matching subscription's durable delivery queue (and,
// FIFO, the dedup record and sequence number are committed too).
func (s *Service) Publish(ctx context.Context, in PublishInput) (PublishOutput, error) {
	s.mu.Lock()
	t, err := s.topicByARN(in.TopicArn)
	s.mu.Unlock()
	if err != nil {
		return PublishOutput{}, err
	}
	m, err := validate(t, &in, "")
	if err != nil {
		return PublishOutput{}, err
	}
	return s.accept(ctx, t, m)
}

// PublishBatch publishes 1–10 entries. A malformed entry fails the whole
// request; Failed lists only entries the store could not take.
func (s *Service) PublishBatch(ctx context.Context, topicARN string, entries []BatchEntry) (BatchResult, error) {
	var res BatchResult
	s.mu.Lock()
	t, err := s.topicByARN(topicARN)
	s.mu.Unlock()
	if err != nil {
		return res, err
	}
	if len(entries) == 0 {
		return res, batchErr("EmptyBatchRequest", "The batch request doesn't contain any entries.")
	}
	if len(entries) > 10 {
		return res, batchErr("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.")
	}
	seen := map[string]bool{}
	total := 0
	msgs := make([]*message, len(entries))
	for i := range entries {
		e := &entries[i]
		if len(e.Id) > 80 {
			return res, batchErr("InvalidBatchEntryId", "The Id of a batch entry in the batch request is too long: "+e.Id)
		}
		if !batchIDRE.MatchString(e.Id) {
			return res, batchErr("InvalidBatchEntryId", "The Id of a batch entry in the batch request contains an impermissible character: "+e.Id)
		}
		if seen[e.Id] {
			return res, batchErr("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.")
		}
		seen[e.Id] = true
		e.TopicArn = topicARN
		m, err := validate(t, &e.PublishInput, fmt.Sprintf("publishBatchRequestEntries.%d.member.", i+1))
		if err != nil {
			return res, err
		}
		total += size(&e.PublishInput)
		msgs[i] = m
	}
	if total > MaxSize {
		return res, batchErr("BatchRequestTooLong", "The length of all the messages put together is more than the limit.")
	}
	res.Successful = []BatchSuccess{}
	res.Failed = []BatchFailure{}
	for i, m := range msgs {
		out, err := s.accept(ctx, t, m)
		if err != nil {
			res.Failed = append(res.Failed, BatchFailure{Id: entries[i].Id, Code: "InternalError", Message: err.Error()})
			continue
		}
		res.Successful = append(res.Successful, BatchSuccess{Id: entries[i].Id, MessageId: out.MessageId, SequenceNumber: out.SequenceNumber})
	}
	return res, nil
}

type dedupRecord struct {
	MessageID string    `json:"id"`
	Seq       string    `json:"seq"`
	At        time.Time `json:"at"`
}

// accept stores m for delivery. FIFO publishes of a topic are serialised so
// sequence numbers grow in publish order and dedup is exact.
func (s *Service) accept(ctx context.Context, t *topic, m *message) (PublishOutput, error) {
	m.MessageID = newID()
	m.Timestamp = s.env.Clock.Now().UTC().Truncate(time.Millisecond)
	if !t.fifo {
		if err := s.fanOut(ctx, t, m); err != nil {
			return PublishOutput{}, err
		}
		return PublishOutput{MessageId: m.MessageID}, nil
	}
	t.pubMu.Lock()
	defer t.pubMu.Unlock()
	release, err := s.lockPublish(ctx, t)
	if err != nil {
		return PublishOutput{}, err
	}
	defer release()
	dkey := "dedup/" + t.Name + "/"
	if t.groupDed {
		dkey += m.GroupID + "/"
	}
	dkey += m.DedupID
	if v, err := s.env.Store.Get(ctx, bucket, []byte(dkey)); err == nil {
		var rec dedupRecord
		if json.Unmarshal(v, &rec) == nil && m.Timestamp.Sub(rec.At) < DedupWindow {
			s.stats.dups.Add(1)
			return PublishOutput{MessageId: rec.MessageID, SequenceNumber: rec.Seq}, nil
		}
	} else if err != store.ErrNotFound {
		return PublishOutput{}, err
	}
	seq, err := s.nextSeq(ctx, t)
	if err != nil {
		return PublishOutput{}, err
	}
	m.Seq = seq
	// Deliveries first, then the dedup record: a crash in between can only
	// duplicate (the caller retries), never lose.
	if err := s.fanOut(ctx, t, m); err != nil {
		return PublishOutput{}, err
	}
	rec, _ := json.Marshal(dedupRecord{MessageID: m.MessageID, Seq: seq, At: m.Timestamp})
	var b store.Batch
	b.Put(bucket, []byte(dkey), rec)
	if err := s.env.Store.Apply(ctx, &b); err != nil {
		return PublishOutput{}, err
	}
	return PublishOutput{MessageId: m.MessageID, SequenceNumber: seq}, nil
}

// nextSeq commits the topic's next sequence number: a 20-digit decimal
// (zero-padded so queue keys sort in publish order) that only grows.
func (s *Service) nextSeq(ctx context.Context, t *topic) (string, error) {
	key := []byte("seq/" + t.Name)
	n := new(big.Int)
	if v, err := s.env.Store.Get(ctx, bucket, key); err == nil {
		n.SetString(string(v), 10)
	} else if err != store.ErrNotFound {
		return "", err
	}
	n.Add(n, big.NewInt(1))
	seq := fmt.Sprintf("%020s", n.String())
	var b store.Batch
	b.Put(bucket, key, []byte(seq))
	if err := s.env.Store.Apply(ctx, &b); err != nil {
		return "", err
	}
	return seq, nil
}

// fanOut enqueues m on every matching, confirmed subscription's queue. It
// holds no service lock: the topic's subscription list and its automaton
// are both published snapshots, so publishers never wait for each other's
// matching.
func (s *Service) fanOut(ctx context.Context, t *topic, m *message) error {
	fan := t.fan.Load()
	if fan == nil || len(fan.targets) == 0 {
		return nil
	}
	var matched []automaton.ID
	if fan.filtered > 0 {
		var err error
		if matched, err = t.filters.Machine().MatchMessage(m.publish()); err != nil {
			if errors.Is(err, automaton.ErrTooComplex) {
				return invalid("Invalid parameter: Message Reason: the message has too many array combinations to be matched against the topic's filter policies")
			}
			return kernel.Internal("sns: matching filter policies: %v", err)
		}
	}
	payload, err := json.Marshal(m)
	if err != nil {
		return err
	}
	id := m.MessageID
	if m.Seq != "" {
		id = m.Seq // sorts in publish order within the queue
	}
	watched := s.watchers.Active()
	var receivers, filtered []string
	for _, ft := range fan.targets {
		if ft.filtered && !slices.Contains(matched, automaton.ID(ft.arn)) {
			s.stats.filtered.Add(1)
			if watched {
				filtered = append(filtered, ft.arn)
			}
			continue
		}
		q, err := s.subQueue(ft.arn)
		if err != nil {
			return err
		}
		if err := q.Enqueue(ctx, queue.Item{ID: id, Payload: payload}); err != nil {
			return err
		}
		if watched {
			receivers = append(receivers, ft.arn)
		}
	}
	if watched {
		s.watchMessage(m, receivers, filtered)
	}
	return nil
}

// publish is m as the automaton reads a message: the body and the
// attributes by name (Binary ones too; the matcher ignores them).
func (m *message) publish() *compiler.Publish {
	p := &compiler.Publish{Message: m.Message, Attributes: make([]compiler.Attribute, 0, len(m.Attrs))}
	for name, a := range m.Attrs {
		v := a.StringValue
		if strings.HasPrefix(a.DataType, "Number") {
			v = jsonNumber(v)
		}
		p.Attributes = append(p.Attributes, compiler.Attribute{Name: name, DataType: a.DataType, StringValue: v})
	}
	slices.SortFunc(p.Attributes, func(a, b compiler.Attribute) int { return strings.Compare(a.Name, b.Name) })
	return p
}

func queueName(subARN string) string {
	return "sns-sub-" + subARN[strings.LastIndexByte(subARN, ':')+1:]
}
