package sim

// theme is one uploaded theme (see qext.go for the shared service).
type theme struct {
	qextItem
}

var themesKind = &qextKind{
	plural: "themes", label: "theme", defaultType: "theme",
	all: func(st *state) []*qextItem { return qextAll(Themes.In(st)) },
	add: func(st *state, it qextItem) *qextItem { return qextAdd(Themes.In(st), it) },
}

// Themes is the themes table.
var Themes = NewTable[theme]("themes")
