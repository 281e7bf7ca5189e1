package collect

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress writes one line, rewritten in place, while the collection runs: a person waiting
// on a big cluster sees that it moves.
type progress struct {
	w         io.Writer
	mu        sync.Mutex
	kinds     int
	kindsDone int
	objs      int
	last      time.Time
}

func newProgress(w io.Writer, kinds int) *progress {
	return &progress{w: w, kinds: kinds}
}

func (p *progress) objects(n int) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.objs += n
	p.print(false)
}

func (p *progress) kindDone(int) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.kindsDone++
	p.print(true)
}

func (p *progress) print(force bool) {
	if !force && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\rcollecting: %d/%d kinds, %d objects ", p.kindsDone, p.kinds, p.objs)
}

func (p *progress) done() {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\rcollected: %d kinds, %d objects    \n", p.kindsDone, p.objs)
}
