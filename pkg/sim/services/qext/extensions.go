package qext

import (
	"github.com/qlikops/qlikops/pkg/sim/core"
)

// extension is one uploaded extension (see qext.go for the shared service).
type extension struct {
	qextItem
}

var extensionsKind = &qextKind{
	plural: "extensions", label: "extension", defaultType: "visualization", extension: true,
	all: func(st *core.State) []*qextItem { return qextAll(Extensions.In(st)) },
	add: func(st *core.State, it qextItem) *qextItem { return qextAdd(Extensions.In(st), it) },
}

// Extensions is the extensions table.
var Extensions = core.NewTable[extension]("extensions")
