package server

import (
	"context"
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
	deliveries, dups := 0, 0
	for _, got := range []map[string]int{gotEvents, gotMessages} {
		for _, n := range got {
			deliveries += n
			dups += n - 1
		}
	}
	t.Logf("serve cluster: %d instances, N=%d acknowledged (%d events, %d messages), %d requests refused; instance 0 killed at N≈%d, NATS node stopped at N≈%d; all delivered in %v (load %v); deliveries %d, duplicates %d",
		instances, acked, len(events), len(messages), failed, rounds/2, rounds, time.Since(begin).Round(time.Millisecond), loaded.Round(time.Millisecond), deliveries, dups)
}
