// Package integration proves the program against a real AWS account: with the Automation API it
// creates an ephemeral stack from Pulumi.staging.yaml's config in a region from the environment, runs
// `pulumi up`, checks that every node pool's nodes are Ready and labelled suoke.life/tier=<tier>, runs
// an in-cluster Job that reaches PostgreSQL through the pooler and Redis over TLS (neither is reachable
// from outside the VPC), then destroys and removes the stack, also when a check fails.
//
// The test itself is behind the build tag `integration` (CI vets it: .ci/run), and skips, saying why,
// without credentials:
//
//	SUOKE_IT_REGION=cn-northwest-1 \
//	AWS_PROFILE=suoke-staging PULUMI_BACKEND_URL='s3://suoke-pulumi-state?region=cn-northwest-1' \
//	go test -tags integration -timeout 150m -v ./tests/integration/
//
// It runs where the cluster's private API endpoint is reachable (a runner in the VPC). Settings are
// read by Settings (settings.go); the pure parts (pool checks, the probe Job) are unit-tested in this
// package without the tag.
package integration
