package core

import (
	"net/http"
	"strings"
	"sync"
)

// The httpd module owns the HTTP listener; mi_http, prometheus and
// later modules mount handlers on it by path, as OpenSIPS modules call
// httpd's register_httpdcb. The routes live here, in the core, so that
// mounting does not depend on the order the modules' Init hooks run in,
// and a module does not import another module.

var httpRoutes struct {
	mu     sync.RWMutex
	byRoot map[string]http.Handler
}

// HTTPHandle mounts h at root (the first path segment: "mi" serves
// /mi and /mi/...). Mounting a root again replaces its handler: a new
// server start mounts afresh.
func HTTPHandle(root string, h http.Handler) {
	root = strings.Trim(root, "/")
	httpRoutes.mu.Lock()
	defer httpRoutes.mu.Unlock()
	if httpRoutes.byRoot == nil {
		httpRoutes.byRoot = map[string]http.Handler{}
	}
	httpRoutes.byRoot[root] = h
}

// HTTPUnhandle removes what is mounted at root.
func HTTPUnhandle(root string) {
	httpRoutes.mu.Lock()
	defer httpRoutes.mu.Unlock()
	delete(httpRoutes.byRoot, strings.Trim(root, "/"))
}

// HTTPRoutes is the handler the httpd module serves: it passes each
// request to what is mounted at its first path segment, or answers 404.
func HTTPRoutes() http.Handler { return http.HandlerFunc(serveHTTPRoute) }

func serveHTTPRoute(w http.ResponseWriter, r *http.Request) {
	root, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	httpRoutes.mu.RLock()
	h, found := httpRoutes.byRoot[root]
	httpRoutes.mu.RUnlock()
	if !found {
		http.NotFound(w, r)
		return
	}
	h.ServeHTTP(w, r)
}
