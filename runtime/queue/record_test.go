package queue

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

func TestRecordRoundTrip(t *testing.T) {
	t0 := time.Date(2024, 6, 15, 10, 0, 0, 123456789, time.UTC)
	for _, it := range []Item{
		{},
		{ID: "a", Payload: []byte(`{"job":1}`)},
		{ID: "b", Payload: []byte{0, 1, 0xff}, Due: t0, Attempt: 185, Enqueued: t0.Add(-time.Hour)},
		{ID: "ü/ß", Payload: bytes.Repeat([]byte("x"), 300), Due: time.Unix(0, -5).UTC()},
	} {
		got, err := decodeRecord(appendRecord(nil, &it))
		if err != nil {
			t.Fatalf("%+v: %v", it, err)
		}
		if got.ID != it.ID || !bytes.Equal(got.Payload, it.Payload) || !got.Due.Equal(it.Due) || got.Due.IsZero() != it.Due.IsZero() ||
			!got.Enqueued.Equal(it.Enqueued) || got.Enqueued.IsZero() != it.Enqueued.IsZero() || got.Attempt != it.Attempt {
			t.Errorf("round trip: %+v → %+v", it, got)
		}
	}
}

// TestRecordSmallerThanJSON: the reason for version 1. A 1 KB payload was
// JSON inside base64 inside JSON: a third larger, plus field names.
func TestRecordSmallerThanJSON(t *testing.T) {
	it := Item{ID: "0a7e3c3e-6f1b-4bb2-9f65-0f3a41d5b0a9", Payload: bytes.Repeat([]byte(`{"k":"v"}`), 114),
		Due: time.Now(), Enqueued: time.Now(), Attempt: 2}
	v0, _ := json.Marshal(it)
	v1 := appendRecord(nil, &it)
	if len(v1) > len(it.Payload)+len(it.ID)+24 || len(v1)*5 > len(v0)*4 {
		t.Errorf("version 1 is %d bytes for a %d-byte payload (version 0: %d)", len(v1), len(it.Payload), len(v0))
	}
}

func TestRecordRejects(t *testing.T) {
	for _, v := range [][]byte{nil, {}, {0x02}, {recordV1}, {recordV1, 0x80}, {recordV1, 0, 0x80}, {recordV1, 0, 0, 5, 'a'}, []byte(`{"id":`), []byte("x")} {
		if it, err := decodeRecord(v); err == nil {
			t.Errorf("%q decoded as %+v", v, it)
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(appendRecord(nil, &Item{ID: "a", Payload: []byte("p"), Due: time.Unix(5, 0), Attempt: 1}))
	f.Add([]byte(`{"id":"a","payload":"cA==","due":"2024-06-15T10:00:00Z","attempt":1}`))
	f.Add([]byte{recordV1, 3, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, v []byte) {
		it, err := decodeRecord(v)
		if err != nil || len(v) == 0 || v[0] != recordV1 {
			return
		}
		// A version-1 record that decodes survives a re-encode.
		again, err := decodeRecord(appendRecord(nil, &it))
		if err != nil || again.ID != it.ID || !bytes.Equal(again.Payload, it.Payload) || again.Attempt != it.Attempt || !again.Due.Equal(it.Due) {
			t.Fatalf("re-encode of %+v: %+v, %v", it, again, err)
		}
	})
}

// TestReadsVersion0DataDirectory opens a data directory written by the
// JSON-record queue (testdata/v0-json, committed before the format
// changed) and gets every item back intact.
func TestReadsVersion0DataDirectory(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "v0-json", boltstore.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, boltstore.FileName), src, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := boltstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2024, 6, 15, 10, 0, 0, 0, time.UTC)
	clk := clock.NewFake(t0)
	q, err := Open(kernel.Env{Store: st, Clock: clk}, "work")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := q.Len(context.Background()); err != nil || n != 4 {
		t.Fatalf("Len = %d, %v; want the 4 items written", n, err)
	}
	var mu sync.Mutex
	seen := map[string]Item{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- q.Run(ctx, 2, func(ctx context.Context, it Item) Outcome {
			mu.Lock()
			defer mu.Unlock()
			if _, again := seen[it.ID]; !again && it.ID == "a" {
				seen[it.ID] = it
				return Outcome{Retry: true, RetryAt: t0.Add(2 * time.Hour)} // rewritten as version 1
			}
			if it.ID == "a" {
				seen["a-again"] = it
				return Outcome{}
			}
			seen[it.ID] = it
			return Outcome{}
		})
	}()
	testsupport.Eventually(t, "the three due items", func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 3 })
	clk.Advance(3 * time.Hour)
	testsupport.Eventually(t, "the delayed item and the retry", func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 5 })
	cancel()
	<-done
	want := map[string]Item{
		"a":       {ID: "a", Payload: []byte(`{"job":1}`), Enqueued: t0},
		"b":       {ID: "b", Payload: []byte{0, 1, 2, 0xff, 0xfe}, Due: t0.Add(time.Hour), Attempt: 2, Enqueued: t0},
		"c":       {ID: "c", Due: t0.Add(-time.Minute), Enqueued: t0.Add(-time.Hour)},
		"d":       {ID: "d", Payload: []byte("plain text ünïcode"), Enqueued: t0},
		"a-again": {ID: "a", Payload: []byte(`{"job":1}`), Due: t0.Add(2 * time.Hour), Attempt: 1, Enqueued: t0},
	}
	for k, w := range want {
		g := seen[k]
		if g.ID != w.ID || !bytes.Equal(g.Payload, w.Payload) || !g.Due.Equal(w.Due) || g.Attempt != w.Attempt || !g.Enqueued.Equal(w.Enqueued) {
			t.Errorf("%s: got %+v, want %+v", k, g, w)
		}
	}
	if n, _ := q.Len(context.Background()); n != 0 {
		t.Errorf("%d items left", n)
	}
}
