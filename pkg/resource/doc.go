// Package resource defines the document every exported Qlik resource becomes:
// a Kubernetes-style envelope (apiVersion, kind, metadata, spec) whose spec
// holds only portable, user-managed fields. References to other resources are
// written by natural key (a space name, a user's email, a group name), never
// by tenant id, so a document can be applied to any tenant.
package resource
