package events

import "context"

// PutManagedRule creates or replaces a rule that managedBy owns, with
// its targets: another service's plumbing on a bus (a pipe reading the
// bus through its own queue). PutRule, PutTargets and DeleteRule refuse
// to change it; DeleteManagedRule removes it.
func (s *Service) PutManagedRule(ctx context.Context, in PutRuleInput, managedBy string, targets []Target) (string, error) {
	for i := range targets {
		if e := checkShaping(&targets[i]); e != nil {
			return "", e
		}
	}
	arn, err := s.putRule(ctx, in, managedBy)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, r, err := s.rule(in.EventBusName, in.Name)
	if err != nil {
		return "", err
	}
	next := make([]*Target, len(targets))
	for i := range targets {
		t := targets[i]
		next[i] = &t
	}
	r.Targets = next
	return arn, s.saveRule(ctx, b, r)
}

// DeleteManagedRule deletes a rule managedBy owns, targets and all; a
// rule that is gone already is no error.
func (s *Service) DeleteManagedRule(ctx context.Context, busName, name, managedBy string) error {
	return s.deleteRule(ctx, busName, name, managedBy)
}
