package console

import (
	"embed"
	"io/fs"
)

//go:embed web
var web embed.FS

// Assets are the console's static files (index.html at the root): plain
// HTML, CSS and JavaScript modules with no build step and nothing loaded
// from elsewhere.
func Assets() fs.FS {
	sub, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embedded tree always has web/
	}
	return sub
}
