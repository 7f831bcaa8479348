// Package kinds holds one handler per Qlik resource kind. A handler knows how
// to read its kind from a tenant and turn it into portable documents, and how
// to create, update and delete it from a document.
//
// Handlers never see tenant ids in documents: the Tenant's Resolver turns
// natural keys (emails, group names, space names) into ids in whichever
// tenant is the target, and ids back into keys, which is what makes
// restoring into another tenant work. It lists each kind lazily, once, and
// apply teaches it what each step created or deleted.
//
// Every kind declares itself in a Desc: kind and folder, collection path,
// query and pager, whether items need a GET of their own, what it reads per
// item, the kinds it depends on, its secret fields and its policy flags
// (resource.KindPolicy: owned by the identity provider, a container, a
// directory others resolve against, built-in names). The registry computes
// waves from DependsOn by a topological sort and refuses a cycle when it is
// built. Generic layers (plan, ops, diff) read the flags, never kind names,
// and the per-kind test tables (fuzz targets and seeds, hostile responses,
// fault-injection lists, the benchmark's call count) follow from Default().
//
// # How to add a kind
//
// A simple kind, a plain REST collection, is one file in this package, a
// REST value:
//
//	var CspOrigins = REST[apiCspOrigin, cspOriginSpec]{
//		Desc: Desc{KindName: "CspOrigin", FolderName: "csp-origins",
//			ListPath: "/api/v1/csp-origins", Query: limit100(),
//			Secrets: nil, DependsOn: nil},
//		FromAPI: func(ctx context.Context, t *Tenant, o apiCspOrigin) (resource.Document, bool, error) {
//			d, err := toDoc("CspOrigin", o.Name, o.ID, cspOriginSpec{Origin: o.Origin /* ... */})
//			return d, true, err
//		},
//		ToAPI: func(ctx context.Context, t *Tenant, d resource.Document, s cspOriginSpec) (map[string]any, error) {
//			return map[string]any{"name": d.Metadata.Name, "origin": s.Origin /* ... */}, nil
//		},
//		UpdateMethod: http.MethodPut, // or PATCH with Patch: map[spec field]RFC 6902 path
//		RefsOf:       nil,            // or the refs of a document, e.g. ownerAndSpaceRefs
//	}
//
// plus its line in Default (registry.go). Resolve owners and spaces with
// t.Names.KeyOf(ctx, "User", id) in FromAPI and t.Names.Resolve in ToAPI,
// and declare those kinds in DependsOn. Declared Secrets become
// placeholders on read, are filled from the secrets source on write, keep
// the tenant's value when not supplied, and are reported as needs-re-entry
// on a create without them; REST also gives WriteSecrets.
//
// A setting the tenant has exactly one of (tenant settings, auth settings)
// is a Singleton value instead (tenantconfig.go): ListPath is its GET,
// Patch maps spec fields to RFC 6902 paths, Dir "tenant" puts its one
// document at tenant/<folder>.yaml. It is never created or deleted
// (Policy.Singleton), and Update reports the fields Qlik refuses in
// Result.NotApplied.
//
// What a restore of the kind takes is declared too, for restore-report and
// rehearse (pkg/ops/restore_report.go), which read it and never a kind name.
// Set whichever applies, one line each:
//   - Policy.NeedsReload: a restored resource has no data until reloaded
//     (apps); the text is what to do.
//   - Policy.IDReferencedOutside: the tenant issues a new id on create and
//     something outside the tenant uses the id (web integrations, OAuth
//     clients, imported apps); the text is what to re-point.
//   - Secrets: resources with placeholders are reported as needing re-entry.
//   - Recreator (CannotRecreate): documents the snapshot cannot recreate,
//     with the reason (an automation whose definition only its owner reads).
//   - Provisioned (FromIdentityProvider): documents the identity provider
//     creates, never apply (users, synced groups): what to do by hand, and
//     the qliksim seed row a rehearsal stands in for the provider with.
//
// Anything else restores directly.
//
// A kind with real behaviour (members, terms, archives, actions) embeds
// REST or Desc and overrides the methods that differ; see groups.go and
// users.go (REST with overridden writes) and spaces*.go (Desc and its own
// methods).
//
// Outside this package a kind needs, and TestEveryKindHasItsPlaces checks:
// its JSON Schema in schemas/<kind>.schema.json; qliksim routes for its
// collection (pkg/sim); a sample in examples/demo-tenant; a conformance test
// through @qlik/api in testdata/conformance naming its list path. Its
// Desc declares its Coverage (what a backup holds of it), from which
// `go test ./pkg/kinds -run TestReadmeCoverage -update` writes its row in
// the README's "What is covered" table. Then add it to the kindtest suite
// with one line: kindtest.Run(t, kinds.CspOrigins, fixture).
package kinds
