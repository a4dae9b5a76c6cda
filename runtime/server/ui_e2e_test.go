package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	prt "github.com/patternc/patternc/runtime"
)

// consoleServer starts (or restarts, on the same address and data) a
// server for the console tests, with quick async retries.
func consoleServer(t *testing.T, listen, dataDir string) *Server {
	t.Helper()
	s, err := New(Config{Listen: listen, DataDir: dataDir, Runtime: func(c *prt.Config) { c.LambdaRetryBase = 300 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s
}

func stopServer(t *testing.T, s *Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// putShop puts one event from source "shop" with a total and returns its id.
func putShop(t *testing.T, c clients, source string, total int) string {
	t.Helper()
	out, err := c.ev.PutEvents(context.Background(), &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
		Source: aws.String(source), DetailType: aws.String("OrderPlaced"), Detail: aws.String(fmt.Sprintf(`{"total":%d}`, total)),
	}}})
	if err != nil || out.FailedEntryCount != 0 {
		t.Fatalf("PutEvents: %v %+v", err, out)
	}
	return *out.Entries[0].EventId
}

// putWithCLI puts one event from source "shop" with the aws CLI (as a
// developer with the page open would) and returns its id; "" when the CLI
// is not installed.
func putWithCLI(t *testing.T, s *Server, total int) string {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Logf("aws CLI not found: the page is fed by the SDK only")
		return ""
	}
	entries := fmt.Sprintf(`[{"Source":"shop","DetailType":"OrderPlaced","Detail":"{\"total\":%d}"}]`, total)
	cmd := exec.Command("aws", "events", "put-events", "--endpoint-url", s.URL(), "--output", "json", "--entries", entries)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=console-test", "AWS_SECRET_ACCESS_KEY=console-test", "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws events put-events: %v\n%s%s", err, out, stderr.String())
	}
	var res struct {
		FailedEntryCount int
		Entries          []struct{ EventId string }
	}
	if err := json.Unmarshal(out, &res); err != nil || res.FailedEntryCount != 0 || len(res.Entries) != 1 || res.Entries[0].EventId == "" {
		t.Fatalf("aws events put-events: %v %s", err, out)
	}
	return res.Entries[0].EventId
}

// setUpShop makes a queue, two rules on the default bus that send to it,
// and a topic with a filtered queue subscription.
func setUpShop(t *testing.T, c clients) {
	t.Helper()
	ctx := context.Background()
	q := must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")}))
	_ = q
	arn := "arn:aws:sqs:us-east-1:000000000000:orders"
	for name, pattern := range map[string]string{
		"big-orders": `{"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}`,
		"all-shop":   `{"source":["shop"]}`,
	} {
		must[*eventbridge.PutRuleOutput](t)(c.ev.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(name), EventPattern: aws.String(pattern)}))
		must[*eventbridge.PutTargetsOutput](t)(c.ev.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(name),
			Targets: []ebtypes.Target{{Id: aws.String("orders-queue"), Arn: aws.String(arn)}}}))
	}
	topic := must[*sns.CreateTopicOutput](t)(c.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("shipments")}))
	must[*sns.SubscribeOutput](t)(c.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(arn),
		Attributes: map[string]string{"FilterPolicy": `{"carrier":["ups"]}`}}))
}

// TestConsoleBrowser drives the console in headless Chromium: events put
// while the page is open appear with their rule matches and deliveries;
// an async invocation's status moves on the page in order; the sandbox
// places a diagnostic's caret and says "match" with explain lines; the
// page recovers when the server restarts. With
// PATTERNC_CONSOLE_SCREENSHOTS=1 it rewrites docs/console/*.png.
func TestConsoleBrowser(t *testing.T) {
	ctx := browser(t)
	dataDir := t.TempDir()
	s := consoleServer(t, "127.0.0.1:0", dataDir)
	addr := s.Addr()
	defer func() { stopServer(t, s) }()
	c := alice(s)
	setUpShop(t, c)

	// An HTTP function that fails its first attempt and succeeds slowly.
	var calls atomic.Int32
	fn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if calls.Add(1) == 1 {
			http.Error(w, `{"errorType":"Boom","errorMessage":"first attempt fails"}`, http.StatusInternalServerError)
			return
		}
		time.Sleep(400 * time.Millisecond)
		w.Write([]byte(`{"ok":true}`))
	}))
	defer fn.Close()
	v1(t, s, "PUT", "/v1/functions/flaky", fmt.Sprintf(`{"handler":{"url":%q,"timeoutSeconds":5}}`, fn.URL))

	p := tab{t, ctx}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL()+"/ui/")); err != nil {
		t.Fatal(err)
	}
	p.waitFor("the feed", `document.getElementById("conn").dataset.state === "open"`, 15*time.Second)
	p.waitFor("the rules listed", `document.getElementById("buses").innerText.includes("big-orders")`, 10*time.Second)
	p.accessible()
	// The probe does see faint text and unlabeled fields.
	// (Built through the DOM: the page's CSP refuses inline style attributes.)
	p.do(`(() => { const d = document.createElement("div"); d.id = "probe-check"; const f = document.createElement("p"); f.textContent = "faint"; f.style.color = "#bbb";
		const i = document.createElement("input"); i.id = "nolabel"; d.append(f, i); document.body.append(d); })()`)
	if bad := p.eval(a11yProbe); !strings.Contains(bad, "faint") || !strings.Contains(bad, "#nolabel") {
		t.Errorf("the accessibility probe missed faint text or an unlabeled field: %q", bad)
	}
	p.do(`document.getElementById("probe-check").remove()`)

	// Events put while the page is open, with their rule matches.
	big := putShop(t, c, "shop", 250)
	small := putShop(t, c, "shop", 5)
	other := putShop(t, c, "bank", 999)
	row := func(id string) string {
		return fmt.Sprintf(`(document.querySelector('tr[data-event-id=%q]')||{innerText:""}).innerText`, id)
	}
	p.waitFor("the big order with both rules delivered", row(big)+`.includes("big-orders") && `+row(big)+`.includes("all-shop") && !`+row(big)+`.includes("pending")`, 15*time.Second)
	p.waitFor("the small order", row(small)+`.includes("all-shop")`, 10*time.Second)
	if txt := p.eval(row(small)); strings.Contains(txt, "big-orders") {
		t.Errorf("the small order shows big-orders: %q", txt)
	}
	p.waitFor("the unmatched event", row(other)+`.includes("no rule matched")`, 10*time.Second)
	if cli := putWithCLI(t, s, 300); cli != "" {
		p.waitFor("the event put with the aws CLI", row(cli)+`.includes("big-orders") && `+row(cli)+`.includes("all-shop")`, 15*time.Second)
	}
	if txt := p.eval(row(big)); !strings.Contains(txt, "orders-queue: delivered") {
		t.Errorf("big order row %q: want orders-queue: delivered", txt)
	}

	// A published message and the subscription that received it.
	topicArn := "arn:aws:sns:us-east-1:000000000000:shipments"
	must[*sns.PublishOutput](t)(c.sns.Publish(context.Background(), &sns.PublishInput{TopicArn: aws.String(topicArn), Message: aws.String(`{"parcel":1}`),
		MessageAttributes: map[string]snsAttr{"carrier": {DataType: aws.String("String"), StringValue: aws.String("ups")}}}))
	p.waitFor("the message delivered to its subscription", `document.getElementById("messages").innerText.includes("delivered")`, 10*time.Second)

	// An async invocation moving through its states, in order.
	var inv struct{ InvocationID string }
	json.Unmarshal(v1(t, s, "POST", "/v1/functions/flaky/invocations", `{"n":1}`), &inv)
	invRow := fmt.Sprintf(`document.querySelector('tr[data-invocation-id=%q]')`, inv.InvocationID)
	p.waitFor("the invocation to succeed", invRow+` && `+invRow+`.querySelector(".status").innerText === "succeeded"`, 20*time.Second)
	history := p.eval(invRow + `.querySelector(".history").innerText`)
	if history != "queued → running → retrying → running → succeeded" {
		t.Errorf("invocation history %q, want queued → running → retrying → running → succeeded", history)
	}
	if a := p.eval(invRow + `.querySelector(".attempts").innerText`); a != "2" {
		t.Errorf("attempts %s, want 2", a)
	}
	p.waitFor("the queue depth", `document.querySelector('tr[data-queue="orders"] .depth').innerText !== "0"`, 10*time.Second)

	// DLQ redrive and an archive replay, from the page's buttons.
	must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("orders-dlq")}))
	must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("work"), Attributes: map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:orders-dlq","maxReceiveCount":"3"}`}}))
	for range 2 {
		must[*sqs.SendMessageOutput](t)(c.sqs.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(s.URL() + "/000000000000/orders-dlq"), MessageBody: aws.String("retry me")}))
	}
	if err := createArchive(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	redrive := `document.querySelector('tr[data-queue="orders-dlq"] button[aria-label^="Redrive"]')`
	p.waitFor("the DLQ's redrive button", redrive, 15*time.Second)
	p.do(redrive + `.click()`)
	p.waitFor("the redrive", `document.getElementById("viewer-h").innerText === "moved 2 messages from orders-dlq to work"`, 10*time.Second)
	p.waitFor("the archive", `[...document.getElementById("replay-archive").options].some(o => o.value === "all")`, 15*time.Second)
	// The start on a whole minute: a datetime-local input's value then
	// drops its seconds ("2026-12-03T03:11"), which the page must still
	// send as a whole RFC 3339 time (it failed so once a minute).
	p.do(`const from = new Date(Date.now() - 3600e3); from.setUTCSeconds(0, 0);
		document.getElementById("replay-start").value = from.toISOString().slice(0, 19);
		document.getElementById("replay-archive").value = "all"; document.getElementById("replay-form").requestSubmit()`)
	p.waitFor("the replay", `document.getElementById("replay-result").innerText.startsWith("replay console-")`, 10*time.Second)
	p.waitFor("the replay listed", `document.getElementById("replays").innerText.includes("console-")`, 10*time.Second)

	p.shoot("live-1280x800.png", 1280, 800, false)
	p.shoot("live-phone.png", 390, 844, true)

	// The sandbox, reached from the keyboard: a caret under the offending
	// character.
	p.do(`document.getElementById("tab-live").focus()`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight)); err != nil {
		t.Fatal(err)
	}
	p.waitFor("the sandbox tab from the arrow key", `!document.getElementById("sandbox").hidden && document.getElementById("tab-sandbox").getAttribute("aria-selected") === "true" && document.getElementById("tab-sandbox").tabIndex === 0 && document.getElementById("tab-live").tabIndex === -1`, 5*time.Second)
	p.accessible()
	p.do(`document.getElementById("sb-pattern").value = "{\n  \"source\": [\"shop\",]\n}"; document.getElementById("sandbox-form").requestSubmit()`)
	p.waitFor("a diagnostic", `document.querySelector("#sb-diags .diag")`, 10*time.Second)
	diag := p.eval(`document.querySelector("#sb-diags .diag").innerText`)
	if !strings.Contains(diag, "line 2, column 21") {
		t.Errorf("diagnostic %q: want line 2, column 21", diag)
	}
	under := p.eval(`(() => { const pre = document.querySelector("#sb-diags .snippet"); const [line, caret] = pre.innerText.split("\n"); return line[caret.indexOf("^")]; })()`)
	if under != "]" {
		t.Errorf("the caret is under %q, want ]", under)
	}
	if v := p.eval(`document.getElementById("sb-verdict").innerText`); v != "invalid pattern" {
		t.Errorf("verdict %q, want invalid pattern", v)
	}
	p.shoot("sandbox-error-1280x800.png", 1280, 800, false)
	// A good pattern: "match" with explain lines.
	p.do(`document.getElementById("sb-sample").value = "0"; document.getElementById("sb-sample").dispatchEvent(new Event("change")); document.getElementById("sandbox-form").requestSubmit()`)
	p.waitFor("match", `document.getElementById("sb-verdict").innerText === "match"`, 10*time.Second)
	if n := p.eval(`document.querySelectorAll("#sb-explain li").length`); n == "0" {
		t.Error("no explain lines for a match")
	}
	p.shoot("sandbox-1280x800.png", 1280, 800, false)
	p.shoot("sandbox-phone.png", 390, 844, true)
	// An example event from compiler/reason that matches.
	p.do(`document.getElementById("sb-pattern").value = '{"detail-type":["Shipped"],"detail":{"weight":[{"numeric":[">",5]}]}}'; document.getElementById("sb-input").value = ""; document.getElementById("sb-example").click()`)
	p.waitFor("the example to match", `document.getElementById("sb-input").value.includes("Shipped") && document.getElementById("sb-verdict").innerText === "match"`, 10*time.Second)
	p.do(`document.getElementById("tab-live").click()`)

	// The server restarts: the page reconnects, resubscribes and shows new events.
	stopServer(t, s)
	p.waitFor("the page to see the server gone", `document.getElementById("conn").dataset.state !== "open"`, 10*time.Second)
	s = consoleServer(t, addr, dataDir)
	p.waitFor("the page to reconnect", `document.getElementById("conn").dataset.state === "open"`, 20*time.Second)
	after := putShop(t, alice(s), "shop", 500)
	p.waitFor("an event after the restart", row(after)+`.includes("big-orders")`, 15*time.Second)
}

type snsAttr = snstypes.MessageAttributeValue

// v1 calls the client status API and returns the body of a 2xx answer.
func v1(t *testing.T, s *Server, method, path, body string) []byte {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return b
}

// TestConsoleSignIn: under --auth sigv4 the page asks for a secret access
// key, signs in, and goes live; the key ends up nowhere the page's
// scripts can read (no storage, an HttpOnly cookie) nor in the URL.
func TestConsoleSignIn(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, "sigv4", nil)
	p := tab{t, ctx}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL()+"/ui/")); err != nil {
		t.Fatal(err)
	}
	p.waitFor("the sign-in form", `!document.getElementById("signin").hidden`, 10*time.Second)
	p.accessible()
	p.do(`document.getElementById("token").value = "wrong"; document.getElementById("signin-form").requestSubmit()`)
	p.waitFor("the refusal", `document.getElementById("signin-error").innerText.includes("not a secret access key")`, 10*time.Second)
	p.do(`document.getElementById("token").value = "alice-secret"; document.getElementById("signin-form").requestSubmit()`)
	p.waitFor("the feed", `document.getElementById("conn").dataset.state === "open"`, 15*time.Second)
	p.waitFor("the account's buses", `document.getElementById("buses").innerText.includes("default")`, 10*time.Second)
	leak := p.eval(`[localStorage.length, sessionStorage.length, document.cookie, location.href, document.getElementById("token").value].join("|")`)
	if strings.Contains(leak, "alice-secret") || !strings.HasPrefix(leak, "0|0||") {
		t.Errorf("storage, cookies visible to scripts, URL, field: %q; want nothing kept", leak)
	}
}
