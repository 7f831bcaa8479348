// Package store is qlikops' Git storage layer: it reads any revision of the
// exported repo straight from Git objects, writes a snapshot into the working
// tree, commits exactly the paths that changed, keeps a record of every run on
// the side ref refs/qlikops/runs, and guards the repo with a lock file.
//
// All Git work goes through go-git; the package never runs the git binary.
// Repos it writes stay fully usable by the git CLI: standard objects, refs
// and index, checked by tests with git status, git fsck, push and clone.
//
// Safety (DESIGN.md §2): every path is validated before the first write; no
// read or write follows a symlink or leaves the repo; files outside the
// folders a caller owns are never touched; two runs cannot interleave (Lock,
// a file inside .git so it is never committed).
//
// Performance (DESIGN.md §5: "commit in time linear in the changed files"):
//   - WriteTree compares the desired bytes with the files on disk (size
//     first) and rewrites only what differs, atomically.
//   - Commit never calls worktree.Status or Worktree.Add, which stat or hash
//     the whole tree. It edits the HEAD tree along the changed paths only
//     (untouched subtrees are reused by hash), writes the commit, and moves
//     the branch by compare-and-swap.
//   - The index is updated for the committed paths only, with a small
//     byte-level codec (indexfile.go): go-git's reflective one cost ~5µs per
//     entry, which dominated a one-file commit in a 10k-file repo.
//   - Many new blobs at once (a first export) go into one pack file rather
//     than thousands of loose objects, and the Repo keeps a few pack files
//     open, so ReadRev costs no open() per file.
//
// A Repo is not safe for concurrent use by several goroutines.
package store
