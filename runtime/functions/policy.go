package functions

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
)

// Statement is one statement of a function's resource policy
// (AddPermission): who may invoke it. patternc records policies for the
// API's sake; every caller of one account may invoke its functions.
type Statement struct {
	Sid       string            `json:"Sid"`
	Effect    string            `json:"Effect"`
	Principal map[string]string `json:"Principal"`
	Action    string            `json:"Action"`
	Resource  string            `json:"Resource"`
	Condition map[string]any    `json:"Condition,omitempty"`
}

// AddPermission adds a statement to a function's policy [AWS errors].
func (s *Service) AddPermission(ctx context.Context, nameOrARN string, st Statement) (Statement, error) {
	cur, err := s.lookup(nameOrARN)
	if err != nil {
		return Statement{}, err
	}
	for _, old := range cur.Policy {
		if old.Sid == st.Sid {
			return Statement{}, apiErr("ResourceConflictException", fmt.Sprintf("The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", st.Sid), 409)
		}
	}
	st.Effect, st.Resource = "Allow", s.ARN(cur.Spec.Name)
	next := cur.record
	next.Policy = append(append([]Statement(nil), cur.Policy...), st)
	next.RevisionID = uuid.NewString()
	_, err = s.replaceRecord(ctx, cur, next)
	return st, err
}

// RemovePermission removes the statement sid.
func (s *Service) RemovePermission(ctx context.Context, nameOrARN, sid string) error {
	cur, err := s.lookup(nameOrARN)
	if err != nil {
		return err
	}
	next := cur.record
	next.Policy = nil
	for _, old := range cur.Policy {
		if old.Sid != sid {
			next.Policy = append(next.Policy, old)
		}
	}
	if len(next.Policy) == len(cur.Policy) {
		return apiErr("ResourceNotFoundException", fmt.Sprintf("Statement %s is not found in resource policy.", sid), 404)
	}
	next.RevisionID = uuid.NewString()
	_, err = s.replaceRecord(ctx, cur, next)
	return err
}

// Policy is the function's resource policy document and revision.
func (s *Service) Policy(nameOrARN string) (string, string, error) {
	cur, err := s.lookup(nameOrARN)
	if err != nil {
		return "", "", err
	}
	if len(cur.Policy) == 0 {
		return "", "", apiErr("ResourceNotFoundException", "The resource you requested does not exist.", 404)
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": cur.Policy})
	return string(doc), cur.RevisionID, nil
}

// replaceRecord stores a change of policy or invoke config; the processes
// keep running (the code and settings did not change).
func (s *Service) replaceRecord(ctx context.Context, cur *function, next record) (Function, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.funcs[cur.Spec.Name] != cur {
		return Function{}, apiErr("ResourceConflictException", "The function was changed by another request; try again.", 409)
	}
	if err := s.save(ctx, nil, next); err != nil {
		return Function{}, err
	}
	fn := &function{record: next, codeDir: cur.codeDir, pool: cur.pool} // same code, same processes
	s.funcs[next.Spec.Name] = fn
	return s.describe(fn), nil
}
