package logs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The log pipeline: Fluent Bit on every node tails container logs, enriches them with Kubernetes
// metadata and ships them, SigV4-signed with its own IAM role, to the OpenSearch domain as daily
// indices logs-k8s-YYYY.MM.DD. The EKS control plane's audit log stays in CloudWatch Logs (the cluster
// component keeps it 365 days).
const (
	// LogIndexPrefix is every log index's prefix; the ISM policy and the writer role cover logs-*.
	LogIndexPrefix = "logs-"
	// logIndexName is Fluent Bit's Logstash_Prefix: indices are logs-k8s-YYYY.MM.DD.
	logIndexName = LogIndexPrefix + "k8s"
	// fluentBitRoleName is the OpenSearch security role Fluent Bit's IAM role is mapped to.
	fluentBitRoleName = "suoke_log_writer"
	// ismPolicyID is the index state management policy that deletes old log indices.
	ismPolicyID = "suoke-logs-retention"
)

// LogsInput is what the bootstrap needs to know.
type LogsInput struct {
	// RetentionDays deletes a log index this many days after it was created.
	RetentionDays int
	// Shards and Replicas of each daily index: a primary per AZ, one replica (zone awareness puts it
	// in another AZ).
	Shards, Replicas int
	// WriterRoleARN is Fluent Bit's IAM role, mapped to the writer role as a backend role.
	WriterRoleARN string
	// MasterRoleARN is the domain's master user, which the Job becomes from SourceRoleARN, its own
	// IRSA role (role chaining through the AWS CLI's config file, aws-config).
	MasterRoleARN, SourceRoleARN string
}

// The bootstrap Job's AWS CLI settings: AWS_CONFIG_FILE names the file in the ConfigMap, AWS_PROFILE
// the profile that signs the requests.
const (
	awsConfigFile     = "aws-config"
	masterProfile     = "logs-master"
	sourceProfile     = "logs-bootstrap"
	webIdentityToken  = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
	bootstrapSession  = "logs-bootstrap"
	bootstrapMountDir = "/bootstrap"
)

// awsConfig chains the Job's IRSA identity (the web identity token EKS projects into the pod) to the
// master role: the CLI assumes the source profile's role with the token, then the master role with
// those credentials. The profile layout is the one EKS documents for chained AssumeRole from IRSA
// ("Authenticate to another account with IRSA", option 2, step 4:
// https://docs.aws.amazon.com/eks/latest/userguide/cross-account-access.html, read 2026-12-02;
// the token path is the one the pod identity webhook mounts). The CLI resolves the assume-role
// profile before the web-identity environment variables the webhook also injects (boto/botocore
// botocore/credentials.py, create_credential_resolver: pre_profile = [env_provider,
// assume_role_provider], read 2026-12-02).
func awsConfig(in LogsInput) string {
	return fmt.Sprintf(`[profile %s]
role_arn = %s
source_profile = %s
role_session_name = %s

[profile %s]
role_arn = %s
web_identity_token_file = %s
`, masterProfile, in.MasterRoleARN, sourceProfile, bootstrapSession, sourceProfile, in.SourceRoleARN, webIdentityToken)
}

// BootstrapRequest is one OpenSearch REST call of the bootstrap Job.
type BootstrapRequest struct {
	Method string
	Path   string
	// File is the body's file name in the bootstrap ConfigMap.
	File string
	// Versioned requests replace an existing document only with its sequence number (ISM policies
	// refuse a blind overwrite); the script reads it first.
	Versioned bool
	Body      any
}

// BootstrapRequests are the calls no Pulumi resource makes: the ISM retention policy, the index
// template, and the security role and role mapping that let Fluent Bit's IAM role write logs-*.
func BootstrapRequests(in LogsInput) []BootstrapRequest {
	return []BootstrapRequest{
		{Method: "PUT", Path: "/_plugins/_ism/policies/" + ismPolicyID, File: "ism-policy.json", Versioned: true, Body: map[string]any{
			"policy": map[string]any{
				"description":   fmt.Sprintf("Delete log indices %d days after creation (monitoring.logRetentionDays).", in.RetentionDays),
				"default_state": "hot",
				"states": []any{
					map[string]any{"name": "hot", "actions": []any{}, "transitions": []any{
						map[string]any{"state_name": "delete", "conditions": map[string]any{"min_index_age": fmt.Sprintf("%dd", in.RetentionDays)}},
					}},
					map[string]any{"name": "delete", "actions": []any{map[string]any{"delete": map[string]any{}}}, "transitions": []any{}},
				},
				"ism_template": []any{map[string]any{"index_patterns": []string{LogIndexPrefix + "*"}, "priority": 100}},
			},
		}},
		{Method: "PUT", Path: "/_index_template/suoke-logs", File: "index-template.json", Body: map[string]any{
			"index_patterns": []string{LogIndexPrefix + "*"},
			"priority":       100,
			"template": map[string]any{"settings": map[string]any{
				"index.number_of_shards": in.Shards, "index.number_of_replicas": in.Replicas,
			}},
		}},
		{Method: "PUT", Path: "/_plugins/_security/api/roles/" + fluentBitRoleName, File: "writer-role.json", Body: map[string]any{
			"cluster_permissions": []string{"cluster_monitor", "cluster_composite_ops", "indices:admin/template/get"},
			"index_permissions": []any{map[string]any{
				"index_patterns":  []string{LogIndexPrefix + "*"},
				"allowed_actions": []string{"crud", "create_index", "indices:admin/mapping/put"},
			}},
		}},
		{Method: "PUT", Path: "/_plugins/_security/api/rolesmapping/" + fluentBitRoleName, File: "writer-role-mapping.json", Body: map[string]any{
			"backend_roles": []string{in.WriterRoleARN},
		}},
	}
}

// BootstrapFiles renders the requests' bodies (the ConfigMap's data) and the script that sends them.
func BootstrapFiles(in LogsInput) (map[string]string, error) {
	reqs := BootstrapRequests(in)
	files := map[string]string{}
	for _, r := range reqs {
		b, err := json.MarshalIndent(r.Body, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("monitoring: bootstrap body %s: %w", r.File, err)
		}
		files[r.File] = string(b) + "\n"
	}
	if in.MasterRoleARN == "" || in.SourceRoleARN == "" {
		return nil, fmt.Errorf("monitoring: bootstrap needs the master role and the Job's own role")
	}
	files[awsConfigFile] = awsConfig(in)
	files["bootstrap.sh"] = bootstrapScript(reqs)
	return files, nil
}

// bootstrapScript signs each call as the domain's master user: the AWS CLI resolves AWS_PROFILE
// (the master role, assumed from the Job's IRSA role, see awsConfig) and exports the session; curl
// signs with SigV4. It retries while the domain comes up and fails the Job (and so `pulumi up`) on
// any error. ENDPOINT, AWS_REGION, AWS_CONFIG_FILE and AWS_PROFILE come from the Job's environment;
// HOME must be writable (the CLI caches the assumed roles' credentials under ~/.aws/cli/cache:
// aws/aws-cli awscli/customizations/assumerole.py, CACHE_DIR, read 2026-12-02).
func bootstrapScript(reqs []BootstrapRequest) string {
	var b strings.Builder
	b.WriteString(`#!/bin/bash
# Generated by infra/monitoring: OpenSearch settings that no Pulumi resource covers.
set -euo pipefail
# Who signs: the master role's session (assumed-role/<master>/logs-bootstrap), for the Job's log.
aws sts get-caller-identity --query Arn --output text
eval "$(aws configure export-credentials --format env)"
call() { # method path [body-file]
  local args=(--fail-with-body --silent --show-error --retry 10 --retry-all-errors --retry-delay 15
    --aws-sigv4 "aws:amz:${AWS_REGION}:es" --user "${AWS_ACCESS_KEY_ID}:${AWS_SECRET_ACCESS_KEY}"
    -H "x-amz-security-token: ${AWS_SESSION_TOKEN}" -H 'Content-Type: application/json' -X "$1")
  if [ $# -ge 3 ]; then args+=(--data-binary "@/bootstrap/$3"); fi
  curl "${args[@]}" "https://${ENDPOINT}$2"
  echo
}
# put_versioned path body-file: create, or replace with the current sequence number.
put_versioned() {
  local current seq term
  if current=$(call GET "$1" 2>/dev/null); then
    seq=$(printf '%s' "$current" | sed -n 's/.*"_seq_no":\([0-9]*\).*/\1/p')
    term=$(printf '%s' "$current" | sed -n 's/.*"_primary_term":\([0-9]*\).*/\1/p')
    call PUT "$1?if_seq_no=${seq}&if_primary_term=${term}" "$2"
  else
    call PUT "$1" "$2"
  fi
}
`)
	for _, r := range reqs {
		if r.Versioned {
			fmt.Fprintf(&b, "put_versioned %s %s\n", r.Path, r.File)
		} else {
			fmt.Fprintf(&b, "call %s %s %s\n", r.Method, r.Path, r.File)
		}
	}
	return b.String()
}

// Checksum fingerprints the bootstrap files: it goes on the Job's pod template, so that changing the
// retention or the role mapping replaces the Job and runs it again.
func Checksum(files map[string]string) string {
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k + "\x00" + files[k] + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// fluentBitConfig is Fluent Bit's pipeline (classic format, as the chart takes it). OPENSEARCH_HOST
// comes from the DaemonSet's environment (the domain's endpoint, known only after it is created).
func fluentBitConfig(region string) map[string]any {
	return map[string]any{
		"service": `[SERVICE]
    Daemon Off
    Flush 5
    Log_Level info
    Parsers_File /fluent-bit/etc/parsers.conf
    Parsers_File /fluent-bit/etc/conf/custom_parsers.conf
    HTTP_Server On
    HTTP_Listen 0.0.0.0
    HTTP_Port 2020
    Health_Check On
    storage.path /var/fluent-bit/state/flb-storage/
    storage.sync normal
    storage.backlog.mem_limit 16M
`,
		"inputs": `[INPUT]
    Name tail
    Path /var/log/containers/*.log
    Exclude_Path /var/log/containers/fluent-bit-*.log
    multiline.parser docker, cri
    Tag kube.*
    Mem_Buf_Limit 32MB
    Skip_Long_Lines On
    storage.type filesystem
    DB /var/fluent-bit/state/flb_container.db
`,
		"filters": `[FILTER]
    Name kubernetes
    Match kube.*
    Merge_Log On
    Keep_Log Off
    K8S-Logging.Parser On
    K8S-Logging.Exclude On
    Labels On
    Annotations Off
`,
		"outputs": fmt.Sprintf(`[OUTPUT]
    Name opensearch
    Match kube.*
    Host ${OPENSEARCH_HOST}
    Port 443
    tls On
    tls.verify On
    AWS_Auth On
    AWS_Region %s
    Logstash_Format On
    Logstash_Prefix %s
    Suppress_Type_Name On
    Replace_Dots On
    Trace_Error On
    Retry_Limit 10
    storage.total_limit_size 2G
`, region, logIndexName),
	}
}
