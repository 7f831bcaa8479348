package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"

	"github.com/qlikops/qlikops/pkg/qlik"
)

// putBrandFile replaces a brand's file (logo, favIcon, styles) with the
// bytes of a local file, as the brands API takes it: a multipart PUT with
// one part, file. simctl api cannot, its bodies are JSON.
func putBrandFile(ctx context.Context, c *qlik.Client, brand, fileID, local string) error {
	data, err := os.ReadFile(local)
	if err != nil {
		return err
	}
	var id string
	err = c.ListAll(ctx, "/api/v1/brands", nil, func(raw json.RawMessage) error {
		var b struct{ ID, Name string }
		if err := json.Unmarshal(raw, &b); err != nil {
			return err
		}
		if b.Name == brand {
			id = b.ID
		}
		return nil
	})
	if err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("no brand named %q", brand)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", filepath.Base(local))
	if err != nil {
		return err
	}
	part.Write(data)
	if err := w.Close(); err != nil {
		return err
	}
	_, err = c.Send(ctx, qlik.Request{Method: http.MethodPut, Path: "/api/v1/brands/" + id + "/files/" + fileID,
		Body: body.Bytes(), ContentType: w.FormDataContentType()}, nil)
	return err
}
