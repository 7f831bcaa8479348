package kinds_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

// Fixtures of the kinds that live in spaces or carry side files or secrets:
// data connections, automation connections, automations, glossaries, themes
// and extensions. The one-line tests are in conformance_test.go.

// Secret sentinels the fixtures hand to Create through a secrets.Store. They
// reach the simulator's storage and must never come back in an export.
const (
	dcPasswordSentinel   = "kindtest-dc-password-SENTINEL-5d1e"
	dcUsernameSentinel   = "kindtest-dc-username-SENTINEL-77a0"
	dcPWDSentinel        = "kindtest-dc-connect-PWD-SENTINEL-c3b9"
	dcConnSecretSentinel = "kindtest-dc-connection-secret-SENTINEL-0f42"
	acTokenSentinel      = "kindtest-ac-api-token-SENTINEL-a8e6"
	acHostValue          = "kindtest-ac-host-SENTINEL.example.com"
)

// The demo seed's secrets (examples/demo-tenant): obviously fake, but
// secrets all the same.
var demoDCSecrets = []string{"FAKE-not-a-real-password-1", "FAKE-crm-api-token-0000"}
var demoACSecrets = []string{"FAKE-xoxb-0000-not-a-real-token", "FAKE-smtp-password-123"}

func ptr[T any](v T) *T { return &v }

func withFiles(d resource.Document, files map[string][]byte) resource.Document {
	d.Files = files
	return d
}

func inSpace(d resource.Document, space string) resource.Document {
	d.Metadata.Space = space
	return d
}

// prettyJSON is how the automations handler writes a workspace: sorted
// keys, two-space indent, a final newline.
func prettyJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// binaryFile is a small "image" holding every byte value, NULs, CR LF and
// invalid UTF-8, so that only a byte-exact round trip passes.
func binaryFile(salt byte) []byte {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for i := 0; i < 256; i++ {
		b = append(b, byte(i)^salt)
	}
	return append(b, 0xff, 0xfe, 0x00, '\r', '\n', 0xc3)
}

// --- Data connections -------------------------------------------------

const dcName, dcSpace = "Conformance Snowflake", "Finance"

func dcPlaceholder(field string) string {
	return secrets.Placeholder(secrets.Name("data-connections", dcSpace, dcName) + "/" + field)
}

func dcStatement(warehouse string) string {
	return `CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=snowflake;server=conformance.snowflakecomputing.com;warehouse=` +
		warehouse + `;database=CONF;PWD=` + dcPlaceholder("connectStatement/PWD") + `;"`
}

var dataConnectionsFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: inSpace(resource.New("DataConnection", dcName, "", spec{
		"type":             "QvOdbcConnectorPackage.exe",
		"datasource":       "snowflake",
		"connectStatement": dcStatement("CONF_WH"),
		"tags":             list{"conformance", "snowflake"},
		"username":         dcPlaceholder("username"),
		"password":         dcPlaceholder("password"),
		"connectionSecret": dcPlaceholder("connectionSecret"),
	}), dcSpace),
	// Another warehouse and other tags; the secrets stay placeholders.
	Modified: inSpace(resource.New("DataConnection", dcName, "", spec{
		"type":             "QvOdbcConnectorPackage.exe",
		"datasource":       "snowflake",
		"connectStatement": dcStatement("CONF_WH_XL"),
		"tags":             list{"conformance", "resized"},
		"username":         dcPlaceholder("username"),
		"password":         dcPlaceholder("password"),
		"connectionSecret": dcPlaceholder("connectionSecret"),
	}), dcSpace),
	// The connection secret goes: Qlik keeps a stored secret that an
	// update leaves out, so the handler must clear it or say it did not.
	Partial: []resource.Document{inSpace(resource.New("DataConnection", dcName, "", spec{
		"type":             "QvOdbcConnectorPackage.exe",
		"datasource":       "snowflake",
		"connectStatement": dcStatement("CONF_WH"),
		"tags":             list{"conformance", "snowflake"},
		"username":         dcPlaceholder("username"),
		"password":         dcPlaceholder("password"),
	}), dcSpace)},
	// The same name in another space, without secrets of its own.
	Twin: ptr(inSpace(resource.New("DataConnection", dcName, "", spec{
		"type":             "QvOdbcConnectorPackage.exe",
		"datasource":       "snowflake",
		"connectStatement": `CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=snowflake;server=twin.snowflakecomputing.com;"`,
		"username":         secrets.Placeholder(secrets.Name("data-connections", "Sales Analytics", dcName) + "/username"),
		"password":         secrets.Placeholder(secrets.Name("data-connections", "Sales Analytics", dcName) + "/password"),
	}), "Sales Analytics")),
	FailPaths: []string{"/api/v1/data-connections", "/api/v1/data-connections/*", "/api/v1/spaces"},
	Secrets:   append([]string{dcPasswordSentinel, dcUsernameSentinel, dcPWDSentinel, dcConnSecretSentinel}, demoDCSecrets...),
	SecretStore: secrets.NewStore(map[string]string{
		secrets.Name("data-connections", dcSpace, dcName) + "/username":             dcUsernameSentinel,
		secrets.Name("data-connections", dcSpace, dcName) + "/password":             dcPasswordSentinel,
		secrets.Name("data-connections", dcSpace, dcName) + "/connectionSecret":     dcConnSecretSentinel,
		secrets.Name("data-connections", dcSpace, dcName) + "/connectStatement/PWD": dcPWDSentinel,
	}, nil),
	Stored: func(t *testing.T, e *kindtest.Env, d resource.Document) map[string]string {
		var out map[string]string
		e.SimGet(t, "/_sim/data-connections/"+url.PathEscape(d.Metadata.ID)+"/secrets", &out)
		var live struct {
			Statement string `json:"qConnectStatement"`
		}
		if err := e.Client.Do(t.Context(), http.MethodGet, "/api/v1/data-connections/"+url.PathEscape(d.Metadata.ID), nil, &live); err != nil {
			t.Fatal(err)
		}
		out["qConnectStatement PWD"], _ = secrets.ValueOf(live.Statement, "PWD")
		return out
	},
	WantStored: map[string]string{
		"qUsername":             dcUsernameSentinel,
		"qPassword":             dcPasswordSentinel,
		"qConnectionSecret":     dcConnSecretSentinel,
		"qConnectStatement PWD": dcPWDSentinel,
	},
}

// --- Automation connections ---------------------------------------------

const acName, acSpace = "Conformance Connection", "Finance"

func acPlaceholder(param string) string {
	return secrets.Placeholder(secrets.Name("automation-connections", acSpace, acName, param))
}

func acDoc(owner string) resource.Document {
	return inSpace(resource.New("AutomationConnection", acName, "", spec{
		"connector": "0d86ee8a-27c0-11ea-921c-022e6b5ea1e2",
		"owner":     owner,
		"params": list{
			spec{"name": "apiToken", "value": acPlaceholder("apiToken")},
			spec{"name": "host", "value": acPlaceholder("host")},
		},
	}), acSpace)
}

var automationConnectionsFixture = kindtest.Fixture{
	Seed: demoSeed,
	// Created by the caller, then handed to carol; the update hands it on.
	New:      acDoc("user:carol.white@example.com"),
	Modified: acDoc("user:bob.smith@example.com"),
	// A parameter is added: the API sets values of existing parameters
	// only, so the handler must say it did not add it.
	Partial: []resource.Document{func() resource.Document {
		d := acDoc("user:carol.white@example.com")
		d.Spec["params"] = append(d.Spec["params"].(list), spec{"name": "region", "value": acPlaceholder("region")})
		return d
	}()},
	Twin: ptr(inSpace(resource.New("AutomationConnection", acName, "", spec{
		"connector": "61a87510-c7a3-11ea-95da-0fb0c241e75c",
		"owner":     "user:admin@example.com",
		"params": list{
			spec{"name": "workspace", "value": secrets.Placeholder(secrets.Name("automation-connections", "Sales Analytics", acName, "workspace"))},
		},
	}), "Sales Analytics")),
	FailPaths: []string{"/api/v1/automation-connections", "/api/v1/automation-connections/*",
		"/api/v1/spaces", "/api/v1/users"},
	Secrets: append([]string{acTokenSentinel, acHostValue}, demoACSecrets...),
	SecretStore: secrets.NewStore(map[string]string{
		secrets.Name("automation-connections", acSpace, acName, "apiToken"): acTokenSentinel,
		secrets.Name("automation-connections", acSpace, acName, "host"):     acHostValue,
	}, nil),
	Stored: func(t *testing.T, e *kindtest.Env, d resource.Document) map[string]string {
		var out struct {
			Params map[string]string `json:"params"`
		}
		e.SimGet(t, "/_sim/automation-connections/"+url.PathEscape(d.Metadata.ID)+"/secrets", &out)
		return out.Params
	},
	WantStored: map[string]string{"apiToken": acTokenSentinel, "host": acHostValue},
}

// --- Automations --------------------------------------------------------

// The caller (admin@example.com, the API key's user) owns the automation
// throughout, so its definition stays visible and fully manageable.
var automationsFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: withFiles(resource.New("Automation", "Conformance Automation", "", spec{
		"space":             "Finance",
		"owner":             "user:admin@example.com",
		"description":       "Created by the conformance suite.",
		"state":             "enabled",
		"maxConcurrentRuns": 1,
		"schedules": list{
			spec{"interval": 3600, "startAt": "2026-02-01 00:00:00", "timezone": "Europe/Stockholm"},
		},
	}), map[string][]byte{"workspace.json": prettyJSON(spec{
		"blocks": list{
			spec{"id": "c0f0a000-0000-4000-8000-000000000001", "type": "StartBlock", "name": "Start", "x": 0, "y": 0},
		},
		"variables": list{},
	})}),
	// Everything a caller who owns it can change: definition (description,
	// schedules, runs, workspace), space and state.
	Modified: withFiles(resource.New("Automation", "Conformance Automation", "", spec{
		"space":             "Sales Analytics",
		"owner":             "user:admin@example.com",
		"description":       "Changed by the conformance suite.",
		"state":             "disabled",
		"maxConcurrentRuns": 3,
		"schedules": list{
			spec{"interval": 7200, "startAt": "2026-03-01 06:00:00", "stopAt": "2027-03-01 06:00:00", "timezone": "UTC"},
		},
	}), map[string][]byte{"workspace.json": prettyJSON(spec{
		"blocks": list{
			spec{"id": "c0f0a000-0000-4000-8000-000000000001", "type": "StartBlock", "name": "Start", "x": 0, "y": 0,
				"childId": "c0f0a000-0000-4000-8000-000000000002"},
			spec{"id": "c0f0a000-0000-4000-8000-000000000002", "type": "EndpointBlock", "name": "sendMail",
				"inputs": list{spec{"name": "to", "value": "ops@example.com"}}, "x": 0, "y": 120},
		},
		"variables": list{spec{"name": "attempts", "type": "number"}},
	})}),
	FailPaths: []string{"/api/v1/automations", "/api/v1/automations/*", "/api/v1/spaces", "/api/v1/users"},
}

// Schedules with a recurrence rule (RRULE) instead of an interval, which
// Qlik Automate and the simulator accept.
var automationRecurrenceFixture = func() kindtest.Fixture {
	f := automationsFixture
	f.Modified = withFiles(resource.New("Automation", "Conformance Automation", "", spec{
		"space":             "Finance",
		"owner":             "user:admin@example.com",
		"description":       "Created by the conformance suite.",
		"state":             "enabled",
		"maxConcurrentRuns": 1,
		"schedules": list{
			spec{"recurrence": "RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=8;BYMINUTE=0", "startAt": "2026-01-05 08:00:00", "timezone": "America/New_York"},
		},
	}), automationsFixture.New.Files)
	return f
}()

// An automation another user owns: the caller sees it in the list but not
// its definition, so it is exported without the workspace and cannot be
// recreated (Create skips it); space and state are actions any admin may
// take, so they are restored.
var hiddenAutomationFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("Automation", "Sales Weekly Digest", "", spec{
		"space":             "Sales Analytics",
		"owner":             "user:carol.white@example.com",
		"description":       "Posts the weekly pipeline summary to Slack.",
		"state":             "enabled",
		"maxConcurrentRuns": 1,
		"definitionVisible": false,
	}),
	Modified: resource.New("Automation", "Sales Weekly Digest", "", spec{
		"space":             "Marketing Sandbox",
		"owner":             "user:carol.white@example.com",
		"description":       "Posts the weekly pipeline summary to Slack.",
		"state":             "disabled",
		"maxConcurrentRuns": 1,
		"definitionVisible": false,
	}),
	// Its definition cannot be changed by the caller: reported, not applied.
	Partial: []resource.Document{resource.New("Automation", "Sales Weekly Digest", "", spec{
		"space":             "Sales Analytics",
		"owner":             "user:carol.white@example.com",
		"description":       "Changed by someone who cannot see it.",
		"state":             "enabled",
		"maxConcurrentRuns": 1,
		"definitionVisible": false,
	})},
	NeverCreates: true,
	FailPaths:    []string{"/api/v1/automations", "/api/v1/automations/*", "/api/v1/spaces", "/api/v1/users"},
}

// --- Glossaries ---------------------------------------------------------

// richText is Qlik's rich-text form of overview and relatedInformation, as
// Read returns it.
func richText(s string) string {
	return `[{"children":[{"text":"` + s + `"}],"type":"paragraph"}]`
}

var glossariesFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: resource.New("Glossary", "Conformance Glossary", "", spec{
		"space":       "Finance",
		"description": "Created by the conformance suite.",
		"overview":    richText("What the conformance suite means."),
		"tags":        list{"conformance", "finance"},
		"categories": list{
			spec{"name": "Metrics", "description": "Measured things.", "stewards": list{"jane.doe@example.com"}},
			spec{"name": "Metrics/Ratios", "description": "One over another.", "stewards": list{"bob.smith@example.com", "jane.doe@example.com"}},
			spec{"name": "Metrics/Ratios/Margins", "description": "Share of revenue."},
			spec{"name": "Retired", "description": "No longer used."},
		},
		"terms": list{
			spec{"name": "Churn", "description": "Customers lost in a period.", "status": "draft",
				"categories": list{"Metrics"}, "relatesTo": list{spec{"term": "Net Margin", "type": "seeAlso"}}},
			spec{"name": "Net Margin", "abbreviation": "NM", "description": "Net income over revenue.",
				"relatedInformation": richText("Reported quarterly."), "status": "verified",
				"categories": list{"Metrics/Ratios", "Metrics/Ratios/Margins"}, "stewards": list{"jane.doe@example.com"},
				"tags": list{"kpi", "quarterly"}},
			spec{"name": "Old Metric", "description": "Replaced by Net Margin.", "status": "deprecated",
				"categories": list{"Retired"}, "relatesTo": list{spec{"term": "Net Margin", "type": "replacedBy"}}},
		},
	}),
	// Glossary fields change, a category goes and one comes, a term goes,
	// one comes, and the rest change status, stewards, tags and relations.
	Modified: resource.New("Glossary", "Conformance Glossary", "", spec{
		"space":       "Sales Analytics",
		"description": "Changed by the conformance suite.",
		"overview":    richText("What the conformance suite means now."),
		"tags":        list{"conformance"},
		"categories": list{
			spec{"name": "Metrics", "description": "Measured things, revised.", "stewards": list{"carol.white@example.com"}},
			spec{"name": "Metrics/Ratios", "description": "One over another.", "stewards": list{"jane.doe@example.com"}},
			spec{"name": "Metrics/Ratios/Margins", "description": "Share of revenue."},
			spec{"name": "Sales", "description": "Pipeline terms."},
		},
		"terms": list{
			spec{"name": "Churn", "description": "Customers lost in a period.", "status": "verified",
				"categories": list{"Metrics", "Sales"}, "stewards": list{"carol.white@example.com"},
				"relatesTo": list{spec{"term": "Win Rate", "type": "seeAlso"}}},
			spec{"name": "Net Margin", "abbreviation": "NM", "description": "Net income over revenue.",
				"relatedInformation": richText("Reported monthly."), "status": "deprecated",
				"categories": list{"Metrics/Ratios/Margins"}, "tags": list{"kpi"}},
			spec{"name": "Win Rate", "description": "Deals won over deals closed.", "status": "draft",
				"categories": list{"Sales"}, "relatesTo": list{spec{"term": "Churn", "type": "seeAlso"}}},
		},
	}),
	FailPaths: []string{"/api/v1/glossaries", "/api/v1/glossaries/*/categories", "/api/v1/glossaries/*/terms",
		"/api/v1/spaces", "/api/v1/users"},
}

// --- Themes and extensions ------------------------------------------------

var themesFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: withFiles(resource.New("Theme", "Conformance Theme", "", spec{
		"qextFilename": "conformance-theme",
		"type":         "theme",
	}), map[string][]byte{
		"files/conformance-theme.qext": []byte("{\n  \"name\": \"Conformance Theme\",\n  \"type\": \"theme\",\n  \"version\": \"1.0.0\"\n}\n"),
		"files/theme.json":             []byte("{\n  \"_inherit\": true,\n  \"color\": \"#123456\"\n}\n"),
		"files/img/logo.png":           binaryFile(0),
		"files/old.css":                []byte(".old { color: red; }\n"),
		"files/notes.txt":              []byte("CRLF line\r\nno final newline, tab\there, ünïcödé"),
	}),
	// A file changes, the binary changes, one file goes and one comes in a
	// new folder; the name (from the .qext) stays.
	Modified: withFiles(resource.New("Theme", "Conformance Theme", "", spec{
		"qextFilename": "conformance-theme",
		"type":         "theme",
	}), map[string][]byte{
		"files/conformance-theme.qext": []byte("{\n  \"name\": \"Conformance Theme\",\n  \"type\": \"theme\",\n  \"version\": \"1.1.0\"\n}\n"),
		"files/theme.json":             []byte("{\n  \"_inherit\": false,\n  \"color\": \"#654321\"\n}\n"),
		"files/img/logo.png":           binaryFile(0x5a),
		"files/css/new.css":            []byte(".new { color: blue; }\n"),
		"files/notes.txt":              []byte("CRLF line\r\nno final newline, tab\there, ünïcödé"),
	}),
	FailPaths: []string{"/api/v1/themes", "/api/v1/themes/*/file"},
}

var extensionsFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: withFiles(resource.New("Extension", "Conformance Tile", "", spec{
		"qextFilename": "conformance-tile",
		"type":         "visualization",
	}), map[string][]byte{
		"files/conformance-tile.qext": []byte("{\n  \"name\": \"Conformance Tile\",\n  \"type\": \"visualization\",\n  \"version\": \"0.1.0\"\n}\n"),
		"files/conformance-tile.js":   []byte("define([], function () {\n  return { paint: function () {} };\n});\n"),
		"files/preview.png":           binaryFile(0x11),
	}),
	Modified: withFiles(resource.New("Extension", "Conformance Tile", "", spec{
		"qextFilename": "conformance-tile",
		"type":         "visualization",
	}), map[string][]byte{
		"files/conformance-tile.qext": []byte("{\n  \"name\": \"Conformance Tile\",\n  \"type\": \"visualization\",\n  \"version\": \"0.2.0\"\n}\n"),
		"files/conformance-tile.js":   []byte("define([\"css!./style.css\"], function () {\n  return { paint: function () { return 1; } };\n});\n"),
		"files/style.css":             []byte(".tile { display: flex; }\n"),
		"files/preview.png":           binaryFile(0x22),
	}),
	FailPaths: []string{"/api/v1/extensions", "/api/v1/extensions/*/file"},
}
