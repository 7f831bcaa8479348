package dataconnections

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// The data connection's JSON shapes (ConnectionGet, the create/update body,
// JSON Patch) and the field rules they share.

// dcGetJSON is ConnectionGet. qLogOn is a number here (0|1) but a string in
// the create response (spec ConnectionCreateResponse), as in Qlik's spec.
type dcGetJSON struct {
	QID                  string   `json:"qID"`
	QEngineObjectID      string   `json:"qEngineObjectID"`
	QName                string   `json:"qName"`
	QType                string   `json:"qType"`
	QConnectStatement    string   `json:"qConnectStatement"`
	QArchitecture        int      `json:"qArchitecture"`
	QLogOn               any      `json:"qLogOn"`
	QSeparateCredentials bool     `json:"qSeparateCredentials"`
	QConnectionSecret    *string  `json:"qConnectionSecret,omitempty"`
	DatasourceID         string   `json:"datasourceID,omitempty"`
	Space                string   `json:"space,omitempty"`
	Tags                 []string `json:"tags"`
	User                 string   `json:"user"`
	Tenant               string   `json:"tenant"`
	Created              string   `json:"created"`
	Updated              string   `json:"updated"`
	Privileges           []string `json:"privileges"`
	Links                struct {
		Self core.Link `json:"self"`
	} `json:"links"`
}

func (s server) renderDataConnection(r *http.Request, c *dataConnection, withSecret, logOnString bool) dcGetJSON {
	out := dcGetJSON{QID: c.ID, QEngineObjectID: c.ID, QName: c.Name, QType: c.Type,
		QConnectStatement: c.ConnectStatement, QArchitecture: c.Architecture, QLogOn: c.LogOn,
		QSeparateCredentials: c.SeparateCredentials, DatasourceID: c.DatasourceID, Space: c.SpaceID,
		Tags: slices.Clone(c.Tags), User: c.OwnerID, Tenant: s.St.TenantID, Created: core.FmtTime(c.CreatedAt),
		Updated: core.FmtTime(c.UpdatedAt), Privileges: slices.Clone(dcPrivileges)}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if logOnString {
		out.QLogOn = fmt.Sprint(c.LogOn)
	}
	if withSecret && c.ConnectionSecret != "" {
		sec := c.ConnectionSecret
		out.QConnectionSecret = &sec
	}
	out.Links.Self.Href = core.BaseURL(r) + "/api/v1/data-connections/" + c.ID
	return out
}

// dcInput is the union of ConnectionCreate and ConnectionUpdate. Pointers
// tell "absent" from "empty" where Qlik's rules depend on it.
type dcInput struct {
	QID                  *string         `json:"qID"`
	QEngineObjectID      *string         `json:"qEngineObjectID"`
	QName                *string         `json:"qName"`
	QType                *string         `json:"qType"`
	QConnectStatement    *string         `json:"qConnectStatement"`
	QArchitecture        *int            `json:"qArchitecture"`
	QLogOn               json.RawMessage `json:"qLogOn"`
	QSeparateCredentials *bool           `json:"qSeparateCredentials"`
	QUsername            *string         `json:"qUsername"`
	QPassword            *string         `json:"qPassword"`
	QConnectionSecret    *string         `json:"qConnectionSecret"`
	QCredentialsID       *string         `json:"qCredentialsID"`
	DatasourceID         *string         `json:"datasourceID"`
	Space                *string         `json:"space"`
	Tags                 []string        `json:"tags"`
	ConnectionProperties json.RawMessage `json:"connectionProperties"`
}

// parseLogOn accepts the request forms of qLogOn: "0", "1",
// "LOG_ON_SERVICE_USER", "LOG_ON_CURRENT_USER" (and the numbers 0/1).
func parseLogOn(raw json.RawMessage) (int, bool) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false
	}
	switch x := v.(type) {
	case string:
		switch x {
		case "0", "LOG_ON_SERVICE_USER":
			return 0, true
		case "1", "LOG_ON_CURRENT_USER":
			return 1, true
		}
	case float64:
		if x == 0 || x == 1 {
			return int(x), true
		}
	}
	return 0, false
}

func nonEmpty(p *string) bool { return p != nil && strings.TrimSpace(*p) != "" }

// dcField names a required string field of a request body.
type dcField struct {
	name string
	v    *string
}

// dcRequired returns why the first absent or blank field fails, or "".
func dcRequired(fields ...dcField) string {
	for _, f := range fields {
		if !nonEmpty(f.v) {
			return f.name + " is required"
		}
	}
	return ""
}

// dcRequestedID returns the id a create asks for ("" for a new one): qID
// and qEngineObjectID are the same id, so either may carry it.
func dcRequestedID(in *dcInput) (string, string) {
	id, eid := core.Deref(in.QID), core.Deref(in.QEngineObjectID)
	if id == "" && eid == "" {
		return "", ""
	}
	if id != "" && eid != "" && id != eid {
		return "", "qID and qEngineObjectID must be the same"
	}
	if id == "" {
		id = eid
	}
	if !core.IsUUID(id) {
		return "", "qID must be a UUID"
	}
	return strings.ToLower(id), ""
}

func validTags(tags []string) string {
	if len(tags) > dcMaxTags {
		return fmt.Sprintf("at most %d tags are allowed", dcMaxTags)
	}
	for _, t := range tags {
		if len(t) > 256 {
			return "a tag must be at most 256 bytes"
		}
	}
	return ""
}

// applyDCOptional copies the optional create/update fields of in onto c and
// returns "" or why the input is invalid. Absent fields keep c's values; an
// absent qPassword or qConnectionSecret keeps the stored secret.
func (s server) applyDCOptional(in *dcInput, c *dataConnection) string {
	if in.QArchitecture != nil {
		if *in.QArchitecture != 0 && *in.QArchitecture != 1 {
			return "qArchitecture must be 0 or 1"
		}
		c.Architecture = *in.QArchitecture
	}
	if len(in.QLogOn) > 0 && string(in.QLogOn) != "null" {
		v, ok := parseLogOn(in.QLogOn)
		if !ok {
			return `qLogOn must be one of "0", "1", "LOG_ON_SERVICE_USER", "LOG_ON_CURRENT_USER"`
		}
		c.LogOn = v
	}
	if in.QSeparateCredentials != nil {
		c.SeparateCredentials = *in.QSeparateCredentials
	}
	if in.QUsername != nil {
		c.Username = *in.QUsername
	}
	if in.QPassword != nil {
		c.Password = *in.QPassword
	}
	if in.QConnectionSecret != nil {
		c.ConnectionSecret = *in.QConnectionSecret // "" clears
	}
	if in.DatasourceID != nil && *in.DatasourceID != "" {
		c.DatasourceID = *in.DatasourceID
	}
	if in.Space != nil {
		c.SpaceID = *in.Space
	}
	if in.Tags != nil {
		if msg := validTags(in.Tags); msg != "" {
			return msg
		}
		c.Tags = slices.Clone(in.Tags)
	}
	return ""
}

// dcPatchPaths are the fields a JSON Patch may touch, with the value kind.
var dcPatchPaths = map[string]string{
	"/qName": "string", "/qType": "string", "/qConnectStatement": "string", "/qUsername": "string",
	"/qPassword": "string", "/qConnectionSecret": "string", "/datasourceID": "string", "/space": "string",
	"/qArchitecture": "int", "/qLogOn": "logon", "/qSeparateCredentials": "bool", "/tags": "array",
}

// dcRequiredPaths are the patch paths of fields that must stay non-empty.
var dcRequiredPaths = []string{"/qName", "/qType", "/qConnectStatement", "/datasourceID"}

// dcPatchValue is one decoded patch value; remove leaves it zero, which
// resets the field.
type dcPatchValue struct {
	str string
	num int
	b   bool
	arr []string
}

// patchDCField applies one JSON Patch operation to c, or says why it cannot.
func patchDCField(c *dataConnection, op, path string, raw json.RawMessage) string {
	kind, known := dcPatchPaths[path]
	switch {
	case op != "add" && op != "replace" && op != "remove":
		return "op must be add, replace or remove"
	case !known:
		return fmt.Sprintf("path %q cannot be patched", path)
	}
	var v dcPatchValue
	if op == "remove" {
		if slices.Contains(dcRequiredPaths, path) {
			return path + " is required and cannot be removed"
		}
	} else if raw != nil {
		var msg string
		if v, msg = decodeDCPatchValue(path, kind, raw); msg != "" {
			return msg
		}
	}
	v.setOn(c, path)
	return ""
}

func decodeDCPatchValue(path, kind string, raw json.RawMessage) (dcPatchValue, string) {
	var v dcPatchValue
	var err error
	switch kind {
	case "string":
		err = json.Unmarshal(raw, &v.str)
	case "int":
		err = json.Unmarshal(raw, &v.num)
		if err == nil && v.num != 0 && v.num != 1 {
			return v, "value must be 0 or 1"
		}
	case "logon":
		var ok bool
		if v.num, ok = parseLogOn(raw); !ok {
			return v, `value must be "0", "1", "LOG_ON_SERVICE_USER" or "LOG_ON_CURRENT_USER"`
		}
	case "bool":
		err = json.Unmarshal(raw, &v.b)
	case "array":
		err = json.Unmarshal(raw, &v.arr)
		if err == nil {
			if msg := validTags(v.arr); msg != "" {
				return v, msg
			}
		}
	}
	if err != nil {
		return v, fmt.Sprintf("value of %s has the wrong type", path)
	}
	if kind == "string" && slices.Contains(dcRequiredPaths, path) && strings.TrimSpace(v.str) == "" {
		return v, path[1:] + " must not be empty"
	}
	return v, ""
}

func (v dcPatchValue) setOn(c *dataConnection, path string) {
	switch path {
	case "/qName":
		c.Name = v.str
	case "/qType":
		c.Type = v.str
	case "/qConnectStatement":
		c.ConnectStatement = v.str
	case "/qUsername":
		c.Username = v.str
	case "/qPassword":
		c.Password = v.str
	case "/qConnectionSecret":
		c.ConnectionSecret = v.str
	case "/datasourceID":
		c.DatasourceID = v.str
	case "/space":
		c.SpaceID = v.str
	case "/qArchitecture":
		c.Architecture = v.num
	case "/qLogOn":
		c.LogOn = v.num
	case "/qSeparateCredentials":
		c.SeparateCredentials = v.b
	case "/tags":
		if v.arr == nil {
			v.arr = []string{}
		}
		c.Tags = v.arr
	}
}
