package secrets

import (
	"strings"
)

// secretKeys are connection-string keys whose values are credentials,
// compared without case and without '_' or '-'.
var secretKeys = []string{
	"password", "pwd", "pass", "passwd", "secret", "clientsecret", "token", "accesstoken",
	"refreshtoken", "authtoken", "apikey", "accesskey", "secretkey", "accountkey",
	"privatekey", "privatekeypassphrase", "passphrase", "sastoken", "sharedaccesskey",
}

// secretKeySeparators is built once: isSecretKey runs for every key of
// every connection string an export redacts.
var secretKeySeparators = strings.NewReplacer("_", "", "-", "")

func isSecretKey(k string) bool {
	k = strings.ToLower(secretKeySeparators.Replace(k))
	for _, s := range secretKeys {
		if k == s {
			return true
		}
	}
	return false
}

// pair is one key=value in a connection string; value spans
// stmt[valStart:valEnd] including any braces or quotes.
type pair struct {
	key              string
	valStart, valEnd int
}

// pairs scans ODBC/JDBC-style (key=value;...) and libpq-style (key=value
// key=value) connection strings. Values may be braced ({...} with }} for a
// literal brace) or quoted ("..." or '...' with the quote doubled inside).
// A plain value runs to the next ';' when the string uses semicolons, and to
// the next space otherwise; a closing double quote (the end of a Qlik
// CUSTOM CONNECT TO "..." statement) also ends it.
func pairs(stmt string) []pair {
	semicolons := strings.Contains(stmt, ";")
	var out []pair
	for i := 0; i < len(stmt); {
		if i > 0 && !isSeparator(stmt[i-1]) || !isKeyStart(stmt[i]) {
			i++
			continue
		}
		j := i
		for j < len(stmt) && isKeyChar(stmt[j]) {
			j++
		}
		k := skipSpaces(stmt, j)
		if k >= len(stmt) || stmt[k] != '=' {
			i = j
			continue
		}
		start := skipSpaces(stmt, k+1)
		end := valueEnd(stmt, start, semicolons)
		out = append(out, pair{key: stmt[i:j], valStart: start, valEnd: end})
		i = max(end, start+1)
	}
	return out
}

func valueEnd(stmt string, start int, semicolons bool) int {
	if start >= len(stmt) {
		return start
	}
	switch q := stmt[start]; q {
	case '{':
		return closing(stmt, start, '}')
	case '"', '\'':
		return closing(stmt, start, q)
	}
	for i := start; i < len(stmt); i++ {
		c := stmt[i]
		if c == ';' || c == '"' || (!semicolons && (c == ' ' || c == '\t' || c == '&')) {
			return i
		}
	}
	return len(stmt)
}

// closing finds the end of a value opened at start and closed by c, where
// a doubled c inside stands for itself.
func closing(stmt string, start int, c byte) int {
	for i := start + 1; i < len(stmt); i++ {
		if stmt[i] != c {
			continue
		}
		if i+1 < len(stmt) && stmt[i+1] == c {
			i++
			continue
		}
		return i + 1
	}
	return len(stmt) // unterminated: everything left is the value
}

func isSeparator(c byte) bool {
	return c == ';' || c == '"' || c == '\'' || c == ' ' || c == '\t' || c == '\n' || c == '?' || c == '&'
}
func isKeyStart(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func isKeyChar(c byte) bool {
	return isKeyStart(c) || c >= '0' && c <= '9' || c == '_' || c == '-'
}
func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// RedactKeyValues replaces the value of every secret-looking key=value pair
// in a connection string with a placeholder named base/<key>. It returns the
// redacted string and the secrets found, by placeholder name. An empty value
// is redacted too: the slot is a secret either way, and the document then
// reads the same before and after a restore made without the value.
func RedactKeyValues(stmt, base string) (string, map[string]string) {
	found := map[string]string{}
	var b strings.Builder
	last := 0
	for _, p := range pairs(stmt) {
		val := stmt[p.valStart:p.valEnd]
		if !isSecretKey(p.key) || strings.HasPrefix(val, open) {
			continue
		}
		name := base + "/" + p.key
		found[name] = val
		b.WriteString(stmt[last:p.valStart])
		b.WriteString(Placeholder(name))
		last = p.valEnd
	}
	b.WriteString(stmt[last:])
	return b.String(), found
}

// ValueOf returns the raw value of key in a connection string, so that an
// update whose secret is not supplied can keep the tenant's value.
func ValueOf(stmt, key string) (string, bool) {
	for _, p := range pairs(stmt) {
		if strings.EqualFold(p.key, key) {
			return stmt[p.valStart:p.valEnd], true
		}
	}
	return "", false
}
