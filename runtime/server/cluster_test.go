package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	evtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/patternc/patternc/internal/crashtest"
	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// TestServeCluster: three serve children (each its own process, as three
// instances behind a load balancer) on one in-process 3-node JetStream
// cluster (R3, file storage, fsync always) take PutEvents and Publish
// round-robin; meanwhile one child is killed with SIGKILL and one NATS node
// is stopped. Every acknowledged event and message must come out of the
// target queues, read through a surviving instance.
func TestServeCluster(t *testing.T) {
	if os.Getenv("PATTERNC_CLUSTER_SERVE") == "" {
		t.Skip("a 1-minute cluster test: set PATTERNC_CLUSTER_SERVE=1 (.ci/run does)")
	}
	cl := testsupport.StartCluster(t, 3)
	const instances = 3
	var (
		children []*crashtest.Child
		cs       []clients
		urls     []string
	)
	for i := 0; i < instances; i++ {
		dir := t.TempDir()
		ch := crashtest.Start(t, dir, "cluster="+cl.URL())
		children = append(children, ch)
		u := childURL(t, dir)
		urls = append(urls, u)
		cs = append(cs, clientsAt(u))
	}
	defer func() {
		for _, ch := range children {
			ch.Kill()
		}
	}()
	ctx := context.Background()
	topic := "arn:aws:sns:us-east-1:000000000000:crash"
	var (
		mu               sync.Mutex
		events, messages = map[string]bool{}, map[string]bool{}
		failed           int
		dead             = make([]bool, instances)
	)
	pick := func(n int) (clients, bool) {
		mu.Lock()
		defer mu.Unlock()
		i := n % instances
		return cs[i], !dead[i]
	}
	const rounds = 300
	begin := time.Now()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for n := 0; n < rounds; n++ {
			c, ok := pick(n)
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
		for n := 0; n < rounds; n++ {
			c, ok := pick(n + 1)
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
	// FIFO: three groups published in turn, each publish through the next
	// instance; acknowledged order per group is publish order.
	fifoTopic := "arn:aws:sns:us-east-1:000000000000:crash.fifo"
	fifoAcked := map[string][]string{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; n < rounds/2; n++ {
			c, ok := pick(n + 2)
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
			}
			mu.Unlock()
		}
	}()
	waitAcked := func(n int) {
		for {
			mu.Lock()
			k := len(events) + len(messages)
			mu.Unlock()
			if k >= n {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitAcked(rounds / 2)
	mu.Lock()
	dead[0] = true
	mu.Unlock()
	children[0].Kill() // SIGKILL with requests and deliveries in flight
	waitAcked(rounds)
	cl.Stop(2) // one NATS node of three
	wg.Wait()
	loaded := time.Since(begin)

	mu.Lock()
	acked := len(events) + len(messages)
	mu.Unlock()
	c := cs[1]
	base := strings.TrimSuffix(urls[1], "/")
	gotEvents := drainIDs(t, c, base+"/000000000000/events-q", "id", events)
	gotMessages := drainIDs(t, c, base+"/000000000000/sns-q", "MessageId", messages)
	fifoN, fifoDups := checkFIFO(t, c, base+"/000000000000/fifo-q.fifo", fifoAcked)
	deliveries, dups := 0, 0
	for _, got := range []map[string]int{gotEvents, gotMessages} {
		for _, n := range got {
			deliveries += n
			dups += n - 1
		}
	}
	t.Logf("serve cluster: %d instances, N=%d acknowledged (%d events, %d messages, %d FIFO in 3 groups), %d requests refused; instance 0 killed at N≈%d, NATS node stopped at N≈%d; all delivered in %v (load %v); deliveries %d, duplicates %d; FIFO in order, duplicates %d",
		instances, acked+fifoN, len(events), len(messages), fifoN, failed, rounds/2, rounds, time.Since(begin).Round(time.Millisecond), loaded.Round(time.Millisecond), deliveries, dups, fifoDups)
}

// checkFIFO drains the FIFO queue qurl until every acknowledged message
// arrived and checks each group's first arrivals keep publish order; it
// returns how many were acknowledged and how many arrived again.
func checkFIFO(t *testing.T, c clients, qurl string, acked map[string][]string) (n, dups int) {
	t.Helper()
	ctx := context.Background()
	want := map[string]bool{}
	for _, ms := range acked {
		n += len(ms)
		for _, m := range ms {
			want[m] = true
		}
	}
	seen := map[string]int{}
	var order []string
	deadline := time.Now().Add(2 * time.Minute)
	for len(want) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d of %d acknowledged FIFO messages never delivered", qurl, len(want), n)
		}
		out, err := c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(qurl), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if unavailable(err) {
			time.Sleep(200 * time.Millisecond) // a cluster electing a leader: retry, as SDKs do
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			var env struct{ Message string }
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &env); err != nil {
				t.Fatalf("body %q: %v", aws.ToString(m.Body), err)
			}
			if seen[env.Message]++; seen[env.Message] == 1 {
				order = append(order, env.Message)
			} else {
				dups++
			}
			delete(want, env.Message)
			if _, err := c.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(qurl), ReceiptHandle: m.ReceiptHandle}); err != nil && !unavailable(err) {
				t.Fatal(err) // unavailable: the message comes again (a duplicate)
			}
		}
	}
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
	return n, dups
}
