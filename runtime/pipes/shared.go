package pipes

import (
	"encoding/json"
)

// Several serve instances on one JetStream cluster share the pipes
// bucket: a pipe created, updated, stopped or deleted through one
// instance is run (or no longer run) by all, each reading the shared
// source queue (a message goes to one reader at a time, as with any SQS
// consumers). Each instance mirrors the bucket (runtime/internal/mirror);
// syncShared applies the pipes other instances wrote and wakes Run, which
// starts, restarts or stops the workers as the new states ask.

func (s *Service) syncShared() {
	s.mu.Lock()
	changed := false
	for _, c := range s.shared.Changes() {
		changed = true
		if c.Val == nil {
			delete(s.pipes, c.Key)
			delete(s.tags, c.Key)
			continue
		}
		var st stored
		if err := json.Unmarshal(c.Val, &st); err != nil {
			s.env.Logf("pipes: %s written by another instance: %v", c.Key, err)
			continue
		}
		p := st.Pipe
		s.pipes[c.Key], s.tags[c.Key] = &p, st.Tags
	}
	s.mu.Unlock()
	if changed {
		s.signal()
	}
}
