package core

import (
	"fmt"
	"strings"
	"unicode"
)

// A small SCIM (RFC 7644) filter: attr op "value", combined with and/or, not
// and parentheses. Comparisons are case-insensitive, as Qlik documents.
// Supported operators: eq, ne, co, sw, ew, pr.

type FilterExpr interface {
	Eval(get func(attr string) []string) bool
}

type cmpExpr struct{ attr, op, val string }
type boolExpr struct {
	and  bool
	l, r FilterExpr
}
type notExpr struct{ e FilterExpr }

func (c cmpExpr) Eval(get func(string) []string) bool {
	vals := get(c.attr)
	if c.op == "pr" {
		for _, v := range vals {
			if v != "" {
				return true
			}
		}
		return false
	}
	want := strings.ToLower(c.val)
	match := false
	for _, v := range vals {
		v = strings.ToLower(v)
		switch c.op {
		case "eq", "ne":
			match = v == want
		case "co":
			match = strings.Contains(v, want)
		case "sw":
			match = strings.HasPrefix(v, want)
		case "ew":
			match = strings.HasSuffix(v, want)
		}
		if match {
			break
		}
	}
	if c.op == "ne" {
		return !match
	}
	return match
}

func (b boolExpr) Eval(get func(string) []string) bool {
	if b.and {
		return b.l.Eval(get) && b.r.Eval(get)
	}
	return b.l.Eval(get) || b.r.Eval(get)
}

func (n notExpr) Eval(get func(string) []string) bool { return !n.e.Eval(get) }

type filterParser struct {
	toks  []string
	pos   int
	attrs map[string]bool
}

// parseFilter parses a SCIM filter; attrs lists the attributes allowed
// (lower case).
func ParseFilter(s string, attrs ...string) (FilterExpr, error) {
	toks, err := tokenizeFilter(s)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks, attrs: map[string]bool{}}
	for _, a := range attrs {
		p.attrs[strings.ToLower(a)] = true
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return e, nil
}

func (p *filterParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *filterParser) or() (FilterExpr, error) {
	l, err := p.and()
	for err == nil && strings.EqualFold(p.peek(), "or") {
		p.pos++
		var r FilterExpr
		if r, err = p.and(); err == nil {
			l = boolExpr{and: false, l: l, r: r}
		}
	}
	return l, err
}

func (p *filterParser) and() (FilterExpr, error) {
	l, err := p.unary()
	for err == nil && strings.EqualFold(p.peek(), "and") {
		p.pos++
		var r FilterExpr
		if r, err = p.unary(); err == nil {
			l = boolExpr{and: true, l: l, r: r}
		}
	}
	return l, err
}

func (p *filterParser) unary() (FilterExpr, error) {
	switch t := p.peek(); {
	case t == "":
		return nil, fmt.Errorf("unexpected end of filter")
	case strings.EqualFold(t, "not"):
		p.pos++
		e, err := p.unary()
		return notExpr{e}, err
	case t == "(":
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		p.pos++
		return e, nil
	}
	return p.comparison()
}

func (p *filterParser) comparison() (FilterExpr, error) {
	attr := p.peek()
	if !p.attrs[strings.ToLower(attr)] {
		return nil, fmt.Errorf("unsupported filter attribute %q", attr)
	}
	p.pos++
	op := strings.ToLower(p.peek())
	p.pos++
	switch op {
	case "pr":
		return cmpExpr{attr: strings.ToLower(attr), op: op}, nil
	case "eq", "ne", "co", "sw", "ew":
	default:
		return nil, fmt.Errorf("unsupported operator %q", op)
	}
	v := p.peek()
	p.pos++
	if strings.HasPrefix(v, `"`) {
		v = strings.Trim(v, `"`)
	} else if v == "" || v == "(" || v == ")" {
		return nil, fmt.Errorf("missing value for %s", attr)
	}
	return cmpExpr{attr: strings.ToLower(attr), op: op, val: v}, nil
}

func tokenizeFilter(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case unicode.IsSpace(rune(c)):
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '"':
			j := i + 1
			var b strings.Builder
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, `"`+b.String()+`"`)
			i = j + 1
		default:
			j := i
			for j < len(s) && !unicode.IsSpace(rune(s[j])) && s[j] != '(' && s[j] != ')' {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}
