package collect

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// listPaged settles every page, in order, before it joins them, while it requests the next
// ones; a list restarted after its continue token expired is settled afresh, and a failed one
// returns without waiting on pages that will never come.
func TestListPagedSettles(t *testing.T) {
	c := &collector{opts: Options{PageSize: 3}, progress: newProgress(nil, 1)}
	const total = 10
	// pages serves 0..total-1, PageSize at a time; fail(attempt, page) may fail a request.
	pages := func(fail func(attempt, page int) error) func(context.Context, metav1.ListOptions) ([]int, int, string, error) {
		attempt := 0
		return func(_ context.Context, o metav1.ListOptions) ([]int, int, string, error) {
			start := 0
			if o.Continue != "" {
				start, _ = strconv.Atoi(o.Continue)
			} else {
				attempt++
			}
			if err := fail(attempt, start/int(o.Limit)); err != nil {
				return nil, 0, "", err
			}
			var items []int
			for i := start; i < min(start+int(o.Limit), total); i++ {
				items = append(items, i)
			}
			cont := ""
			if start+int(o.Limit) < total {
				cont = strconv.Itoa(start + int(o.Limit))
			}
			return items, len(items), cont, nil
		}
	}
	var order []int
	settle := func(items []int) {
		time.Sleep(5 * time.Millisecond) // slower than the requests: the join must wait
		for i := range items {
			order = append(order, items[i])
			items[i] += 100
		}
	}
	want := func() []int {
		var w []int
		for i := range total {
			w = append(w, i+100)
		}
		return w
	}()

	// joined is what listPaged returns, its pages joined.
	joined := func(pages [][]int, n int, err error) ([]int, error) {
		if err == nil && n != total {
			t.Errorf("listPaged counted %d objects, want %d", n, total)
		}
		return slices.Concat(pages...), err
	}
	got, err := joined(listPaged(context.Background(), c, pages(func(int, int) error { return nil }), settle))
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %v, %v; want %v settled", got, err, want)
	}
	if !slices.Equal(order, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("settled in order %v", order)
	}

	order = nil
	expired := apierrors.NewResourceExpired("continue token expired")
	got, err = joined(listPaged(context.Background(), c, pages(func(attempt, page int) error {
		if attempt == 1 && page == 2 {
			return expired
		}
		return nil
	}), settle))
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("after a restart: got %v, %v; want %v", got, err, want)
	}
	if !slices.Equal(order[len(order)-total:], []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("after a restart, settled %v", order)
	}

	boom := errors.New("boom")
	done := make(chan error)
	go func() {
		_, _, err := listPaged(context.Background(), c, pages(func(_, page int) error {
			if page == 2 {
				return boom
			}
			return nil
		}), settle)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Errorf("failed list: %v, want %v", err, boom)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a failed list did not return")
	}
}
