package functions

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/store"
)

// Several serve instances on one JetStream cluster share the functions
// bucket: a function created through one instance can be invoked through
// any, and its async invocations run on whichever instance claims them.
// So every instance needs the definition (mirrored, runtime/internal/
// mirror) and the code: on a shared store the zip is kept in the store
// too (in chunks under codePrefix of the functions bucket, written with
// the definition in one batch and before it), and an instance that learns
// of a version it has not unpacked fetches and unpacks it. On bbolt (one
// process) none of this runs and code lives only under Options.Dir.
//
// The chunks share the definitions' bucket (function names have no "/")
// rather than having one of their own: the bucket exists and every
// instance has it open before the first function is made, so no instance
// looks a bucket up while another is still creating it.

// codePrefix starts the keys of code chunks in the functions bucket:
// codePrefix, the version's CodePath, "/" and a chunk number.
const codePrefix = "code/"

// isDefinition picks definitions (keyed by function name) from the
// bucket's keys.
func isDefinition(k []byte) bool { return !bytes.HasPrefix(k, []byte(codePrefix)) }

// codeChunk bounds one stored value (JetStream's default message limit
// is 1 MB).
const codeChunk = 256 << 10

func chunkKey(rel string, i int) []byte { return fmt.Appendf(nil, "%s%s/%05d", codePrefix, rel, i) }

// putCode adds the shared copy of a version's code to b.
func (s *Service) putCode(b *store.Batch, rel string, zip []byte) {
	if !s.shared.On() {
		return
	}
	for i := 0; i == 0 || i*codeChunk < len(zip); i++ {
		b.Put(bucket, chunkKey(rel, i), zip[i*codeChunk:min((i+1)*codeChunk, len(zip))])
	}
}

// dropCode adds the removal of r's shared code to b.
func (s *Service) dropCode(b *store.Batch, r record) {
	if !s.shared.On() || r.CodePath == "" {
		return
	}
	for i := 0; i == 0 || int64(i*codeChunk) < r.CodeSize; i++ {
		b.Delete(bucket, chunkKey(r.CodePath, i))
	}
}

// fetchCode unpacks r's code from the store into its directory here,
// unless it is there already.
func (s *Service) fetchCode(ctx context.Context, r record) error {
	dir := filepath.Join(s.cfg.Dir, r.CodePath)
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	var zip []byte
	for i := 0; i == 0 || int64(len(zip)) < r.CodeSize; i++ {
		part, err := s.env.Store.Get(ctx, bucket, chunkKey(r.CodePath, i))
		if err != nil {
			return fmt.Errorf("code %s part %d: %w", r.CodePath, i, err)
		}
		if len(part) == 0 && int64(len(zip)) < r.CodeSize {
			return fmt.Errorf("code %s part %d is empty", r.CodePath, i)
		}
		zip = append(zip, part...)
	}
	tmp := dir + ".fetch"
	os.RemoveAll(tmp)
	if _, err := Extract(zip, tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return os.Rename(tmp, dir)
}

// Run keeps the functions in step with those other instances write, on a
// shared store, until ctx is done.
func (s *Service) Run(ctx context.Context) error {
	return s.shared.Run(ctx, s.env.Logf, func() { s.syncShared(ctx) })
}

// syncShared installs the definitions other instances wrote: new
// versions (with their code fetched), invoke configs and deletions.
func (s *Service) syncShared(ctx context.Context) {
	s.mu.Lock()
	changes := s.shared.Changes()
	seen := make([]*function, len(changes))
	for i, c := range changes {
		seen[i] = s.funcs[c.Key]
	}
	s.mu.Unlock()
	for i, c := range changes {
		if err := s.syncFunction(ctx, c.Key, c.Val, seen[i]); err != nil {
			// Changes hands a key out once per write: without a retry a
			// function whose code this instance could not read yet would
			// stay missing here until its next change.
			again := s.shared.Retry(c.Key)
			s.env.Logf("functions: %s written by another instance: %v (retried: %v)", c.Key, err, again)
		}
	}
}

// syncFunction applies function name's record (nil: deleted) in place of
// cur, the version this instance had when the change was taken. A local
// write since then is newer and wins.
func (s *Service) syncFunction(ctx context.Context, name string, val []byte, cur *function) error {
	if val == nil {
		s.mu.Lock()
		if cur == nil || s.funcs[name] != cur {
			s.mu.Unlock()
			return nil
		}
		delete(s.funcs, name)
		s.mu.Unlock()
		if d := s.cfg.Dispatcher; d != nil {
			d.Unregister(name)
		}
		s.retire(cur, true)
		return nil
	}
	var r record
	if err := json.Unmarshal(val, &r); err != nil {
		return err
	}
	if cur != nil && cur.RevisionID == r.RevisionID {
		// Installed already (a retry, or the same record handed out
		// again): its invoke config may not be, where the dispatcher
		// refused it (a destination this instance did not know yet).
		return s.syncInvokeConfig(name, r.InvokeConfig)
	}
	fn := &function{record: r, codeDir: filepath.Join(s.cfg.Dir, r.CodePath), pool: &pool{}}
	samePool := cur != nil && cur.CodePath == r.CodePath && reflect.DeepEqual(cur.Spec, r.Spec)
	if samePool {
		fn.pool = cur.pool // same code, same settings, same processes
	} else if err := s.fetchCode(ctx, r); err != nil {
		return err // a later version replaced this one already, or the store is out
	}
	s.mu.Lock()
	if s.funcs[name] != cur {
		s.mu.Unlock()
		return nil
	}
	s.funcs[name] = fn
	s.mu.Unlock()
	s.register(fn)
	if cur != nil && !samePool {
		s.retire(cur, cur.CodePath != r.CodePath)
	}
	return s.syncInvokeConfig(name, r.InvokeConfig)
}

// syncInvokeConfig gives the dispatcher a function's invoke config as
// another instance recorded it (nil: none), where the dispatcher's differs.
// It compares with the dispatcher, not with the record this instance had:
// a config the dispatcher refused (its destination not yet known here)
// is in the record but not in the dispatcher, and is applied at the retry.
func (s *Service) syncInvokeConfig(name string, c *lambda.EventInvokeConfig) error {
	d := s.cfg.Dispatcher
	if d == nil {
		return nil
	}
	had, err := d.GetEventInvokeConfig(name)
	switch {
	case c == nil && err != nil:
		return nil // none here either (or no function to have one)
	case c == nil:
		return d.DeleteEventInvokeConfig(name)
	case err == nil && reflect.DeepEqual(had, *c):
		return nil
	default:
		return d.PutEventInvokeConfig(name, *c)
	}
}

// retire stops an old version's processes (busy ones when they finish)
// and, when its code is no longer used, deletes the code.
func (s *Service) retire(fn *function, dropCode bool) {
	fn.retired.Store(true)
	fn.pool.reap(time.Time{}, true)
	if dropCode {
		go s.removeCodeWhenIdle(fn)
	}
}
