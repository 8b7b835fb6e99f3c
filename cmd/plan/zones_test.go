package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The plan answers zone loss in its JSON and text: staging's single NAT gateway (the staging helper
// checks the stack file still says so) is the one AZ whose loss takes the other AZs' egress.
func TestZoneLossInThePlan(t *testing.T) {
	dir := project(t, "s", staging(t))
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s", "-json"}, &out, &errOut), errOut.String())
	var doc struct {
		ZoneLoss *struct {
			AZs      []string `json:"azs"`
			Survives bool     `json:"survives"`
			Zones    []struct {
				AZ       string   `json:"az"`
				Problems []string `json:"problems"`
				NAT      struct {
					EgressLost []string `json:"egressLost"`
				} `json:"nat"`
			} `json:"zones"`
		} `json:"zoneLoss"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	require.NotNil(t, doc.ZoneLoss, "the JSON contract carries zoneLoss")
	assert.False(t, doc.ZoneLoss.Survives)
	require.Len(t, doc.ZoneLoss.Zones, len(doc.ZoneLoss.AZs))
	withEgressLoss := 0
	for _, z := range doc.ZoneLoss.Zones {
		if len(z.NAT.EgressLost) > 0 {
			withEgressLoss++
			assert.Len(t, z.NAT.EgressLost, len(doc.ZoneLoss.AZs)-1, "losing %s", z.AZ)
			assert.True(t, strings.HasPrefix(z.Problems[len(z.Problems)-1], "NAT: the private subnets of"), "%q", z.Problems)
		}
	}
	assert.Equal(t, 1, withEgressLoss, "one NAT gateway, one AZ whose loss takes the others' egress")

	out.Reset()
	require.Equal(t, 0, run([]string{"-dir", dir, "-stack", "s"}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "Zone loss: each AZ lost in turn")
	assert.Contains(t, out.String(), "PROBLEM NAT: the private subnets of")
}
