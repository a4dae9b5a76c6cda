package events

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/patternc/patternc/runtime/kernel"
)

// A bus's resource policy says which other accounts may put events on it
// (PutPermission) [AWS]. Only events:PutEvents grants are interpreted;
// the policy is kept and returned as written.

type policyDoc struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid       string          `json:"Sid"`
	Effect    string          `json:"Effect"`
	Principal json.RawMessage `json:"Principal"`
	Action    json.RawMessage `json:"Action"`
	Resource  json.RawMessage `json:"Resource"`
	Condition json.RawMessage `json:"Condition,omitempty"`
}

// PermissionInput is a PutPermission request: either a statement
// (StatementId, Action, Principal, optional Condition) or a whole Policy.
type PermissionInput struct {
	EventBusName string
	StatementId  string
	Action       string
	Principal    string
	Condition    json.RawMessage
	Policy       string
}

var (
	statementIDRE = regexp.MustCompile(`^[a-zA-Z0-9-_]{1,64}$`)
	principalRE   = regexp.MustCompile(`^(\d{12}|\*)$`)
)

// PutPermission adds (or replaces) a statement of the bus policy, or sets
// the whole policy.
func (s *Service) PutPermission(ctx context.Context, in PermissionInput) error {
	name := s.busName(in.EventBusName)
	var doc policyDoc
	if in.Policy != "" {
		if err := json.Unmarshal([]byte(in.Policy), &doc); err != nil || len(doc.Statement) == 0 {
			return validation("Policy is not valid.")
		}
	} else {
		if !statementIDRE.MatchString(in.StatementId) {
			return validation("1 validation error detected: Value '%s' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+", in.StatementId)
		}
		if in.Action != "events:PutEvents" {
			return validation("Provided value in parameter 'action' is not supported.")
		}
		if !principalRE.MatchString(in.Principal) {
			return validation("1 validation error detected: Value '%s' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\d{12}|\\*)", in.Principal)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buses[name]
	if !ok {
		return notFound("Event bus %s does not exist.", name)
	}
	if in.Policy == "" {
		if b.def.Policy != "" {
			_ = json.Unmarshal([]byte(b.def.Policy), &doc)
		}
		doc.Version = "2012-10-17"
		principal := `"*"`
		if in.Principal != "*" {
			principal = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:root"}`, in.Principal)
		}
		st := policyStatement{Sid: in.StatementId, Effect: "Allow", Principal: json.RawMessage(principal),
			Action: json.RawMessage(`"events:PutEvents"`), Resource: json.RawMessage(fmt.Sprintf("%q", b.def.Arn)), Condition: in.Condition}
		replaced := false
		for i := range doc.Statement {
			if doc.Statement[i].Sid == in.StatementId {
				doc.Statement[i], replaced = st, true
			}
		}
		if !replaced {
			doc.Statement = append(doc.Statement, st)
		}
	}
	text, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	old := b.def.Policy
	b.def.Policy = string(text)
	if err := s.saveBus(ctx, b); err != nil {
		b.def.Policy = old
		return err
	}
	return nil
}

// RemovePermission removes a statement, or the whole policy when all.
func (s *Service) RemovePermission(ctx context.Context, busName, statementID string, all bool) error {
	name := s.busName(busName)
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buses[name]
	if !ok {
		return notFound("Event bus %s does not exist.", name)
	}
	if b.def.Policy == "" {
		return notFound("EventBus does not have a policy.")
	}
	old := b.def.Policy
	if all {
		b.def.Policy = ""
	} else {
		var doc policyDoc
		_ = json.Unmarshal([]byte(b.def.Policy), &doc)
		kept := doc.Statement[:0]
		for _, st := range doc.Statement {
			if st.Sid != statementID {
				kept = append(kept, st)
			}
		}
		if len(kept) == len(doc.Statement) {
			return notFound("Statement with the provided id does not exist.")
		}
		doc.Statement = kept
		if len(kept) == 0 {
			b.def.Policy = ""
		} else {
			text, _ := json.Marshal(doc)
			b.def.Policy = string(text)
		}
	}
	if err := s.saveBus(ctx, b); err != nil {
		b.def.Policy = old
		return err
	}
	return nil
}

// AllowsPutEvents reports whether the bus's policy lets account put
// events on it (an Allow of events:PutEvents, events:* or * to that
// account or to everyone).
func (s *Service) AllowsPutEvents(busName, account string) bool {
	s.mu.RLock()
	b, ok := s.buses[s.busName(busName)]
	var policy string
	if ok {
		policy = b.def.Policy
	}
	s.mu.RUnlock()
	return kernel.PolicyAllows(policy, account, "events:PutEvents")
}
