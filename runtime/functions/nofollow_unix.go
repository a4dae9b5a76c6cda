//go:build unix

package functions

import "syscall"

// syscallNoFollow makes opening a file fail when its last path component
// is a symlink, so no entry is written through one.
const syscallNoFollow = syscall.O_NOFOLLOW
