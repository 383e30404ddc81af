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
	"github.com/werkregio/platform/services/kit/coalesce"
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
		raw, err := json.Marshal(documentOfRunTransfer(tr))
		if err != nil {
			return err
		}
		docs[i] = transferDoc{ID: tr.EndToEndID, Run: tr.RunID, Seq: tr.Seq, Status: tr.Status, Transfer: string(raw)}
	}
	_, err := store.InsertFacts(ctx, t.coll, docs)
	return err
}

func decodeTransfer(d transferDoc) (domain.RunTransfer, error) {
	var doc runTransferDocument
	err := json.Unmarshal([]byte(d.Transfer), &doc)
	tr := doc.runTransfer()
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

func (t *Transfers) Page(ctx context.Context, runID string, afterSeq, limit int) ([]domain.RunTransfer, error) {
	cur, err := t.coll.Find(ctx, bson.D{{Key: "run", Value: runID}, {Key: "seq", Value: bson.D{{Key: "$gt", Value: afterSeq}}}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var docs []transferDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]domain.RunTransfer, 0, len(docs))
	for _, d := range docs {
		tr, err := decodeTransfer(d)
		if err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	return out, nil
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
type Contracts struct {
	coll   *mongo.Collection
	status *coalesce.Group[contractDay, string]
}

type contractDay struct {
	contract string
	day      civil.Date
}

// NewContracts uses the contract_changes collection; the status asked for many tranches at
// once is read in one query.
func NewContracts(db *mongo.Database) *Contracts {
	c := &Contracts{coll: db.Collection("contract_changes")}
	c.status = coalesce.New(c.statusesOn)
	return c
}

func (c *Contracts) statusesOn(ctx context.Context, asked []contractDay) (map[contractDay]string, error) {
	ids := make([]string, 0, len(asked))
	for _, a := range asked {
		ids = append(ids, a.contract)
	}
	cur, err := c.coll.Find(ctx, bson.D{{Key: "contract", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, err
	}
	var changes []contractChangeDoc
	if err := cur.All(ctx, &changes); err != nil {
		return nil, err
	}
	out := make(map[contractDay]string, len(asked))
	for _, a := range asked {
		var best *contractChangeDoc
		for i := range changes {
			ch := &changes[i]
			if ch.Contract != a.contract || ch.On > a.day.String() {
				continue
			}
			if best == nil || ch.On > best.On || ch.On == best.On && ch.Seq > best.Seq {
				best = ch
			}
		}
		if best != nil {
			out[a] = best.Status
		}
	}
	return out, nil
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
	return c.status.Do(ctx, contractDay{contractID, day})
}

// Accounts is the replica of providers' bank accounts, the newest revision per provider.
type Accounts struct {
	coll *mongo.Collection
	load *coalesce.Group[string, *domain.BankAccount]
}

// NewAccounts uses the bank_accounts collection; accounts asked for at once are read in
// one query.
func NewAccounts(db *mongo.Database) *Accounts {
	a := &Accounts{coll: db.Collection("bank_accounts")}
	a.load = coalesce.New(a.loadAll)
	return a
}

func (a *Accounts) loadAll(ctx context.Context, kvks []string) (map[string]*domain.BankAccount, error) {
	cur, err := a.coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: kvks}}}})
	if err != nil {
		return nil, err
	}
	var docs []accountDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make(map[string]*domain.BankAccount, len(docs))
	for _, d := range docs {
		var doc bankAccountDocument
		if err := json.Unmarshal([]byte(d.Account), &doc); err != nil {
			return nil, err
		}
		acc := doc.bankAccount()
		out[d.ID] = &acc
	}
	return out, nil
}

type accountDoc struct {
	ID       string `bson:"_id"`
	Revision int    `bson:"revision"`
	Account  string `bson:"account"`
}

func (a *Accounts) Keep(ctx context.Context, acc domain.BankAccount) (bool, error) {
	raw, err := json.Marshal(documentOfBankAccount(acc))
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
	acc, err := a.load.Do(ctx, kvk)
	if err == nil && acc == nil {
		return nil, rules.ErrNotFound
	}
	return acc, err
}

// Keys claims tranches' natural keys (participant, product, milestone).
type Keys struct {
	coll  *mongo.Collection
	claim *coalesce.Group[keyDoc, string]
}

// NewKeys uses the tranche_keys collection; keys claimed at once are inserted and read back
// in two round trips.
func NewKeys(db *mongo.Database) *Keys {
	k := &Keys{coll: db.Collection("tranche_keys")}
	k.claim = coalesce.New(k.claimAll)
	return k
}

func (k *Keys) claimAll(ctx context.Context, claims []keyDoc) (map[keyDoc]string, error) {
	docs := make([]any, len(claims))
	ids := make([]string, len(claims))
	for i, c := range claims {
		docs[i], ids[i] = c, c.ID
	}
	if _, err := store.InsertFacts(ctx, k.coll, docs); err != nil {
		return nil, err
	}
	cur, err := k.coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, err
	}
	var owners []keyDoc
	if err := cur.All(ctx, &owners); err != nil {
		return nil, err
	}
	owner := make(map[string]string, len(owners))
	for _, o := range owners {
		owner[o.ID] = o.Tranche
	}
	out := make(map[keyDoc]string, len(claims))
	for _, c := range claims {
		out[c] = owner[c.ID]
	}
	return out, nil
}

type keyDoc struct {
	ID      string `bson:"_id"`
	Tranche string `bson:"tranche"`
}

func (k *Keys) Claim(ctx context.Context, key, trancheID string) (string, error) {
	return k.claim.Do(ctx, keyDoc{ID: key, Tranche: trancheID})
}
