//go:build !unix

package functions

const syscallNoFollow = 0
