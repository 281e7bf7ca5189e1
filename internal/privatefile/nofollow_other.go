//go:build !unix

package privatefile

// oNoFollow: no such flag here; O_EXCL alone refuses an existing link, and readers check the
// entry before opening it.
const oNoFollow = 0
