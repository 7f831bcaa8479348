// Package core is qliksim's core: the Server (auth, rate limits, latency,
// fault injection, /_sim/ stats), Qlik's cursor paging and SCIM-style
// filters, ids, error styles as values a service declares, the tenant state
// with its typed tables (Table), the generic CRUD handler over a table
// (Resource: paging, sort, filters, create/get/PUT/PATCH/delete from a
// service's hooks) and the Service type every service package fills in. It also holds the tenant directory (users, groups, roles and
// spaces) because auth resolves the caller through it and every service
// checks the owner and space its content names; the identity and spaces
// services own the routes and seeds of those rows. Core imports no service.
package core
