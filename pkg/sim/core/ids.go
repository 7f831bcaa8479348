package core

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
)

// Ids shared by every service: UUIDs (data connections, automations,
// glossaries, themes, extensions) and random tokens. The 24-hex ids of spaces
// and users are state.newID.

// newUUID returns a version-4 style UUID: random, or from the id counter when
// the simulator is deterministic. Data connections, automations and
// automation connections use UUIDs, not the 24-hex ids of spaces and users.
func (s *Server) NewUUID(st *State) string { return s.UUIDFrom(st, 0x100) }

// UUIDFrom is newUUID with the deterministic counter shifted by offset.
// Glossaries, themes and extensions count from 0 and the other services from
// 0x100; both are kept so that deterministic ids stay as they were.
func (s *Server) UUIDFrom(st *State, offset int64) string {
	if s.Opts.Deterministic {
		st.IDCounter++
		return fmt.Sprintf("00000000-0000-4000-8000-%012x", offset+st.IDCounter)
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func IsUUID(s string) bool { return uuidRE.MatchString(s) }

// randomToken returns n random characters from [A-Za-z0-9].
func RandomToken(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Services with one cursor parameter (data-connections `page`, automations
// `cursor`) carry the direction in the opaque value: "n" or "p" followed by
// the paginate cursor.
