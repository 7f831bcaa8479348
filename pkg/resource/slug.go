package resource

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// maxSlugLen keeps paths well under every filesystem's name limit even after
// the hash suffix and the extension are added.
const maxSlugLen = 64

// windowsReserved are device names Windows refuses as file names, whatever
// the extension.
var windowsReserved = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// Slug turns a natural key into a file name stem that is safe on every
// filesystem and that never collides with another key's slug, even on
// case-insensitive filesystems.
//
// The readable part is lower-case ASCII letters, digits and - _ . @ + (so
// that an email stays readable).
// Whenever that part does not spell the name exactly (upper case, spaces,
// punctuation, truncation, a reserved name) a hash of the exact name is
// appended. Two different names therefore either have different readable
// parts, or carry different hashes. The result depends on the name only, so
// it is stable across runs and tenants.
func Slug(name string) string {
	readable := readablePart(name)
	if reservedBase(readable) {
		// "con.txt" is as unusable on Windows as "con".
		readable = "_" + readable
	}
	if readable == name && readable != "" && !hashedShape.MatchString(readable) {
		return readable
	}
	sum := sha256.Sum256([]byte(name))
	suffix := hex.EncodeToString(sum[:4])
	if readable == "" {
		return "x-" + suffix
	}
	return readable + "-" + suffix
}

func readablePart(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '@', r == '+':
			b.WriteRune(r)
			dash = false
		case r == '.' || r == '-':
			b.WriteRune(r)
			dash = r == '-'
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		if b.Len() >= maxSlugLen {
			break
		}
	}
	s := strings.Trim(b.String(), "-.")
	if len(s) > maxSlugLen {
		s = strings.Trim(s[:maxSlugLen], "-.")
	}
	return s
}

// hashedShape matches slugs that end like a hashed one. A name of that
// shape is hashed too, or "Finance" (slug finance-b696d755) and a resource
// literally named "finance-b696d755" would share a file.
var hashedShape = regexp.MustCompile(`-[0-9a-f]{8}$`)

// reservedBase reports slugs whose part before the first dot is a Windows
// device name.
func reservedBase(s string) bool {
	base, _, _ := strings.Cut(s, ".")
	return windowsReserved[base]
}
