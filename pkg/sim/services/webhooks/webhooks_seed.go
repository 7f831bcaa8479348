package webhooks

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// seedWebhook is one entry of webhooks.yaml: the create body's fields,
// owner by user email (absent: the API-key caller), and the reason Qlik
// disabled it for, if it did.
type seedWebhook struct {
	Name                       string            `json:"name"`
	Description                string            `json:"description,omitempty"`
	URL                        string            `json:"url"`
	EventTypes                 []string          `json:"eventTypes,omitempty"`
	Filter                     string            `json:"filter,omitempty"`
	Headers                    map[string]string `json:"headers,omitempty"`
	EncryptedHeaders           map[string]string `json:"encryptedHeaders,omitempty"`
	Secret                     string            `json:"secret,omitempty"`
	Enabled                    bool              `json:"enabled"`
	Level                      string            `json:"level,omitempty"`
	Owner                      string            `json:"owner,omitempty"`
	Origin                     string            `json:"origin,omitempty"`
	CheckCertificateRevocation bool              `json:"checkCertificateRevocation,omitempty"`
	EnableCloudEventDelivery   *bool             `json:"enableCloudEventDelivery,omitempty"`
	DisabledReason             string            `json:"disabledReason,omitempty"`
	DisabledReasonCode         string            `json:"disabledReasonCode,omitempty"`
}

func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "webhooks.yaml")
	var entries []seedWebhook
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		if err := seedOne(s, st, e); err != nil {
			return fmt.Errorf("%s: webhooks[%d] (%q): %w", path, i, e.Name, err)
		}
	}
	return nil
}

func seedOne(s *core.Server, st *core.State, e seedWebhook) error {
	owner, err := s.SeedOwner(st, e.Owner)
	if err != nil {
		return err
	}
	// The seed entry is the create body plus owner and disabled reason.
	b, _ := json.Marshal(e)
	var wh webhook
	if err := json.Unmarshal(b, &wh); err != nil {
		return err
	}
	wh.OwnerID, wh.DisabledReason, wh.DisabledReasonCode = owner.ID, "", ""
	if err := resource.Insert(s, st, &wh, owner.ID); err != nil {
		return err
	}
	if e.DisabledReason != "" {
		if e.Enabled {
			return fmt.Errorf("disabledReason: a webhook Qlik disabled is not enabled")
		}
		disable(&wh, e.DisabledReason, e.DisabledReasonCode)
	}
	return nil
}
