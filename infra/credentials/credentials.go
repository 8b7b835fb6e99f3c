// Package credentials keeps a password that must exist (a Redis AUTH token, a database role a client
// cannot authenticate with a certificate) in AWS Secrets Manager, per DESIGN.md "Credentials".
//
// The first value comes from Secrets Manager's own generator (secretsmanager.GetRandomPassword) with
// the consumer's allowed characters. The secret version ignores later changes of its value, and what
// the helper hands on is the stored version's value, never a fresh invoke's: the invoke runs on every
// `pulumi up` and returns a new password each time, which would otherwise rotate the credential on
// every deploy. The value leaves the helper only as a Pulumi secret.
package credentials

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Punctuation is every character Secrets Manager's generator may draw as punctuation (GetRandomPassword
// API, ExcludePunctuation: "! \" # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \ ] ^ _ ` { | } ~",
// read 2026-11-25).
const Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// ElastiCacheAuthTokenPunctuation is what an ElastiCache AUTH token accepts besides letters and
// digits; it must also be 16 to 128 characters long (ElastiCache "Authenticating with the Valkey and
// Redis OSS AUTH command", read 2026-11-25).
const ElastiCacheAuthTokenPunctuation = "!&#$^<>-"

// RecoveryWindowDays is how long Secrets Manager keeps a deleted secret restorable. Protected stacks
// keep the longest window, 30 days. Unprotected ones (staging, throw-away stacks) delete at once: a
// secret scheduled for deletion keeps its name, so the next `up` of a rebuilt stack could not create
// "suoke/<stack>/..." again until the window ends. 0 is the provider's "force deletion without
// recovery" (pulumi-aws v6.83.4 sdk/go/aws/secretsmanager/secret.go, RecoveryWindowInDays: "0 to force
// deletion without recovery or range from 7 to 30 days"; the upstream resource sends DeleteSecret with
// ForceDeleteWithoutRecovery then, hashicorp/terraform-provider-aws resource_aws_secretsmanager_secret.go;
// Secrets Manager API DeleteSecret, docs.amazonaws.cn/secretsmanager/latest/apireference/API_DeleteSecret.html;
// all read 2026-12-02). The window is read at delete time only, so changing it is an in-place update.
func RecoveryWindowDays(protect bool) int {
	if protect {
		return 30
	}
	return 0
}

// Args describes one credential.
type Args struct {
	// SecretName is the Secrets Manager secret's name, e.g. "suoke/prod/redis/auth-token".
	SecretName string
	// Description says who uses the credential.
	Description string
	// Length is the generated password's length.
	Length int
	// AllowedPunctuation is the punctuation the consumer accepts, a subset of Punctuation; empty means
	// letters and digits only.
	AllowedPunctuation string
	// KMSKeyID encrypts the secret; nil uses the account's aws/secretsmanager key.
	KMSKeyID pulumi.StringInput
	// Protect keeps the secret through a stray destroy (prod and dr), with Secrets Manager's longest
	// recovery window; unprotected stacks delete it at once (RecoveryWindowDays).
	Protect bool
	// Tags are added beside the provider's default tags.
	Tags map[string]string
	// Generate, if set, makes the first value instead of Secrets Manager's generator (Length and
	// AllowedPunctuation are then unused): a value with structure, such as a CA's key and
	// certificate. It runs on every deploy, but, like the generator's, only its first value is
	// stored and handed on.
	Generate func() (string, error)
}

// Validate checks the args on their own.
func (a Args) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if strings.TrimSpace(a.SecretName) == "" {
		errs = append(errs, field.Required(path.Child("secretName"), "the Secrets Manager name"))
	}
	if a.Generate != nil {
		return errs
	}
	// Secrets Manager generates 1 to 4096 characters; below 16 a password is guessable offline.
	if a.Length < 16 || a.Length > 4096 {
		errs = append(errs, field.Invalid(path.Child("length"), a.Length, "must be between 16 and 4096"))
	}
	for _, r := range a.AllowedPunctuation {
		if !strings.ContainsRune(Punctuation, r) {
			errs = append(errs, field.Invalid(path.Child("allowedPunctuation"), a.AllowedPunctuation,
				fmt.Sprintf("%q is not punctuation Secrets Manager can generate", r)))
			break
		}
	}
	return errs
}

// ExcludeCharacters is the punctuation the generator must not use: all of it except what the
// consumer allows.
func (a Args) ExcludeCharacters() string {
	var b strings.Builder
	for _, r := range Punctuation {
		if !strings.ContainsRune(a.AllowedPunctuation, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Credential is a password kept in Secrets Manager.
type Credential struct {
	pulumi.ResourceState

	// SecretARN and SecretName locate the secret; apps read the value through them (IRSA), never
	// through stack outputs.
	SecretARN  pulumi.StringOutput
	SecretName pulumi.StringOutput
	// Value is the stored password, as a Pulumi secret.
	Value pulumi.StringOutput
}

// New creates the secret and its first value.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Credential, error) {
	if errs := args.Validate(field.NewPath("credentials").Child(name)); len(errs) > 0 {
		return nil, fmt.Errorf("credentials %s: %w", name, errs.ToAggregate())
	}
	c := &Credential{}
	if err := ctx.RegisterComponentResource("suoke:credentials:Credential", name, c, opts...); err != nil {
		return nil, err
	}
	if err := build(ctx, name, args, c); err != nil {
		return nil, fmt.Errorf("credentials %s: %w", name, err)
	}
	// The value is deliberately not a registered output: component outputs end up in state views.
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"secretArn": c.SecretARN, "secretName": c.SecretName})
}

func build(ctx *pulumi.Context, name string, args Args, c *Credential) error {
	tags := pulumi.StringMap{}
	for k, v := range args.Tags {
		tags[k] = pulumi.String(v)
	}
	keep := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Protect(args.Protect), pulumi.RetainOnDelete(args.Protect)}
	secret, err := secretsmanager.NewSecret(ctx, name+"-secret", &secretsmanager.SecretArgs{
		Name:                 pulumi.String(args.SecretName),
		Description:          pulumi.String(args.Description),
		KmsKeyId:             args.KMSKeyID,
		RecoveryWindowInDays: pulumi.Int(RecoveryWindowDays(args.Protect)),
		Tags:                 tags,
	}, keep...)
	if err != nil {
		return err
	}

	first, err := firstValue(ctx, args, c)
	if err != nil {
		return err
	}

	// The generated value seeds the version once; ignoreChanges keeps every later run's fresh value
	// out, so the stored value stays the credential until someone rotates it on purpose.
	version, err := secretsmanager.NewSecretVersion(ctx, name+"-value", &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(pulumi.String(first)).(pulumi.StringOutput),
	}, append(keep, pulumi.IgnoreChanges([]string{"secretString"}), pulumi.AdditionalSecretOutputs([]string{"secretString"}))...)
	if err != nil {
		return err
	}

	c.SecretARN = secret.Arn
	c.SecretName = secret.Name
	// The stored version's value (state, after ignoreChanges), not this run's first value.
	c.Value = pulumi.ToSecret(version.SecretString.Elem()).(pulumi.StringOutput)
	return nil
}

// firstValue is what a new secret starts with: the caller's generator, or Secrets Manager's.
func firstValue(ctx *pulumi.Context, args Args, c *Credential) (string, error) {
	if args.Generate != nil {
		v, err := args.Generate()
		if err != nil {
			return "", fmt.Errorf("generate value: %w", err)
		}
		return v, nil
	}
	exclude := args.ExcludeCharacters()
	gen, err := secretsmanager.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordArgs{
		PasswordLength:          pulumi.IntRef(args.Length),
		ExcludeCharacters:       &exclude,
		ExcludePunctuation:      pulumi.BoolRef(args.AllowedPunctuation == ""),
		IncludeSpace:            pulumi.BoolRef(false),
		RequireEachIncludedType: pulumi.BoolRef(true),
	}, pulumi.Parent(c))
	if err != nil {
		return "", fmt.Errorf("generate password: %w", err)
	}
	return gen.RandomPassword, nil
}
