package secrets

import (
	"strings"
	"testing"
)

// Connection strings whose secret values use the escapes of their own
// syntax must be redacted whole: no tail of a password may reach the repo.
func TestRedactKeyValuesHostileValues(t *testing.T) {
	for _, c := range []struct {
		name, stmt string
		secret     []string // fragments of the secret that must not survive
	}{
		// ODBC: a '}' inside a braced value is written '}}'.
		{"odbc-brace-escape", `Driver={Snowflake};UID=svc;PWD={ab}}cd-tail};Warehouse=wh`, []string{"cd-tail"}},
		// Quoted value with a doubled quote inside.
		{"doubled-quote", `Server=h;Password="ab""cd-tail";Database=db`, []string{"cd-tail"}},
		// Single-quoted value with a space.
		{"single-quote-space", `host=h password='ab cd-tail' dbname=x`, []string{"cd-tail"}},
		// Plain ODBC values may hold spaces up to the ';'.
		{"unquoted-space", `Server=h;PWD=correct horse-tail;Database=db`, []string{"horse-tail"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, found := RedactKeyValues(c.stmt, "dc/Space/Conn/connectStatement")
			for _, s := range c.secret {
				if strings.Contains(out, s) {
					t.Errorf("BUG: secret fragment %q survives redaction of %q: %q (found %q)", s, c.stmt, out, found)
				}
			}
		})
	}
}

func TestRedactKeyValuesKeepsCleanStatements(t *testing.T) {
	stmt := `Server=h;PWD={ab;cd};Token="t;k";Database=db`
	out, found := RedactKeyValues(stmt, "b")
	for _, s := range []string{"ab;cd", "t;k"} {
		if strings.Contains(out, s) {
			t.Errorf("secret %q survives: %q", s, out)
		}
	}
	if len(found) != 2 || !strings.Contains(out, "Server=h") || !strings.Contains(out, "Database=db") {
		t.Errorf("out = %q, found = %q", out, found)
	}
}
