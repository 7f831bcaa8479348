package sim

// theme is one uploaded theme (see qext.go for the shared service).
type theme struct {
	qextItem
}

var themesKind = &qextKind{
	plural: "themes", label: "theme", defaultType: "theme",
	all: func(st *state) []*qextItem {
		out := make([]*qextItem, 0, len(st.Themes))
		for _, t := range st.Themes {
			out = append(out, &t.qextItem)
		}
		return out
	},
	add: func(st *state, it qextItem) *qextItem {
		t := &theme{qextItem: it}
		st.Themes[it.ID] = t
		return &t.qextItem
	},
}

func (s *Server) routeThemes(mux *routeMux) { s.routeQext(mux, themesKind) }

// seedThemes uploads every folder of dir/themes as one theme.
func (s *Server) seedThemes(st *state, dir string) error { return s.seedQext(st, dir, themesKind) }
