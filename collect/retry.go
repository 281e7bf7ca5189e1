package collect

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// retry runs f, and runs it again with exponential backoff while it fails transiently: the
// server is overloaded or restarting, or the connection dropped. Forbidden, not found and
// other definite answers are returned at once.
func (c *collector) retry(ctx context.Context, f func(context.Context) error) error {
	wait := c.opts.RetryBackoff
	for attempt := 0; ; attempt++ {
		err := f(ctx)
		if err == nil || attempt >= c.opts.Retries || !transient(err) || ctx.Err() != nil {
			return err
		}
		if d, ok := apierrors.SuggestsClientDelay(err); ok && time.Duration(d)*time.Second > wait {
			wait = time.Duration(d) * time.Second
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
		if wait > 30*time.Second {
			wait = 30 * time.Second
		}
	}
}

func transient(err error) bool {
	if apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) || apierrors.IsTooManyRequests(err) ||
		apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err) || apierrors.IsUnexpectedServerError(err) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
