package local

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/werkregio/platform/services/testenv/k8s"
)

// images are the container images of the platform: the services, the portal and the operator.
var images = []struct{ name, dir, main string }{
	{"procurement", "services/procurement", "./cmd/procurement"},
	{"providers", "services/providers", "./cmd/providers"},
	{"participants", "services/participants", "./cmd/participants"},
	{"payments", "services/payments", "./cmd/payments"},
	{"sroi", "services/sroi", "./cmd/sroi"},
	{"portal", "services/portal", "./cmd/portal"},
	{"region-operator", "operators/region-operator", "./cmd"},
}

// Images builds every image with ko, without a Docker daemon. By default it runs a local
// registry (crane registry serve, blobs kept in .werkregio/registry) and a scratch-based
// base image holding only a non-root user, CA certificates and /tmp, so nothing is pulled
// from the internet; -registry pushes to a real registry with -base as the base instead.
func Images(args []string) error {
	fs := flag.NewFlagSet("images", flag.ContinueOnError)
	registry := fs.String("registry", "", "push to this registry (default: a local registry on 127.0.0.1:5005)")
	base := fs.String("base", "", "base image (default: the minimal base pushed to the local registry)")
	tag := fs.String("tag", "dev", "image tag")
	serve := fs.Bool("serve", false, "keep the local registry running after the build (for skaffold and clusters)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, err := workspaceRoot()
	if err != nil {
		return err
	}
	dir, err := k8s.BuildExtraTools(root, "images", os.Stderr)
	if err != nil {
		return err
	}
	ko, crane := filepath.Join(dir, "ko"), filepath.Join(dir, "crane")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *registry == "" {
		*registry = "127.0.0.1:5005"
		disk := filepath.Join(root, ".werkregio", "registry")
		if err := os.MkdirAll(disk, 0o755); err != nil {
			return err
		}
		reg := exec.CommandContext(ctx, crane, "registry", "serve", "--address", *registry, "--disk", disk)
		logf, err := os.Create(filepath.Join(root, ".werkregio", "registry.log"))
		if err != nil {
			return err
		}
		defer logf.Close()
		reg.Stdout, reg.Stderr = logf, logf
		if err := reg.Start(); err != nil {
			return err
		}
		defer func() { _ = reg.Process.Kill(); _ = reg.Wait() }()
		if err := waitPort(*registry, 10*time.Second); err != nil {
			return fmt.Errorf("local registry: %w", err)
		}
		if *base == "" {
			*base = *registry + "/werkregio/base:static"
			layer, err := baseLayer(filepath.Join(root, ".cache"))
			if err != nil {
				return err
			}
			if out, err := exec.Command(crane, "append", "--oci-empty-base", "-f", layer, "-t", *base).CombinedOutput(); err != nil {
				return fmt.Errorf("base image: %w\n%s", err, out)
			}
		}
	}
	if *base == "" {
		*base = "gcr.io/distroless/static-debian12:nonroot"
	}
	start := time.Now()
	for _, img := range images {
		cmd := exec.Command(ko, "build", img.main, "--bare", "--sbom=none", "-t", *tag, "--image-user", "65532")
		cmd.Dir = filepath.Join(root, img.dir)
		cmd.Env = append(os.Environ(), "KO_DOCKER_REPO="+*registry+"/werkregio/"+img.name, "KO_DEFAULTBASEIMAGE="+*base, "CGO_ENABLED=0")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("ko build %s: %w", img.name, err)
		}
		fmt.Printf("%-16s %s\n", img.name, strings.TrimSpace(out.String()))
	}
	fmt.Printf("built %d images in %s on base %s\n", len(images), time.Since(start).Round(time.Second), *base)
	if *serve {
		fmt.Printf("registry %s serving; Ctrl-C stops it\n", *registry)
		<-ctx.Done()
	}
	return nil
}

func waitPort(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			return c.Close()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("not listening on " + addr)
}

// baseLayer writes the only layer of the base image: a non-root user (65532), an empty
// /tmp and the host's CA certificates (for an OTLP collector or a JWKS URL over TLS).
func baseLayer(dir string) (string, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name string, mode int64, body []byte, typ byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(body)), Typeflag: typ, ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	files := []struct {
		name string
		mode int64
		body string
		typ  byte
	}{
		{"etc/", 0o755, "", tar.TypeDir},
		{"etc/passwd", 0o644, "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n", tar.TypeReg},
		{"etc/group", 0o644, "root:x:0:\nnonroot:x:65532:\n", tar.TypeReg},
		{"tmp/", 0o1777, "", tar.TypeDir},
		{"home/nonroot/", 0o755, "", tar.TypeDir},
	}
	for _, f := range files {
		if err := add(f.name, f.mode, []byte(f.body), f.typ); err != nil {
			return "", err
		}
	}
	if certs, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt"); err == nil {
		if err := add("etc/ssl/certs/", 0o755, nil, tar.TypeDir); err != nil {
			return "", err
		}
		if err := add("etc/ssl/certs/ca-certificates.crt", 0o644, certs, tar.TypeReg); err != nil {
			return "", err
		}
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "base-layer.tar")
	return path, os.WriteFile(path, buf.Bytes(), 0o644)
}
