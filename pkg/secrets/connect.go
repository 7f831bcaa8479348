package secrets

import (
	"regexp"
	"strings"
)

// secretKeys are connection-string keys whose values are credentials,
// compared without case and without '_' or '-'.
var secretKeys = []string{
	"password", "pwd", "pass", "passwd", "secret", "clientsecret", "token", "accesstoken",
	"refreshtoken", "authtoken", "apikey", "accesskey", "secretkey", "accountkey",
	"privatekey", "privatekeypassphrase", "passphrase", "sastoken", "sharedaccesskey",
}

// keyValueRE finds key=value pairs in ODBC/JDBC-style connection strings:
// a key after a separator, then a value in braces, quotes, or up to the
// next ';', '"' or end.
var keyValueRE = regexp.MustCompile(`(^|[;"'\s?&])([A-Za-z][A-Za-z0-9_\-]*)(\s*=\s*)(\{[^}]*\}|"[^"]*"|[^;"&\s]*)`)

func isSecretKey(k string) bool {
	k = strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
	for _, s := range secretKeys {
		if k == s {
			return true
		}
	}
	return false
}

// RedactKeyValues replaces the value of every secret-looking key=value pair
// in a connection string with a placeholder named base/<key>. It returns the
// redacted string and the secrets found, by placeholder name.
func RedactKeyValues(stmt, base string) (string, map[string]string) {
	found := map[string]string{}
	out := keyValueRE.ReplaceAllStringFunc(stmt, func(m string) string {
		g := keyValueRE.FindStringSubmatch(m)
		sep, key, eq, val := g[1], g[2], g[3], g[4]
		if !isSecretKey(key) || strings.HasPrefix(val, open) {
			return m
		}
		// An empty value is redacted too: the slot is a secret either way,
		// and the document then reads the same before and after a restore
		// made without the value.
		name := base + "/" + key
		found[name] = val
		return sep + key + eq + Placeholder(name)
	})
	return out, found
}

// ValueOf returns the raw value of key in a connection string, so that an
// update whose secret is not supplied can keep the tenant's value.
func ValueOf(stmt, key string) (string, bool) {
	for _, g := range keyValueRE.FindAllStringSubmatch(stmt, -1) {
		if strings.EqualFold(g[2], key) {
			return g[4], true
		}
	}
	return "", false
}
