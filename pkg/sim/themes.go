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

func (s *Server) routeThemes(mux *routeMux) { s.routeQext(mux, themesKind) }

// seedThemes uploads every folder of dir/themes as one theme.
func (s *Server) seedThemes(st *state, dir string) error { return s.seedQext(st, dir, themesKind) }

// Themes is the themes table.
var Themes = NewTable[theme]("themes")
