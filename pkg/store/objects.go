package store

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Many new blobs at once (a first export, a big change) go into one pack
// file instead of thousands of loose objects: one file to create and fsync
// instead of one per document, and a repo that reads back fast without a
// `git gc`. Small changes stay loose, as git itself would write them.
const (
	packMinObjects = 64
	packMaxBytes   = 64 << 20 // bound the memory one batch holds
)

// blobBatch collects new blobs and stores them loose or as a pack.
type blobBatch struct {
	r      *Repo
	objs   []plumbing.EncodedObject
	seen   map[plumbing.Hash]bool
	nbytes int
}

func (r *Repo) newBlobBatch() *blobBatch {
	return &blobBatch{r: r, seen: map[plumbing.Hash]bool{}}
}

// add returns the blob's hash; it is stored by the next flush.
func (b *blobBatch) add(data []byte) (plumbing.Hash, error) {
	h := plumbing.ComputeHash(plumbing.BlobObject, data)
	if b.seen[h] || b.r.repo.Storer.HasEncodedObject(h) == nil {
		return h, nil
	}
	obj := &plumbing.MemoryObject{}
	obj.SetType(plumbing.BlobObject)
	if _, err := obj.Write(data); err != nil {
		return h, err
	}
	b.seen[h] = true
	b.objs = append(b.objs, obj)
	b.nbytes += len(data)
	if b.nbytes >= packMaxBytes {
		return h, b.flush()
	}
	return h, nil
}

func (b *blobBatch) flush() error {
	objs := b.objs
	b.objs, b.nbytes = nil, 0
	if len(objs) < packMinObjects {
		for _, o := range objs {
			if _, err := b.r.repo.Storer.SetEncodedObject(o); err != nil {
				return err
			}
		}
		return nil
	}
	mem := memory.NewStorage()
	hashes := make([]plumbing.Hash, 0, len(objs))
	for _, o := range objs {
		h, err := mem.SetEncodedObject(o)
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	w, err := b.r.fs.PackfileWriter()
	if err != nil {
		return fmt.Errorf("write pack: %w", err)
	}
	// Window 0: no delta search. Documents rarely delta well against each
	// other, and it keeps the cost linear; git gc can repack later.
	_, err = packfile.NewEncoder(w, mem, false).Encode(hashes, 0)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write pack: %w", err)
	}
	return nil
}
