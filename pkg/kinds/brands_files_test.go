package kinds

import (
	"os"
	"path/filepath"
	"testing"
)

// The demo tenant's brand files are whole; cut anywhere after the bytes
// that name their format (as a proxy or a reset would cut them), they are
// not, so that the read fetches them again instead of committing half a
// logo. Shorter than that, they are bytes of no known format, taken as is.
func TestBrandFileWholeSeesCuts(t *testing.T) {
	for _, c := range []struct{ id, file string }{
		{"logo", "acme-corporate/logo.png"},
		{"logo", "acme-holiday/logo.png"},
		{"favIcon", "acme-corporate/favicon.ico"},
		{"favIcon", "acme-holiday/favicon.ico"},
		{"styles", "acme-corporate/styles.json"},
	} {
		data, err := os.ReadFile(filepath.Join("../../examples/demo-tenant/brands", c.file))
		if err != nil {
			t.Fatal(err)
		}
		if err := brandFileWhole(c.id, data); err != nil {
			t.Errorf("%s: whole file refused: %v", c.file, err)
		}
		for n := len(pngSignature); n < len(data)-1; n++ {
			if brandFileWhole(c.id, data[:n]) == nil {
				t.Errorf("%s: cut to %d of %d bytes passes as whole", c.file, n, len(data))
				break
			}
		}
	}
	jpeg := []byte{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9}
	if err := brandFileWhole("logo", jpeg); err != nil {
		t.Errorf("whole JPEG refused: %v", err)
	}
	if brandFileWhole("logo", jpeg[:6]) == nil {
		t.Error("cut JPEG passes as whole")
	}
	if err := brandFileWhole("logo", []byte("GIF89a, not a format the check knows")); err != nil {
		t.Errorf("bytes of an unknown format are refused: %v", err)
	}
}
