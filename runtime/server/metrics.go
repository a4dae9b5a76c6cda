package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus series of docs/semantics/serve.md §7: requests by service,
// operation and status with their latency, the server's own counters,
// and the runtime's counters read from each account's Stats() at scrape
// time, so /metrics and Stats() can never disagree.
type metrics struct {
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	panics    prometheus.Counter
	throttled prometheus.Counter
	commits   *prometheus.HistogramVec
	handler   http.Handler
}

func newMetrics(s *Server) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "patternc_requests_total", Help: "AWS API requests by service, operation and HTTP status.",
		}, []string{"service", "operation", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "patternc_request_duration_seconds", Help: "AWS API request latency by service and operation.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"service", "operation"}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "patternc_recovered_panics_total", Help: "Panics recovered while serving a request (answered 500 InternalFailure).",
		}),
		throttled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "patternc_throttled_requests_total", Help: "Requests refused because too many were in flight.",
		}),
	}
	m.commits = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "patternc_store_commit_seconds", Help: "Latency of durable store commits, by account.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
	}, []string{"account"})
	reg.MustRegister(m.requests, m.latency, m.panics, m.throttled, m.commits, runtimeCollector{s})
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

func (m *metrics) observe(service, op string, status int, d time.Duration) {
	if service == "patternc" {
		return // own endpoints (health checks, scrapes) are not API requests
	}
	if status == 0 {
		status = http.StatusOK
	}
	m.requests.WithLabelValues(service, op, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(service, op).Observe(d.Seconds())
}

// runtimeCollector exports every account runtime's Stats() counters as
// patternc_runtime_{name}{account}.
type runtimeCollector struct{ s *Server }

func (runtimeCollector) Describe(chan<- *prometheus.Desc) {} // unchecked: the names come from Stats()

func (c runtimeCollector) Collect(ch chan<- prometheus.Metric) {
	for _, a := range c.s.accts.all() {
		for name, v := range a.rt.Stats() {
			desc := prometheus.NewDesc("patternc_runtime_"+metricName(name), "Runtime counter "+name+" (runtime Stats()).", []string{"account"}, nil)
			ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, float64(v), a.id)
		}
		for name, v := range a.status.Stats() {
			kind := prometheus.CounterValue
			if name == "websocket_connections" {
				kind = prometheus.GaugeValue
			}
			desc := prometheus.NewDesc("patternc_status_"+metricName(name), "Client status API counter "+name+".", []string{"account"}, nil)
			ch <- prometheus.MustNewConstMetric(desc, kind, float64(v), a.id)
		}
		for name, depth := range queueDepths(a) {
			desc := prometheus.NewDesc("patternc_queue_depth", "Messages on a runtime-local queue.", []string{"account", "queue"}, nil)
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(depth), a.id, name)
		}
	}
}

// metricName keeps [a-zA-Z0-9_] and turns anything else into _.
func metricName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}
