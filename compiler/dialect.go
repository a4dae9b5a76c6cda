package compiler

import (
	"fmt"
	"strings"
)

// Dialect names the rule language and, for SNS, the filter policy scope.
// The scope decides both what is checked (nesting is a MessageBody feature)
// and what input the pattern is matched against.
type Dialect uint8

const (
	// EventBridge is the EventBridge event-pattern language; input is an event.
	EventBridge Dialect = iota + 1
	// SNSAttributes is an SNS filter policy with FilterPolicyScope
	// MessageAttributes; input is a Publish request, matched on its attributes.
	SNSAttributes
	// SNSBody is an SNS filter policy with FilterPolicyScope MessageBody;
	// input is a Publish request, matched on its Message parsed as JSON.
	SNSBody
)

func (d Dialect) String() string {
	switch d {
	case EventBridge:
		return "eventbridge"
	case SNSAttributes:
		return "sns-attributes"
	case SNSBody:
		return "sns-body"
	}
	return fmt.Sprintf("Dialect(%d)", uint8(d))
}

// IsSNS reports whether d is one of the SNS filter policy scopes.
func (d Dialect) IsSNS() bool { return d == SNSAttributes || d == SNSBody }

// ParseDialect turns command-line words into a Dialect. name is
// "eventbridge" or "sns"; scope is "MessageAttributes" (the SNS default when
// empty) or "MessageBody" and must be empty for eventbridge. The combined
// names "sns-attributes" and "sns-body" used by the conformance files are
// accepted as name too.
func ParseDialect(name, scope string) (Dialect, error) {
	// The dialect is our own word, so its case does not matter; the scope
	// is AWS's FilterPolicyScope value, which AWS matches exactly.
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "eventbridge":
		if scope != "" {
			return 0, fmt.Errorf("--scope applies only to the sns dialect")
		}
		return EventBridge, nil
	case "sns-attributes":
		return SNSAttributes, nil
	case "sns-body":
		return SNSBody, nil
	case "sns":
		switch scope {
		case "", "MessageAttributes":
			return SNSAttributes, nil
		case "MessageBody":
			return SNSBody, nil
		}
		return 0, fmt.Errorf("Invalid parameter: FilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", scope)
	}
	return 0, fmt.Errorf("unknown dialect %q: use eventbridge or sns", name)
}
