package kinds

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// readConcurrency bounds per-item reads (a space's members, say). The rate
// scheduler in the client is what keeps a tier under its limit; this only
// keeps enough requests in flight to use it.
const readConcurrency = 8

// forEach runs fn for 0..n-1 with bounded concurrency and returns the first
// error; once one fails, the rest are cancelled.
func forEach(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(readConcurrency)
	for i := 0; i < n; i++ {
		g.Go(func() error { return fn(ctx, i) })
	}
	return g.Wait()
}
