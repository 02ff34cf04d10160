package importer_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/stats"
)

// benchEnv turns on TestImport100k, which is too slow for every run.
const benchEnv = "UNIONHUB_BENCH_IMPORT"

// TestImport100k measures DESIGN.md §7's import target (100 000 rows in
// under 60 s, peak memory under 300 MB) on every backend:
//
//	UNIONHUB_BENCH_IMPORT=1 go test ./service/importer -run TestImport100k -v
//
// It generates the sheet, resets the process's peak RSS (VmHWM) and then
// times the upload and the job, and reports both. Set the variable to a
// number to import that many rows instead.
func TestImport100k(t *testing.T) {
	raw := os.Getenv(benchEnv)
	if raw == "" {
		t.Skip("set " + benchEnv + "=1 to run the 100k-row import measurement")
	}
	rows := 100_000
	if n, err := fmt.Sscan(raw, &rows); n != 1 || err != nil || rows < 1000 {
		rows = 100_000
	}
	data := sheet(t, bigSheet(rows))
	t.Logf("sheet: %d rows, %.1f MiB", rows, float64(len(data))/(1<<20))
	for _, be := range modeltest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			db := modeltest.Open(t, be)
			f := newFixture(t, db, stats.New(service.Env{}, stats.Deps{DB: db}), 500) // the counters, as in production
			runtime.GC()
			debug.FreeOSMemory()
			resetPeakRSS(t)
			cpu0 := cpuTime(t)
			start := time.Now()
			id, sc := f.importNow(t, data)
			took := time.Since(start)
			st, err := f.svc.Status(context.Background(), sc, id)
			if err != nil || st.Status != "done" || st.Imported != rows {
				t.Fatalf("status %+v, %v", st, err)
			}
			load, _ := os.ReadFile("/proc/loadavg")
			t.Logf("%s: imported %d rows in %.1f s (%.0f rows/s; this process's CPU %.1f s; load average %s), peak RSS %d MiB (VmHWM), members on the roll %d",
				be.Name, st.Imported, took.Seconds(), float64(rows)/took.Seconds(), (cpuTime(t) - cpu0).Seconds(),
				strings.Join(strings.Fields(string(load))[:3], " "), peakRSS(t)>>10, countMembers(t, f.db, f.union.ID))
		})
	}
}

// bigSheet yields the header and rows distinct, valid rows.
func bigSheet(rows int) func(yield func([]any) bool) {
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英")
	return func(yield func([]any) bool) {
		if !yield([]any{"姓名", "身份证号码", "手机号码", "民族", "学历", "政治面貌", "户籍类型", "工作单位", "岗位",
			"就业形式", "是否农民工", "是否劳务派遣", "劳务派遣单位", "入会日期"}) {
			return
		}
		base := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range rows {
			name := string(surnames[i%len(surnames)]) + string(given[(i/len(surnames))%len(given)]) + string(given[(i/7)%len(given)])
			dispatched, agency := "否", ""
			if i%5 == 0 {
				dispatched, agency = "是", "武汉人力派遣有限公司"
			}
			row := []any{name, idNumber(base.AddDate(0, 0, i/1000), i), fmt.Sprintf("139%08d", i),
				"汉族", "高中", "群众", "农业户口", "武汉光谷制造有限公司", "装配工", "稳定就业", "是", dispatched, agency, "2024-03-01"}
			if !yield(row) {
				return
			}
		}
	}
}

// resetPeakRSS resets the process's VmHWM (Linux: clear_refs 5).
func resetPeakRSS(t *testing.T) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Logf("cannot reset the peak RSS (%v): it includes the sheet's generation", err)
	}
}

// cpuTime returns the user and system CPU time the process has used: on
// a shared machine it tells the import's own cost apart from waiting.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS returns VmHWM in KiB.
func peakRSS(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb
		}
	}
	return 0
}
