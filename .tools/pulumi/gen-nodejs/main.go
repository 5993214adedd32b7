// pulumi-gen-nodejs writes the Node.js (TypeScript) SDK of a Pulumi package schema:
//
//	pulumi-gen-nodejs <schema.json> <out-dir>
//
// It calls the same generator as `pulumi package gen-sdk --language nodejs`, which needs the Node.js
// language host (not available from the Go module proxy). Like gen-sdk, it replaces <out-dir>.
// The schema must be self-contained: references to other packages are refused.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noLoader refuses to load other packages.
type noLoader struct{}

var errNoLoad = errors.New("the schema references another package; pulumi-gen-nodejs loads none")

func (noLoader) LoadPackage(string, *semver.Version) (*schema.Package, error) { return nil, errNoLoad }
func (noLoader) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoLoad
}
func (noLoader) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoLoad
}
func (noLoader) LoadPackageReferenceV2(context.Context, *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errNoLoad
}

func run(schemaPath, outDir string) error {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	// The same options as `pulumi package gen-sdk`.
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return diags
	}
	// The tool name is the one gen-sdk's Node.js host stamps, so the output matches gen-sdk's.
	files, err := nodejs.GeneratePackage("pulumi-language-nodejs", pkg, nil, nil, false, noLoader{})
	if err != nil {
		return err
	}
	// Refuse to wipe a folder that does not look like a generated SDK.
	if entries, err := os.ReadDir(outDir); err == nil && len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(outDir, "package.json")); err != nil {
			return fmt.Errorf("%s is not empty and has no package.json; refusing to replace it", outDir)
		}
	}
	if err := os.RemoveAll(outDir); err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(outDir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "pulumi-gen-nodejs: wrote %d files to %s\n", len(files), outDir)
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-gen-nodejs <schema.json> <out-dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-gen-nodejs:", err)
		os.Exit(1)
	}
}
