package lambda

import (
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
)

// EventInvokeConfig is a function's asynchronous invocation config.
type EventInvokeConfig struct {
	MaximumRetryAttempts     *int
	MaximumEventAgeInSeconds *int
	OnSuccess                string // destination ARN
	OnFailure                string
}

// FunctionOptions are set when a function is registered.
type FunctionOptions struct {
	DeadLetterArn string
	// ReservedConcurrency caps concurrent runs of the function: events
	// beyond it are throttled (requeued with backoff, not counted as runs);
	// 0 fails every event at once (ZeroReservedConcurrency). nil: no cap
	// beyond the dispatcher's workers.
	ReservedConcurrency *int
}

// PutEventInvokeConfig replaces a function's config (validated as AWS
// does); it applies to queued events at their next attempt.
func (d *Dispatcher) PutEventInvokeConfig(name string, c EventInvokeConfig) error {
	f := d.function(name)
	if f == nil {
		return d.noFunction(name)
	}
	if c.MaximumRetryAttempts == nil && c.MaximumEventAgeInSeconds == nil && c.OnSuccess == "" && c.OnFailure == "" {
		return invalid("You must specify at least one of error handling or destination setting.")
	}
	if r := c.MaximumRetryAttempts; r != nil && (*r < 0 || *r > 2) {
		return invalid("1 validation error detected: Value '%d' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2", *r)
	}
	if a := c.MaximumEventAgeInSeconds; a != nil && (*a < 60 || *a > 21600) {
		return invalid("1 validation error detected: Value '%d' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value between 60 and 21600", *a)
	}
	for _, arn := range []string{c.OnSuccess, c.OnFailure} {
		if arn == "" {
			continue
		}
		if a, err := kernel.ParseARN(arn); err == nil && d.env.Owns("lambda", a) && functionName(a) == name {
			return invalid("You can't specify the function as a destination for itself.")
		}
		if strings.HasSuffix(arn, ".fifo") {
			return invalid("The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=%s), onFailure=null) is invalid.", arn)
		}
		if _, err := d.env.Resolver.Resolve(arn); err != nil {
			return invalid("The destination ARN %s is invalid.", arn)
		}
	}
	d.mu.Lock()
	f.cfg, f.hasCfg = c, true
	d.mu.Unlock()
	return nil
}

// UpdateEventInvokeConfig merges the fields set in c into the function's
// config (AWS's Update); the result is validated as Put validates.
func (d *Dispatcher) UpdateEventInvokeConfig(name string, c EventInvokeConfig) error {
	f := d.function(name)
	if f == nil {
		return d.noFunction(name)
	}
	d.mu.RLock()
	cur := f.cfg // the zero config when the function has none yet
	d.mu.RUnlock()
	if c.MaximumRetryAttempts != nil {
		cur.MaximumRetryAttempts = c.MaximumRetryAttempts
	}
	if c.MaximumEventAgeInSeconds != nil {
		cur.MaximumEventAgeInSeconds = c.MaximumEventAgeInSeconds
	}
	if c.OnSuccess != "" {
		cur.OnSuccess = c.OnSuccess
	}
	if c.OnFailure != "" {
		cur.OnFailure = c.OnFailure
	}
	return d.PutEventInvokeConfig(name, cur)
}

// GetEventInvokeConfig returns the function's config, or
// ResourceNotFoundException when it has none.
func (d *Dispatcher) GetEventInvokeConfig(name string) (EventInvokeConfig, error) {
	f := d.function(name)
	if f == nil {
		return EventInvokeConfig{}, d.noFunction(name)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if !f.hasCfg {
		return EventInvokeConfig{}, kernel.ResourceNotFound("The function %s doesn't have an EventInvokeConfig", d.FunctionARN(name)).WithStatus(404)
	}
	return f.cfg, nil
}

// DeleteEventInvokeConfig removes the function's config: defaults apply
// again (2 retries, 6 h, no destinations).
func (d *Dispatcher) DeleteEventInvokeConfig(name string) error {
	if _, err := d.GetEventInvokeConfig(name); err != nil {
		return err
	}
	f := d.function(name)
	d.mu.Lock()
	f.cfg, f.hasCfg = EventInvokeConfig{}, false
	d.mu.Unlock()
	return nil
}

// limits returns the retry and age limits in force for f.
func (d *Dispatcher) limits(f *function) (retries int, maxAge time.Duration) {
	c := d.configOf(f)
	retries, maxAge = 2, 6*time.Hour
	if c.MaximumRetryAttempts != nil {
		retries = *c.MaximumRetryAttempts
	}
	if c.MaximumEventAgeInSeconds != nil {
		maxAge = time.Duration(*c.MaximumEventAgeInSeconds) * time.Second
	}
	return
}

// configOf reads f's config under the lock Put/Update/Delete write it with.
func (d *Dispatcher) configOf(f *function) EventInvokeConfig {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return f.cfg
}
