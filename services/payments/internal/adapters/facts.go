package adapters

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/payments/internal/app"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// Indexes of the fact collections.
var Indexes = []store.Index{
	{Collection: "run_transfers", Model: mongo.IndexModel{Keys: bson.D{{Key: "run", Value: 1}, {Key: "seq", Value: 1}}}},
	{Collection: "contract_changes", Model: mongo.IndexModel{Keys: bson.D{{Key: "contract", Value: 1}, {Key: "on", Value: 1}, {Key: "seq", Value: 1}}}},
}

// Transfers stores runs' transfers, one document each, in the run's order.
type Transfers struct{ coll *mongo.Collection }

// NewTransfers uses the run_transfers collection.
func NewTransfers(db *mongo.Database) *Transfers {
	return &Transfers{coll: db.Collection("run_transfers")}
}

type transferDoc struct {
	ID       string `bson:"_id"` // the EndToEndId: unique across runs
	Run      string `bson:"run"`
	Seq      int    `bson:"seq"`
	Status   string `bson:"status"`
	Reason   string `bson:"reason,omitempty"`
	Transfer string `bson:"transfer"`
}

func (t *Transfers) Add(ctx context.Context, ts []domain.RunTransfer) error {
	docs := make([]any, len(ts))
	for i, tr := range ts {
		raw, err := json.Marshal(tr)
		if err != nil {
			return err
		}
		docs[i] = transferDoc{ID: tr.EndToEndID, Run: tr.RunID, Seq: tr.Seq, Status: tr.Status, Transfer: string(raw)}
	}
	_, err := store.InsertFacts(ctx, t.coll, docs)
	return err
}

func decodeTransfer(d transferDoc) (domain.RunTransfer, error) {
	var tr domain.RunTransfer
	err := json.Unmarshal([]byte(d.Transfer), &tr)
	tr.Status, tr.Reason = d.Status, d.Reason
	return tr, err
}

func (t *Transfers) Each(ctx context.Context, runID string) iter.Seq2[domain.RunTransfer, error] {
	return func(yield func(domain.RunTransfer, error) bool) {
		cur, err := t.coll.Find(ctx, bson.D{{Key: "run", Value: runID}}, options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetBatchSize(500))
		if err != nil {
			yield(domain.RunTransfer{}, err)
			return
		}
		defer cur.Close(ctx)
		for cur.Next(ctx) {
			var d transferDoc
			if err := cur.Decode(&d); err != nil {
				yield(domain.RunTransfer{}, err)
				return
			}
			if !yield(decodeTransfer(d)) {
				return
			}
		}
		if err := cur.Err(); err != nil {
			yield(domain.RunTransfer{}, err)
		}
	}
}

func (t *Transfers) Find(ctx context.Context, endToEndID string) (*domain.RunTransfer, error) {
	var d transferDoc
	err := t.coll.FindOne(ctx, bson.D{{Key: "_id", Value: endToEndID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, rules.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	tr, err := decodeTransfer(d)
	return &tr, err
}

func (t *Transfers) SetStatus(ctx context.Context, endToEndID, status, reason string) error {
	_, err := t.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: endToEndID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: status}, {Key: "reason", Value: reason}}}})
	return err
}

// Contracts keeps every contract change as a fact: the status on a day is the latest
// change on or before it.
type Contracts struct{ coll *mongo.Collection }

// NewContracts uses the contract_changes collection.
func NewContracts(db *mongo.Database) *Contracts {
	return &Contracts{coll: db.Collection("contract_changes")}
}

type contractChangeDoc struct {
	ID       string `bson:"_id"`
	Contract string `bson:"contract"`
	Status   string `bson:"status"`
	On       string `bson:"on"`
	Seq      int    `bson:"seq"`
}

func (c *Contracts) Record(ctx context.Context, ch app.ContractChange) error {
	id := ch.ContractID + "|" + ch.Status + "|" + ch.On.String()
	if ch.Seq > 0 {
		id = ch.ContractID + "|" + strconv.Itoa(ch.Seq) // a contract may be suspended twice in a day
	}
	_, err := store.InsertFact(ctx, c.coll, contractChangeDoc{ID: id, Contract: ch.ContractID, Status: ch.Status, On: ch.On.String(), Seq: ch.Seq})
	return err
}

func (c *Contracts) StatusOn(ctx context.Context, contractID string, day civil.Date) (string, error) {
	var d contractChangeDoc
	err := c.coll.FindOne(ctx, bson.D{{Key: "contract", Value: contractID}, {Key: "on", Value: bson.D{{Key: "$lte", Value: day.String()}}}},
		options.FindOne().SetSort(bson.D{{Key: "on", Value: -1}, {Key: "seq", Value: -1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	return d.Status, err
}

// Accounts is the replica of providers' bank accounts, the newest revision per provider.
type Accounts struct{ coll *mongo.Collection }

// NewAccounts uses the bank_accounts collection.
func NewAccounts(db *mongo.Database) *Accounts {
	return &Accounts{coll: db.Collection("bank_accounts")}
}

type accountDoc struct {
	ID       string `bson:"_id"`
	Revision int    `bson:"revision"`
	Account  string `bson:"account"`
}

func (a *Accounts) Keep(ctx context.Context, acc domain.BankAccount) (bool, error) {
	raw, err := json.Marshal(acc)
	if err != nil {
		return false, err
	}
	_, err = a.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: acc.ProviderKvK}, {Key: "revision", Value: bson.D{{Key: "$lte", Value: acc.Revision}}}},
		accountDoc{ID: acc.ProviderKvK, Revision: acc.Revision, Account: string(raw)}, options.Replace().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return false, nil // a newer revision is kept
	}
	return err == nil, err
}

func (a *Accounts) Load(ctx context.Context, kvk string) (*domain.BankAccount, error) {
	var d accountDoc
	err := a.coll.FindOne(ctx, bson.D{{Key: "_id", Value: kvk}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, rules.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var acc domain.BankAccount
	return &acc, json.Unmarshal([]byte(d.Account), &acc)
}

// Keys claims tranches' natural keys (participant, product, milestone).
type Keys struct{ coll *mongo.Collection }

// NewKeys uses the tranche_keys collection.
func NewKeys(db *mongo.Database) *Keys { return &Keys{coll: db.Collection("tranche_keys")} }

type keyDoc struct {
	ID      string `bson:"_id"`
	Tranche string `bson:"tranche"`
}

func (k *Keys) Claim(ctx context.Context, key, trancheID string) (string, error) {
	if _, err := store.InsertFact(ctx, k.coll, keyDoc{ID: key, Tranche: trancheID}); err != nil {
		return "", err
	}
	var d keyDoc
	err := k.coll.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d)
	return d.Tranche, err
}
