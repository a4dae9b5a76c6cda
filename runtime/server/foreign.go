package server

import (
	"fmt"

	"github.com/patternc/patternc/runtime/kernel"
)

// foreignResolver resolves, for account from, ARNs that name another
// account. Only event buses can receive across accounts, and only when
// the bus policy (PutPermission) lets from put events [AWS]; any other
// ARN of another account is refused as missing (NO_RESOURCE), so one
// account cannot reach into another's queues or topics.
func (s *Server) foreignResolver(from string) kernel.Resolver {
	return kernel.ResolverFunc(func(arnText string) (kernel.Sink, error) {
		a, err := kernel.ParseARN(arnText)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", arnText, kernel.ErrNoResource)
		}
		owner := s.accts.lookup(a.Account)
		if owner == nil || a.Service != "events" || !owner.rt.Events.AllowsPutEvents(busNameOf(arnText), from) {
			return nil, fmt.Errorf("%s: account %s may not deliver there: %w", arnText, from, kernel.ErrNoResource)
		}
		return owner.rt.Events.Resolve(arnText)
	})
}
