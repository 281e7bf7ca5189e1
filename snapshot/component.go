package snapshot

// Flag returns the effective value of a single-value flag: the last occurrence wins, as in
// pflag. set is false when the flag does not appear at all, so that the caller can apply the
// binary's default rather than guess.
func (c *Component) Flag(name string) (value string, set bool) {
	for i := len(c.Flags) - 1; i >= 0; i-- {
		if c.Flags[i].Name == name {
			if c.Flags[i].Bare {
				return "true", true
			}
			return c.Flags[i].Value, true
		}
	}
	return "", false
}

// Component returns the first component with the given name, or nil.
func (s *Snapshot) Component(name string) *Component {
	for i := range s.ControlPlane {
		if s.ControlPlane[i].Name == name {
			return &s.ControlPlane[i]
		}
	}
	return nil
}

// Components returns every instance of the named component (one per control-plane node).
func (s *Snapshot) Components(name string) []*Component {
	var out []*Component
	for i := range s.ControlPlane {
		if s.ControlPlane[i].Name == name {
			out = append(out, &s.ControlPlane[i])
		}
	}
	return out
}
