package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// profiler takes the CPU and allocation profiles: of this process (the
// in-process node), or of the external server through its /debug/pprof.
type profiler struct {
	remote   string // the server's pprof base URL; "" profiles this process
	cpu, mem string
	log      io.Writer
	started  bool
	done     chan error // the remote CPU profile's fetch
	stopCPU  func()
}

func newProfiler(o externalOptions, cpu, mem string, log io.Writer) *profiler {
	return &profiler{remote: strings.TrimSuffix(o.Pprof, "/"), cpu: cpu, mem: mem, log: log, stopCPU: func() {}}
}

// startCPU starts the CPU profile, once, to run for about d (remote) or
// until finish (local).
func (p *profiler) startCPU(ctx context.Context, d time.Duration) error {
	if p.cpu == "" || p.started {
		return nil
	}
	p.started = true
	if p.remote == "" {
		f, err := os.Create(p.cpu)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return err
		}
		p.stopCPU = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	secs := int((d + time.Second - 1) / time.Second)
	p.done = make(chan error, 1)
	go func() {
		p.done <- fetch(ctx, p.remote+"/debug/pprof/profile?seconds="+strconv.Itoa(secs), p.cpu, time.Duration(secs)*time.Second+time.Minute)
	}()
	return nil
}

// allocsBefore snapshots the allocation profile before the runs.
func (p *profiler) allocsBefore(ctx context.Context) error {
	if p.mem == "" {
		return nil
	}
	return p.allocs(ctx, p.mem+".before")
}

// finish stops the CPU profile (waits for the server's) and writes the
// allocation profile.
func (p *profiler) finish(ctx context.Context) error {
	p.stop()
	if p.done != nil {
		if err := <-p.done; err != nil {
			return fmt.Errorf("server CPU profile: %w", err)
		}
		p.done = nil
		fmt.Fprintf(p.log, "loadtest: server CPU profile: go tool pprof -top %s\n", p.cpu)
	}
	if p.mem == "" {
		return nil
	}
	if err := p.allocs(ctx, p.mem); err != nil {
		return err
	}
	fmt.Fprintf(p.log, "loadtest: allocations of the runs: go tool pprof -sample_index=alloc_space -base %s.before %s\n", p.mem, p.mem)
	return nil
}

func (p *profiler) stop() {
	p.stopCPU()
	p.stopCPU = func() {}
}

// allocs writes the allocation profile as it stands (after a GC, as
// pprof's allocation profiles are as of the last one).
func (p *profiler) allocs(ctx context.Context, path string) error {
	if p.remote != "" {
		return fetch(ctx, p.remote+"/debug/pprof/allocs?gc=1", path, time.Minute)
	}
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fetch saves what GET url answers to path.
func fetch(ctx context.Context, url, path string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
