package sns

import (
	"context"
	"encoding/json"
	"strings"
)

// SetTopicAttributes changes one attribute of a topic [AWS]: DisplayName,
// Policy, DeliveryPolicy, SignatureVersion, KmsMasterKeyId,
// TracingConfig, ArchivePolicy, and on FIFO topics
// ContentBasedDeduplication and FifoThroughputScope. FifoTopic is fixed
// at creation. An empty value removes the attribute.
func (s *Service) SetTopicAttributes(ctx context.Context, arn, name, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.topicByARN(arn)
	if err != nil {
		return err
	}
	switch name {
	case "DisplayName", "KmsMasterKeyId", "TracingConfig", "ArchivePolicy", "DeliveryPolicy":
	case "Policy":
		if value != "" && !json.Valid([]byte(value)) {
			return invalid("Invalid parameter: Policy Error: null")
		}
	case "SignatureVersion":
		if value != "1" && value != "2" {
			return invalid("Invalid parameter: SignatureVersion: Invalid value [%s]. Must be 1 or 2.", value)
		}
	case "ContentBasedDeduplication":
		value = strings.ToLower(value)
		if value != "true" && value != "false" {
			return invalid("Invalid parameter: ContentBasedDeduplication: Invalid value [%s]. Must be true or false.", value)
		}
		if !t.fifo {
			return invalid("Invalid parameter: ContentBasedDeduplication is only valid for FIFO topics")
		}
		if value == "false" {
			value = ""
		}
	case "FifoThroughputScope":
		if value != "Topic" && value != "MessageGroup" {
			return invalid("Invalid parameter: FifoThroughputScope: Invalid value [%s]. Please use either Topic or MessageGroup", value)
		}
		if !t.fifo {
			return invalid("Invalid parameter: FifoThroughputScope is only valid for FIFO topics")
		}
	default:
		return invalid("Invalid parameter: AttributeName")
	}
	next := &topic{Name: t.Name, ARN: t.ARN, Attrs: map[string]string{}, filters: t.filters}
	for k, v := range t.Attrs {
		next.Attrs[k] = v
	}
	if value == "" {
		delete(next.Attrs, name)
	} else {
		next.Attrs[name] = value
	}
	if err := next.init(); err != nil {
		return err
	}
	if err := s.putJSON(ctx, "topic/"+t.Name, next); err != nil {
		return err
	}
	t.adopt(next)
	return nil
}

// adopt takes next's attributes (checked by next.init) into t. Publishes
// hold pointers to t: it changes in place, under s.mu.
func (t *topic) adopt(next *topic) {
	t.Attrs = next.Attrs
	t.fifo, t.contentD, t.groupDed, t.policy = next.fifo, next.contentD, next.groupDed, next.policy
}
