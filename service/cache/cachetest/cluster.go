package cachetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/unionhub/unionhub/service/cache"
)

// ClusterEnv names the environment variable that, set to 1, makes the tests
// that start servers of their own (this Redis Cluster, StartServer, the
// failure tests' private MariaDB) fail rather than skip when the binaries
// are missing: CI sets it, so those tests cannot silently stop running.
const ClusterEnv = "UNIONHUB_TEST_REDIS_CLUSTER"

// clusterStartTimeout bounds starting the three nodes and forming the cluster.
const clusterStartTimeout = 30 * time.Second

// cluster is the one Redis Cluster of a test binary.
var cluster struct {
	once  sync.Once
	addr  string // comma-separated seeds: what cache.Open reads as a cluster
	err   error
	skip  string
	dir   string
	procs []*exec.Cmd
}

// ClusterAddr returns the seed addresses ("127.0.0.1:P1,127.0.0.1:P2,...")
// of a three-master Redis Cluster on spare loopback ports, started on first
// use and shared by every test of the binary (stop it with StopCluster from
// TestMain, or use Main). It skips the test when redis-server or redis-cli
// is not on PATH, unless ClusterEnv is 1.
func ClusterAddr(t testing.TB) string {
	t.Helper()
	cluster.once.Do(startCluster)
	if cluster.skip != "" {
		if os.Getenv(ClusterEnv) == "1" {
			t.Fatalf("%s=1 but %s", ClusterEnv, cluster.skip)
		}
		t.Skip(cluster.skip + "; install Redis to run the Redis Cluster tests")
	}
	if cluster.err != nil {
		t.Fatalf("start Redis Cluster: %v", cluster.err)
	}
	return cluster.addr
}

// Cluster returns a Cache on the shared test Redis Cluster (see ClusterAddr),
// closed when the test ends. Keys written through it should start with
// Prefix().
func Cluster(t testing.TB) *cache.Redis {
	t.Helper()
	addr := ClusterAddr(t)
	client, err := cache.NewUniversalClient(addr, cache.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := cache.NewRedis(client)
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// Main runs the tests of m, then stops the shared Redis Cluster if a test
// started it, and exits with the tests' status. Use it as TestMain.
func Main(m *testing.M) {
	code := m.Run()
	StopCluster()
	os.Exit(code)
}

// StopCluster stops the shared Redis Cluster's nodes, if they were started,
// and removes their directory. The nodes also die with the test binary.
func StopCluster() {
	for _, p := range cluster.procs {
		_ = p.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range cluster.procs {
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = p.Process.Kill()
			<-done
		}
	}
	cluster.procs = nil
	if cluster.dir != "" {
		_ = os.RemoveAll(cluster.dir)
		cluster.dir = ""
	}
}

func startCluster() {
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			cluster.skip = bin + " is not on PATH"
			return
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), clusterStartTimeout)
	defer cancel()
	if err := formCluster(ctx); err != nil {
		cluster.err = err
		StopCluster()
	}
}

func formCluster(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "unionhub-redis-cluster-")
	if err != nil {
		return err
	}
	cluster.dir = dir
	var addrs []string
	for i := range 3 {
		port, err := clusterPort()
		if err != nil {
			return err
		}
		node := filepath.Join(dir, strconv.Itoa(i))
		if err := os.Mkdir(node, 0o700); err != nil {
			return err
		}
		cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(node, "nodes.conf"),
			"--cluster-node-timeout", "2000", "--dir", node, "--save", "", "--appendonly", "no",
			"--daemonize", "no", "--logfile", filepath.Join(node, "redis.log"))
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("redis-server: %w", err)
		}
		cluster.procs = append(cluster.procs, cmd)
		addr := "127.0.0.1:" + strconv.Itoa(port)
		if err := waitPing(ctx, addr); err != nil {
			return err
		}
		addrs = append(addrs, addr)
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("redis-cli --cluster create: %w\n%s", err, out)
	}
	for _, a := range addrs {
		if err := waitClusterOK(ctx, a); err != nil {
			return err
		}
	}
	cluster.addr = strings.Join(addrs, ",")
	return nil
}

// clusterPort returns a free loopback port whose cluster bus port (+10000)
// is free too.
func clusterPort() (int, error) {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		if port+10000 > 65535 {
			_ = l.Close()
			continue
		}
		bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
		_ = l.Close()
		if err != nil {
			continue
		}
		_ = bus.Close()
		return port, nil
	}
	return 0, errors.New("no free port pair for a Redis Cluster node")
}

// waitPing waits until the Redis at addr answers PING.
func waitPing(ctx context.Context, addr string) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	for {
		err := c.Ping(ctx).Err()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("redis-server at %s: %w", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitClusterOK waits until the node at addr reports cluster_state:ok.
func waitClusterOK(ctx context.Context, addr string) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("cluster node %s not ok: %v %q", addr, err, info)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
