package checks

import "math"

// Tally counts controls by their aggregate status, and scores them.
type Tally struct {
	Controls int            `json:"controls"`
	Status   map[Status]int `json:"status"`
	// Failures counts failing results (resources), by the control's severity.
	Failures map[Severity]int `json:"failures"`
	// Score is 100 × (PASS + ½ WARN) / (PASS + WARN + FAIL), counted over controls; controls
	// NOT_EVALUATED, NOT_APPLICABLE, MANUAL or EXCEPTED are left out of it, and Evaluated says how many
	// controls the score rests on. With no evaluated control the score is absent (-1).
	Score     float64 `json:"score"`
	Evaluated int     `json:"evaluated"`
}

// Summary tallies a run overall, by layer and by framework.
type Summary struct {
	Total       Tally               `json:"total"`
	ByLayer     map[Layer]Tally     `json:"byLayer"`
	ByFramework map[Framework]Tally `json:"byFramework"`
}

func newTally() Tally {
	return Tally{Status: map[Status]int{}, Failures: map[Severity]int{}}
}

func (t *Tally) add(c *ControlReport) {
	t.Controls++
	t.Status[c.Status]++
	t.Failures[c.Severity] += c.Counts[Fail]
}

func (t *Tally) finish() {
	pass, warn, fail := t.Status[Pass], t.Status[Warn], t.Status[Fail]
	t.Evaluated = pass + warn + fail
	if t.Evaluated == 0 {
		t.Score = -1
		return
	}
	t.Score = math.Round(1000*(float64(pass)+0.5*float64(warn))/float64(t.Evaluated)) / 10
}

func summarize(controls []ControlReport) Summary {
	s := Summary{Total: newTally(), ByLayer: map[Layer]Tally{}, ByFramework: map[Framework]Tally{}}
	for i := range controls {
		c := &controls[i]
		s.Total.add(c)
		lt, ok := s.ByLayer[c.Layer]
		if !ok {
			lt = newTally()
		}
		lt.add(c)
		s.ByLayer[c.Layer] = lt
		for _, f := range c.Frameworks() {
			ft, ok := s.ByFramework[f]
			if !ok {
				ft = newTally()
			}
			ft.add(c)
			s.ByFramework[f] = ft
		}
	}
	s.Total.finish()
	for k, t := range s.ByLayer {
		t.finish()
		s.ByLayer[k] = t
	}
	for k, t := range s.ByFramework {
		t.finish()
		s.ByFramework[k] = t
	}
	return s
}
