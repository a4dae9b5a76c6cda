package lambda

import "context"

// Call runs a registered Go or HTTP handler synchronously and returns
// its answer: how a pipe's enrichment calls a function of the library.
func (d *Dispatcher) Call(ctx context.Context, name string, payload []byte) ([]byte, error) {
	f := d.function(name)
	if f == nil {
		return nil, d.noFunction(name)
	}
	return runHandler(ctx, f.handler, payload)
}
