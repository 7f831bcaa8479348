// Package secrets keeps secret values out of the repo. On export a secret
// becomes a named placeholder, ${secret:NAME}; on apply the value comes from
// a secrets file (never in the repo) or from an environment variable named
// after the placeholder. The package also finds key=value secrets embedded
// in connection strings, so they are redacted like any other secret field.
package secrets
