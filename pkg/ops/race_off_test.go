//go:build !race

package ops_test

const raceOn = false
