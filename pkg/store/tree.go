package store

import (
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// editNode holds the staged changes below one folder.
type editNode struct {
	files   map[string]staged
	dirs    map[string]*editNode
	hasPuts bool // some file below is added or modified
}

func newEditNode() *editNode {
	return &editNode{files: map[string]staged{}, dirs: map[string]*editNode{}}
}

func buildEdit(items []staged) *editNode {
	root := newEditNode()
	for _, s := range items {
		n := root
		segs := strings.Split(s.path, "/")
		for _, seg := range segs[:len(segs)-1] {
			if s.op == opPut {
				n.hasPuts = true
			}
			child, ok := n.dirs[seg]
			if !ok {
				child = newEditNode()
				n.dirs[seg] = child
			}
			n = child
		}
		if s.op == opPut {
			n.hasPuts = true
		}
		n.files[segs[len(segs)-1]] = s
	}
	return root
}

// editTree applies node to the tree base (zero: empty) and returns the new
// tree hash and its entry count. Untouched subtrees are reused by hash, so
// the work is proportional to the changed paths times the size of the
// folders on those paths, never to the whole repo.
func (r *Repo) editTree(base plumbing.Hash, node *editNode) (plumbing.Hash, int, error) {
	entries := map[string]object.TreeEntry{}
	if !base.IsZero() {
		t, err := object.GetTree(r.repo.Storer, base)
		if err != nil {
			return plumbing.ZeroHash, 0, err
		}
		for _, e := range t.Entries {
			entries[e.Name] = e
		}
	}
	for name, s := range node.files {
		switch s.op {
		case opPut:
			entries[name] = object.TreeEntry{Name: name, Mode: s.mode, Hash: s.hash}
		case opDelete:
			delete(entries, name)
		case opDeleteFile:
			if e, ok := entries[name]; ok && e.Mode != filemode.Dir {
				delete(entries, name)
			}
		}
	}
	for name, child := range node.dirs {
		e, ok := entries[name]
		var sub plumbing.Hash
		switch {
		case ok && e.Mode == filemode.Dir:
			sub = e.Hash
		case ok && !child.hasPuts:
			continue // a file stands there and nothing below it is added
		}
		h, n, err := r.editTree(sub, child)
		if err != nil {
			return plumbing.ZeroHash, 0, err
		}
		if n == 0 {
			delete(entries, name) // Git keeps no empty folders
		} else {
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
		}
	}
	h, err := r.writeTree(entries, base)
	return h, len(entries), err
}

// writeTree stores entries in Git's canonical order (a folder sorts as if
// its name ended in "/"), which git fsck checks.
func (r *Repo) writeTree(entries map[string]object.TreeEntry, base plumbing.Hash) (plumbing.Hash, error) {
	list := make([]object.TreeEntry, 0, len(entries))
	for _, e := range entries {
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool { return sortName(list[i]) < sortName(list[j]) })
	obj := r.repo.Storer.NewEncodedObject()
	if err := (&object.Tree{Entries: list}).Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	if h := obj.Hash(); h == base || r.repo.Storer.HasEncodedObject(h) == nil {
		return h, nil
	}
	return r.repo.Storer.SetEncodedObject(obj)
}

func sortName(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}
