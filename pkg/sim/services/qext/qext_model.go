package qext

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// The theme/extension model: derived from the .qext and the data part, and
// rendered for the API.

// qxString reads a string-valued model field; null is "".
func qxString(key string, v any) (string, error) {
	s, ok := v.(string)
	if !ok && v != nil {
		return "", qxErr(http.StatusUnprocessableEntity, "%s must be a string", key)
	}
	return s, nil
}

// qxApplyFields copies known model fields from a JSON object (the .qext or
// the data part) onto it; only keys present are applied.
func qxApplyFields(it *qextItem, m map[string]any, k *qextKind, fromQext bool) error {
	for key, v := range m {
		if err := qxApplyField(it, key, v, fromQext); err != nil {
			return err
		}
		if !k.extension {
			continue
		}
		if err := qxApplyExtensionField(it, key, v); err != nil {
			return err
		}
	}
	return nil
}

// qxApplyField applies one field that themes and extensions share.
func qxApplyField(it *qextItem, key string, v any, fromQext bool) error {
	plain := map[string]*string{"name": &it.Name, "type": &it.Type, "qextVersion": &it.QextVersion,
		"author": &it.Author, "description": &it.Description, "homepage": &it.Homepage, "icon": &it.Icon,
		"license": &it.License, "supplier": &it.Supplier}
	var err error
	switch key {
	case "version":
		it.Version, err = qxString(key, v)
		if fromQext {
			it.QextVersion = it.Version
		}
	case "qextFilename":
		if !fromQext { // the archive's file name wins over the .qext's claim
			it.QextFilename, err = qxString(key, v)
		}
	case "repository":
		if s, ok := v.(map[string]any); ok { // npm style {type, url}
			it.Repository, _ = s["url"].(string)
		} else {
			it.Repository, err = qxString(key, v)
		}
	case "keywords":
		if l, ok := v.([]any); ok { // .qext files often list keywords
			var parts []string
			for _, e := range l {
				parts = append(parts, fmt.Sprint(e))
			}
			it.Keywords = strings.Join(parts, ",")
		} else {
			it.Keywords, err = qxString(key, v)
		}
	case "tags":
		it.Tags, err = qxTags(v)
	case "dependencies":
		if v == nil {
			it.Dependencies = nil
		} else if _, ok := v.(map[string]any); ok {
			it.Dependencies, _ = json.Marshal(v)
		} else {
			err = qxErr(http.StatusUnprocessableEntity, "dependencies must be an object")
		}
	default:
		if p := plain[key]; p != nil {
			*p, err = qxString(key, v)
		}
	}
	return err
}

func qxTags(v any) ([]string, error) {
	l, ok := v.([]any)
	if !ok && v != nil {
		return nil, qxErr(http.StatusUnprocessableEntity, "tags must be an array of strings")
	}
	var tags []string
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, qxErr(http.StatusUnprocessableEntity, "tags must be an array of strings")
		}
		tags = append(tags, s)
	}
	return tags, nil
}

// qxApplyExtensionField applies one field that only extensions have.
func qxApplyExtensionField(it *qextItem, key string, v any) error {
	var err error
	switch key {
	case "preview":
		it.Preview, err = qxString(key, v)
	case "loadpath":
		it.Loadpath, err = qxString(key, v)
	case "deprecated":
		it.Deprecated, err = qxString(key, v)
	case "bundle":
		if _, ok := v.(map[string]any); ok {
			it.Bundle, _ = json.Marshal(v)
		} else if v != nil {
			err = qxErr(http.StatusUnprocessableEntity, "bundle must be an object")
		}
	case "bundled", "supernova":
		b, ok := v.(bool)
		if !ok {
			return qxErr(http.StatusUnprocessableEntity, "%s must be a boolean", key)
		}
		if key == "bundled" {
			it.Bundled = &b
		} else {
			it.Supernova = &b
		}
	}
	return err
}

// qxRender is the API model of an item.
func qxRender(st *core.State, k *qextKind, it *qextItem) map[string]any {
	m := map[string]any{
		"id": it.ID, "tenantId": st.TenantID, "userId": it.UserID, "name": it.Name,
		"qextFilename": it.QextFilename, "type": it.Type,
		"createdAt": it.CreatedAt.UTC().Format(time.DateOnly),
		"updateAt":  it.UpdatedAt.UTC().Format(time.DateOnly),
		"tags":      append([]string{}, it.Tags...),
	}
	opt := map[string]string{"qextVersion": it.QextVersion, "version": it.Version, "author": it.Author,
		"description": it.Description, "homepage": it.Homepage, "icon": it.Icon, "keywords": it.Keywords,
		"license": it.License, "repository": it.Repository, "supplier": it.Supplier}
	if k.extension {
		opt["preview"], opt["loadpath"], opt["deprecated"], opt["checksum"] = it.Preview, it.Loadpath, it.Deprecated, it.Checksum
		if it.Bundle != nil {
			m["bundle"] = it.Bundle
		}
		if it.Bundled != nil {
			m["bundled"] = *it.Bundled
		}
		if it.Supernova != nil {
			m["supernova"] = *it.Supernova
		}
	}
	for key, v := range opt {
		if v != "" {
			m[key] = v
		}
	}
	if it.Dependencies != nil {
		m["dependencies"] = it.Dependencies
	}
	return m
}

// qxBuild derives the model from an upload onto base (a copy of the
// current item on PATCH, a fresh one on create).
func qxBuild(k *qextKind, base qextItem, up *qxUpload) (qextItem, error) {
	it := base
	if up.hasFile {
		a, err := qxInspect(up.file)
		if err != nil {
			return it, err
		}
		// A new archive re-derives the qext fields.
		keep := qextItem{ID: it.ID, UserID: it.UserID, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt, Seq: it.Seq}
		it = keep
		it.Zip = up.file
		it.QextPath = a.qextPath
		it.QextFilename = strings.TrimSuffix(path.Base(a.qextPath), path.Ext(a.qextPath))
		if err := qxApplyFields(&it, a.qext, k, true); err != nil {
			return it, err
		}
		if k.extension {
			sum := sha256.Sum256(up.file)
			it.Checksum = hex.EncodeToString(sum[:])
		}
	}
	if up.data != nil {
		if err := qxApplyFields(&it, up.data, k, false); err != nil {
			return it, err
		}
	}
	if it.Type == "" {
		it.Type = k.defaultType
	}
	if strings.TrimSpace(it.Name) == "" {
		it.Name = it.QextFilename
	}
	if strings.TrimSpace(it.Name) == "" {
		return it, qxErr(http.StatusUnprocessableEntity, "the %s has no name: set name in the .qext file or the data part", k.label)
	}
	if it.QextFilename == "" {
		it.QextFilename = it.Name
	}
	if k.extension && it.Loadpath == "" {
		it.Loadpath = it.QextFilename
	}
	return it, nil
}
