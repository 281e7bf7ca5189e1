package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// docs/scale.md's curve and docs/scale/curve.svg are what the results in docs/scale/ make:
// after a new results file, `go run ./test/scale -doc`.
func TestDocIsCurrent(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := readResults(filepath.Join(root, docResults))
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(root, docPage))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := currentCurve(page)
	if err != nil {
		t.Fatalf("%s: %v", docPage, err)
	}
	if !bytes.Equal(cur, curveSection(rs)) {
		t.Errorf("%s's curve is not what %s/*.json make: run go run ./test/scale -doc", docPage, docResults)
	}
	svg, err := os.ReadFile(filepath.Join(root, docChart))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(svg, curveSVG(rs)) {
		t.Errorf("%s is not what %s/*.json make: run go run ./test/scale -doc", docChart, docResults)
	}
}

// The generated part follows the results: another figure in a results file is another page
// (so that TestDocIsCurrent can fail), and replacing the curve keeps the rest of the page.
func TestCurveFollowsResults(t *testing.T) {
	r := Results{Pods: 1000, Shape: shapeApps, Objects: 2150, Phases: []Phase{
		{Name: "LIST floor", WallSeconds: 0.3, Samples: []Sample{{WallSeconds: 0.3, LoadAverage: 2}}},
		{Name: "audit scan (live)", WallSeconds: 0.4, CPUSeconds: 0.2, PeakRSSMiB: 60, Samples: []Sample{{WallSeconds: 0.4, LoadAverage: 3}}},
	}}
	before, svg := curveSection([]Results{r}), curveSVG([]Results{r})
	r.Phases[1].PeakRSSMiB = 61
	if bytes.Equal(before, curveSection([]Results{r})) || bytes.Equal(svg, curveSVG([]Results{r})) {
		t.Error("a changed peak RSS leaves the page or the chart as it was")
	}
	page := []byte("head\n" + beginMarker + "\nold\n" + endMarker + "\ntail\n")
	out, err := replaceCurve(page, before)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := currentCurve(out)
	if err != nil || !bytes.Equal(cur, before) || !bytes.HasPrefix(out, []byte("head\n")) || !bytes.HasSuffix(out, []byte(endMarker+"\ntail\n")) {
		t.Errorf("replaceCurve gave %q", out)
	}
}
