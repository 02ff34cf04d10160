package cache

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// A node keeps copies of a few hot keys (a session's state, a user's
// roles, a card's state) in its own memory, so that most requests reach
// Redis not at all: the round trip, and Redis's share of a small machine,
// were most of what a card or a verification cost beyond its signature.
// A copy must never let a node answer from what another node has already
// changed, so:
//
//   - Every write of such a key goes with a PUBLISH of the key on
//     nearChannel (in the same pipeline, or in the same script), and every
//     node, subscribed to the channel, drops its copy when the message
//     comes.
//   - A node uses its copies only while it holds a lease: a PING sent on
//     its subscription less than nearLease ago has come back. A reply comes
//     after every message published before Redis read the PING, so a node
//     with a lease has dropped every copy that a write published before
//     the PING's send time had changed.
//   - The writer then waits out one lease (nearLease) before it reports
//     success (owe, Pay): by then no node holds a lease that started before
//     its write. A request pays once, however many keys it wrote, before
//     its reply; work outside a request pays at each write.
//   - SetNX writes only a missing key, and no node holds a copy of a key
//     that is missing in Redis: a copy never outlives its key (the read
//     that makes it reads the key's expiry too, and its life is counted
//     from before that read was sent), and a delete is published and
//     waited out like any other write. SetNX therefore publishes (when it
//     set the key) but does not wait. It is how a cache fill writes, so a
//     fill costs its request nothing extra. (A key that Redis evicts under
//     a maxmemory policy goes unpublished; every SetNX of UnionHub is a
//     fill from the database or is followed by a write that waits, so an
//     evicted key's copy cannot hide a change either.)
//   - A Delete publishes and waits only for keys that were there, a SetNX
//     only when it set the key: a request that changes nothing costs the
//     other nodes nothing.
//   - A read racing a write cannot leave an old value behind: each drop
//     bumps a counter, and a copy is kept only when the counter has not
//     moved since before its read was sent.
//   - Losing the subscription drops every copy; a new subscription starts
//     empty. Copies live at most nearTTL.
//
// The one window left: when Redis restarts with its data gone, a node
// whose lease is still running keeps its copies for up to nearLease, and
// a SetNX in that time does not wait for it.
//
// On a Redis Cluster a published message travels between the nodes of
// the cluster on its own path, after the write's reply, so the lease
// proves nothing there: a cluster keeps no copies (Near is ignored).

const (
	// nearChannel carries the keys whose copies are to be dropped.
	nearChannel = "unionhub:cache:near"
	// nearLease is how long a PING's reply lets a node use its copies, and
	// how long a writer waits before it reports success.
	nearLease = 25 * time.Millisecond
	// nearPingEvery keeps the lease fresh with some slack for a busy node.
	nearPingEvery = 5 * time.Millisecond
	// nearSilence ends a subscription whose connection has gone quiet: no
	// reply to the pings for that long means the connection is gone.
	nearSilence = time.Second
	// nearTTL bounds a copy's life.
	nearTTL = time.Second
	// nearMaxEntries bounds the copies' memory (a few hundred bytes each).
	nearMaxEntries = 20000
)

// NearOptions choose the keys a node may copy.
type NearOptions struct {
	// Keys reports whether key may be copied; nil copies none. It sees the
	// keys as Redis does (with any WithPrefix prefix).
	Keys func(key string) bool
	// NoCopies keeps no copies but publishes and waits for every write of
	// Keys as if it did: for a node beside nodes of a build that does not
	// (a rolling upgrade) or of its own kind that keep copies.
	NoCopies bool
}

// near is a Redis cache's node-local copies.
type near struct {
	keys   func(string) bool
	copies bool      // false: publish and wait only (NoCopies)
	epoch  time.Time // monotonic base of the lease's clock

	mu      sync.RWMutex
	entries map[string]nearEntry
	gen     atomic.Uint64 // bumped by every drop
	// subscribed: the subscription is confirmed; copies may be kept.
	subscribed atomic.Bool
	// acked is the send time (clock()) of the latest PING whose reply
	// came back on the current subscription.
	acked atomic.Int64

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	// hold, when set (tests), holds the subscription up before each
	// message until it is closed: a node that falls behind.
	hold atomic.Pointer[chan struct{}]
}

type nearEntry struct {
	value   string
	expires int64 // clock()
}

// newNear starts the subscription that keeps copies honest, or returns
// nil when opts copies nothing.
func newNear(client redis.UniversalClient, opts NearOptions) *near {
	if opts.Keys == nil {
		return nil
	}
	if _, cluster := client.(*redis.ClusterClient); cluster {
		return nil
	}
	n := &near{keys: opts.Keys, copies: !opts.NoCopies, epoch: time.Now(), entries: make(map[string]nearEntry),
		stop: make(chan struct{}), done: make(chan struct{})}
	if opts.NoCopies {
		close(n.done) // never subscribed: nothing is kept or answered
		return n
	}
	go n.run(client)
	return n
}

func (n *near) clock() int64 { return int64(time.Since(n.epoch)) }

// keepsCopies reports whether reads should look for and keep copies (and
// so read expiries): not when there is no near cache or it only publishes.
func (n *near) keepsCopies() bool { return n != nil && n.copies }

// copying returns n when it keeps copies, else nil: what the read side
// (the coalescer) needs.
func (n *near) copying() *near {
	if n.keepsCopies() {
		return n
	}
	return nil
}

// covers reports whether key may have copies.
func (n *near) covers(key string) bool { return n != nil && n.keys(key) }

// leased reports whether copies may be used now.
func (n *near) leased() bool {
	return n.subscribed.Load() && n.clock()-n.acked.Load() < int64(nearLease)
}

// get returns the copy of key, if there is a usable one.
func (n *near) get(key string) (string, bool) {
	if !n.leased() {
		return "", false
	}
	n.mu.RLock()
	e, ok := n.entries[key]
	n.mu.RUnlock()
	if !ok || n.clock() >= e.expires {
		return "", false
	}
	return e.value, true
}

// nearRead is what keep needs to know of a read: the drop count and the
// clock when it was sent.
type nearRead struct {
	gen uint64
	at  int64
}

// begin returns what keep needs to know: call it before sending the read.
func (n *near) begin() nearRead { return nearRead{gen: n.gen.Load(), at: n.clock()} }

// keep stores a copy of key read as r says, for at most ttl (the key's
// remaining life as Redis answered; -1: no expiry; -2: missing), counted
// from before the read was sent, so that the copy never outlives the key;
// unless something was dropped since. A full set of copies starts afresh.
func (n *near) keep(key, value string, ttl time.Duration, r nearRead) {
	if !n.subscribed.Load() || ttl == 0 || ttl < -1 {
		return
	}
	life := nearTTL
	if ttl > 0 && ttl < life {
		life = ttl
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.gen.Load() != r.gen {
		return
	}
	if len(n.entries) >= nearMaxEntries {
		clear(n.entries) // once per nearMaxEntries copies; they refill from Redis
	}
	n.entries[key] = nearEntry{value: value, expires: r.at + int64(life)}
}

// drop forgets the copies of keys.
func (n *near) drop(keys ...string) {
	n.mu.Lock()
	n.gen.Add(1)
	for _, k := range keys {
		delete(n.entries, k)
	}
	n.mu.Unlock()
}

// dropAll forgets every copy.
func (n *near) dropAll() {
	n.mu.Lock()
	n.gen.Add(1)
	clear(n.entries)
	n.mu.Unlock()
}

// lose ends the use of copies until a new subscription is confirmed.
func (n *near) lose() {
	n.subscribed.Store(false)
	n.dropAll()
}

func (n *near) close() {
	if n == nil {
		return
	}
	n.closeOnce.Do(func() { close(n.stop) })
	<-n.done
}

// run keeps a subscription to nearChannel, starting a new one (after a
// short wait that grows while Redis is away) whenever it fails.
func (n *near) run(client redis.UniversalClient) {
	defer close(n.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-n.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	wait := 50 * time.Millisecond
	for {
		ps := client.Subscribe(ctx, nearChannel)
		if n.listen(ctx, ps) {
			wait = 50 * time.Millisecond
		}
		_ = ps.Close()
		n.lose()
		select {
		case <-n.stop:
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// listen handles one subscription until it fails or the cache closes,
// pinging it every nearPingEvery once confirmed; it reports whether the
// subscription was ever confirmed.
func (n *near) listen(ctx context.Context, ps *redis.PubSub) (confirmed bool) {
	pctx, cancel := context.WithCancel(ctx)
	var pinger sync.WaitGroup
	defer func() {
		cancel()
		pinger.Wait()
	}()
	// A read waits up to nearSilence and does not watch ctx: closing the
	// subscription ends it when the cache closes.
	pinger.Go(func() {
		<-pctx.Done()
		if ctx.Err() != nil {
			_ = ps.Close()
		}
	})
	for {
		msg, err := ps.ReceiveTimeout(ctx, nearSilence)
		if err != nil {
			return confirmed
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind != "subscribe" || m.Channel != nearChannel {
				continue
			}
			if confirmed {
				return true // the client subscribed again on a new connection: start afresh
			}
			confirmed = true
			n.acked.Store(n.clock() - int64(nearLease)) // no lease before the first reply
			n.dropAll()
			n.subscribed.Store(true)
			pinger.Go(func() { n.ping(pctx, ps) })
		case *redis.Message:
			if h := n.hold.Load(); h != nil {
				<-*h
			}
			n.drop(m.Payload)
		case *redis.Pong:
			if sent, err := strconv.ParseInt(m.Payload, 10, 64); err == nil && sent > n.acked.Load() {
				n.acked.Store(sent)
			}
		}
	}
}

// ping sends a PING carrying its send time every nearPingEvery; a failed
// one ends the use of copies at once (listen then sees the failure too).
func (n *near) ping(ctx context.Context, ps *redis.PubSub) {
	t := time.NewTicker(nearPingEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := ps.Ping(ctx, strconv.FormatInt(n.clock(), 10)); err != nil {
			if ctx.Err() == nil {
				n.lose()
			}
			return
		}
	}
}

// A debt is the time until which a request must hold its reply back: the
// end of the lease of the last copied key it wrote.
type debt struct{ until atomic.Int64 } // debtClock()

type debtKey struct{}

// debtEpoch is the monotonic base of debts (a wall-clock step must not cut
// a wait short).
var debtEpoch = time.Now()

func debtClock() int64 { return int64(time.Since(debtEpoch)) }

// WithDebt returns a context under which writes of copied keys leave
// their wait to Pay instead of waiting each on its own: a request's
// context, paid once before its reply.
func WithDebt(ctx context.Context) context.Context {
	return context.WithValue(ctx, debtKey{}, &debt{})
}

// Pay waits until every write of a copied key made under ctx (WithDebt)
// so far is seen by every node. It does not stop when ctx ends (at most
// nearLease): a client that half-closes its connection still gets its
// reply, and must not get it early.
func Pay(ctx context.Context) {
	d, _ := ctx.Value(debtKey{}).(*debt)
	if d == nil {
		return
	}
	if wait := time.Duration(d.until.Load() - debtClock()); wait > 0 {
		time.Sleep(wait)
	}
}

// owe makes the caller of a write of a copied key wait out one lease:
// through ctx's debt when it has one, else now.
func owe(ctx context.Context) {
	if d, _ := ctx.Value(debtKey{}).(*debt); d != nil {
		until := debtClock() + int64(nearLease)
		for {
			cur := d.until.Load()
			if cur >= until || d.until.CompareAndSwap(cur, until) {
				return
			}
		}
	}
	time.Sleep(nearLease) // whatever ctx says, as Pay
}
