// Package regionoperator is the module root; go generate regenerates the deep copies, the
// CRD and the RBAC role from the markers in api/ and internal/controller/.
package regionoperator

//go:generate sh -c "$(go run ../../services/devstack/cmd/werkregio tools | sed -n 's/^export CONTROLLER_GEN=//p') object paths=./api/..."
//go:generate sh -c "$(go run ../../services/devstack/cmd/werkregio tools | sed -n 's/^export CONTROLLER_GEN=//p') crd rbac:roleName=region-operator paths=./... output:crd:artifacts:config=config/crd output:rbac:artifacts:config=config/rbac"
//go:generate cp config/crd/werkregio.nl_regions.yaml config/rbac/role.yaml ../../charts/region-operator/files/
