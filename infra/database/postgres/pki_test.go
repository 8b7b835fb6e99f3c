package postgres

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  caPEM
}

// loadCA reads a CA the way CloudNativePG v1.30.0 does (pkg/certs/certs.go: pem.Decode of ca.crt and
// ca.key, x509.ParseCertificate and x509.ParseECPrivateKey): anything else, an RSA or PKCS#8 key
// included, the operator cannot sign with.
func loadCA(t *testing.T, v string) testCA {
	t.Helper()
	ca, err := parseCA(v)
	require.NoError(t, err)
	cb, _ := pem.Decode([]byte(ca.Cert))
	require.NotNil(t, cb)
	require.Equal(t, "CERTIFICATE", cb.Type)
	cert, err := x509.ParseCertificate(cb.Bytes)
	require.NoError(t, err)
	kb, _ := pem.Decode([]byte(ca.Key))
	require.NotNil(t, kb)
	require.Equal(t, "EC PRIVATE KEY", kb.Type)
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	require.NoError(t, err)
	require.True(t, key.PublicKey.Equal(cert.PublicKey), "ca.key must be the key of ca.crt")
	return testCA{cert: cert, key: key, pem: ca}
}

// leaf signs a certificate as the operator (server) or cert-manager (client) would.
func (ca testCA) leaf(t *testing.T, cn string, usage x509.ExtKeyUsage, dns ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn}, DNSNames: dns,
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func pool(cas ...testCA) *x509.CertPool {
	p := x509.NewCertPool()
	for _, ca := range cas {
		p.AppendCertsFromPEM([]byte(ca.pem.Cert))
	}
	return p
}

// handshake runs a TLS handshake between a server that trusts clientCAs for client certificates
// (PostgreSQL's ssl_ca_file) and a client that trusts roots for the server (sslrootcert), with
// verify-full's host name check. TLS 1.2, where the server judges the client's certificate before
// either side's handshake returns (in 1.3 the client finishes first).
func handshake(t *testing.T, server tls.Certificate, clientCAs *x509.CertPool, client tls.Certificate, roots *x509.CertPool) error {
	t.Helper()
	a, b := net.Pipe()
	srv := tls.Server(a, &tls.Config{Certificates: []tls.Certificate{server}, ClientCAs: clientCAs,
		ClientAuth: tls.RequireAndVerifyClientCert, MaxVersion: tls.VersionTLS12})
	cli := tls.Client(b, &tls.Config{Certificates: []tls.Certificate{client}, RootCAs: roots,
		ServerName: "postgres-rw.data.svc", MaxVersion: tls.VersionTLS12})
	done := make(chan error, 1)
	go func() {
		err := srv.Handshake()
		if err != nil {
			a.Close()
		}
		done <- err
	}()
	cliErr := cli.Handshake()
	if cliErr != nil {
		b.Close()
	}
	srvErr := <-done
	a.Close()
	b.Close()
	if cliErr != nil {
		return cliErr
	}
	return srvErr
}

// The two CAs do what the PKI promises under Go's TLS stack: a service's certificate from the
// client CA logs in, a certificate from the server CA does not, and a client that trusts only
// what it is handed (the server CA's certificate) verifies the server.
func TestTheTwoCAsSeparateClientsFromServers(t *testing.T) {
	now := time.Now()
	sv, err := newCA("test server CA", now, CAValidity)
	require.NoError(t, err)
	cv, err := newCA("test client CA", now, CAValidity)
	require.NoError(t, err)
	server, client := loadCA(t, sv), loadCA(t, cv)
	assert.True(t, server.cert.IsCA)
	assert.True(t, server.cert.MaxPathLenZero)
	assert.NotEqual(t, server.cert.Raw, client.cert.Raw)
	assert.WithinDuration(t, now.Add(CAValidity), server.cert.NotAfter, time.Minute)

	serverLeaf := server.leaf(t, "postgres-rw", x509.ExtKeyUsageServerAuth, "postgres-rw.data.svc")
	service := client.leaf(t, "xiaoai", x509.ExtKeyUsageClientAuth)
	require.NoError(t, handshake(t, serverLeaf, pool(client), service, pool(server)), "a service's certificate logs in")

	forged := server.leaf(t, "streaming_replica", x509.ExtKeyUsageClientAuth)
	assert.Error(t, handshake(t, serverLeaf, pool(client), forged, pool(server)),
		"whoever holds the server CA cannot mint a login")
	assert.Error(t, handshake(t, serverLeaf, pool(client), service, pool(client)),
		"the client CA's certificate (the Secret's own ca.crt) does not verify the server")
}

func TestParseCARejectsPartialValues(t *testing.T) {
	_, err := parseCA(`{"ca.crt": "x"}`)
	assert.ErrorContains(t, err, "lacks ca.crt or ca.key")
	_, err = parseCA(`not json`)
	assert.ErrorContains(t, err, "not JSON")
}
