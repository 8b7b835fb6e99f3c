// Package contract is what the platform promises each service: where it runs, the identity it runs
// as, how it reaches PostgreSQL, Redis and the trace collector, where it serves metrics, and its SLO
// class. The app pipelines deploy the services; they read this from the stack output `services`
// (one entry per service, no secret value in it) instead of assembling it from a dozen outputs.
package contract

import "slices"

// Service is one service's contract.
type Service struct {
	Name string `json:"name"`
	// Namespace is where its pods run; ServiceAccount the account they must use (its IRSA role is
	// RoleARN, which they get by running as that account).
	Namespace      string `json:"namespace"`
	ServiceAccount string `json:"serviceAccount"`
	RoleARN        string `json:"roleArn"`
	// SLO is its class (core, agent, support): which burn-rate alerts page for it.
	SLO string `json:"slo"`
	// Labels are what its pods and its Service must carry: the network policies select its pods by
	// them, and the platform's ServiceMonitor for it selects its Service by them.
	Labels map[string]string `json:"labels"`
	// Port is its service port, as the network policies and the gateway know it.
	Port    int     `json:"port"`
	Metrics Metrics `json:"metrics"`
	// Postgres is set when the service has a database; Redis when it uses the cache.
	Postgres *Postgres `json:"postgres,omitempty"`
	Redis    *Redis    `json:"redis,omitempty"`
	// OTLPEndpoint takes its traces (OTLP over gRPC).
	OTLPEndpoint string `json:"otlpEndpoint"`
}

// Metrics is where a service serves Prometheus metrics: a Service port named PortName pointing at
// container port Port, path Path. Only Prometheus may reach it (the namespace's network policy).
type Metrics struct {
	PortName string `json:"portName"`
	Port     int    `json:"port"`
	Path     string `json:"path"`
}

// SecretRef names a Kubernetes Secret or ConfigMap.
type SecretRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// Postgres is a service's database.
type Postgres struct {
	// RWHost is the primary, ROHost the replicas, PoolerHost PgBouncer in front of the primary.
	RWHost     string `json:"rwHost"`
	ROHost     string `json:"roHost"`
	PoolerHost string `json:"poolerHost"`
	Port       int    `json:"port"`
	Database   string `json:"database"`
	User       string `json:"user"`
	// Auth is "client-certificate" (tls.crt and tls.key in the Secret Credentials, renewed by
	// cert-manager; connect to RWHost or ROHost) or "password" (username and password in
	// Credentials; connect through PoolerHost). Both are in the service's own namespace.
	Auth        string    `json:"auth"`
	Credentials SecretRef `json:"credentials"`
	// ServerCA is the ConfigMap whose ca.crt verifies the server (sslmode=verify-full,
	// sslrootcert), in the service's own namespace; the Secret's own ca.crt is the client CA's.
	ServerCA SecretRef `json:"serverCaConfigMap"`
}

// Redis is a service's cache access.
type Redis struct {
	Endpoint       string `json:"endpoint"`
	ReaderEndpoint string `json:"readerEndpoint"`
	Port           int    `json:"port"`
	// User is the ElastiCache user the service connects as. Auth "iam": the password is an IAM
	// authentication token the service signs with its role (elasticache:Connect on this user).
	User string `json:"user"`
	Auth string `json:"auth"`
	// KeyPrefix is the only key and channel prefix the user may touch.
	KeyPrefix string `json:"keyPrefix"`
	TLS       bool   `json:"tls"`
}

// Auth values.
const (
	AuthClientCertificate = "client-certificate"
	AuthPassword          = "password"
)

// ServiceIn is what the contract of one service is built from: its config and what the components
// made for it.
type ServiceIn struct {
	Name, Namespace, ServiceAccount, RoleARN, SLO string
	Port                                          int
	// Database: the service's database and role name ("" without one); PasswordAuth when its role
	// logs in with a password; CredentialsSecret where its credentials are.
	Database          string
	PasswordAuth      bool
	CredentialsSecret SecretRef
	ServerCA          SecretRef
	// RedisUser is its ElastiCache user ("" when it does not use the cache).
	RedisUser string
}

// In is the rest of what the contracts are built from.
type In struct {
	Services []ServiceIn
	Metrics  Metrics
	// LabelKey is the label whose value is the service's name on its pods and Service.
	LabelKey string
	// PostgresRW, -RO and -Pooler hosts and port; empty when the stack runs no PostgreSQL.
	PostgresRW, PostgresRO, PostgresPooler string
	PostgresPort                           int
	RedisEndpoint, RedisReaderEndpoint     string
	RedisPort                              int
	RedisAuth                              string
	OTLPEndpoint                           string
}

// Build returns every service's contract, sorted by name.
func Build(in In) []Service {
	out := make([]Service, 0, len(in.Services))
	for _, s := range in.Services {
		c := Service{Name: s.Name, Namespace: s.Namespace, ServiceAccount: s.ServiceAccount, RoleARN: s.RoleARN, SLO: s.SLO,
			Port: s.Port, Metrics: in.Metrics, OTLPEndpoint: in.OTLPEndpoint, Labels: map[string]string{in.LabelKey: s.Name}}
		if s.Database != "" && in.PostgresRW != "" {
			auth := AuthClientCertificate
			if s.PasswordAuth {
				auth = AuthPassword
			}
			c.Postgres = &Postgres{RWHost: in.PostgresRW, ROHost: in.PostgresRO, PoolerHost: in.PostgresPooler, Port: in.PostgresPort,
				Database: s.Database, User: s.Database, Auth: auth, Credentials: s.CredentialsSecret, ServerCA: s.ServerCA}
		}
		if s.RedisUser != "" {
			c.Redis = &Redis{Endpoint: in.RedisEndpoint, ReaderEndpoint: in.RedisReaderEndpoint, Port: in.RedisPort,
				User: s.RedisUser, Auth: in.RedisAuth, KeyPrefix: s.Name + ":", TLS: true}
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Service) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}
