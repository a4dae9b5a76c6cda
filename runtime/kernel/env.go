package kernel

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/store"
)

// The account and region of an Env that names none.
const (
	DefaultRegion  = "us-east-1"
	DefaultAccount = "000000000000"
)

// Env is where a service runs: its durable store, its clock, how it reaches
// other services by ARN, the account and region its ARNs carry, and where it
// logs. One Env is shared by the services of one runtime.
type Env struct {
	Store    store.Store // required
	Clock    clock.Clock // default: the wall clock
	Resolver Resolver    // default: NoResolver
	Region   string      // default DefaultRegion
	Account  string      // default DefaultAccount
	// Partition of the ARNs; default: the region's (PartitionOf).
	Partition string
	Logger    *slog.Logger // default: slog.Default()
}

// ErrNoStore is returned by WithDefaults for an Env without a Store.
var ErrNoStore = errors.New("kernel: Env.Store is required")

// WithDefaults returns e with every empty field filled: the one place the
// runtime's defaults live. Every service's New calls it.
func (e Env) WithDefaults() (Env, error) {
	if e.Store == nil {
		return e, ErrNoStore
	}
	e.Clock = clock.Or(e.Clock)
	if e.Resolver == nil {
		e.Resolver = NoResolver
	}
	if e.Region == "" {
		e.Region = DefaultRegion
	}
	if e.Account == "" {
		e.Account = DefaultAccount
	}
	if e.Partition == "" {
		e.Partition = PartitionOf(e.Region)
	}
	if e.Logger == nil {
		e.Logger = slog.Default()
	}
	return e, nil
}

// ARN is the ARN of resource in service, in e's partition, region and
// account.
func (e Env) ARN(service, resource string) ARN {
	return ARN{Partition: e.Partition, Service: service, Region: e.Region, Account: e.Account, Resource: resource}
}

// Owns reports whether a is in e's partition, region and account and of
// service: a resource this Env's service of that name could hold.
func (e Env) Owns(service string, a ARN) bool {
	return a.Service == service && a.Partition == e.Partition && a.Region == e.Region && a.Account == e.Account
}

// Logf logs a formatted warning on e.Logger: what a service reports about
// work it could not do (a dropped event, a failed commit being retried).
func (e Env) Logf(format string, args ...any) {
	e.Logger.Warn(fmt.Sprintf(format, args...))
}
