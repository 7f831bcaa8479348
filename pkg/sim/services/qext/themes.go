package qext

import (
	"github.com/qlikops/qlikops/pkg/sim/core"
)

// theme is one uploaded theme (see qext.go for the shared service).
type theme struct {
	qextItem
}

var themesKind = &qextKind{
	plural: "themes", label: "theme", defaultType: "theme",
	all: func(st *core.State) []*qextItem { return qextAll(Themes.In(st)) },
	add: func(st *core.State, it qextItem) *qextItem { return qextAdd(Themes.In(st), it) },
}

// Themes is the themes table.
var Themes = core.NewTable[theme]("themes")
