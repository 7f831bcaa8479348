package apps

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// app is one stored app. Deleted apps stay in the table, marked, until the
// recycle bin is emptied: Qlik's delete is a soft delete that
// actions/restore undoes with the same id.
type app struct {
	ID          string          `json:"id"`
	ItemID      string          `json:"itemId"` // the items catalogue id (≠ the app id)
	Name        string          `json:"name"`
	Description string          `json:"description"`
	SpaceID     string          `json:"spaceId"` // "" is the owner's personal space
	OwnerID     string          `json:"ownerId"`
	CreatorID   string          `json:"creatorId"`
	UpdaterID   string          `json:"updaterId"`
	Usage       string          `json:"usage"`
	Locale      string          `json:"locale,omitempty"`
	CreatedAt   time.Time       `json:"createdAt"`
	ModifiedAt  time.Time       `json:"modifiedAt"`
	Scripts     []scriptVersion `json:"scripts"` // oldest first; the last is current
	Objects     []appObject     `json:"objects"`
	// OriginAppID is the source app of a published copy; PublishTime
	// when it was last published (zero: not a published copy).
	OriginAppID string    `json:"originAppId,omitempty"`
	PublishTime time.Time `json:"publishTime,omitzero"`
	Deleted     bool      `json:"deleted,omitempty"`
	DeletedAt   time.Time `json:"deletedAt,omitzero"`
	Seq         int64     `json:"seq"`
}

// scriptVersion is one saved version of an app's load script.
type scriptVersion struct {
	ID             string    `json:"id"`
	Script         string    `json:"script"`
	VersionMessage string    `json:"versionMessage"`
	ModifiedTime   time.Time `json:"modifiedTime"`
	ModifierID     string    `json:"modifierId"`
}

// appObject is one engine object (sheet, master measure, ...), opaque to
// the REST API: only the QVF stand-in carries it.
type appObject struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Title      string          `json:"title,omitempty"`
	Properties json.RawMessage `json:"properties,omitempty"`
}

// Apps is the apps table, deleted apps included.
var Apps = core.NewTable[app]("apps")

// usages are the spec's UsageEnum.
var usages = []string{"ANALYTICS", "DATA_PREPARATION", "DATAFLOW_PREP", "SINGLE_TABLE_PREP", "DIRECT_QUERY_MODE"}

// defaultScript is what a new app holds before anyone edits it (the shape
// of Qlik's: a Main section setting the number and date formats).
const defaultScript = "///$tab Main\r\nSET ThousandSep=',';\r\nSET DecimalSep='.';\r\nSET DateFormat='YYYY-MM-DD';\r\n"

// current is the app's current script version.
func (a *app) current() *scriptVersion {
	if len(a.Scripts) == 0 {
		return &scriptVersion{}
	}
	return &a.Scripts[len(a.Scripts)-1]
}

// live returns the app id names if it exists and is not deleted.
func live(st *core.State, id string) *app {
	if a := Apps.Get(st, id); a != nil && !a.Deleted {
		return a
	}
	return nil
}

// lookup returns the live app of {appId} or writes the 404.
func lookup(w http.ResponseWriter, r *http.Request, st *core.State) *app {
	a := live(st, r.PathValue("appId"))
	if a == nil {
		core.NotFound(w, r, "app "+quote(r.PathValue("appId"))+" not found")
	}
	return a
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// attributes is the app's NxAttributes.
func attributes(a *app) map[string]any {
	m := map[string]any{
		"id": a.ID, "name": a.Name, "description": a.Description, "thumbnail": "",
		"createdDate": core.FmtTime(a.CreatedAt), "modifiedDate": core.FmtTime(a.ModifiedAt),
		"owner": "auth0|" + a.OwnerID, "ownerId": a.OwnerID, "published": false,
		"custom": map[string]any{}, "dynamicColor": "", "hasSectionAccess": false, "encrypted": false,
		"isDirectQueryMode": a.Usage == "DIRECT_QUERY_MODE", "usage": a.Usage, "spaceId": a.SpaceID,
	}
	if a.Locale != "" {
		m["locale"] = a.Locale
	}
	if a.OriginAppID != "" {
		m["originAppId"], m["publishTime"] = a.OriginAppID, core.FmtTime(a.PublishTime)
	}
	return m
}

// appPrivileges are what the API-key caller may do: everything, as the
// owner or a TenantAdmin.
var appPrivileges = []string{"read", "update", "delete", "reload", "import", "export", "exportdata",
	"duplicate", "change_owner", "change_space", "publish"}

// renderApp is the spec's NxApp.
func renderApp(a *app) map[string]any {
	return map[string]any{"attributes": attributes(a), "privileges": appPrivileges,
		"create": []any{map[string]any{"resource": "sheet", "canCreate": true}}}
}

// touch records a change of the app by the caller. The modified time only
// moves forward, by at least a millisecond (its precision): clients skip
// re-reading an app whose modified time has not moved, so two changes in
// one millisecond must not share one.
func (s server) touch(st *core.State, a *app) {
	now := s.Now()
	if !now.After(a.ModifiedAt) {
		now = a.ModifiedAt.Add(time.Millisecond)
	}
	a.ModifiedAt, a.UpdaterID = now, core.CallerOf(st).ID
}
