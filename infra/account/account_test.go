package account_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/account"
)

// freshAccount answers like an account where no service-linked role exists yet: iam.getRole fails
// with NoSuchEntity, as the provider reports it.
type freshAccount struct {
	mu      sync.Mutex
	created []pulumi.MockResourceArgs
}

func (m *freshAccount) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token == "aws:iam/getRole:getRole" {
		return nil, fmt.Errorf("reading IAM Role (%s): couldn't find resource", args.Args["name"].StringValue())
	}
	return nil, fmt.Errorf("unexpected invoke %s", args.Token)
}

func (m *freshAccount) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.created = append(m.created, args)
	m.mu.Unlock()
	return args.Name + "-id", args.Inputs, nil
}

func run(t *testing.T, owner bool) (*freshAccount, error) {
	m := &freshAccount{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := account.New(ctx, "account", account.Args{Owner: owner})
		return err
	}, pulumi.WithMocks("p", "s", m))
	return m, err
}

// A stack that does not own the baseline, run in an account where the owner has not run, stops with
// an error that says what to do, before anything needing the role is created.
func TestNonOwnerInFreshAccountSaysWhatToDo(t *testing.T) {
	m, err := run(t, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AWSServiceRoleForAmazonOpenSearchService")
	assert.Contains(t, err.Error(), "accountBaseline: true")
	for _, r := range m.created {
		assert.NotEqual(t, "aws:iam/serviceLinkedRole:ServiceLinkedRole", r.TypeToken, "a non-owner must not create account-wide roles")
	}
}

// The owner creates every service-linked role once, protected and kept on destroy.
func TestOwnerCreatesRolesKeptOnDestroy(t *testing.T) {
	m, err := run(t, true)
	require.NoError(t, err)
	var slrs []pulumi.MockResourceArgs
	for _, r := range m.created {
		if r.TypeToken == "aws:iam/serviceLinkedRole:ServiceLinkedRole" {
			slrs = append(slrs, r)
		}
	}
	require.Len(t, slrs, len(account.ServiceLinkedRoles))
	for _, r := range slrs {
		assert.True(t, r.RegisterRPC.GetProtect(), r.Name)
		assert.True(t, r.RegisterRPC.GetRetainOnDelete(), r.Name)
		assert.Equal(t, "opensearchservice.amazonaws.com", r.Inputs["awsServiceName"].StringValue())
	}
}
