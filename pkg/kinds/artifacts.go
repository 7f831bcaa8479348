package kinds

// ArtifactKind is a kind with binary side files that export --artifacts
// keeps in a content-addressed store instead of the repo (apps: app.qvf).
// The document then names each by digest in spec.artifacts, and plan and
// apply read the bytes back from the store before they compare or write.
type ArtifactKind interface {
	ArtifactFiles() []string
}

// ArtifactsField is the spec field that names a document's stored side
// files: {<file>: {sha256: <64 hex>, size: <bytes>}}. The sha256 lines are
// what prune's artifact sweep looks for.
const ArtifactsField = "artifacts"
