package integration

import (
	"fmt"
	"strings"
)

// Settings configure the real-account test, from the environment.
type Settings struct {
	// Region is where the ephemeral stack is built (SUOKE_IT_REGION); setting it opts in.
	Region string
	// DRRegion overrides suoke-platform:drRegion (SUOKE_IT_DR_REGION): needed when Region is outside
	// the China partition, since staging's default DR region is cn-north-1.
	DRRegion string
	// SecretsProvider for the new stack (SUOKE_IT_SECRETS_PROVIDER), e.g.
	// awskms://alias/suoke-pulumi?region=cn-northwest-1 with a self-managed backend.
	SecretsProvider string
	// PostgresImage and RedisImage run the probe Job; in the China regions they must come from the ECR
	// mirror (SUOKE_IT_POSTGRES_IMAGE, SUOKE_IT_REDIS_IMAGE).
	PostgresImage, RedisImage string
	// ProbeNamespace is a workload namespace whose network policies allow PostgreSQL and Redis
	// (SUOKE_IT_PROBE_NAMESPACE).
	ProbeNamespace string
}

// Defaults of the optional settings.
const (
	DefaultPostgresImage  = "postgres:17-alpine"
	DefaultRedisImage     = "redis:7-alpine"
	DefaultProbeNamespace = "business"
)

// awsCredentialVars are the environment variables through which the AWS SDKs and CLI find
// credentials. An EC2 instance profile sets none: name a profile whose credential_source is
// Ec2InstanceMetadata in AWS_PROFILE.
var awsCredentialVars = []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"}

// FromEnv reads the settings and says why the test cannot run here (nothing: it can).
func FromEnv(getenv func(string) string, lookPath func(string) (string, error)) (Settings, []string) {
	s := Settings{
		Region:          getenv("SUOKE_IT_REGION"),
		DRRegion:        getenv("SUOKE_IT_DR_REGION"),
		SecretsProvider: getenv("SUOKE_IT_SECRETS_PROVIDER"),
		PostgresImage:   or(getenv("SUOKE_IT_POSTGRES_IMAGE"), DefaultPostgresImage),
		RedisImage:      or(getenv("SUOKE_IT_REDIS_IMAGE"), DefaultRedisImage),
		ProbeNamespace:  or(getenv("SUOKE_IT_PROBE_NAMESPACE"), DefaultProbeNamespace),
	}
	var reasons []string
	if s.Region == "" {
		reasons = append(reasons, "SUOKE_IT_REGION is not set (the region of the ephemeral stack; setting it opts in to a real, billed deployment)")
	}
	hasCreds := false
	for _, v := range awsCredentialVars {
		if getenv(v) != "" {
			hasCreds = true
		}
	}
	if !hasCreds {
		reasons = append(reasons, fmt.Sprintf("no AWS credentials in the environment (one of %s)", strings.Join(awsCredentialVars, ", ")))
	}
	if getenv("PULUMI_ACCESS_TOKEN") == "" && getenv("PULUMI_BACKEND_URL") == "" {
		reasons = append(reasons, "no Pulumi state backend (PULUMI_ACCESS_TOKEN for Pulumi Cloud, or PULUMI_BACKEND_URL)")
	}
	for _, tool := range []struct{ bin, why string }{
		{"pulumi", "the Automation API drives the Pulumi CLI"},
		{"aws", "the cluster's token comes from aws eks get-token"},
	} {
		if _, err := lookPath(tool.bin); err != nil {
			reasons = append(reasons, fmt.Sprintf("%s is not on PATH (%s)", tool.bin, tool.why))
		}
	}
	return s, reasons
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
