package webhooks

import (
	"net/http"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// eventTypes is the catalogue GET /api/v1/webhooks/event-types serves: a
// sample of Qlik's event types (the full list is not in the spec).
var eventTypes = []map[string]any{
	eventType("com.qlik.v1.app.created", "App created", "app", "An app was created."),
	eventType("com.qlik.v1.app.deleted", "App deleted", "app", "An app was deleted."),
	eventType("com.qlik.v1.app.published", "App published", "app", "An app was published to a managed space."),
	eventType("com.qlik.v1.app.data.updated", "App data updated", "app", "The data model of an app was saved."),
	eventType("com.qlik.v1.app.reload.finished", "App reload finished", "app", "An app reload finished, successfully or not."),
	eventType("com.qlik.v1.automation.run.ended", "Automation run ended", "automation", "An automation run ended."),
	eventType("com.qlik.v1.task.run.finished", "Task run finished", "task", "A scheduled task run finished."),
	eventType("com.qlik.v1.user.created", "User created", "user", "A user was added to the tenant."),
	eventType("com.qlik.v1.user.deleted", "User deleted", "user", "A user was removed from the tenant."),
}

func eventType(name, title, category, desc string) map[string]any {
	return map[string]any{"name": name, "title": title, "category": category, "description": desc,
		"levels": []string{"tenant", "user"}}
}

// simRoutes serves the test-only views (no auth, not counted):
//   - POST /_sim/webhooks/{id}/disable {"reason": "...", "code": "..."}
//     disables a webhook the way Qlik does after failed deliveries: enabled
//     false, disabledReason and disabledReasonCode set. 204.
//   - GET /_sim/webhooks/{id}/secrets returns {"secret": ..., "encryptedHeaders":
//     {name: value}}, the write-only values the API never returns.
func simRoutes(s *core.Server, mux *http.ServeMux) {
	mux.HandleFunc("POST /_sim/webhooks/{id}/disable", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Reason, Code string }
		if err := core.DecodeBody(r, &in); err != nil || in.Reason == "" {
			core.BadRequest(w, r, "/reason", "body must be {\"reason\": \"...\", \"code\": \"...\"} with a reason")
			return
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		if wh := resource.Lookup(w, r, s.St); wh != nil {
			disable(wh, in.Reason, in.Code)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	mux.HandleFunc("GET /_sim/webhooks/{id}/secrets", func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		if wh := resource.Lookup(w, r, s.St); wh != nil {
			core.WriteJSON(w, http.StatusOK, map[string]any{"secret": wh.Secret, "encryptedHeaders": nonNilMap(wh.EncryptedHeaders)})
		}
	})
}

// disable is what Qlik does to a webhook whose deliveries keep failing.
func disable(wh *webhook, reason, code string) {
	if code == "" {
		code = "DELIVERY_FAILURES"
	}
	wh.Enabled, wh.DisabledReason, wh.DisabledReasonCode = false, reason, code
}
