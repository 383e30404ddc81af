package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// idleCores measures the CPU used by this process (every service runs in it) and by the
// embedded infrastructure's process over d, as cores (1.0 = one core busy).
func idleCores(infraPid int, d time.Duration) (services, infra float64, err error) {
	s0, err := cpuTicks(os.Getpid())
	if err != nil {
		return 0, 0, err
	}
	i0, err := cpuTicks(infraPid)
	if err != nil {
		return 0, 0, err
	}
	time.Sleep(d)
	s1, _ := cpuTicks(os.Getpid())
	i1, _ := cpuTicks(infraPid)
	const ticksPerSecond = 100 // USER_HZ on Linux
	return float64(s1-s0) / ticksPerSecond / d.Seconds(), float64(i1-i0) / ticksPerSecond / d.Seconds(), nil
}

// cpuTicks sums user and system time of processes from /proc/<pid>/stat.
func cpuTicks(pids ...int) (int64, error) {
	var total int64
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, fmt.Errorf("idle CPU needs Linux /proc: %w", err)
		}
		// Fields after the command name (which may hold spaces) start after the last ')'.
		fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
		for _, i := range []int{11, 12} { // utime, stime (fields 14 and 15 of the line)
			n, err := strconv.ParseInt(fields[i], 10, 64)
			if err != nil {
				return 0, err
			}
			total += n
		}
	}
	return total, nil
}
