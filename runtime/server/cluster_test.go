package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	evtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/patternc/patternc/internal/crashtest"
	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// clusterLease is the serve children's NATSLease: a dead instance's
// claims are taken over after it (30 s in production).
const clusterLease = 2 * time.Second

// clusterRunsEnv names the file where the cluster function records its
// runs (the children inherit the test's environment).
const clusterRunsEnv = "PATTERNC_CLUSTER_RUNS"

// clusterHandler appends "instance n request-id" to $RUNS, durably, for
// every run.
const clusterHandler = `import os

def handler(event, context):
    with open(os.environ["RUNS"], "a") as f:
        f.write("%s %d %s\n" % (os.environ["INSTANCE"], event["n"], context.aws_request_id))
        f.flush()
        os.fsync(f.fileno())
    return {"n": event["n"]}
`

// TestServeCluster: three serve children (each its own process, as three
// instances behind a load balancer) on one in-process 3-node JetStream
// cluster (R3, file storage, fsync always) take PutEvents, Publish
// (standard and FIFO) and async invokes round-robin; the function is
// created through one instance and invoked through all. Meanwhile one
// child is killed with SIGKILL and one NATS node is stopped. Every
// acknowledged event and message must come out of the target queues, read
// through a surviving instance, FIFO groups in order, and every
// acknowledged invoke must run at least once (on whichever instance
// claimed it).
func TestServeCluster(t *testing.T) {
	if os.Getenv("PATTERNC_CLUSTER_SERVE") == "" {
		t.Skip("a 1-minute cluster test: set PATTERNC_CLUSTER_SERVE=1 (.ci/run does)")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH: the async invokes need it")
	}
	begin := time.Now()
	phases := &phaseClock{start: begin}
	runs := filepath.Join(t.TempDir(), "runs")
	t.Setenv(clusterRunsEnv, runs)
	cl := testsupport.StartCluster(t, 3)
	phases.mark("cluster")
	const instances = 3
	var (
		children []*crashtest.Child
		cs       []clients
		urls     []string
		dirs     []string
	)
	defer func() {
		for _, ch := range children {
			ch.Kill()
		}
	}()
	// The first instance creates the buckets; the others then start
	// together (they find the buckets made).
	for _, group := range [][]int{{0}, {1, 2}} {
		for range group {
			dir := t.TempDir()
			dirs = append(dirs, dir)
			children = append(children, crashtest.Start(t, dir, "cluster="+cl.URL()))
		}
		for _, i := range group {
			u := childURL(t, dirs[i])
			urls = append(urls, u)
			cs = append(cs, clientsAt(u))
		}
		phases.mark(fmt.Sprintf("instances %v", group))
	}
	createClusterFunction(t, urls)
	phases.mark("function")

	ctx := context.Background()
	topic := "arn:aws:sns:us-east-1:000000000000:crash"
	var (
		mu               sync.Mutex
		events, messages = map[string]bool{}, map[string]bool{}
		invokes          = map[string]bool{}
		failed           int
		dead             = make([]bool, instances)
	)
	pick := func(n int) (clients, string, bool) {
		mu.Lock()
		defer mu.Unlock()
		i := n % instances
		return cs[i], urls[i], !dead[i]
	}
	const rounds = 300
	// The target queues are read while the load runs (through the two
	// instances that stay), so that the backlog stays short; each reader
	// stops once the load is over and everything acknowledged arrived.
	loadDone := false
	settled := func(acked func() int, got map[string]int, want func(string) bool) bool {
		mu.Lock()
		defer mu.Unlock()
		if !loadDone {
			return false
		}
		n := 0
		for id, k := range got {
			if k > 0 && want(id) {
				n++
			}
		}
		return n == acked()
	}
	type collected struct {
		got   map[string]int
		order []string
		err   error
		at    time.Time // when the last one arrived
	}
	readers := make([]collected, 3)
	var read sync.WaitGroup
	deadline := time.Now().Add(4 * time.Minute)
	queueURL := func(i int, q string) string { return strings.TrimSuffix(urls[i], "/") + "/000000000000/" + q }
	read.Add(3)
	go func() {
		defer read.Done()
		r := &readers[0]
		r.got, r.order, r.err = collect(cs[1], queueURL(1, "events-q"), jsonMember("id"), func(got map[string]int) bool {
			return settled(func() int { return len(events) }, got, func(id string) bool { return events[id] })
		}, deadline)
		r.at = time.Now()
	}()
	go func() {
		defer read.Done()
		r := &readers[1]
		r.got, r.order, r.err = collect(cs[2], queueURL(2, "sns-q"), jsonMember("MessageId"), func(got map[string]int) bool {
			return settled(func() int { return len(messages) }, got, func(id string) bool { return messages[id] })
		}, deadline)
		r.at = time.Now()
	}()
	fifoTopic := "arn:aws:sns:us-east-1:000000000000:crash.fifo"
	fifoAcked := map[string][]string{}
	fifoWant := map[string]bool{}
	go func() {
		defer read.Done()
		r := &readers[2]
		r.got, r.order, r.err = collect(cs[1], queueURL(1, "fifo-q.fifo"), envelopeMessage, func(got map[string]int) bool {
			return settled(func() int { return len(fifoWant) }, got, func(id string) bool { return fifoWant[id] })
		}, deadline)
		r.at = time.Now()
	}()
	// PutEvents and Publish come from two clients each (as from several
	// users), FIFO publishes from one (a group's order is its publisher's).
	const clients = 2
	var wg sync.WaitGroup
	wg.Add(2 * clients)
	for w := 0; w < clients; w++ {
		go func() {
			defer wg.Done()
			for n := w; n < rounds; n += clients {
				c, _, ok := pick(n)
				if !ok {
					continue
				}
				entries := make([]evtypes.PutEventsRequestEntry, 5)
				for j := range entries {
					entries[j] = evtypes.PutEventsRequestEntry{Source: aws.String("crash.test"), DetailType: aws.String("Cluster"), Detail: aws.String(fmt.Sprintf(`{"n":%d}`, n*5+j))}
				}
				out, err := c.ev.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
				mu.Lock()
				if err != nil {
					failed++ // the kill, or a node going: not acknowledged
				} else {
					for _, e := range out.Entries {
						if e.EventId != nil {
							events[*e.EventId] = true
						}
					}
				}
				mu.Unlock()
			}
		}()
		go func() {
			defer wg.Done()
			for n := w; n < rounds; n += clients {
				c, _, ok := pick(n + 1)
				if !ok {
					continue
				}
				out, err := c.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(fmt.Sprintf("m%d", n))})
				mu.Lock()
				if err != nil {
					failed++
				} else {
					messages[*out.MessageId] = true
				}
				mu.Unlock()
			}
		}()
	}
	// FIFO: three groups published in turn, each publish through the next
	// instance; acknowledged order per group is publish order.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; n < rounds/2; n++ {
			c, _, ok := pick(n + 2)
			if !ok {
				continue
			}
			g := fmt.Sprintf("g%d", n%3)
			body := fmt.Sprintf("%s-%04d", g, n)
			_, err := c.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(fifoTopic), Message: aws.String(body),
				MessageGroupId: aws.String(g), MessageDeduplicationId: aws.String(body)})
			mu.Lock()
			if err != nil {
				failed++
			} else {
				fifoAcked[g] = append(fifoAcked[g], body)
				fifoWant[body] = true
			}
			mu.Unlock()
		}
	}()
	// Async invokes of the function created through instance 0, each
	// through the next instance.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; n < rounds/2; n++ {
			_, u, ok := pick(n)
			if !ok {
				continue
			}
			id, err := invokeEvent(u, "work", n)
			mu.Lock()
			if err != nil {
				failed++
			} else {
				invokes[id] = true
			}
			mu.Unlock()
		}
	}()
	sent := make(chan struct{})
	go func() { wg.Wait(); close(sent) }()
	waitAcked := func(n int) {
		for {
			mu.Lock()
			k := len(events) + len(messages)
			mu.Unlock()
			if k >= n {
				return
			}
			select {
			case <-sent: // every request made: fewer acknowledged than n
				t.Logf("only %d acknowledged of the %d awaited", k, n)
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	waitAcked(rounds / 2)
	mu.Lock()
	dead[0] = true
	mu.Unlock()
	children[0].Kill() // SIGKILL with requests, deliveries and invocations in flight
	waitAcked(rounds)
	cl.Stop(2) // one NATS node of three
	wg.Wait()
	phases.mark("load")

	mu.Lock()
	loadDone = true
	acked := len(events) + len(messages) + len(invokes)
	fifoN := len(fifoWant)
	mu.Unlock()
	ran := awaitRuns(t, runs, invokes)
	phases.mark("invokes run")
	read.Wait()
	for _, r := range readers {
		if r.err != nil {
			t.Fatal(r.err)
		}
	}
	phases.mark("queues read")
	var lastIn []string
	for i, q := range []string{"events", "messages", "FIFO"} {
		lastIn = append(lastIn, fmt.Sprintf("%s %v", q, readers[i].at.Sub(begin).Round(100*time.Millisecond)))
	}
	phases.parts = append(phases.parts, "all in at "+strings.Join(lastIn, ", "))
	gotEvents, gotMessages := readers[0].got, readers[1].got
	fifoDups := 0
	for _, k := range readers[2].got {
		fifoDups += k - 1
	}
	checkFIFOOrder(t, readers[2].order, fifoAcked)
	deliveries, dups := 0, 0
	for _, got := range []map[string]int{gotEvents, gotMessages} {
		for _, n := range got {
			deliveries += n
			dups += n - 1
		}
	}
	invokeDups := 0
	split := map[string]int{}
	for _, r := range ran {
		invokeDups += len(r) - 1
		for _, inst := range r {
			split[inst]++
		}
	}
	var splitText []string
	for i, dir := range dirs {
		splitText = append(splitText, fmt.Sprintf("%d:%d", i, split[filepath.Base(dir)]))
	}
	taken := map[string]int64{}
	for _, u := range urls[1:] {
		for k, v := range scrapeTakeOvers(t, u) {
			taken[k] += v
		}
	}
	took := time.Since(begin)
	for _, ch := range children[1:] {
		ch.Kill() // so that their CPU time counts
	}
	t.Logf("serve cluster: %d instances, N=%d acknowledged (%d events, %d messages, %d FIFO in 3 groups, %d async invokes), %d requests refused; instance 0 killed at N≈%d, NATS node stopped at N≈%d; deliveries %d, duplicates %d; FIFO in order, duplicates %d; invokes each run (duplicates %d, runs by instance %s); lease take-overs: deliveries %d, sns %d, invocations %d (lease %v)",
		instances, acked+fifoN, len(events), len(messages), fifoN, len(invokes), failed, rounds/2, rounds, deliveries, dups, fifoDups,
		invokeDups, strings.Join(splitText, " "), taken["deliveries_taken_over"], taken["sns_taken_over"], taken["invocations_taken_over"], clusterLease)
	t.Logf("serve cluster: took %v (CPU %s): %s", took.Round(time.Millisecond), cpuTime(), phases)
	if invokeDups > len(invokes)/4 {
		t.Errorf("%d of %d invokes ran twice: claims should hand each to one instance (only the kill may repeat some)", invokeDups, len(invokes))
	}
}

// cpuTime is the CPU time of this process (the NATS nodes run in it) and
// of its children that ended (the killed serve children), a measure of
// the test's work that does not depend on what else the machine runs.
func cpuTime() string {
	var self, kids syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	sec := func(r syscall.Rusage) time.Duration {
		return time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	return fmt.Sprintf("test+NATS %v, ended children %v", sec(self).Round(100*time.Millisecond), sec(kids).Round(100*time.Millisecond))
}

// phaseClock says how long each phase of a test took.
type phaseClock struct {
	start, last time.Time
	parts       []string
}

func (p *phaseClock) mark(name string) {
	now := time.Now()
	if p.last.IsZero() {
		p.last = p.start
	}
	p.parts = append(p.parts, fmt.Sprintf("%s %v", name, now.Sub(p.last).Round(10*time.Millisecond)))
	p.last = now
}

func (p *phaseClock) String() string { return strings.Join(p.parts, ", ") }

// createClusterFunction creates function "work" through the first
// instance and waits until every instance knows it.
func createClusterFunction(t *testing.T, urls []string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"FunctionName": "work", "Runtime": "python3.12", "Handler": "handler.handler",
		"Role": "arn:aws:iam::000000000000:role/r", "Timeout": 30, "Code": map[string]any{"ZipFile": zipOf(map[string]string{"handler.py": clusterHandler})}})
	resp, err := http.Post(urls[0]+"/2015-03-31/functions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("create-function through instance 0: %s", resp.Status)
	}
	for _, u := range urls[1:] {
		testsupport.Within(t, 10*time.Second, "the function on "+u, func() bool {
			resp, err := http.Get(u + "/2015-03-31/functions/work")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == 200
		})
	}
}

// invokeClient gives up on an invoke after a minute (a hung request
// fails the test's accounting as refused, not the test).
var invokeClient = &http.Client{Timeout: time.Minute}

// invokeEvent invokes fn asynchronously with {"n": n} through the
// instance at u and returns the request id it acknowledged.
func invokeEvent(u, fn string, n int) (string, error) {
	req, _ := http.NewRequest("POST", u+"/2015-03-31/functions/"+fn+"/invocations", strings.NewReader(fmt.Sprintf(`{"n":%d}`, n)))
	req.Header.Set("X-Amz-Invocation-Type", "Event")
	resp, err := invokeClient.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != 202 {
		return "", fmt.Errorf("invoke: %s", resp.Status)
	}
	return resp.Header.Get("X-Amzn-Requestid"), nil
}

// awaitRuns waits until every acknowledged invoke has a line in runs and
// returns, by request id, the instances that ran it (one per run).
func awaitRuns(t *testing.T, runs string, acked map[string]bool) map[string][]string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		b, err := os.ReadFile(runs)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		ran := map[string][]string{}
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) == 3 {
				ran[f[2]] = append(ran[f[2]], f[0])
			}
		}
		missing := 0
		for id := range acked {
			if len(ran[id]) == 0 {
				missing++
			}
		}
		if missing == 0 {
			return ran
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged invokes never ran", missing, len(acked))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// scrapeTakeOvers reads an instance's lease take-over counters from
// /metrics.
func scrapeTakeOvers(t *testing.T, u string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	resp, err := http.Get(u + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		for _, k := range []string{"deliveries_taken_over", "sns_taken_over", "invocations_taken_over"} {
			if rest, ok := strings.CutPrefix(line, "patternc_runtime_"+k+"{"); ok {
				if i := strings.LastIndexByte(rest, ' '); i >= 0 {
					v, _ := strconv.ParseFloat(rest[i+1:], 64)
					out[k] += int64(v)
				}
			}
		}
	}
	return out
}

// envelopeMessage reads the id of an SNS delivery to SQS: the Message
// of its JSON envelope.
func envelopeMessage(body string) (string, error) {
	var env struct{ Message string }
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		return "", fmt.Errorf("body %q: %v", body, err)
	}
	return env.Message, nil
}

// checkFIFOOrder checks that each group's messages first arrived (order)
// in the order they were acknowledged.
func checkFIFOOrder(t *testing.T, order []string, acked map[string][]string) {
	t.Helper()
	pos := map[string]int{}
	for i, m := range order {
		pos[m] = i
	}
	for g, ms := range acked {
		for i := 1; i < len(ms); i++ {
			if pos[ms[i-1]] > pos[ms[i]] {
				t.Errorf("group %s: %s arrived before %s", g, ms[i], ms[i-1])
			}
		}
	}
}
