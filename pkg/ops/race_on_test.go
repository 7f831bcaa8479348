//go:build race

package ops_test

// raceOn is true under -race, which makes git-heavy tests several times
// slower: their wall-clock bounds do not apply then.
const raceOn = true
