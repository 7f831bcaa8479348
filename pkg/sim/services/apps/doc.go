// Package apps serves Qlik's apps API as qlikops uses it: apps CRUD
// (/api/v1/apps, attributes, owner, space), the load script with its
// versions (/api/v1/apps/{appId}/scripts), export to and import from
// temp-contents (/api/v1/temp-contents), soft delete with the recycle-bin
// restore (/api/analytics/apps/{appId}/actions/restore), and the items
// catalogue that lists apps (/api/v1/items?resourceType=app). It also
// reads the apps.yaml file of a seed directory.
//
// qliksim holds no data and no engine: an "app" is its attributes, its
// script versions and a list of objects (sheets, master items) kept as
// opaque JSON. Its stand-in for a QVF is qliksim's own format, described in
// qvf.go: a deterministic zip of the script, the attributes and the
// objects. Clients must treat it as opaque bytes, as they treat a real QVF.
//
// It registers itself with pkg/sim through its Service value.
package apps
