//go:build race

package main

// raceBuild: this test binary has the race detector, which multiplies a
// process's memory, so the memory test builds a plain binary to measure.
const raceBuild = true
