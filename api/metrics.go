package api

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics counts requests and their latency by route and status.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// series caches each (route, method, status)'s counter and histogram,
	// so a request costs no label hashing or formatting.
	series sync.Map // seriesKey → *series
}

type seriesKey struct {
	route, method string
	status        int
}

type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "unionhub_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "unionhub_http_request_duration_seconds",
			Help:    "HTTP request latency by route, method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				panic(err) // a programming error: two collectors of one name
			}
		}
	}
	return m
}

func (m *httpMetrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		s := m.seriesOf(seriesKey{route: routeOf(c), method: methodLabel(c.Request.Method), status: c.Writer.Status()})
		s.requests.Inc()
		s.duration.Observe(time.Since(start).Seconds())
	}
}

// methodLabel keeps the label set bounded: a client may send any token as
// its method.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodHead, http.MethodOptions:
		return method
	}
	return "OTHER"
}

// seriesOf returns the metrics of k, made on first use. Routes, methods
// and statuses are bounded sets, so the cache is too.
func (m *httpMetrics) seriesOf(k seriesKey) *series {
	if s, found := m.series.Load(k); found {
		return s.(*series)
	}
	status := strconv.Itoa(k.status)
	s := &series{requests: m.requests.WithLabelValues(k.route, k.method, status),
		duration: m.duration.WithLabelValues(k.route, k.method, status)}
	actual, _ := m.series.LoadOrStore(k, s)
	return actual.(*series)
}

// metricsHandler serves the registry in the Prometheus text format.
func metricsHandler(reg *prometheus.Registry) gin.HandlerFunc {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	return gin.WrapH(h)
}

// MetricsHandler serves reg on a listener of its own (production).
func MetricsHandler(reg *prometheus.Registry) *gin.Engine {
	r := gin.New()
	r.GET("/metrics", metricsHandler(reg))
	return r
}
