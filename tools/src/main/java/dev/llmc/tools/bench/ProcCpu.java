package dev.llmc.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** CPU time of processes from /proc (Linux), in ms; exited processes count as 0. */
final class ProcCpu {
    /** USER_HZ: the unit of /proc/<pid>/stat times; 100 on every Linux this runs on. */
    static final double TICKS_PER_SECOND = 100;

    private ProcCpu() {
    }

    /** The fields of a /proc stat line after the command name ")": index 0 is field 3 (state). */
    static String[] fieldsAfterName(String statLine) {
        return statLine.substring(statLine.lastIndexOf(") ") + 2).trim().split("\\s+");
    }

    /** utime + stime (+ cutime + cstime when withChildren) of one stat line, in ticks. */
    static long ticks(String statLine, boolean withChildren) {
        String[] f = fieldsAfterName(statLine);
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return withChildren ? ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]) : ticks;
    }

    /** The command name of a stat line (between the first "(" and the last ")"). */
    static String name(String statLine) {
        return statLine.substring(statLine.indexOf('(') + 1, statLine.lastIndexOf(')'));
    }

    static double millis(long ticks) {
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    /** CPU ms of the JVM's JIT compiler threads (C1/C2 CompilerThread). */
    static double jitMillis(long pid) {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat = read(task.resolve("stat"));
                if (stat != null && name(stat).matches("C[12] CompilerThre.*")) {
                    ticks += ticks(stat, false);
                }
            }
        } catch (IOException | RuntimeException exited) {
            return 0;
        }
        return millis(ticks);
    }

    /** CPU ms of the processes and, when withDescendants, all their descendants (exited children included). */
    static double treeMillis(List<Long> pids, boolean withDescendants) {
        long ticks = 0;
        Deque<Long> queue = new ArrayDeque<>(pids);
        while (!queue.isEmpty()) {
            long pid = queue.poll();
            String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
            if (stat != null) {
                ticks += ticks(stat, true);
            }
            if (withDescendants) {
                queue.addAll(children(pid));
            }
        }
        return millis(ticks);
    }

    /** Direct children of pid. */
    static List<Long> children(long pid) {
        List<Long> children = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(p -> p.children().forEach(c -> children.add(c.pid())));
        return children;
    }

    /** The process whose command line holds "-D dataDir" (a postmaster started detached by pg_ctl), if any. */
    static List<Long> postmaster(Path dataDir) {
        String wanted = "-D " + dataDir;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(wanted)).orElse(false))
                .map(ProcessHandle::pid).limit(1).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException exited) {
            return null;
        }
    }
}
