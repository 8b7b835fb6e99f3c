package metrics

// What the external tests of this directory (series_test.go) use of the internal ones.
var (
	YACESeries = yaceSeries
	TestParams = testParams
)
