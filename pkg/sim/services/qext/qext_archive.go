package qext

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
)

// Reading uploads: the multipart body and the zip archive in it.

// qxUpload is a parsed multipart body.
type qxUpload struct {
	file    []byte
	hasFile bool
	data    map[string]any
}

// qxReadMultipart reads the parts "file" and "data" of a multipart body.
func qxReadMultipart(r *http.Request) (*qxUpload, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, qxErr(http.StatusUnsupportedMediaType, "the body must be multipart/form-data with a file part and/or a data part")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, qxErr(http.StatusBadRequest, "invalid multipart body: %v", err)
	}
	up := &qxUpload{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, qxErr(http.StatusBadRequest, "invalid multipart body: %v", err)
		}
		b, err := io.ReadAll(io.LimitReader(p, QextMaxBytes+1))
		p.Close()
		if err != nil {
			return nil, qxErr(http.StatusBadRequest, "invalid multipart body: %v", err)
		}
		switch p.FormName() {
		case "file":
			if len(b) > QextMaxBytes {
				return nil, qxErr(http.StatusRequestEntityTooLarge, "the archive is larger than %d bytes", QextMaxBytes)
			}
			up.file, up.hasFile = b, true
		case "data":
			if len(bytes.TrimSpace(b)) == 0 {
				continue
			}
			if err := json.Unmarshal(b, &up.data); err != nil || up.data == nil {
				return nil, qxErr(http.StatusUnsupportedMediaType, "the data part is not a valid JSON object")
			}
		}
	}
	if !up.hasFile && up.data == nil {
		return nil, qxErr(http.StatusUnprocessableEntity, "provide a file part (zip archive) and/or a data part (JSON model)")
	}
	return up, nil
}

// qxArchive is a validated upload.
type qxArchive struct {
	qextPath string         // e.g. "my-theme.qext" or "folder/my-theme.qext"
	root     string         // "" or "folder/"
	qext     map[string]any // the parsed .qext
}

// qxUnsafeName reports whether a zip entry name could escape its folder.
func qxUnsafeName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.ContainsRune(name, 0) {
		return true
	}
	if len(name) >= 2 && name[1] == ':' {
		return true // a drive letter
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return true
		}
	}
	return false
}

// qxInspect validates a zip archive and finds its .qext.
func qxInspect(data []byte) (*qxArchive, error) {
	if len(data) > QextMaxBytes {
		return nil, qxErr(http.StatusRequestEntityTooLarge, "the archive is larger than %d bytes", QextMaxBytes)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, qxErr(http.StatusBadRequest, "the file is not a valid zip archive: %v", err)
	}
	layout, err := qxScanEntries(zr)
	if err != nil {
		return nil, err
	}
	if err := qxCheckExpandedSize(zr); err != nil {
		return nil, err
	}
	qexts := layout.qexts
	if len(qexts) == 0 {
		return nil, qxErr(http.StatusBadRequest, "the archive holds no .qext file")
	}
	if len(qexts) > 1 {
		return nil, qxErr(http.StatusBadRequest, "the archive holds more than one .qext file: %s", strings.Join(qexts, ", "))
	}
	a := &qxArchive{qextPath: qexts[0]}
	if dir := path.Dir(a.qextPath); dir != "." {
		if strings.Contains(dir, "/") || layout.rootFiles || len(layout.tops) != 1 {
			return nil, qxErr(http.StatusBadRequest, "the .qext file must be at the root of the archive or in its single top-level folder, not %q", a.qextPath)
		}
		a.root = dir + "/"
	}
	raw, err := qxReadEntry(zr, a.qextPath)
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if err := json.Unmarshal(raw, &a.qext); err != nil {
		return nil, qxErr(http.StatusBadRequest, "%s is not a JSON object: %v", a.qextPath, err)
	}
	return a, nil
}

// qxLayout is where an archive's entries sit.
type qxLayout struct {
	qexts     []string        // the .qext files
	tops      map[string]bool // top-level folders
	rootFiles bool            // whether any file sits at the root
}

// qxScanEntries rejects unsafe entries and archives whose headers claim
// more than qextMaxBytes, and records the layout.
func qxScanEntries(zr *zip.Reader) (qxLayout, error) {
	l := qxLayout{tops: map[string]bool{}}
	var total uint64
	for _, f := range zr.File {
		if qxUnsafeName(f.Name) {
			return l, qxErr(http.StatusBadRequest, "the archive holds an unsafe path %q", f.Name)
		}
		if f.Mode()&0o170000 == 0o120000 || f.Mode()&(1<<27) != 0 { // symlink (unix mode or fs.ModeSymlink)
			return l, qxErr(http.StatusBadRequest, "the archive holds a symbolic link %q", f.Name)
		}
		total += f.UncompressedSize64
		if total > QextMaxBytes {
			return l, qxErr(http.StatusRequestEntityTooLarge, "the archive expands to more than %d bytes", QextMaxBytes)
		}
		if top, _, ok := strings.Cut(f.Name, "/"); ok {
			l.tops[top] = true
		} else {
			l.rootFiles = true
		}
		if !strings.HasSuffix(f.Name, "/") && strings.EqualFold(path.Ext(f.Name), ".qext") {
			l.qexts = append(l.qexts, f.Name)
		}
	}
	return l, nil
}

// qxCheckExpandedSize measures the real sizes, not the headers' claims
// (zip bombs lie).
func qxCheckExpandedSize(zr *zip.Reader) error {
	var read int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return qxErr(http.StatusBadRequest, "cannot read %q: %v", f.Name, err)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, QextMaxBytes-read+1))
		rc.Close()
		if err != nil {
			return qxErr(http.StatusBadRequest, "cannot read %q: %v", f.Name, err)
		}
		if read += n; read > QextMaxBytes {
			return qxErr(http.StatusRequestEntityTooLarge, "the archive expands to more than %d bytes", QextMaxBytes)
		}
	}
	return nil
}

func qxReadEntry(zr *zip.Reader, name string) ([]byte, error) {
	for _, f := range zr.File {
		if f.Name != name || f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, qxErr(http.StatusBadRequest, "cannot read %q: %v", name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, QextMaxBytes))
		if err != nil {
			return nil, qxErr(http.StatusBadRequest, "cannot read %q: %v", name, err)
		}
		return b, nil
	}
	return nil, qxErr(http.StatusNotFound, "no file %q in the archive", name)
}

// qxFile returns one file of an item's archive, relative to the .qext folder.
func qxFile(it *qextItem, fp string) ([]byte, error) {
	if it.Zip == nil || fp == "" || qxUnsafeName(fp) || strings.HasSuffix(fp, "/") {
		return nil, qxErr(http.StatusNotFound, "no file %q in the archive", fp)
	}
	zr, err := zip.NewReader(bytes.NewReader(it.Zip), int64(len(it.Zip)))
	if err != nil {
		return nil, err
	}
	root := ""
	if dir := path.Dir(it.QextPath); dir != "." {
		root = dir + "/"
	}
	return qxReadEntry(zr, root+fp)
}
