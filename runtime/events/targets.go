package events

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Target is one target of a rule.
type Target struct {
	ID               string            `json:"Id"`
	Arn              string            `json:"Arn"`
	Input            string            `json:"Input,omitempty"`
	InputPath        string            `json:"InputPath,omitempty"`
	InputTransformer *InputTransformer `json:"InputTransformer,omitempty"`
	RetryPolicy      *RetryPolicy      `json:"RetryPolicy,omitempty"`
	DeadLetterArn    string            `json:"DeadLetterArn,omitempty"`
}

// RetryPolicy bounds a target's retries (docs/semantics/runtime.md §2.5); nil fields take defaults.
type RetryPolicy struct {
	MaximumRetryAttempts     *int `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int `json:"MaximumEventAgeInSeconds,omitempty"`
}

var targetIDRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]+$`)

// PutTargets adds or replaces targets of a rule (all or nothing).
func (s *Service) PutTargets(ctx context.Context, busName, ruleName string, targets []Target) error {
	for i := range targets {
		t := &targets[i]
		if len(t.ID) > 64 {
			return validation("1 validation error detected: Value '%s' at 'targets.%d.member.id' failed to satisfy constraint: Member must have length less than or equal to 64", t.ID, i+1)
		}
		if !targetIDRE.MatchString(t.ID) {
			return validation("1 validation error detected: Value '%s' at 'targets.%d.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", t.ID, i+1)
		}
		if t.Arn == "" || len(t.Arn) > 1600 || !strings.HasPrefix(t.Arn, "arn:") {
			return validation("1 validation error detected: Value '%s' at 'targets.%d.member.arn' failed to satisfy constraint: Member must be a valid ARN", t.Arn, i+1)
		}
		if e := checkShaping(t); e != nil {
			return e
		}
		if rp := t.RetryPolicy; rp != nil {
			if v := rp.MaximumRetryAttempts; v != nil && (*v < 0 || *v > 185) {
				return validation("1 validation error detected: Value '%d' at 'targets.%d.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value between 0 and 185", *v, i+1)
			}
			if v := rp.MaximumEventAgeInSeconds; v != nil && (*v < 60 || *v > 86400) {
				return validation("1 validation error detected: Value '%d' at 'targets.%d.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value between 60 and 86400", *v, i+1)
			}
		}
		if t.DeadLetterArn != "" && strings.HasSuffix(t.DeadLetterArn, ".fifo") {
			return validation("Dead-letter queue %s must be a standard queue, not FIFO.", t.DeadLetterArn)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, r, err := s.rule(busName, ruleName)
	if err != nil {
		return err
	}
	if r.ManagedBy != "" {
		return validation("Rule %s is managed by %s and cannot be changed.", ruleName, r.ManagedBy)
	}
	next := append([]*Target(nil), r.Targets...)
	for i := range targets {
		t := targets[i]
		replaced := false
		for j, old := range next {
			if old.ID == t.ID {
				next[j] = &t
				replaced = true
			}
		}
		if !replaced {
			next = append(next, &t)
		}
	}
	if len(next) > 5 {
		return apiErr("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
	}
	r.Targets = next
	return s.saveRule(ctx, b, r)
}

// FailedTarget is one RemoveTargets failure.
type FailedTarget struct {
	TargetID, ErrorCode, ErrorMessage string
}

// RemoveTargets removes targets by Id; unknown Ids are reported.
func (s *Service) RemoveTargets(ctx context.Context, busName, ruleName string, ids []string) ([]FailedTarget, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, r, err := s.rule(busName, ruleName)
	if err != nil {
		return nil, err
	}
	var failed []FailedTarget
	for _, id := range ids {
		found := false
		for j, t := range r.Targets {
			if t.ID == id {
				r.Targets = append(r.Targets[:j:j], r.Targets[j+1:]...)
				found = true
				break
			}
		}
		if !found {
			failed = append(failed, FailedTarget{id, "ResourceNotFoundException",
				fmt.Sprintf("Rule '%s' does not have a target with the Id '%s'.", ruleName, id)})
		}
	}
	return failed, s.saveRule(ctx, b, r)
}
