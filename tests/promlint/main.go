// Command promlint reads a Prometheus text exposition (format 0.0.4) on standard input and
// checks it the way the Prometheus project's own tools do: it is parsed by expfmt's TextParser
// (the parser behind Prometheus's text scrapes and node_exporter's textfile collector), with
// legacy name validation, then linted by promlint (what `promtool check metrics` runs).
//
// It prints what it parsed as JSON (family name → type, help and samples), so that a test can
// compare the values with what happened, then one line per lint problem on standard error.
// Exit status: 0 clean, 1 unparsable, 2 lint problems.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

type sample struct {
	Labels map[string]string `json:"labels"`
	Value  float64           `json:"value"`
	// Buckets of a histogram: upper bound → cumulative count.
	Buckets map[string]uint64 `json:"buckets,omitempty"`
	Count   uint64            `json:"count,omitempty"`
}

type family struct {
	Type    string   `json:"type"`
	Help    string   `json:"help"`
	Samples []sample `json:"samples"`
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "read:", err)
		os.Exit(1)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	parsed, err := parser.TextToMetricFamilies(bytes.NewReader(input))
	if err != nil {
		fmt.Fprintln(os.Stderr, "parse:", err)
		os.Exit(1)
	}
	names := make([]string, 0, len(parsed))
	for name := range parsed {
		names = append(names, name)
	}
	sort.Strings(names)
	families := make([]*dto.MetricFamily, 0, len(names))
	out := make(map[string]family, len(names))
	for _, name := range names {
		mf := parsed[name]
		families = append(families, mf)
		out[name] = describe(mf)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "write:", err)
		os.Exit(1)
	}
	problems, err := promlint.NewWithMetricFamilies(families).Lint()
	if err != nil {
		fmt.Fprintln(os.Stderr, "lint:", err)
		os.Exit(1)
	}
	for _, problem := range problems {
		fmt.Fprintf(os.Stderr, "lint: %s: %s\n", problem.Metric, problem.Text)
	}
	if len(problems) > 0 {
		os.Exit(2)
	}
}

func describe(mf *dto.MetricFamily) family {
	f := family{Type: mf.GetType().String(), Help: mf.GetHelp()}
	for _, m := range mf.GetMetric() {
		s := sample{Labels: map[string]string{}}
		for _, pair := range m.GetLabel() {
			s.Labels[pair.GetName()] = pair.GetValue()
		}
		switch {
		case m.Counter != nil:
			s.Value = m.GetCounter().GetValue()
		case m.Gauge != nil:
			s.Value = m.GetGauge().GetValue()
		case m.Histogram != nil:
			s.Value = m.GetHistogram().GetSampleSum()
			s.Count = m.GetHistogram().GetSampleCount()
			s.Buckets = map[string]uint64{}
			for _, b := range m.GetHistogram().GetBucket() {
				s.Buckets[fmt.Sprint(b.GetUpperBound())] = b.GetCumulativeCount()
			}
		case m.Untyped != nil:
			s.Value = m.GetUntyped().GetValue()
		}
		f.Samples = append(f.Samples, s)
	}
	return f
}
