// Package mongosqlite is the platform's embedded MongoDB: a server that speaks the MongoDB
// wire protocol (OP_MSG, and OP_QUERY for the driver's first handshake) and keeps each
// database in a SQLite file, so that `werkregio up` and the tests run with nothing installed.
// Production runs real MongoDB with the same driver code.
//
// Why not FerretDB v1: it pushes only top-level equality down to its backend and sorts,
// ranges and limits in Go after reading every matching document, and on SQLite even an _id
// lookup scans the table; a lookup and a page grow linearly with the collection (see
// docs/architecture.md, "The store").
//
// Here indexes are SQLite expression indexes over mkey(doc, path), a function that maps BSON
// values onto SQLite values in MongoDB's comparison order (see keys.go). A query's equality,
// $in and range conditions on paths that never held an array, its sort and its limit become
// SQL that those indexes answer; whatever cannot be translated exactly is evaluated in Go on
// the rows SQLite returns, with MongoDB's semantics. Writes are serialised per database, one
// transaction per command, so every write command is atomic; reads run concurrently (WAL).
//
// It implements what a service built on the official Go driver uses: CRUD with upserts and
// the common update operators, unique indexes with duplicate-key errors (11000), cursors,
// count, the aggregation countDocuments sends, explain (reporting IXSCAN or COLLSCAN), and
// change streams of inserts (what the outbox relay follows). It has no multi-document
// transactions and no authentication, as a development server. README.md says what it
// supports and refuses; its conformance suite holds it to MongoDB.
package mongosqlite

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/wiremessage"
)

// Server serves the databases kept in one directory.
type Server struct {
	dir string
	log *slog.Logger

	mu     sync.Mutex
	dbs    map[string]*database
	conns  map[net.Conn]struct{}
	closed bool

	cursors *cursorTable
	connIDs atomic.Int64
	started time.Time
}

// New prepares a server for the databases in dir (created if missing).
func New(dir string, log *slog.Logger) (*Server, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Server{dir: dir, log: log, dbs: map[string]*database{}, conns: map[net.Conn]struct{}{},
		cursors: newCursorTable(), started: time.Now()}, nil
}

// Serve accepts connections until the listener closes.
func (s *Server) Serve(ln net.Listener) error {
	stop := make(chan struct{})
	defer close(stop)
	go s.cursors.expire(stop, 10*time.Minute)
	for {
		conn, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		s.mu.Lock()
		s.conns[conn] = struct{}{}
		s.mu.Unlock()
		go s.handle(conn)
	}
}

// Close ends every connection and closes the databases.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for c := range s.conns {
		_ = c.Close()
	}
	s.cursors.closeAll()
	for _, db := range s.dbs {
		db.close()
	}
	s.dbs = map[string]*database{}
}

// db opens (and with create, makes) a database.
func (s *Server) db(name string, create bool) (*database, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if db, ok := s.dbs[name]; ok {
		return db, nil
	}
	if !create {
		if _, err := os.Stat(filepath.Join(s.dir, name+".sqlite")); err != nil {
			return nil, nil
		}
	}
	db, err := openDatabase(s.dir, name)
	if err != nil {
		return nil, err
	}
	s.dbs[name] = db
	return db, nil
}

func (s *Server) databaseNames() []string {
	names := map[string]bool{}
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".sqlite"); ok {
			names[n] = true
		}
	}
	s.mu.Lock()
	for n := range s.dbs {
		names[n] = true
	}
	s.mu.Unlock()
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	return out
}

func (s *Server) dropDatabase(name string) error {
	s.mu.Lock()
	db, ok := s.dbs[name]
	delete(s.dbs, name)
	s.mu.Unlock()
	if ok {
		db.wmu.Lock()
		db.close()
		db.wmu.Unlock()
	}
	return removeDatabaseFiles(filepath.Join(s.dir, name+".sqlite"))
}

const maxMessageSize = 48 << 20

func (s *Server) handle(conn net.Conn) {
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
		_ = conn.Close()
	}()
	connID := s.connIDs.Add(1)
	header := make([]byte, 16)
	for {
		if _, err := io.ReadFull(conn, header); err != nil {
			return
		}
		length := int32(binary.LittleEndian.Uint32(header))
		if length < 16 || length > maxMessageSize {
			s.log.Warn("bad message length", "length", length)
			return
		}
		msg := make([]byte, length)
		copy(msg, header)
		if _, err := io.ReadFull(conn, msg[16:]); err != nil {
			return
		}
		reply, err := s.message(connID, msg)
		if err != nil {
			s.log.Warn("bad message", "error", err.Error())
			return
		}
		if reply != nil {
			if _, err := conn.Write(reply); err != nil {
				return
			}
		}
	}
}

// message decodes one request and encodes its reply (nil when the client wants none).
func (s *Server) message(connID int64, msg []byte) ([]byte, error) {
	_, reqID, _, opcode, rem, ok := wiremessage.ReadHeader(msg)
	if !ok {
		return nil, errors.New("short header")
	}
	switch opcode {
	case wiremessage.OpMsg:
		flags, rem, ok := wiremessage.ReadMsgFlags(rem)
		if !ok {
			return nil, errors.New("short OP_MSG")
		}
		if flags&wiremessage.ChecksumPresent != 0 && len(rem) >= 4 {
			rem = rem[:len(rem)-4]
		}
		var body bsoncore.Document
		var seqs []docSequence
		for len(rem) > 0 {
			var st wiremessage.SectionType
			st, rem, ok = wiremessage.ReadMsgSectionType(rem)
			if !ok {
				return nil, errors.New("bad section")
			}
			switch st {
			case wiremessage.SingleDocument:
				body, rem, ok = wiremessage.ReadMsgSectionSingleDocument(rem)
			case wiremessage.DocumentSequence:
				var seq docSequence
				seq.id, seq.docs, rem, ok = wiremessage.ReadMsgSectionDocumentSequence(rem)
				seqs = append(seqs, seq)
			default:
				return nil, fmt.Errorf("unknown section type %d", st)
			}
			if !ok {
				return nil, errors.New("bad section")
			}
		}
		dbName, _ := body.Lookup("$db").StringValueOK()
		resp := s.command(connID, dbName, body, seqs)
		if flags&wiremessage.MoreToCome != 0 {
			return nil, nil
		}
		idx, out := wiremessage.AppendHeaderStart(nil, wiremessage.NextRequestID(), reqID, wiremessage.OpMsg)
		out = wiremessage.AppendMsgFlags(out, 0)
		out = wiremessage.AppendMsgSectionType(out, wiremessage.SingleDocument)
		out = append(out, resp...)
		binary.LittleEndian.PutUint32(out[idx:], uint32(len(out)))
		return out, nil
	case wiremessage.OpQuery: //nolint:staticcheck // see legacyQuery
		return s.legacyQuery(connID, reqID, rem)
	}
	return nil, fmt.Errorf("unsupported opcode %v", opcode)
}

type docSequence struct {
	id   string
	docs []bsoncore.Document
}

// mongoError is a command failure with MongoDB's code and code name.
type mongoError struct {
	Code int32
	Name string
	Msg  string
}

func (e mongoError) Error() string { return e.Msg }

func errorDoc(e mongoError) bsoncore.Document {
	return mustMarshal(bson.D{{Key: "ok", Value: 0.0}, {Key: "errmsg", Value: e.Msg}, {Key: "code", Value: e.Code}, {Key: "codeName", Value: e.Name}})
}

func mustMarshal(d bson.D) bsoncore.Document {
	raw, err := bson.Marshal(d)
	if err != nil {
		raw, _ = bson.Marshal(bson.D{{Key: "ok", Value: 0.0}, {Key: "errmsg", Value: "reply encoding: " + err.Error()}, {Key: "code", Value: int32(1)}})
	}
	return raw
}

// background is the context of a command: commands do not outlive a minute.
func background() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), time.Minute)
}

// legacyQuery answers OP_QUERY, which drivers still use for the first hello of a
// connection; everything after it is OP_MSG.
//
//nolint:staticcheck // the legacy opcodes are deprecated for clients, not for the handshake
func (s *Server) legacyQuery(connID int64, reqID int32, rem []byte) ([]byte, error) {
	_, rem, ok := wiremessage.ReadQueryFlags(rem)
	if !ok {
		return nil, errors.New("short OP_QUERY")
	}
	ns, rem, ok := wiremessage.ReadQueryFullCollectionName(rem)
	if !ok {
		return nil, errors.New("bad OP_QUERY namespace")
	}
	_, rem, _ = wiremessage.ReadQueryNumberToSkip(rem)
	_, rem, _ = wiremessage.ReadQueryNumberToReturn(rem)
	query, _, ok := wiremessage.ReadQueryQuery(rem)
	if !ok {
		return nil, errors.New("bad OP_QUERY document")
	}
	if inner, err := query.LookupErr("$query"); err == nil {
		query = inner.Document()
	}
	dbName, _, _ := strings.Cut(ns, ".")
	var resp bsoncore.Document
	if strings.HasSuffix(ns, ".$cmd") {
		resp = s.command(connID, dbName, query, nil)
	} else {
		resp = errorDoc(mongoError{Code: 352, Name: "UnsupportedOpQueryCommand", Msg: "OP_QUERY is only supported for commands"})
	}
	idx, out := wiremessage.AppendHeaderStart(nil, wiremessage.NextRequestID(), reqID, wiremessage.OpReply)
	out = wiremessage.AppendReplyFlags(out, 0)
	out = wiremessage.AppendReplyCursorID(out, 0)
	out = wiremessage.AppendReplyStartingFrom(out, 0)
	out = wiremessage.AppendReplyNumberReturned(out, 1)
	out = append(out, resp...)
	binary.LittleEndian.PutUint32(out[idx:], uint32(len(out)))
	return out, nil
}
