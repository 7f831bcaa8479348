package archive

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func rawZip(t testing.TB, entries map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, body := range entries {
		fw, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(body))
	}
	w.Close()
	return buf.Bytes()
}

func TestPackUnpackRoundTripIsByteExactAndDeterministic(t *testing.T) {
	files := map[string][]byte{
		"theme.qext":         []byte(`{"name":"Corp","type":"theme"}`),
		"theme.json":         []byte("{\n  \"color\": \"#fff\"\n}\n"),
		"assets/logo.png":    {0x89, 'P', 'N', 'G', 0, 1, 2, 255},
		"assets/fonts/a.ttf": bytes.Repeat([]byte{7}, 5000),
	}
	a, err := Pack(files)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Pack(files)
	if !bytes.Equal(a, b) {
		t.Fatal("Pack is not deterministic")
	}
	got, err := Unpack(a, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(files, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}

func TestUnpackRefusesUnsafeArchives(t *testing.T) {
	for name, entries := range map[string]map[string]string{
		"zip-slip":  {"../evil.js": "x"},
		"nested":    {"a/../../evil": "x"},
		"absolute":  {"/etc/passwd": "x"},
		"backslash": {`..\evil`: "x"},
		"case":      {"A.js": "1", "a.js": "2"},
		"drive":     {"C:/x": "x"},
	} {
		_, err := Unpack(rawZip(t, entries), DefaultLimits)
		if !errors.Is(err, ErrUnsafe) {
			t.Errorf("%s: err = %v, want ErrUnsafe", name, err)
		}
	}
	big := rawZip(t, map[string]string{"big.bin": strings.Repeat("0", 2000)})
	if _, err := Unpack(big, Limits{MaxFiles: 10, MaxFileSize: 1000, MaxTotal: 5000}); !errors.Is(err, ErrUnsafe) {
		t.Errorf("oversized entry: %v", err)
	}
	many := map[string]string{}
	for i := 0; i < 20; i++ {
		many[strings.Repeat("f", i+1)] = "x"
	}
	if _, err := Unpack(rawZip(t, many), Limits{MaxFiles: 10, MaxFileSize: 1000, MaxTotal: 5000}); !errors.Is(err, ErrUnsafe) {
		t.Errorf("too many entries: %v", err)
	}
	if _, err := Unpack([]byte("not a zip"), DefaultLimits); err == nil {
		t.Error("garbage accepted")
	}
}

func FuzzUnpack(f *testing.F) {
	f.Add(rawZip(f, map[string]string{"a.qext": "{}", "b/c.css": "body{}"}))
	f.Add(rawZip(f, map[string]string{"../x": "x"}))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := Unpack(data, Limits{MaxFiles: 100, MaxFileSize: 1 << 16, MaxTotal: 1 << 18})
		if err != nil {
			return
		}
		for name := range files {
			if strings.HasPrefix(name, "/") || strings.Contains(name, "..") && strings.Contains("/"+name+"/", "/../") {
				t.Fatalf("unsafe name %q accepted", name)
			}
		}
		packed, err := Pack(files)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Unpack(packed, Limits{MaxFiles: 100, MaxFileSize: 1 << 16, MaxTotal: 1 << 18})
		if err != nil || !cmp.Equal(files, again) {
			t.Fatalf("repack changed the files: %v", err)
		}
	})
}
