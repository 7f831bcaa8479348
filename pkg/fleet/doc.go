// Package fleet runs one qlikops command across the tenants a fleet.yaml
// lists: each tenant with its own repo and credentials, a bounded number at
// a time, tenants that share a credential drawing on one rate budget (Qlik
// limits per user, not per connection). One tenant's failure never stops
// the others; the run ends with one summary and one exit code.
package fleet
