package mongosqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements per SQL text: parsing and planning a statement costs
// more than running it for the short queries a service sends. It is bounded; statements
// are re-prepared after a schema change makes them fail.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

const maxStatements = 512

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) get(ctx context.Context, text string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[text]; ok {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	if len(c.m) >= maxStatements {
		c.resetLocked()
	}
	c.m[text] = st
	return st, nil
}

// reset forgets every statement (after DDL: a dropped table or index).
func (c *stmtCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resetLocked()
}

func (c *stmtCache) resetLocked() {
	old := c.m
	c.m = map[string]*sql.Stmt{}
	// Close waits for open cursors of a statement to finish; it must not hold up DDL.
	go func() {
		for _, st := range old {
			_ = st.Close()
		}
	}()
}

// query runs a read on the pool with a cached statement, or inside tx when given.
func (d *database) query(ctx context.Context, tx *sql.Tx, text string, args ...any) (*sql.Rows, error) {
	cache := d.reads
	if tx != nil {
		cache = d.writes
	}
	st, err := cache.get(ctx, text)
	if err != nil {
		if tx != nil { // a table this transaction created is not visible to other connections yet
			return tx.QueryContext(ctx, text, args...)
		}
		return nil, err
	}
	if tx != nil {
		st = tx.StmtContext(ctx, st)
	}
	return st.QueryContext(ctx, args...)
}

// exec runs a statement inside a write transaction with a cached statement.
func (d *database) exec(ctx context.Context, tx *sql.Tx, text string, args ...any) (sql.Result, error) {
	st, err := d.writes.get(ctx, text)
	if err != nil { // a table this transaction created is not visible to other connections yet
		return tx.ExecContext(ctx, text, args...)
	}
	return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}
