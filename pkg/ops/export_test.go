package ops

// Hooks for the external tests: the scale benchmark seeds its empty
// restore target the way a rehearsal does.
var (
	WriteIdPSeed     = writeIdPSeed
	GeneratedSecrets = generatedSecrets
)
