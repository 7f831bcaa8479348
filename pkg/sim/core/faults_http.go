package core

import (
	"math/rand/v2"
	"net/http"
	"time"
)

// SetFaults replaces the fault settings (the zero Faults switches them all
// off) and resets the counts. RevokeTokens is carried out at once. Values
// out of range are clamped; use Faults.Validate to reject them instead.
func (s *Server) SetFaults(f Faults) {
	if f.RevokeTokens {
		s.RevokeTokens()
		f.RevokeTokens = false
	}
	fi := s.faultState()
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.active = false
	fi.counts = [nFaultClasses]int{}
	fi.uses = map[string]int{}
	fi.cursors = map[string]time.Time{}
	for i := range nFaultClasses {
		fi.pats[i], fi.rngs[i] = nil, nil
		if f.class(i) == nil {
			continue
		}
		c := *f.class(i) // a copy: the caller's value is not ours to change
		c.Methods = append([]string(nil), c.Methods...)
		c.Statuses = append([]int(nil), c.Statuses...)
		c.Rate = min(max(c.Rate, 0), 1)
		if c.Rate != c.Rate {
			c.Rate = 0
		}
		f.setClass(i, &c)
		fi.pats[i], _ = compilePattern(c.Path)
		fi.rngs[i] = rand.New(rand.NewPCG(uint64(f.Seed), uint64(i)+1))
		fi.active = true
	}
	fi.cfg = f
	fi.storm = 0
	if f.Storm429 != nil {
		fi.storm = f.Storm429.Count
	}
}

// ClearFaults switches every fault off.
func (s *Server) ClearFaults() { s.SetFaults(Faults{}) }

// Faults returns the current settings.
func (s *Server) Faults() Faults {
	fi := s.faultState()
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.cfg
}

// FaultCounts returns how many faults of each class were injected.
func (s *Server) FaultCounts() FaultCounts {
	fi := s.faultState()
	fi.mu.Lock()
	defer fi.mu.Unlock()
	out := FaultCounts{}
	for i, n := range fi.counts {
		if n > 0 {
			out[faultNames[i]] = n
		}
	}
	return out
}

// RevokeTokens invalidates every OAuth access token issued so far and
// returns how many there were. The API key is not affected.
func (s *Server) RevokeTokens() int {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	n := len(s.tokens.m)
	clear(s.tokens.m)
	return n
}

func (s *Server) revokeToken(tok string) {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	delete(s.tokens.m, tok)
}

// routeFaults registers the test API on the root mux:
//
//	GET    /_sim/faults  {"faults": {...}, "counts": {"5xx": 3, ...}}
//	POST   /_sim/faults  a Faults JSON body, or {"spec": "5xx=0.2,..."}; 204
//	DELETE /_sim/faults  switches every fault off; 204
func (s *Server) routeFaults(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]any{"faults": s.Faults(), "counts": s.FaultCounts()})
	})
	mux.HandleFunc("POST /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Faults
			Spec string `json:"spec"`
		}
		if err := DecodeBody(r, &body); err != nil {
			WriteError(w, r, http.StatusBadRequest, "HTTP-400", "", "Bad Request", "invalid faults body: "+err.Error())
			return
		}
		f := body.Faults
		if body.Spec != "" {
			parsed, err := ParseFaults(body.Spec)
			if err != nil {
				WriteError(w, r, http.StatusBadRequest, "HTTP-400", "/spec", "Bad Request", err.Error())
				return
			}
			parsed.RevokeTokens = f.RevokeTokens
			f = parsed
		}
		if err := f.Validate(); err != nil {
			WriteError(w, r, http.StatusBadRequest, "HTTP-400", "", "Bad Request", err.Error())
			return
		}
		s.SetFaults(f)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
}
