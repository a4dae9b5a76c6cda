package functions

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
)

// The async invoke config of a function lives in the dispatcher, which
// keeps it in memory; these methods also keep it in the function's
// record, so that it survives a restart (RestoreInvokeConfigs puts it
// back).

// PutEventInvokeConfig replaces the function's config (the dispatcher
// validates it as AWS does) and records it.
func (s *Service) PutEventInvokeConfig(ctx context.Context, nameOrARN string, c lambda.EventInvokeConfig) error {
	return s.changeInvokeConfig(ctx, nameOrARN, func(d *lambda.Dispatcher, name string) error { return d.PutEventInvokeConfig(name, c) })
}

// UpdateEventInvokeConfig merges c into the function's config.
func (s *Service) UpdateEventInvokeConfig(ctx context.Context, nameOrARN string, c lambda.EventInvokeConfig) error {
	return s.changeInvokeConfig(ctx, nameOrARN, func(d *lambda.Dispatcher, name string) error { return d.UpdateEventInvokeConfig(name, c) })
}

// DeleteEventInvokeConfig removes the function's config.
func (s *Service) DeleteEventInvokeConfig(ctx context.Context, nameOrARN string) error {
	return s.changeInvokeConfig(ctx, nameOrARN, func(d *lambda.Dispatcher, name string) error { return d.DeleteEventInvokeConfig(name) })
}

func (s *Service) changeInvokeConfig(ctx context.Context, nameOrARN string, change func(*lambda.Dispatcher, string) error) error {
	d := s.cfg.Dispatcher
	if d == nil {
		return errors.New("functions: no dispatcher to configure")
	}
	cur, err := s.lookup(nameOrARN)
	if err != nil {
		return err
	}
	name := cur.Spec.Name
	if err := change(d, name); err != nil {
		return err
	}
	next := cur.record
	next.InvokeConfig = nil
	if c, err := d.GetEventInvokeConfig(name); err == nil {
		next.InvokeConfig = &c
	} else if !errors.Is(err, kernel.ErrNoResource) {
		return err
	}
	next.RevisionID = uuid.NewString()
	_, err = s.replaceRecord(ctx, cur, next)
	return err
}

// RestoreInvokeConfigs hands the recorded invoke configs back to the
// dispatcher. Call it once every service a destination may name is
// open; a config that no longer validates is logged and skipped.
func (s *Service) RestoreInvokeConfigs() {
	d := s.cfg.Dispatcher
	if d == nil {
		return
	}
	s.mu.RLock()
	fns := make([]*function, 0, len(s.funcs))
	for _, fn := range s.funcs {
		fns = append(fns, fn)
	}
	s.mu.RUnlock()
	for _, fn := range fns {
		if c := fn.InvokeConfig; c != nil {
			if err := d.PutEventInvokeConfig(fn.Spec.Name, *c); err != nil {
				s.env.Logf("functions: %s: restoring its event invoke config: %v", fn.Spec.Name, err)
			}
		}
	}
}
