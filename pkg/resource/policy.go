package resource

// KindPolicy is what the generic layers (plan, ops, diff) may know about a
// kind. They read these flags instead of naming kinds, so a new kind brings
// its own rules and nothing outside its file changes.
type KindPolicy struct {
	// IdPOwned: the identity provider creates and deletes these (users).
	// Apply never creates one, so a reference to a missing one is never
	// satisfied by the run's own creates.
	IdPOwned bool
	// Container: other resources live in it (spaces). A reference to a
	// missing container is never skipped: what lives in it cannot be
	// written anywhere else.
	Container bool
	// Directory: references resolve against this kind (users, groups), so
	// every plan reads it from the tenant whatever --kinds selects.
	Directory bool
	// Builtin maps the names of resources every tenant has without listing
	// them to their fixed ids, such as Qlik's Everyone group.
	Builtin map[string]string
	// Access: the kind decides who can reach the tenant at all (identity
	// providers, auth settings, IP policies). A plan that changes one is
	// dangerous, and apply's lock-out guard checks it (safety rule 11).
	Access bool
	// Switch names the boolean spec field of an access kind that turns a
	// resource on (enabled, active). A step whose resource is off on both
	// sides (a disabled IP policy restored disabled) changes no one's
	// access, and is not dangerous.
	Switch string
	// IDReferencedOutside: the tenant issues the id and something outside
	// the tenant refers to it (embedding sites carry a web integration's
	// id). A create therefore breaks those references, and apply reports
	// the new id next to the old one, with this as what to do about it.
	IDReferencedOutside string
	// Singleton: the tenant has exactly one, always (tenant settings, auth
	// settings). It is never created or deleted, so plan only ever updates
	// it, and prune never removes it; absent from a snapshot it is simply
	// not managed.
	Singleton bool
	// NeedsReload: a restored resource holds no data until it is reloaded
	// (apps are exported without data). The text is what to do about it;
	// restore-report lists the kind's resources under "needs a reload".
	NeedsReload string
}
