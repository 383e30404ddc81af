package kittest

import (
	"net"
	"sync"
	"testing"
)

// Proxy stands between a service and a dependency (the embedded MongoDB or Kafka) so a
// test can take the dependency away: Cut closes every connection and refuses new ones (a
// crashed process, a closed port), Hang keeps connections open but carries nothing (a
// stopped process, a black-holed network), Restore brings it back.
type Proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	state  proxyState
	conns  map[net.Conn]bool
	resume chan struct{}
}

type proxyState int

const (
	proxyUp proxyState = iota
	proxyCut
	proxyHung
)

// NewProxy forwards a local port to target until the test ends.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{ln: ln, target: target, conns: map[net.Conn]bool{}, resume: make(chan struct{})}
	go p.serve()
	tb.Cleanup(func() { _ = ln.Close(); p.closeAll() })
	return p
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Cut closes every connection and refuses new ones.
func (p *Proxy) Cut() { p.set(proxyCut); p.closeAll() }

// Hang keeps connections open and carries nothing, new ones included.
func (p *Proxy) Hang() { p.set(proxyHung) }

// Restore carries traffic again; connections held while hung go on.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == proxyHung {
		close(p.resume)
		p.resume = make(chan struct{})
	}
	p.state = proxyUp
}

func (p *Proxy) set(s proxyState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = s
}

func (p *Proxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
		delete(p.conns, c)
	}
}

// gate waits while the proxy hangs; false when the connection is to be dropped.
func (p *Proxy) gate() bool {
	for {
		p.mu.Lock()
		state, resume := p.state, p.resume
		p.mu.Unlock()
		switch state {
		case proxyUp:
			return true
		case proxyCut:
			return false
		}
		<-resume
	}
}

func (p *Proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *Proxy) track(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		p.conns[c] = true
	}
}

func (p *Proxy) handle(client net.Conn) {
	if !p.gate() {
		_ = client.Close()
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	p.track(client, server)
	pipe := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				if !p.gate() {
					break
				}
				if _, werr := dst.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		_ = dst.Close()
		_ = src.Close()
	}
	go pipe(server, client)
	go pipe(client, server)
}
