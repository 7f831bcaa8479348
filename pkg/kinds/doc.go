// Package kinds holds one handler per Qlik resource kind. A handler knows how
// to read its kind from a tenant and turn it into portable documents, and how
// to create, update and delete it from a document. Adding a kind means one
// new file here plus a line in Default.
//
// Handlers never see tenant ids in documents: the Tenant type resolves natural
// keys (emails, group names, space names) to ids in whichever tenant is the
// target, which is what makes restoring into another tenant work.
package kinds
