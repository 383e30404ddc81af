package local

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/testenv/debian"
	"github.com/werkregio/platform/services/testenv/k8s"
)

// spectralVersion is the Spectral CLI the contracts are linted with (npm).
const spectralVersion = "6.16.3"

// installSpectral installs the Spectral CLI from npm once into the tools cache (and npm from
// Debian when it is missing) and returns its path.
func installSpectral(root string) (string, error) {
	dir := filepath.Join(k8s.ToolsCache(root), "spectral-"+spectralVersion)
	bin := filepath.Join(dir, "node_modules", ".bin", "spectral")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	npm, err := debian.Command("npm", "npm")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	cmd := exec.Command(npm, "install", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error", "@stoplight/spectral-cli@"+spectralVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install spectral: %w: %s", err, out)
	}
	return bin, nil
}

// lintContracts lints what each service publishes at /api/v1/openapi.json (its document with
// the shared parts taken in) with the NL API Design Rules ruleset in contracts/spectral.yaml.
func lintContracts(root, spectral string) error {
	dir, err := os.MkdirTemp("", "werkregio-contracts-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	var files []string
	for _, svc := range catalog.Services {
		raw, err := contracts.OpenAPI(svc.Name)
		if err != nil {
			continue // a service without an API document (none today)
		}
		doc, err := httpserver.LoadOpenAPI(raw, contracts.OpenAPIFiles())
		if err != nil {
			return fmt.Errorf("%s: %w", svc.Name, err)
		}
		body, err := httpserver.PublishedOpenAPI(doc)
		if err != nil {
			return fmt.Errorf("%s: %w", svc.Name, err)
		}
		file := filepath.Join(dir, svc.Name+".openapi.json")
		if err := os.WriteFile(file, body, 0o644); err != nil {
			return err
		}
		files = append(files, file)
	}
	fmt.Printf("== spectral lint (NL API Design Rules) of %d published documents\n", len(files))
	cmd := exec.Command(spectral, append([]string{"lint", "-r", filepath.Join(root, "contracts", "spectral.yaml"), "--fail-severity=warn", "-f", "text"}, files...)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}
