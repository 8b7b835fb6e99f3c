// Package engine runs the program under the real Pulumi engine, offline: the Pulumi CLI built from the
// Go module proxy (tools/pulumicli), the provider stand-ins of tools/fakeprovider as its AWS and
// Kubernetes plugins, a file:// backend and a passphrase secrets provider. The engine tests are behind
// the build tag engine (go test -tags engine ./tests/engine/); this file's checks of the recorded
// calls run without it.
package engine

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Call is one line of the stand-ins' call log (tools/fakeprovider's Call).
type Call struct {
	Package  string   `json:"package"`
	PID      int      `json:"pid"`
	Method   string   `json:"method"`
	URN      string   `json:"urn"`
	Type     string   `json:"type"`
	ID       string   `json:"id"`
	Token    string   `json:"token"`
	Preview  bool     `json:"preview"`
	Changes  string   `json:"changes"`
	Replaces []string `json:"replaces"`
	Diffs    []string `json:"diffs"`
	Error    string   `json:"error"`
	Start    int64    `json:"start"`
	End      int64    `json:"end"`
}

// ReadCalls reads a call log; a missing file is no calls.
func ReadCalls(path string) ([]Call, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var calls []Call
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var c Call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		calls = append(calls, c)
	}
	return calls, sc.Err()
}

// Calls selects the calls of one method.
func Calls(calls []Call, method string) []Call {
	var out []Call
	for _, c := range calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// DeleteOrderViolations lists every delete that started before the delete of something depending on
// it had finished: deps maps a resource's URN to the URNs it depends on (inputs, dependsOn, parent).
func DeleteOrderViolations(calls []Call, deps map[string][]string) []string {
	deletes := map[string]Call{}
	for _, c := range Calls(calls, "Delete") {
		deletes[c.URN] = c
	}
	var out []string
	for urn, d := range deletes {
		for _, dep := range deps[urn] {
			if dd, ok := deletes[dep]; ok && dd.Start < d.End {
				out = append(out, fmt.Sprintf("%s was deleted (started %d) before %s, which depends on it, was gone (ended %d)", dep, dd.Start, urn, d.End))
			}
		}
	}
	sort.Strings(out)
	return out
}
