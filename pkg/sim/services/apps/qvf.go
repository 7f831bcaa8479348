package apps

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// qliksim's QVF stand-in. A real QVF is Qlik's binary app file; qliksim has
// no engine, so its export is its own format instead, which qlikops (like
// any client) must treat as opaque bytes:
//
//	a zip archive, entries stored (not compressed), every entry dated
//	1980-01-01T00:00:00Z, in this order:
//	  qliksim-qvf.json  {"format": "qliksim-qvf", "version": 1}
//	  app.json          {"name", "description", "usage", "locale"}
//	  script.qvs        the current load script, byte for byte
//	  objects.json      the app's objects (sheets, master items), as stored
//
// The same app content always gives the same bytes: no ids, owners,
// spaces or times are in it, so an app exported, imported into another
// tenant and exported again gives an identical file.

const qvfFormat = "qliksim-qvf"

var qvfEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// qvfApp is app.json.
type qvfApp struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Usage       string `json:"usage"`
	Locale      string `json:"locale"`
}

// qvfContent is what an archive holds.
type qvfContent struct {
	App     qvfApp
	Script  string
	Objects []appObject
}

func contentOf(a *app) qvfContent {
	return qvfContent{App: qvfApp{Name: a.Name, Description: a.Description, Usage: a.Usage, Locale: a.Locale},
		Script: a.current().Script, Objects: a.Objects}
}

// encodeQVF writes the archive of c.
func encodeQVF(c qvfContent) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	header, _ := json.Marshal(map[string]any{"format": qvfFormat, "version": 1})
	meta, _ := json.MarshalIndent(c.App, "", "  ")
	objects := c.Objects
	if objects == nil {
		objects = []appObject{}
	}
	objs, _ := json.MarshalIndent(objects, "", "  ")
	for _, e := range []struct {
		name string
		data []byte
	}{{"qliksim-qvf.json", header}, {"app.json", meta}, {"script.qvs", []byte(c.Script)}, {"objects.json", objs}} {
		f, _ := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store, Modified: qvfEpoch})
		_, _ = f.Write(e.data) // writes to a bytes.Buffer do not fail
	}
	_ = zw.Close()
	return buf.Bytes()
}

// decodeQVF reads an archive written by encodeQVF; anything else is an
// error saying what is wrong.
func decodeQVF(data []byte) (qvfContent, error) {
	var c qvfContent
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return c, fmt.Errorf("not a qliksim app file (a zip archive): %w", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return c, fmt.Errorf("%s: %w", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
		rc.Close()
		if err != nil {
			return c, fmt.Errorf("%s: %w", f.Name, err)
		}
		files[f.Name] = b
	}
	var header struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if json.Unmarshal(files["qliksim-qvf.json"], &header) != nil || header.Format != qvfFormat || header.Version != 1 {
		return c, fmt.Errorf("not a qliksim app file: qliksim-qvf.json is missing or not format %q version 1", qvfFormat)
	}
	if err := json.Unmarshal(files["app.json"], &c.App); err != nil {
		return c, fmt.Errorf("app.json: %w", err)
	}
	script, ok := files["script.qvs"]
	if !ok {
		return c, fmt.Errorf("script.qvs is missing")
	}
	c.Script = string(script)
	if err := json.Unmarshal(files["objects.json"], &c.Objects); err != nil {
		return c, fmt.Errorf("objects.json: %w", err)
	}
	return c, nil
}

// AppFile is the app file qliksim exports for an app with these
// attributes, this script and no objects: tests build the bytes an export
// must give without a simulator.
func AppFile(name, description, usage, script string) []byte {
	return encodeQVF(qvfContent{App: qvfApp{Name: name, Description: description, Usage: usage}, Script: script})
}
