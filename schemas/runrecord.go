package schemas

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// RunRecordFile is the schema of the records on refs/qlikops/runs: export
// manifests and apply records, one of them per run, told apart by op.
const RunRecordFile = "run-record.schema.json"

var runRecord = sync.OnceValues(func() (*jsonschema.Schema, error) {
	raw, err := files.ReadFile(RunRecordFile)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", RunRecordFile, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "mem:///" + RunRecordFile
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("%s: %w", RunRecordFile, err)
	}
	return c.Compile(url)
})

// ValidateRunRecord checks one run record (manifest.json of a commit on the
// runs ref) against RunRecordFile. The schema is the record's contract for
// other tools, so the tests validate every record they produce with it.
func ValidateRunRecord(record []byte) error {
	s, err := runRecord()
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(record))
	if err != nil {
		return fmt.Errorf("run record: %w", err)
	}
	if err := s.Validate(inst); err != nil {
		return fmt.Errorf("run record does not match %s: %w", RunRecordFile, err)
	}
	return nil
}
