package contract

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuild: a password role is reached through the pooler's credentials, a certificate role by its
// certificate; a service without a database or cache gets neither; a stack without PostgreSQL hands
// out no database; contracts come sorted by name.
func TestBuild(t *testing.T) {
	in := In{PostgresRW: "rw", PostgresRO: "ro", PostgresPooler: "pool", PostgresPort: 5432, RedisEndpoint: "r", RedisPort: 6379, RedisAuth: "iam",
		Services: []ServiceIn{
			{Name: "b", Database: "b", PasswordAuth: true, CredentialsSecret: SecretRef{"data", "b-password"}},
			{Name: "a", Database: "a", CredentialsSecret: SecretRef{"data", "a-client-cert"}, RedisUser: "prod-a"},
			{Name: "c"},
		}}
	got := Build(in)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"a", "b", "c"}, []string{got[0].Name, got[1].Name, got[2].Name})
	assert.Equal(t, AuthClientCertificate, got[0].Postgres.Auth)
	assert.Equal(t, "a:", got[0].Redis.KeyPrefix)
	assert.Equal(t, AuthPassword, got[1].Postgres.Auth)
	assert.Nil(t, got[1].Redis)
	assert.Nil(t, got[2].Postgres)
	assert.Nil(t, got[2].Redis)

	in.PostgresRW = ""
	assert.Nil(t, Build(in)[0].Postgres, "no PostgreSQL in the stack: no database promised")
}
