package schemas

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
)

// Discoverer states [AWS].
const (
	DiscovererStarted = "STARTED"
	DiscovererStopped = "STOPPED"
)

// Discoverer turns schema discovery on for the events of one bus: while
// STARTED, every event routed on SourceArn's bus is inferred into
// discovered-schemas.
type Discoverer struct {
	DiscovererId  string
	DiscovererArn string
	SourceArn     string
	Description   string `json:",omitempty"`
	State         string
	CrossAccount  bool
}

func discKey(id string) []byte { return []byte("disc/" + id) }

func (r *Registry) loadDiscoverers(ctx context.Context) error {
	var bad error
	err := r.st.Scan(ctx, bucket, []byte("disc/"), []byte("disc0"), func(k, v []byte) bool {
		var d Discoverer
		if bad = json.Unmarshal(v, &d); bad != nil {
			return false
		}
		r.discoverers[d.DiscovererId] = &d
		r.shared.Seed(k, v)
		return true
	})
	if err == nil {
		err = bad
	}
	return err
}

func (r *Registry) saveDiscoverer(ctx context.Context, d *Discoverer) error {
	val, _ := json.Marshal(d)
	var b store.Batch
	b.Put(bucket, discKey(d.DiscovererId), val)
	return r.shared.Apply(ctx, &b)
}

// discovererID is AWS's id for a bus's discoverer: "events-event-bus-"
// and the bus name.
func discovererID(a kernel.ARN) string {
	return "events-" + strings.ReplaceAll(a.Resource, "/", "-")
}

// CreateDiscoverer starts discovery on the bus sourceArn names (one
// discoverer per bus).
func (r *Registry) CreateDiscoverer(ctx context.Context, sourceArn, description string, crossAccount *bool) (Discoverer, error) {
	a, err := kernel.ParseARN(sourceArn)
	if err != nil || a.Service != "events" || !strings.HasPrefix(a.Resource, "event-bus/") {
		return Discoverer{}, badRequest("SourceArn %s is not the ARN of an event bus.", sourceArn)
	}
	if len(description) > 256 {
		return Discoverer{}, badRequest("Description must be at most 256 characters.")
	}
	id := discovererID(a)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.discoverers[id]; ok {
		return Discoverer{}, conflict("Discoverer %s already exists for %s.", id, sourceArn)
	}
	d := &Discoverer{DiscovererId: id, DiscovererArn: r.env.ARN("schemas", "discoverer/"+id).String(), SourceArn: sourceArn,
		Description: description, State: DiscovererStarted, CrossAccount: crossAccount == nil || *crossAccount}
	if err := r.saveDiscoverer(ctx, d); err != nil {
		return Discoverer{}, err
	}
	r.discoverers[id] = d
	return *d, nil
}

func noDiscoverer(id string) *kernel.Error { return notFound("Discoverer %s does not exist.", id) }

// DescribeDiscoverer returns a discoverer.
func (r *Registry) DescribeDiscoverer(id string) (Discoverer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.discoverers[id]
	if !ok {
		return Discoverer{}, noDiscoverer(id)
	}
	return *d, nil
}

// ListDiscoverers returns the discoverers by id.
func (r *Registry) ListDiscoverers() []Discoverer {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Discoverer, 0, len(r.discoverers))
	for _, d := range r.discoverers {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DiscovererId < out[j].DiscovererId })
	return out
}

// UpdateDiscoverer changes a discoverer's description and CrossAccount
// (nil: unchanged).
func (r *Registry) UpdateDiscoverer(ctx context.Context, id string, description *string, crossAccount *bool) (Discoverer, error) {
	return r.editDiscoverer(ctx, id, func(d *Discoverer) error {
		if description != nil {
			if len(*description) > 256 {
				return badRequest("Description must be at most 256 characters.")
			}
			d.Description = *description
		}
		if crossAccount != nil {
			d.CrossAccount = *crossAccount
		}
		return nil
	})
}

// SetDiscovererState starts or stops a discoverer.
func (r *Registry) SetDiscovererState(ctx context.Context, id, state string) (Discoverer, error) {
	return r.editDiscoverer(ctx, id, func(d *Discoverer) error { d.State = state; return nil })
}

func (r *Registry) editDiscoverer(ctx context.Context, id string, edit func(*Discoverer) error) (Discoverer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.discoverers[id]
	if !ok {
		return Discoverer{}, noDiscoverer(id)
	}
	next := *d
	if err := edit(&next); err != nil {
		return Discoverer{}, err
	}
	if err := r.saveDiscoverer(ctx, &next); err != nil {
		return Discoverer{}, err
	}
	r.discoverers[id] = &next
	return next, nil
}

// DeleteDiscoverer deletes a discoverer: its bus's events are no longer
// inferred (the schemas already discovered stay).
func (r *Registry) DeleteDiscoverer(ctx context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.discoverers[id]; !ok {
		return noDiscoverer(id)
	}
	var b store.Batch
	b.Delete(bucket, discKey(id))
	if err := r.shared.Apply(ctx, &b); err != nil {
		return err
	}
	delete(r.discoverers, id)
	return nil
}

// Discovering reports whether a STARTED discoverer watches the bus
// busArn names.
func (r *Registry) Discovering(busArn string) bool {
	a, err := kernel.ParseARN(busArn)
	if err != nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.discoverers[discovererID(a)]
	return ok && d.State == DiscovererStarted
}

// Registries, schemas and versions are read from the store on every
// call, so every instance sharing it sees them at once. Discoverers are
// held in memory (Discovering runs for every routed event): on a shared
// store they are mirrored (runtime/internal/mirror) and Run applies what
// other instances write.

func isDiscovererKey(k []byte) bool { return bytes.HasPrefix(k, []byte("disc/")) }

// Run keeps the discoverers in step with those other instances write, on
// a shared store, until ctx is done.
func (r *Registry) Run(ctx context.Context) error {
	return r.shared.Run(ctx, r.env.Logf, r.syncShared)
}

func (r *Registry) syncShared() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.shared.Changes() {
		id := strings.TrimPrefix(c.Key, "disc/")
		if c.Val == nil {
			delete(r.discoverers, id)
			continue
		}
		var d Discoverer
		if err := json.Unmarshal(c.Val, &d); err != nil {
			r.env.Logf("schemas: discoverer %s written by another instance: %v", id, err)
			continue
		}
		r.discoverers[id] = &d
	}
}
