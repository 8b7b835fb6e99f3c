package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/suoke-life/suoke-platform/infra/pins"
)

// TestRun: without -charts the command refuses to run (2); with an empty charts directory every
// release is a finding (exit 1) that says what to pull; an unknown stack is an error (2).
func TestRun(t *testing.T) {
	var out, errs bytes.Buffer
	assert.Equal(t, 2, run([]string{"-stack", "prod"}, &out, &errs))
	assert.Contains(t, errs.String(), "-charts")

	out.Reset()
	errs.Reset()
	assert.Equal(t, 1, run([]string{"-dir", "../..", "-stack", "staging", "-charts", t.TempDir()}, &out, &errs), errs.String())
	assert.Contains(t, out.String(), "render of staging: 14 releases, 14 findings")
	assert.Equal(t, len(pins.Charts), strings.Count(out.String(), "helm pull"))

	errs.Reset()
	assert.Equal(t, 2, run([]string{"-dir", "../..", "-stack", "nope", "-charts", t.TempDir()}, &out, &errs))
	assert.NotEmpty(t, errs.String())
}
