package sim

// extension is one uploaded extension (see qext.go for the shared service).
type extension struct {
	qextItem
}

var extensionsKind = &qextKind{
	plural: "extensions", label: "extension", defaultType: "visualization", extension: true,
	all: func(st *state) []*qextItem { return qextAll(Extensions.In(st)) },
	add: func(st *state, it qextItem) *qextItem { return qextAdd(Extensions.In(st), it) },
}

func (s *Server) routeExtensions(mux *routeMux) { s.routeQext(mux, extensionsKind) }

// seedExtensions uploads every folder of dir/extensions as one extension.
func (s *Server) seedExtensions(st *state, dir string) error {
	return s.seedQext(st, dir, extensionsKind)
}

// Extensions is the extensions table.
var Extensions = NewTable[extension]("extensions")
