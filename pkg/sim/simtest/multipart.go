package simtest

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"testing"
)

// ZipEntry is one file of a zip archive BuildZip writes.
type ZipEntry [2]string // name, body

// BuildZip returns a zip archive holding entries.
func BuildZip(t *testing.T, entries ...ZipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// SendMultipart sends a multipart body with an optional file and data part.
func SendMultipart(e *Env, method, path string, file []byte, data any) Resp {
	e.T.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if file != nil {
		w, _ := mw.CreateFormFile("file", "upload.zip")
		_, _ = w.Write(file)
	}
	if data != nil {
		b, _ := json.Marshal(data)
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="data"; filename=""`}
		h["Content-Type"] = []string{"application/json"}
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(b)
	}
	_ = mw.Close()
	req, err := http.NewRequest(method, e.Ts.URL+path, &buf)
	if err != nil {
		e.T.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.Key)
	return SendRequest(e, req)
}
