// Package ippolicies serves Qlik Cloud's IP policies (/api/core/ip-policies,
// the iam-resources spec) and enforces them: while any policy is enabled,
// every /api request must come from an address one of the enabled policies
// allows, or it is refused with 403. The address is the connection's
// remote address (127.0.0.1 in tests), and every /api answer names it in
// the Qliksim-Client-Address header, so that qlikops's lock-out guard can
// learn the address the tenant sees.
package ippolicies
