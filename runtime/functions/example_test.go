package functions_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/patternc/patternc/runtime/functions"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// A Python function created from a zip and invoked synchronously.
func Example() {
	dir, _ := os.MkdirTemp("", "patternc-functions-*")
	defer os.RemoveAll(dir)
	st, err := boltstore.Open(filepath.Join(dir, "store"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	svc, err := functions.New(kernel.Env{Store: st}, functions.Options{Dir: dir})
	if err != nil {
		panic(err)
	}
	defer svc.Close()

	var code bytes.Buffer
	zw := zip.NewWriter(&code)
	w, _ := zw.Create("handler.py")
	fmt.Fprint(w, "def handler(event, context):\n    return {'hello': event['name']}\n")
	zw.Close()

	ctx := context.Background()
	if _, err := svc.Create(ctx, functions.Spec{Name: "greet", Runtime: "python3.12", Handler: "handler.handler"}, code.Bytes()); err != nil {
		panic(err)
	}
	res, err := svc.Invoke(ctx, "greet", []byte(`{"name":"patternc"}`), functions.InvokeOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(res.Payload), res.Cold)
	// Output: {"hello": "patternc"} true
}
