package apps

import (
	"net/http"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// ItemByID is the catalogue item itemID names, as GET /api/v1/items lists
// it (itemResultResponseBody), for services that hold items by id (the
// collections); ok is false for no such item or a deleted app. The state
// must be locked.
func ItemByID(r *http.Request, st *core.State, itemID string) (map[string]any, bool) {
	for _, a := range Apps.In(st) {
		if a.ItemID == itemID && !a.Deleted {
			return renderItem(r, st, a), true
		}
	}
	return nil, false
}
