package sns

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// RetryPolicy is an HTTP/S healthyRetryPolicy (docs/semantics/runtime.md §5.8).
type RetryPolicy struct {
	NumRetries         int    `json:"numRetries"`
	NumNoDelayRetries  int    `json:"numNoDelayRetries"`
	NumMinDelayRetries int    `json:"numMinDelayRetries"`
	NumMaxDelayRetries int    `json:"numMaxDelayRetries"`
	MinDelayTarget     int    `json:"minDelayTarget"`
	MaxDelayTarget     int    `json:"maxDelayTarget"`
	BackoffFunction    string `json:"backoffFunction"`
}

// DefaultHTTPRetry is AWS's default: 3 retries, 20 s apart, linear.
var DefaultHTTPRetry = RetryPolicy{NumRetries: 3, MinDelayTarget: 20, MaxDelayTarget: 20, BackoffFunction: "linear"}

// managedSchedule is the fixed AWS-managed policy used for queues and
// functions: 3 immediate, 2 at 1 s, 10 exponential 1→20 s, 100,000 at 20 s.
var managedSchedule = phases{noDelay: 3, minDelay: 2, backoff: 10, maxDelay: 100000, min: time.Second, max: 20 * time.Second, fn: "exponential"}

type phases struct {
	noDelay, minDelay, backoff, maxDelay int
	min, max                             time.Duration
	fn                                   string
}

func (p RetryPolicy) phases() phases {
	return phases{
		noDelay: p.NumNoDelayRetries, minDelay: p.NumMinDelayRetries, maxDelay: p.NumMaxDelayRetries,
		backoff: p.NumRetries - p.NumNoDelayRetries - p.NumMinDelayRetries - p.NumMaxDelayRetries,
		min:     time.Duration(p.MinDelayTarget) * time.Second, max: time.Duration(p.MaxDelayTarget) * time.Second,
		fn: p.BackoffFunction,
	}
}

// delay returns the wait before retry n (1-based), or false when the
// schedule has no retry n.
func (ph phases) delay(n int) (time.Duration, bool) {
	if n <= 0 {
		return 0, false
	}
	if n <= ph.noDelay {
		return 0, true
	}
	n -= ph.noDelay
	if n <= ph.minDelay {
		return ph.min, true
	}
	n -= ph.minDelay
	if n <= ph.backoff {
		return backoffDelay(ph.fn, n, ph.backoff, ph.min, ph.max), true
	}
	n -= ph.backoff
	if n <= ph.maxDelay {
		return ph.max, true
	}
	return 0, false
}

// backoffDelay is min + (max−min)·f(t) for backoff retry k of n.
func backoffDelay(fn string, k, n int, min, max time.Duration) time.Duration {
	t := 1.0
	if n > 1 {
		t = float64(k-1) / float64(n-1)
	}
	var f float64
	switch fn {
	case "arithmetic":
		f = t * t
	case "exponential":
		f = (math.Pow(2, 10*t) - 1) / 1023
	case "geometric":
		f = 1 - (1-t)*(1-t)
	default: // linear
		f = t
	}
	return min + time.Duration(float64(max-min)*f)
}

func (ph phases) total() time.Duration {
	var sum time.Duration
	for n := 1; ; n++ {
		d, ok := ph.delay(n)
		if !ok {
			return sum
		}
		sum += d
	}
}

// parseRetryPolicy reads a policy object over the defaults and checks it.
func parseRetryPolicy(raw json.RawMessage) (RetryPolicy, error) {
	p := DefaultHTTPRetry
	if len(raw) == 0 || string(raw) == "null" {
		return p, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return p, fmt.Errorf("healthyRetryPolicy must be an object")
	}
	// Fields not given keep their defaults; min/max default to each other.
	_, hasMin := m["minDelayTarget"]
	_, hasMax := m["maxDelayTarget"]
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, fmt.Errorf("healthyRetryPolicy: %v", err)
	}
	if hasMin && !hasMax && p.MinDelayTarget > p.MaxDelayTarget {
		p.MaxDelayTarget = p.MinDelayTarget
	}
	if hasMax && !hasMin && p.MaxDelayTarget < p.MinDelayTarget {
		p.MinDelayTarget = p.MaxDelayTarget
	}
	switch {
	case p.NumRetries < 0 || p.NumRetries > 100:
		return p, fmt.Errorf("numRetries must be between 0 and 100")
	case p.NumNoDelayRetries < 0 || p.NumMinDelayRetries < 0 || p.NumMaxDelayRetries < 0:
		return p, fmt.Errorf("retry counts must not be negative")
	case p.MinDelayTarget < 1:
		return p, fmt.Errorf("minDelayTarget must be at least 1")
	case p.MaxDelayTarget > 3600:
		return p, fmt.Errorf("maxDelayTarget must be at most 3600")
	case p.MinDelayTarget > p.MaxDelayTarget:
		return p, fmt.Errorf("minDelayTarget must be less than or equal to maxDelayTarget")
	case p.NumRetries-p.NumNoDelayRetries-p.NumMinDelayRetries-p.NumMaxDelayRetries < 0:
		return p, fmt.Errorf("numRetries must be at least the sum of numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries")
	}
	switch p.BackoffFunction {
	case "":
		p.BackoffFunction = "linear"
	case "linear", "arithmetic", "geometric", "exponential":
	default:
		return p, fmt.Errorf("backoffFunction must be one of linear, arithmetic, geometric, exponential")
	}
	if p.phases().total() > time.Hour {
		return p, fmt.Errorf("the retry schedule must total at most 3600 seconds")
	}
	return p, nil
}

// deliveryPolicy is the part of a DeliveryPolicy attribute the runtime uses.
type deliveryPolicy struct {
	Retry        RetryPolicy
	HasRetry     bool
	ContentType  string
	NoOverrides  bool
	MaxPerSecond int
}

// parseDeliveryPolicy reads a topic ({"http":{...}}) or subscription
// DeliveryPolicy.
func parseDeliveryPolicy(text string, topic bool) (deliveryPolicy, error) {
	var dp deliveryPolicy
	if text == "" {
		return dp, nil
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return dp, fmt.Errorf("failed to parse JSON")
	}
	body := doc
	retryKey, throttleKey, reqKey := "healthyRetryPolicy", "throttlePolicy", "requestPolicy"
	if topic {
		body = nil
		if raw, ok := doc["http"]; ok {
			if err := json.Unmarshal(raw, &body); err != nil {
				return dp, fmt.Errorf("http must be an object")
			}
		}
		retryKey, throttleKey, reqKey = "defaultHealthyRetryPolicy", "defaultThrottlePolicy", "defaultRequestPolicy"
		if raw, ok := body["disableSubscriptionOverrides"]; ok {
			if err := json.Unmarshal(raw, &dp.NoOverrides); err != nil {
				return dp, fmt.Errorf("disableSubscriptionOverrides must be a boolean")
			}
		}
	}
	if raw, ok := body[retryKey]; ok {
		p, err := parseRetryPolicy(raw)
		if err != nil {
			return dp, err
		}
		dp.Retry, dp.HasRetry = p, true
	}
	if raw, ok := body[throttleKey]; ok {
		var tp struct {
			MaxReceivesPerSecond *int `json:"maxReceivesPerSecond"`
		}
		if err := json.Unmarshal(raw, &tp); err != nil {
			return dp, fmt.Errorf("%s must be an object", throttleKey)
		}
		if tp.MaxReceivesPerSecond != nil {
			if *tp.MaxReceivesPerSecond < 1 {
				return dp, fmt.Errorf("maxReceivesPerSecond must be at least 1")
			}
			dp.MaxPerSecond = *tp.MaxReceivesPerSecond
		}
	}
	if raw, ok := body[reqKey]; ok {
		var rp struct {
			HeaderContentType string `json:"headerContentType"`
		}
		if err := json.Unmarshal(raw, &rp); err != nil {
			return dp, fmt.Errorf("%s must be an object", reqKey)
		}
		dp.ContentType = rp.HeaderContentType
	}
	return dp, nil
}
