package snapshot

// SourcePosition is where an object read from a manifest file (`audit scan -f`) is in that
// file, so that a finding can point at its lines: the object's own lines, and each field's by
// its path ("spec.containers[0].securityContext.privileged", as evidence names fields).
type SourcePosition struct {
	Lines  LineRange            `json:"lines"`
	Fields map[string]LineRange `json:"fields,omitempty"`
}

// LineRange is the lines Start to End of a file, both included and counted from 1, starting
// at column Column (from 1) of line Start.
type LineRange struct {
	Start  int `json:"start"`
	End    int `json:"end"`
	Column int `json:"column,omitempty"`
}
