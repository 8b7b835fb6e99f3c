package main

import (
	"context"
	"fmt"
	"io"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// autoWorkspace is the project directory as the Automation API's local workspace: the Pulumi CLI
// builds and runs this repository's program, with the stack's Pulumi.<stack>.yaml.
type autoWorkspace struct{ dir string }

func (w autoWorkspace) Stack(ctx context.Context, name string) (Stack, error) {
	s, err := auto.UpsertStackLocalSource(ctx, name, w.dir)
	if err != nil {
		return nil, fmt.Errorf("select stack %s in %s: %w", name, w.dir, err)
	}
	return autoStack{s}, nil
}

type autoStack struct{ s auto.Stack }

func (a autoStack) Name() string { return a.s.Name() }

func (a autoStack) SetConfig(ctx context.Context, key, value string, secret bool) error {
	return a.s.SetConfig(ctx, key, auto.ConfigValue{Value: value, Secret: secret})
}

func (a autoStack) Up(ctx context.Context, progress io.Writer) (map[string]any, error) {
	res, err := a.s.Up(ctx, optup.ProgressStreams(progress))
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(res.Outputs))
	for k, v := range res.Outputs {
		out[k] = v.Value
	}
	return out, nil
}
