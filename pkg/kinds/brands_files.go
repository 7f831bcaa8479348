package kinds

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// brandFileWhole vets a downloaded brand file, inside the client's retry
// loop: a body cut in transit is fetched again like a reset. A cut shows
// as structure that runs past the bytes: a PNG without its IEND chunk, a
// JPEG without its end marker, an ICO whose directory points beyond the
// end, styles that are not JSON. Bytes of a format it does not recognise
// are taken as they are.
func brandFileWhole(id string, data []byte) error {
	if len(data) == 0 {
		return errors.New("the file is empty")
	}
	switch {
	case id == "styles":
		if !json.Valid(data) {
			return errors.New("the styles are not whole JSON")
		}
	case bytes.HasPrefix(data, pngSignature):
		return pngWhole(data)
	case bytes.HasPrefix(data, []byte{0xff, 0xd8}):
		if !bytes.HasSuffix(bytes.TrimRight(data, "\x00"), []byte{0xff, 0xd9}) {
			return errors.New("the JPEG has no end marker")
		}
	case id == "favIcon" && len(data) >= 6 && bytes.HasPrefix(data, []byte{0, 0}):
		return icoWhole(data)
	}
	return nil
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// pngWhole walks the chunks (length, type, data, CRC) to IEND.
func pngWhole(data []byte) error {
	rest := data[len(pngSignature):]
	for len(rest) >= 12 {
		n := int64(binary.BigEndian.Uint32(rest))
		if 12+n > int64(len(rest)) {
			return fmt.Errorf("the PNG's %q chunk runs past its %d bytes", rest[4:8], len(data))
		}
		if string(rest[4:8]) == "IEND" {
			return nil
		}
		rest = rest[12+n:]
	}
	return errors.New("the PNG ends before its IEND chunk")
}

// icoWhole checks that every image the ICO's directory lists lies within
// the file.
func icoWhole(data []byte) error {
	count := int(binary.LittleEndian.Uint16(data[4:]))
	if 6+16*count > len(data) {
		return fmt.Errorf("the ICO's directory of %d images runs past its %d bytes", count, len(data))
	}
	for i := 0; i < count; i++ {
		e := data[6+16*i:]
		size, offset := int64(binary.LittleEndian.Uint32(e[8:])), int64(binary.LittleEndian.Uint32(e[12:]))
		if offset+size > int64(len(data)) {
			return fmt.Errorf("the ICO's image %d runs past its %d bytes", i+1, len(data))
		}
	}
	return nil
}
