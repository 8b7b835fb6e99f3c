package credentials

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// mocks plays a second `pulumi up`: the generator returns a fresh value, while the engine (with
// ignoreChanges) keeps the version's stored value in state.
type mocks struct {
	mu          sync.Mutex
	fresh       string
	stored      string
	invokeArgs  resource.PropertyMap
	registered  map[string]pulumi.MockResourceArgs
	secretInput bool
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.invokeArgs = args.Args
	return resource.NewPropertyMapFromMap(map[string]any{"id": "x", "randomPassword": m.fresh}), nil
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.registered[args.TypeToken] = args
	state := args.Inputs.Copy()
	switch args.TypeToken {
	case "aws:secretsmanager/secretVersion:SecretVersion":
		m.secretInput = args.Inputs["secretString"].IsSecret()
		state["secretString"] = resource.MakeSecret(resource.NewStringProperty(m.stored))
	case "aws:secretsmanager/secret:Secret":
		state["arn"] = resource.NewStringProperty("arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:" + args.Inputs["name"].StringValue())
	}
	return args.Name + "-id", state, nil
}

func run(t *testing.T, m *mocks, args Args) (value string, secret bool) {
	t.Helper()
	var wg sync.WaitGroup
	wg.Add(1)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		c, err := New(ctx, "redis-auth", args)
		if err != nil {
			wg.Done()
			return err
		}
		secret = pulumi.IsSecret(c.Value)
		c.Value.ApplyT(func(v string) string {
			value = v
			wg.Done()
			return v
		})
		return nil
	}, pulumi.WithMocks("p", "s", m))
	require.NoError(t, err)
	wg.Wait()
	return value, secret
}

func validArgs() Args {
	return Args{SecretName: "suoke/prod/redis/auth-token", Description: "Redis AUTH", Length: 64,
		AllowedPunctuation: ElastiCacheAuthTokenPunctuation, Protect: true}
}

func TestHandsOnTheStoredValueAsASecret(t *testing.T) {
	m := &mocks{fresh: "fresh-from-the-generator", stored: "stored-in-state", registered: map[string]pulumi.MockResourceArgs{}}
	value, secret := run(t, m, validArgs())
	assert.Equal(t, "stored-in-state", value, "must pass on the stored version's value, never the invoke's")
	assert.True(t, secret, "the value leaves the helper only as a Pulumi secret")
	assert.True(t, m.secretInput, "the generated value is registered as a secret input")

	v := m.registered["aws:secretsmanager/secretVersion:SecretVersion"]
	assert.Equal(t, []string{"secretString"}, v.RegisterRPC.GetIgnoreChanges(), "later runs must not overwrite the value")
	assert.True(t, v.RegisterRPC.GetProtect())
	s := m.registered["aws:secretsmanager/secret:Secret"]
	assert.Equal(t, "suoke/prod/redis/auth-token", s.Inputs["name"].StringValue())
	assert.True(t, s.RegisterRPC.GetProtect())
	assert.True(t, s.RegisterRPC.GetRetainOnDelete())
}

func TestGeneratorGetsTheConsumersCharacters(t *testing.T) {
	m := &mocks{fresh: "f", stored: "s", registered: map[string]pulumi.MockResourceArgs{}}
	run(t, m, validArgs())
	exclude := m.invokeArgs["excludeCharacters"].StringValue()
	for _, allowed := range ElastiCacheAuthTokenPunctuation {
		assert.NotContains(t, exclude, string(allowed))
	}
	for _, forbidden := range `"@/%*+,.:;=?[\]_{|}~'()` {
		assert.Contains(t, exclude, string(forbidden))
	}
	assert.Equal(t, 64.0, m.invokeArgs["passwordLength"].NumberValue())
	assert.False(t, m.invokeArgs["excludePunctuation"].BoolValue())

	m = &mocks{fresh: "f", stored: "s", registered: map[string]pulumi.MockResourceArgs{}}
	args := validArgs()
	args.AllowedPunctuation = ""
	run(t, m, args)
	assert.True(t, m.invokeArgs["excludePunctuation"].BoolValue(), "no punctuation allowed: letters and digits only")
}

func TestExcludeCharacters(t *testing.T) {
	a := Args{AllowedPunctuation: "-_"}
	ex := a.ExcludeCharacters()
	assert.Len(t, ex, len(Punctuation)-2)
	assert.False(t, strings.ContainsAny(ex, "-_"))
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Args)
		field string
	}{
		{"no name", func(a *Args) { a.SecretName = " " }, "c.secretName"},
		{"too short", func(a *Args) { a.Length = 8 }, "c.length"},
		{"too long", func(a *Args) { a.Length = 5000 }, "c.length"},
		{"not punctuation", func(a *Args) { a.AllowedPunctuation = "-a" }, "c.allowedPunctuation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			c.edit(&a)
			errs := a.Validate(field.NewPath("c"))
			require.Len(t, errs, 1, errs)
			assert.Equal(t, c.field, errs[0].Field)
		})
	}
	assert.Empty(t, validArgs().Validate(field.NewPath("c")))
}

func TestBadArgsRegisterNothing(t *testing.T) {
	m := &mocks{registered: map[string]pulumi.MockResourceArgs{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "bad", Args{SecretName: "x", Length: 4})
		return err
	}, pulumi.WithMocks("p", "s", m))
	require.ErrorContains(t, err, "credentials.bad.length: Invalid value: 4")
	assert.Empty(t, m.registered)
}

// TestRecoveryWindowFollowsProtect: a protected secret keeps Secrets Manager's 30-day recovery window;
// an unprotected one is deleted at once (0), so a rebuilt stack can create the same name again.
func TestRecoveryWindowFollowsProtect(t *testing.T) {
	for _, c := range []struct {
		protect bool
		window  float64
	}{{true, 30}, {false, 0}} {
		m := &mocks{fresh: "f", stored: "s", registered: map[string]pulumi.MockResourceArgs{}}
		args := validArgs()
		args.Protect = c.protect
		run(t, m, args)
		s := m.registered["aws:secretsmanager/secret:Secret"]
		require.True(t, s.Inputs.HasValue("recoveryWindowInDays"), "protect=%v: the window must be set, the provider's default is 30", c.protect)
		assert.Equal(t, c.window, s.Inputs["recoveryWindowInDays"].NumberValue(), "protect=%v", c.protect)
		assert.Equal(t, c.protect, s.RegisterRPC.GetProtect())
		assert.Equal(t, c.protect, s.RegisterRPC.GetRetainOnDelete())
	}
}

// A value with structure (a CA) comes from the caller's generator: no Secrets Manager invoke, the
// generated value is the version's first input, and what is handed on is still the stored value.
func TestCallerGeneratedFirstValue(t *testing.T) {
	m := &mocks{fresh: "from-secrets-manager", stored: "stored-in-state", registered: map[string]pulumi.MockResourceArgs{}}
	args := Args{SecretName: "suoke/prod/postgres/client-ca", Description: "CA", Protect: true,
		Generate: func() (string, error) { return `{"ca.crt":"c","ca.key":"k"}`, nil }}
	value, secret := run(t, m, args)
	assert.Nil(t, m.invokeArgs, "Secrets Manager's generator must not be asked")
	in := m.registered["aws:secretsmanager/secretVersion:SecretVersion"].Inputs["secretString"]
	require.True(t, in.IsSecret())
	assert.Equal(t, `{"ca.crt":"c","ca.key":"k"}`, in.SecretValue().Element.StringValue())
	assert.Equal(t, "stored-in-state", value)
	assert.True(t, secret)

	failing := args
	failing.Generate = func() (string, error) { return "", assert.AnError }
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "ca", failing)
		return err
	}, pulumi.WithMocks("p", "s", &mocks{registered: map[string]pulumi.MockResourceArgs{}}))
	require.ErrorContains(t, err, "generate value")
}
