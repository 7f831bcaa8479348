package kinds

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/qlikops/qlikops/pkg/qlik"
)

// uploadTempContent stages a file in temp contents and returns its id,
// the last segment of the Location the upload answers with.
func uploadTempContent(ctx context.Context, t *Tenant, filename string, data []byte) (string, error) {
	up, err := t.API.Send(ctx, qlik.Request{Method: http.MethodPost, Path: "/api/v1/temp-contents",
		Query: url.Values{"filename": {filename}}, Body: data, ContentType: "application/octet-stream"}, nil)
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", filename, err)
	}
	loc := up.Header.Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]
	if id == "" {
		return "", fmt.Errorf("upload %s: no Location in the answer", filename)
	}
	return id, nil
}
