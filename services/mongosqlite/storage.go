package mongosqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

func init() {
	// mkey(doc, path) is deterministic, so SQLite allows it in index expressions.
	sqlite.MustRegisterDeterministicScalarFunction("mkey", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		doc, _ := args[0].([]byte)
		path, _ := args[1].(string)
		return docKey(doc, path), nil
	})
}

// database is one MongoDB database: one SQLite file. Writes go through a single connection
// under a mutex, each command in one transaction, so every write command is atomic (as a
// single-document write is on MongoDB); reads use a pool and see committed data (WAL).
type database struct {
	name   string
	path   string
	writer *sql.DB
	reader *sql.DB
	wmu    sync.Mutex
	reads  *stmtCache
	writes *stmtCache

	mu    sync.RWMutex
	colls map[string]*collection
	// created are the collections the write under way made (guarded by wmu): readers see
	// them only once that write committed, as they see their tables.
	created map[string]*collection

	// changed is closed (and replaced) when a write commits: change streams wait on it.
	changedMu sync.Mutex
	changed   chan struct{}
}

// changes returns a channel that is closed by the next write that commits.
func (d *database) changes() <-chan struct{} {
	d.changedMu.Lock()
	defer d.changedMu.Unlock()
	if d.changed == nil {
		d.changed = make(chan struct{})
	}
	return d.changed
}

func (d *database) announce() {
	d.changedMu.Lock()
	if d.changed != nil {
		close(d.changed)
		d.changed = nil
	}
	d.changedMu.Unlock()
}

// collection is one table: the primary key is the _id's key, the document is raw BSON.
type collection struct {
	db    *database
	name  string
	table string

	mu       sync.RWMutex
	indexes  []indexSpec
	multikey map[string]bool
}

type indexSpec struct {
	Name   string     `json:"name"`
	Keys   []indexKey `json:"keys"`
	Unique bool       `json:"unique,omitempty"`
}

type indexKey struct {
	Path string `json:"path"`
	Desc bool   `json:"desc,omitempty"`
}

type collectionMeta struct {
	Indexes  []indexSpec `json:"indexes"`
	Multikey []string    `json:"multikey"`
}

var dbNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,120}$`)

func openDatabase(dir, name string) (*database, error) {
	if !dbNamePattern.MatchString(name) || strings.HasPrefix(name, ".") {
		return nil, fmt.Errorf("invalid database name %q", name)
	}
	path := filepath.Join(dir, name+".sqlite")
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32768)&_pragma=mmap_size(1073741824)"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// Writes are serialised by wmu; the second connection prepares statements while the
	// first holds a transaction (a transaction re-prepares them on its own connection once).
	w.SetMaxOpenConns(2)
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(32)
	r.SetMaxIdleConns(8)
	db := &database{name: name, path: path, writer: w, reader: r, colls: map[string]*collection{},
		reads: newStmtCache(r), writes: newStmtCache(w)}
	if _, err := w.Exec(`CREATE TABLE IF NOT EXISTS _collections (name TEXT PRIMARY KEY, tbl TEXT NOT NULL UNIQUE, meta TEXT NOT NULL)`); err != nil {
		db.close()
		return nil, err
	}
	rows, err := w.Query(`SELECT name, tbl, meta FROM _collections`)
	if err != nil {
		db.close()
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, tbl, meta string
		if err := rows.Scan(&name, &tbl, &meta); err != nil {
			db.close()
			return nil, err
		}
		var m collectionMeta
		if err := json.Unmarshal([]byte(meta), &m); err != nil {
			db.close()
			return nil, err
		}
		c := &collection{db: db, name: name, table: tbl, indexes: m.Indexes, multikey: map[string]bool{}}
		for _, p := range m.Multikey {
			c.multikey[p] = true
		}
		db.colls[name] = c
	}
	return db, rows.Err()
}

func (d *database) close() {
	d.reads.reset()
	d.writes.reset()
	_ = d.reader.Close()
	_ = d.writer.Close()
}

// write runs fn in a transaction on the writer connection.
func (d *database) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	d.created = nil
	tx, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if len(d.created) > 0 {
		d.mu.Lock()
		for name, c := range d.created {
			d.colls[name] = c
		}
		d.mu.Unlock()
		d.created = nil
	}
	d.announce()
	return nil
}

func (d *database) collection(name string) *collection {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.colls[name]
}

func (d *database) collectionNames() []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]string, 0, len(d.colls))
	for n := range d.colls {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func tableName(coll string) string {
	h := fnv.New32a()
	h.Write([]byte(coll))
	var b strings.Builder
	for _, r := range coll {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	return fmt.Sprintf("c_%s_%08x", b.String(), h.Sum32())
}

func validCollectionName(name string) error {
	if name == "" || strings.HasPrefix(name, "system.") || strings.ContainsAny(name, "$\x00") {
		return mongoError{Code: 73, Name: "InvalidNamespace", Msg: fmt.Sprintf("invalid collection name %q", name)}
	}
	return nil
}

// ensureCollection creates the collection inside a write transaction if it is missing.
func (d *database) ensureCollection(tx *sql.Tx, name string) (*collection, bool, error) {
	if c := d.collection(name); c != nil {
		return c, false, nil
	}
	if c := d.created[name]; c != nil {
		return c, false, nil
	}
	if err := validCollectionName(name); err != nil {
		return nil, false, err
	}
	c := &collection{db: d, name: name, table: tableName(name), multikey: map[string]bool{},
		indexes: []indexSpec{{Name: "_id_", Keys: []indexKey{{Path: "_id"}}, Unique: true}}}
	stmts := []string{
		// AUTOINCREMENT: a rowid is never reused, so it is a position in the order of inserts
		// (change streams); tables made before it still work for everything else.
		fmt.Sprintf(`CREATE TABLE %q (rid INTEGER PRIMARY KEY AUTOINCREMENT, id NOT NULL, doc BLOB NOT NULL)`, c.table),
		fmt.Sprintf(`CREATE UNIQUE INDEX %q ON %q (id)`, c.table+"__id_", c.table),
	}
	for _, s := range stmts {
		if _, err := tx.Exec(s); err != nil {
			return nil, false, err
		}
	}
	if err := c.saveMeta(tx, true); err != nil {
		return nil, false, err
	}
	// Until the write commits, its table exists in its transaction only: a reader that
	// found the collection now would ask for a table it cannot see ("no such table").
	if d.created == nil {
		d.created = map[string]*collection{}
	}
	d.created[name] = c
	return c, true, nil
}

func (c *collection) saveMeta(tx *sql.Tx, insert bool) error {
	c.mu.RLock()
	m := collectionMeta{Indexes: c.indexes}
	for p := range c.multikey {
		m.Multikey = append(m.Multikey, p)
	}
	c.mu.RUnlock()
	sort.Strings(m.Multikey)
	raw, _ := json.Marshal(m)
	if insert {
		_, err := tx.Exec(`INSERT INTO _collections (name, tbl, meta) VALUES (?, ?, ?)`, c.name, c.table, string(raw))
		return err
	}
	_, err := tx.Exec(`UPDATE _collections SET meta = ? WHERE name = ?`, string(raw), c.name)
	return err
}

// forget removes the collection from memory after its table was dropped.
func (d *database) forget(name string) {
	d.mu.Lock()
	delete(d.colls, name)
	d.mu.Unlock()
}

func (c *collection) isMultikey(path string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if len(c.multikey) == 0 {
		return false
	}
	for {
		if c.multikey[path] {
			return true
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			return false
		}
		path = path[:i]
	}
}

// noteArrays records the paths where doc holds arrays, before the write commits, so that
// no query plans such a path as a scalar once the document is visible.
func (c *collection) noteArrays(tx *sql.Tx, paths []string) error {
	c.mu.Lock()
	added := false
	for _, p := range paths {
		if !c.multikey[p] {
			c.multikey[p] = true
			added = true
		}
	}
	c.mu.Unlock()
	if !added {
		return nil
	}
	return c.saveMeta(tx, false)
}

func (c *collection) indexList() []indexSpec {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]indexSpec(nil), c.indexes...)
}

func (c *collection) createIndex(tx *sql.Tx, spec indexSpec) (bool, error) {
	c.mu.RLock()
	for _, have := range c.indexes {
		if have.Name == spec.Name {
			c.mu.RUnlock()
			if fmt.Sprint(have.Keys) != fmt.Sprint(spec.Keys) || have.Unique != spec.Unique {
				return false, mongoError{Code: 86, Name: "IndexKeySpecsConflict", Msg: "an index named " + spec.Name + " exists with other keys or options"}
			}
			return false, nil
		}
	}
	c.mu.RUnlock()
	cols := make([]string, len(spec.Keys))
	for i, k := range spec.Keys {
		cols[i] = keyExpr(k.Path)
		if k.Desc {
			cols[i] += " DESC"
		}
	}
	q := "CREATE "
	if spec.Unique {
		q += "UNIQUE "
	}
	q += fmt.Sprintf("INDEX %q ON %q (%s)", c.table+"_"+spec.Name, c.table, strings.Join(cols, ", "))
	if _, err := tx.Exec(q); err != nil {
		return false, translateError(err, c, spec.Name)
	}
	c.db.reads.reset()
	c.db.writes.reset()
	c.mu.Lock()
	c.indexes = append(c.indexes, spec)
	c.mu.Unlock()
	return true, c.saveMeta(tx, false)
}

func (c *collection) dropIndex(tx *sql.Tx, name string) error {
	if name == "_id_" {
		return mongoError{Code: 72, Name: "InvalidOptions", Msg: "cannot drop _id index"}
	}
	c.mu.Lock()
	found := -1
	for i, ix := range c.indexes {
		if ix.Name == name {
			found = i
		}
	}
	if found < 0 {
		c.mu.Unlock()
		return mongoError{Code: 27, Name: "IndexNotFound", Msg: "index not found with name [" + name + "]"}
	}
	c.indexes = append(c.indexes[:found], c.indexes[found+1:]...)
	c.mu.Unlock()
	c.db.reads.reset()
	c.db.writes.reset()
	if _, err := tx.Exec(fmt.Sprintf("DROP INDEX %q", c.table+"_"+name)); err != nil {
		return err
	}
	return c.saveMeta(tx, false)
}

// translateError turns SQLite's unique-constraint failure into MongoDB's duplicate key
// error (code 11000), which drivers and the platform rely on for exactly-once effects.
func translateError(err error, c *collection, index string) error {
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		if index == "" {
			index = "_id_"
			msg := se.Error()
			for _, ix := range c.indexList() {
				if ix.Name != "_id_" && strings.Contains(msg, keyExpr(ix.Keys[0].Path)) {
					index = ix.Name
				}
			}
		}
		return mongoError{Code: 11000, Name: "DuplicateKey",
			Msg: fmt.Sprintf("E11000 duplicate key error collection: %s.%s index: %s", c.db.name, c.name, index)}
	}
	return err
}

func removeDatabaseFiles(path string) error {
	var errs []error
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
