package postgres

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"sort"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	k8scorev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	k8smetav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	apimetav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/suoke-life/suoke-platform/infra/credentials"
	"github.com/suoke-life/suoke-platform/infra/database/postgres/crd"
)

// The PostgreSQL PKI. Two CAs, so that what lets a client verify the server cannot mint a client:
//   - the server CA signs the server certificate (the operator issues and renews it); clients get
//     only its certificate, as the ConfigMap ServerCAConfigMap in their own namespace;
//   - the client CA signs the streaming_replica and pooler certificates (the operator) and every
//     service's client certificate (cert-manager, through the ClusterIssuer ClientIssuer, into the
//     service's namespace). PostgreSQL trusts only it for certificate logins (ssl_ca_file).
//
// Neither CA can be cert-manager's own: the operator parses a CA from the keys ca.crt and ca.key,
// PEM "EC PRIVATE KEY" (cloudnative-pg v1.30.0 pkg/certs/certs.go ParseECPrivateKey), and without
// ca.key it cannot issue the pooler's certificate (internal/controller/cluster_create.go
// reconcilePoolerSecrets), while cert-manager's CA issuer reads tls.crt and tls.key (cert-manager
// v1.21.1 pkg/apis/certmanager/v1 CAIssuer). So each CA is made once by the program, kept in
// Secrets Manager like any credential (first value stored, later runs ignored), and written in the
// form each reader wants. Rotation: README "PostgreSQL client credentials".
const (
	// ServerCASecret and ClientCASecret are the CA Secrets in the cluster's namespace (ca.crt,
	// ca.key); ClientCASecret is also the CA issuer's Secret in cert-manager's namespace.
	ServerCASecret = ClusterName + "-server-ca"
	ClientCASecret = ClusterName + "-client-ca"
	// ClientIssuer is the ClusterIssuer that signs services' client certificates.
	ClientIssuer = ClusterName + "-client"
	// ServerCAConfigMap holds ca.crt of the server CA in every client namespace (sslrootcert).
	ServerCAConfigMap = ClusterName + "-server-ca"
	// ClientCertSuffix and PasswordSecretSuffix name a service's credentials Secret in its own
	// namespace: <service>-postgres-client (tls.crt, tls.key, ca.crt of the client CA) or
	// <service>-postgres-password (username, password).
	ClientCertSuffix     = "-postgres-client"
	PasswordSecretSuffix = "-postgres-password"
	// CAValidity is how long a CA made here is valid; its rotation is a runbook step, not a renewal.
	CAValidity = 10 * 365 * 24 * time.Hour
	// ClientCertDuration and ClientCertRenewBefore: cert-manager renews a service's certificate with
	// a month to spare, and rotates its key each time.
	ClientCertDuration    = 90 * 24 * time.Hour
	ClientCertRenewBefore = 30 * 24 * time.Hour
)

// caPEM is a CA as the operator reads it (keys ca.crt and ca.key) and as the program stores it.
type caPEM struct {
	Cert string `json:"ca.crt"`
	Key  string `json:"ca.key"`
}

// newCA makes a self-signed ECDSA P-256 CA valid from now for validity, as JSON of caPEM.
func newCA(commonName string, now time.Time, validity time.Duration) (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName, Organization: []string{"suoke-life"}},
		// A little back-dated: nodes whose clocks run behind still accept it at once.
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		// Leaves only: no intermediate under it.
		MaxPathLenZero: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(caPEM{
		Cert: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		Key:  string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})),
	})
	return string(b), err
}

func parseCA(v string) (caPEM, error) {
	var ca caPEM
	if err := json.Unmarshal([]byte(v), &ca); err != nil {
		return ca, fmt.Errorf("stored CA is not JSON of ca.crt and ca.key: %w", err)
	}
	if ca.Cert == "" || ca.Key == "" {
		return ca, fmt.Errorf("stored CA lacks ca.crt or ca.key")
	}
	return ca, nil
}

// storedCA is one CA: its certificate and its key.
type storedCA struct {
	cert pulumi.StringOutput
	key  pulumi.StringOutput
}

func makeCA(ctx *pulumi.Context, name, what string, pa *Args, parent pulumi.ResourceOption) (storedCA, error) {
	stack := ctx.Stack()
	cred, err := credentials.New(ctx, name, credentials.Args{
		SecretName:  fmt.Sprintf("suoke/%s/postgres/%s-ca", stack, what),
		Description: "PostgreSQL " + what + " CA (ca.crt, ca.key as JSON), stack " + stack,
		KMSKeyID:    pa.Key.Arn,
		Protect:     pa.Protect,
		Tags:        pa.Tags,
		Generate: func() (string, error) {
			return newCA(fmt.Sprintf("suoke %s PostgreSQL %s CA", stack, what), time.Now().UTC(), CAValidity)
		},
	}, parent)
	if err != nil {
		return storedCA{}, err
	}
	pair := cred.Value.ApplyT(parseCA)
	cert := pair.ApplyT(func(v any) string { return v.(caPEM).Cert }).(pulumi.StringOutput)
	return storedCA{
		// A CA certificate is public, but it stays a Pulumi secret like the value it comes from: the
		// offline plan makes a fresh CA at every run (there is no stored version to read), and a
		// preview would otherwise print a certificate that changes on every run.
		cert: cert,
		key:  pulumi.ToSecret(pair.ApplyT(func(v any) string { return v.(caPEM).Key })).(pulumi.StringOutput),
	}, nil
}

// pki is what the cluster and its clients need of the PKI.
type pki struct {
	// clusterDeps are the CA Secrets the Cluster reads.
	clusterDeps []pulumi.Resource
	// issuer is the ClusterIssuer services' certificates come from.
	issuer pulumi.Resource
	server storedCA
}

// buildPKI makes both CAs and the Secrets, ClusterIssuer and ConfigMaps built from them.
func buildPKI(ctx *pulumi.Context, name string, pa *Args, parent, k8s pulumi.ResourceOption) (*pki, error) {
	out := &pki{}
	server, err := makeCA(ctx, name+"-pg-server-ca", "server", pa, parent)
	if err != nil {
		return nil, err
	}
	client, err := makeCA(ctx, name+"-pg-client-ca", "client", pa, parent)
	if err != nil {
		return nil, err
	}
	out.server = server
	deps := pulumi.DependsOn(pa.DependsOn)
	// The operator's form, in the cluster's namespace. cnpg.io/reload: the instances reload a
	// changed CA without a restart (CloudNativePG "Certificates").
	for _, ca := range []struct {
		resource, secret string
		ca               storedCA
	}{{"-pg-server-ca-secret", ServerCASecret, server}, {"-pg-client-ca-secret", ClientCASecret, client}} {
		s, err := k8scorev1.NewSecret(ctx, name+ca.resource, &k8scorev1.SecretArgs{
			Metadata: &k8smetav1.ObjectMetaArgs{Name: pulumi.String(ca.secret), Namespace: pulumi.String(pa.Namespace),
				Labels: pulumi.StringMap{"cnpg.io/reload": pulumi.String("")}},
			Type:       pulumi.String("Opaque"),
			StringData: pulumi.StringMap{"ca.crt": ca.ca.cert, "ca.key": ca.ca.key},
		}, parent, k8s, deps)
		if err != nil {
			return nil, err
		}
		out.clusterDeps = append(out.clusterDeps, s)
	}
	// cert-manager's form of the client CA, in its own namespace, where a ClusterIssuer's Secret
	// must be (the chart's clusterResourceNamespace defaults to it).
	issuerSecret, err := k8scorev1.NewSecret(ctx, name+"-pg-client-ca-issuer-secret", &k8scorev1.SecretArgs{
		Metadata:   &k8smetav1.ObjectMetaArgs{Name: pulumi.String(ClientCASecret), Namespace: pulumi.String(pa.CertManagerNamespace)},
		Type:       pulumi.String("kubernetes.io/tls"),
		StringData: pulumi.StringMap{"tls.crt": client.cert, "tls.key": client.key, "ca.crt": client.cert},
	}, parent, k8s, deps)
	if err != nil {
		return nil, err
	}
	issuer, err := crd.Render(ctx, name+"-pg-client-issuer", crd.Object{APIVersion: crd.CertManagerAPIVersion, Kind: cmv1.ClusterIssuerKind, Name: ClientIssuer},
		cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{CA: &cmv1.CAIssuer{SecretName: ClientCASecret}}},
		parent, k8s, pulumi.DependsOn(append([]pulumi.Resource{issuerSecret}, pa.DependsOn...)))
	if err != nil {
		return nil, err
	}
	out.issuer = issuer
	return out, nil
}

// clientNamespaces are the namespaces of the services with a database, sorted.
func (pa *Args) clientNamespaces() []string {
	seen := map[string]bool{}
	var out []string
	for _, svc := range pa.Databases {
		if ns := pa.ServiceNamespaces[svc]; !seen[ns] {
			seen[ns] = true
			out = append(out, ns)
		}
	}
	sort.Strings(out)
	return out
}

// serverCAConfigMaps put the server CA's certificate, and nothing else, in every client namespace.
func (p *pki) serverCAConfigMaps(ctx *pulumi.Context, name string, pa *Args, parent, k8s pulumi.ResourceOption) error {
	for _, ns := range pa.clientNamespaces() {
		if _, err := k8scorev1.NewConfigMap(ctx, name+"-pg-server-ca-"+ns, &k8scorev1.ConfigMapArgs{
			Metadata: &k8smetav1.ObjectMetaArgs{Name: pulumi.String(ServerCAConfigMap), Namespace: pulumi.String(ns)},
			Data:     pulumi.StringMap{"ca.crt": p.server.cert},
		}, parent, k8s, pulumi.DependsOn(pa.ClientDependsOn)); err != nil {
			return err
		}
	}
	return nil
}

// clientCertificate asks cert-manager for a service's client certificate in its own namespace: the
// common name is its role (pg_hba "cert" compares it with the user name), client auth only, a new
// key at each renewal.
func (p *pki) clientCertificate(ctx *pulumi.Context, name, svc string, pa *Args, parent, k8s pulumi.ResourceOption) (string, error) {
	secret := svc + ClientCertSuffix
	spec := cmv1.CertificateSpec{
		CommonName:  roleName(svc),
		Duration:    &apimetav1.Duration{Duration: ClientCertDuration},
		RenewBefore: &apimetav1.Duration{Duration: ClientCertRenewBefore},
		SecretName:  secret,
		IssuerRef:   cmmeta.IssuerReference{Name: ClientIssuer, Kind: cmv1.ClusterIssuerKind, Group: "cert-manager.io"},
		Usages:      []cmv1.KeyUsage{cmv1.UsageDigitalSignature, cmv1.UsageClientAuth},
		PrivateKey:  &cmv1.CertificatePrivateKey{Algorithm: cmv1.ECDSAKeyAlgorithm, Size: 256, RotationPolicy: cmv1.RotationPolicyAlways},
	}
	if _, err := crd.Render(ctx, name+"-pg-client-cert-"+svc, crd.Object{APIVersion: crd.CertManagerAPIVersion, Kind: cmv1.CertificateKind,
		Name: secret, Namespace: pa.ServiceNamespaces[svc]}, spec,
		parent, k8s, pulumi.DependsOn(append([]pulumi.Resource{p.issuer}, pa.ClientDependsOn...))); err != nil {
		return "", err
	}
	return secret, nil
}
