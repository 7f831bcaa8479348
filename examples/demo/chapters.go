package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

func (d *demo) story(ctx context.Context) error {
	steps := []func(context.Context) error{d.backup, d.mistakes, d.detect, d.repair, d.verify}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	d.say("That is the whole loop: Git holds the tenant, drift notices, apply restores.")
	return nil
}

func (d *demo) backup(context.Context) error {
	d.say("1. Friday: the Qlik admin backs up the tenant into Git.")
	if err := d.qlikops(0, "export", "--repo", d.repo); err != nil {
		return err
	}
	doc, err := os.ReadFile(filepath.Join(d.repo, "spaces", "finance-b696d755.yaml"))
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "\nOne document per resource, references by name. spaces/finance-b696d755.yaml:\n%s", doc)
	conn, err := os.ReadFile(filepath.Join(d.repo, "data-connections", "finance-b696d755", "finance-snowflake-608fe9ba.yaml"))
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "\nSecrets never reach Git; they become placeholders to re-enter on restore:\n%s", conn)
	d.say("Nothing changed in the tenant, so a second export makes no commit.")
	return d.qlikops(0, "export", "--repo", d.repo)
}

func (d *demo) mistakes(ctx context.Context) error {
	d.say("2. Monday: three mistakes are made in the tenant, through the API.")
	fmt.Fprintln(d.out, "- Bob is removed from the Finance space")
	if err := d.ctl.RemoveMember(ctx, "Finance", "bob.smith@example.com"); err != nil {
		return err
	}
	fmt.Fprintln(d.out, "- the Sales Analytics description is overwritten")
	if err := d.ctl.SetSpaceDescription(ctx, "Sales Analytics", "temp - do not use"); err != nil {
		return err
	}
	fmt.Fprintln(d.out, "- the HR Confidential space is deleted, with its members")
	return d.ctl.DeleteSpace(ctx, "HR Confidential")
}

func (d *demo) detect(context.Context) error {
	d.say("3. The nightly drift check fails (exit 2) and names every change.")
	if err := d.qlikops(2, "drift", "--repo", d.repo); err != nil {
		return err
	}
	d.say("4. The plan shows exactly what apply will do, field by field.")
	return d.qlikops(2, "plan", "--repo", d.repo)
}

func (d *demo) repair(ctx context.Context) error {
	d.say("5. Apply restores the tenant from Git.")
	if err := d.ctl.ResetSimStats(ctx); err != nil {
		return err
	}
	return d.qlikops(0, "apply", "--repo", d.repo, "--yes")
}

func (d *demo) verify(ctx context.Context) error {
	d.say("6. Drift is clean again, and a second apply makes zero writes.")
	if err := d.qlikops(0, "drift", "--repo", d.repo); err != nil {
		return err
	}
	if err := d.ctl.ResetSimStats(ctx); err != nil {
		return err
	}
	if err := d.qlikops(0, "apply", "--repo", d.repo, "--yes"); err != nil {
		return err
	}
	st, err := d.ctl.SimStats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "qliksim counted %d write calls during the second apply.\n", st.Writes)
	if st.Writes != 0 {
		return fmt.Errorf("second apply made %d writes, want 0", st.Writes)
	}
	return nil
}
