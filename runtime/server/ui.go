package server

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/patternc/patternc/runtime/console"
)

// isUIPath reports whether a path is the web console's (/ui, /ui/...).
func isUIPath(p string) bool { return p == "/ui" || strings.HasPrefix(p, "/ui/") }

// serveUI serves the web console: its static page at /ui/ (anyone may
// load it: it holds no data) and its API at /ui/api/, which answers only
// a caller the /v1 rules let in (ui_api.go).
func (s *Server) serveUI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// The page loads nothing from elsewhere and is never framed.
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if r.URL.Path == "/ui" {
		http.Redirect(w, r, "/ui/", http.StatusMovedPermanently)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/ui/api/") {
		s.ui.api(s).ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeOwnError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Use GET for "+r.URL.Path)
		return
	}
	h.Set("Cache-Control", "no-cache")
	http.StripPrefix("/ui", http.FileServerFS(uiAssets)).ServeHTTP(w, r)
}

var uiAssets fs.FS = console.Assets()
