package kinds

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Content beyond the script. An app's sheets and master items live in the
// app file only: REST can export and import the whole file but cannot
// write them into an existing app, so apply never overwrites a live app's
// content. The signal that they differ is the app file itself, compared
// byte for byte with the snapshot's, and only read when it can have
// changed: plan, drift and apply reuse the snapshot's file for an app
// whose modified time has not moved (Tenant.Compared), and export a new
// one otherwise. The file also holds the script, name, description and
// usage; when those differ too, apply writes them in place first and then
// exports once more to see whether anything beyond them is left.

// contentBeyondScript is what plan and apply say about it.
const contentBeyondScript = "app content beyond the script differs (sheets, master items): REST cannot restore it in place"

// restoredSuffix names the app --restore-app-content imports: "<name>
// (restored <date>)", the date of the restore in UTC.
func restoredName(name string, now time.Time) string {
	return fmt.Sprintf("%s (restored %s)", name, now.UTC().Format("2006-01-02"))
}

// qvfDiffers reports a snapshot app file that the live app's differs from.
func qvfDiffers(want, have resource.Document) bool {
	w := want.Files[appQVFFile]
	return len(w) > 0 && !bytes.Equal(w, have.Files[appQVFFile])
}

// PlanNotes tell a reviewer of an app's update step what apply cannot do
// in place: content beyond the script that differs.
func (appsKind) PlanNotes(want, have resource.Document) []string {
	if !qvfDiffers(want, have) {
		return nil
	}
	ws, _ := specOf[appSpec](want)
	hs, _ := specOf[appSpec](have)
	flag := fmt.Sprintf("apply --restore-app-content imports the snapshot's %s beside it as a new app %q", appQVFFile, restoredName(want.Metadata.Name, time.Now()))
	if string(want.Files[appScriptFile]) != string(have.Files[appScriptFile]) || ws.Description != hs.Description {
		return []string{"the app file differs too; apply writes the script and description in place, then exports the app again to see whether content beyond them differs",
			"if it does (sheets, master items), REST cannot restore it in place: " + flag}
	}
	return []string{contentBeyondScript, flag}
}

// appContent handles an app file that differs from the snapshot's after
// the in-place writes: reported as not applied, or with
// Tenant.RestoreAppContent imported as a new app in the same space. wrote
// says whether those writes can account for the difference, in which case
// the live app is exported again to find out.
func appContent(ctx context.Context, t *Tenant, want, have resource.Document, wrote bool, res *Result) error {
	if !qvfDiffers(want, have) {
		return nil
	}
	if wrote {
		now, err := exportQVF(ctx, t, have.Metadata.ID)
		if err != nil {
			return fmt.Errorf("export app %s again to compare its content: %w", want.Key().Display(), err)
		}
		if bytes.Equal(now, want.Files[appQVFFile]) {
			return nil
		}
	}
	if !t.RestoreAppContent {
		res.NotApplied = append(res.NotApplied, contentBeyondScript+" (apply --restore-app-content imports the snapshot's app file beside it as a new app)")
		return nil
	}
	return importRestoredCopy(ctx, t, want, have, res)
}

// importRestoredCopy imports the snapshot's app file as "<name> (restored
// <date>)" in the app's space, owned by the app's owner, and leaves the
// live app as it is.
func importRestoredCopy(ctx context.Context, t *Tenant, want, have resource.Document, res *Result) error {
	spaceID, err := appSpaceID(ctx, t, want)
	if err != nil {
		return err
	}
	restored := want
	restored.Metadata.Name = restoredName(want.Metadata.Name, time.Now())
	live, err := importApp(ctx, t, restored, spaceID)
	if err != nil {
		return fmt.Errorf("restore the content of app %s: %w", want.Key().Display(), err)
	}
	s, err := specOf[appSpec](want)
	if err != nil {
		return err
	}
	if err := syncOwner(ctx, t, live.Attributes.ID, live.Attributes.OwnerID, s.Owner, res); err != nil {
		return err
	}
	res.Notes = append(res.Notes, fmt.Sprintf("content beyond the script restored as a new app %q (id %s) in the same space, imported from the snapshot's %s; the live app %s is untouched; the new app %s",
		restored.Metadata.Name, live.Attributes.ID, appQVFFile, have.Metadata.ID, needsReload))
	return nil
}
