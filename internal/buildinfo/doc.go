// Package buildinfo says which patternc this is: the module version, the
// VCS revision and the Go toolchain, read from the binary's own build
// information (runtime/debug.ReadBuildInfo) so that `patternc version`,
// `patternc --version` and SARIF's tool.driver.version can never disagree
// with what was actually built.
package buildinfo
