package local

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/eventkeys"
)

// Keys prints the Kubernetes objects a region's services sign and check events with: the
// Secret with each service's private key and the ConfigMap with the public keys they trust
// (the region's own, and the sroi keys of the regions it shares candidate-months with,
// given as files with -trust). -public prints only this region's sroi key, for the others.
func Keys(args []string) error { return keys(args, os.Stdout) }

func keys(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("keys", flag.ContinueOnError)
	region := fs.String("region", "", "the region's code (required)")
	namespace := fs.String("namespace", "", "the namespace (default werkregio-<region>)")
	secret := fs.String("secret", "event-keys", "the Secret's name (eventKeys.secret)")
	configMap := fs.String("configmap", "event-keys-public", "the ConfigMap's name (eventKeys.publicKeysConfigMap)")
	var trust multiFlag
	fs.Var(&trust, "trust", "a file with another region's public sroi key (JWK or JWK Set), repeatable")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *region == "" {
		return errors.New("keys: -region is required")
	}
	if *namespace == "" {
		*namespace = "werkregio-" + *region
	}
	data := map[string]string{}
	var public []eventkeys.JWK
	for _, s := range catalog.Services {
		p, err := eventkeys.Generate(*region, s.Name)
		if err != nil {
			return err
		}
		data[s.Name] = string(p.Private.Marshal())
		public = append(public, p.Public)
	}
	for _, file := range trust {
		raw, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		var set struct{ Keys []eventkeys.JWK }
		if json.Unmarshal(raw, &set) != nil || len(set.Keys) == 0 {
			var one eventkeys.JWK
			if err := json.Unmarshal(raw, &one); err != nil || one.Kid == "" {
				return fmt.Errorf("%s: neither a JWK nor a JWK Set", file)
			}
			set.Keys = []eventkeys.JWK{one}
		}
		for _, k := range set.Keys {
			if !strings.HasSuffix(k.Kid, "/"+catalog.Sroi) {
				return fmt.Errorf("%s: key %q is no region's sroi key; trust only those of other regions", file, k.Kid)
			}
			public = append(public, k)
		}
	}
	secretJSON, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]string{"name": *secret, "namespace": *namespace}, "type": "Opaque", "stringData": data})
	cmJSON, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]string{"name": *configMap, "namespace": *namespace}, "data": map[string]string{"keys.json": string(eventkeys.Set(public...))}})
	var sroi eventkeys.JWK
	for _, k := range public {
		if k.Kid == eventkeys.KeyID(*region, catalog.Sroi) {
			sroi = k
		}
	}
	// JSON is YAML: kubectl apply -f - reads both documents
	_, err := fmt.Fprintf(out, "%s\n---\n%s\n# share with the regions whose sroi reads the same candidate-months topic (their -trust):\n# %s\n",
		secretJSON, cmJSON, eventkeys.Set(sroi))
	return err
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
