//go:build unix

package privatefile

import "syscall"

// oNoFollow refuses a symlink as the last element of a path being opened.
const oNoFollow = syscall.O_NOFOLLOW
