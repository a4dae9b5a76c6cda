package events

import "sort"

// ListArchives returns the archives, by name.
func (s *Service) ListArchives() []Archive {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Archive, 0, len(s.archives))
	for _, a := range s.archives {
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ArchiveName < out[j].ArchiveName })
	return out
}

// ListReplays returns the replays, by name.
func (s *Service) ListReplays() []Replay {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Replay, 0, len(s.replays))
	for _, r := range s.replays {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ReplayName < out[j].ReplayName })
	return out
}
