// Package domain holds the providers rules: the registry of training providers (opleiders)
// with their certificates, and each contract's offer (aanbod): products, locations, start
// dates and capacity. No I/O happens here.
package domain
