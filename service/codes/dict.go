package codes

import (
	"slices"
	"strings"
)

// Entry is one value of a code list: the code that national systems and
// clients store, and the Chinese name people read.
type Entry struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Dict is an ordered, read-only code list with lookups by code and by name.
type Dict struct {
	entries []Entry
	byCode  map[string]Entry
	byName  map[string]Entry
	alias   map[string]Entry
}

// dictOptions holds what a list accepts beyond its entries.
type dictOptions struct {
	aliases  map[string]string // alias → canonical name, for Match
	codeOnly []Entry           // known to ByCode, never listed or matched
}

func newDict(entries []Entry, opt dictOptions) *Dict {
	d := &Dict{
		entries: entries,
		byCode:  make(map[string]Entry, len(entries)+len(opt.codeOnly)),
		byName:  make(map[string]Entry, len(entries)),
		alias:   make(map[string]Entry, len(opt.aliases)),
	}
	for _, e := range entries {
		d.byCode[e.Code] = e
		d.byName[e.Name] = e
	}
	for _, e := range opt.codeOnly {
		d.byCode[e.Code] = e
	}
	for alias, name := range opt.aliases {
		if e, ok := d.byName[name]; ok {
			d.alias[alias] = e
		}
	}
	return d
}

// Entries returns the list in its display order. The slice is the caller's
// own copy.
func (d *Dict) Entries() []Entry { return slices.Clone(d.entries) }

// Len returns the number of entries listed.
func (d *Dict) Len() int { return len(d.entries) }

// ByCode returns the entry with code. It also knows codes that are decoded
// but never offered, such as ethnicity 98.
func (d *Dict) ByCode(code string) (Entry, bool) {
	e, ok := d.byCode[code]
	return e, ok
}

// ByName returns the entry whose canonical name is exactly name: the check
// the form applies.
func (d *Dict) ByName(name string) (Entry, bool) {
	e, ok := d.byName[name]
	return e, ok
}

// Match returns the entry named s after trimming white space, accepting the
// canonical name or a well-known alias (毛难族, 中国共产党党员, 本科 …): the
// check the importer applies. Store the returned Entry's Name.
func (d *Dict) Match(s string) (Entry, bool) {
	s = strings.TrimSpace(s)
	if e, ok := d.byName[s]; ok {
		return e, true
	}
	e, ok := d.alias[s]
	return e, ok
}
