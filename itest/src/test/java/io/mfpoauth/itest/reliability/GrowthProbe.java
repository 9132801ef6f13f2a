package io.mfpoauth.itest.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.management.ObjectName;

/**
 * What the test JVM (which is also the framework's: Pax Exam's native container) holds at one moment: live
 * threads by name, open file descriptors, heap in use after garbage collection, and instances of this project's
 * classes. Two snapshots, before and after many cycles, show what grew.
 */
record GrowthProbe(Map<String, Integer> threads, int threadCount, int openFiles, long usedHeap,
        Map<String, Long> ourInstances, Map<String, Long> bytesByClass) {

    private static final String OUR_CLASSES = "io.mfpoauth.";

    /**
     * Takes a snapshot once the JVM has settled: several collections with short sleeps in between (reference
     * processing and finalisation run on their own threads), then the lowest of a few readings of each figure, so
     * a pool thread that is just finishing or a buffer on its way out is not taken for growth.
     */
    static GrowthProbe settled() throws Exception {
        GrowthProbe best = null;
        for (int i = 0; i < 4; i++) {
            collect();
            GrowthProbe now = now();
            best = best == null ? now : best.lowest(now);
        }
        return best;
    }

    private static void collect() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    private static GrowthProbe now() throws Exception {
        Map<String, Integer> names = new TreeMap<>();
        int count = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                names.merge(family(t.getName()), 1, Integer::sum);
                count++;
            }
        }
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Map<String, Long> instances = new TreeMap<>();
        Map<String, Long> bytes = new TreeMap<>();
        histogram(instances, bytes);
        return new GrowthProbe(names, count, countOpenFiles(), used, instances, bytes);
    }

    /** A thread's name without its serial numbers: pool threads are told apart by number, not by kind. */
    static String family(String name) {
        return name.replaceAll("[0-9]+", "#");
    }

    static int countOpenFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    /**
     * From the JVM's class histogram of live objects (it collects first): instances per class of this project, and
     * bytes per class of every class (to name what grew when something did).
     */
    private static void histogram(Map<String, Long> ourInstances, Map<String, Long> bytesByClass) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        for (String line : histogram.split("\n")) {
            // "   12:           345          6789  io.mfpoauth.token.service.internal.SlotState (module)"
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                bytesByClass.merge(f[3], Long.parseLong(f[2]), Long::sum);
                if (f[3].startsWith(OUR_CLASSES)) {
                    ourInstances.merge(f[3], Long.parseLong(f[1]), Long::sum);
                }
            }
        }
    }

    private GrowthProbe lowest(GrowthProbe o) {
        Map<String, Integer> t = o.threadCount < threadCount ? o.threads : threads;
        Map<String, Long> inst = new TreeMap<>(ourInstances);
        o.ourInstances.forEach((k, v) -> inst.merge(k, v, Math::min));
        Map<String, Long> bytes = new TreeMap<>(bytesByClass);
        o.bytesByClass.forEach((k, v) -> bytes.merge(k, v, Math::min));
        return new GrowthProbe(t, Math.min(threadCount, o.threadCount), Math.min(openFiles, o.openFiles),
                Math.min(usedHeap, o.usedHeap), inst, bytes);
    }

    /** Thread families with more threads now than before, as "name: before -> after". */
    List<String> threadsGrownSince(GrowthProbe before) {
        List<String> grown = new ArrayList<>();
        threads.forEach((name, n) -> {
            int was = before.threads.getOrDefault(name, 0);
            if (n > was) {
                grown.add(name + ": " + was + " -> " + n);
            }
        });
        return grown;
    }

    /** Our classes with more than {@code slack} more instances now than before, as "class: before -> after". */
    List<String> instancesGrownSince(GrowthProbe before, long slack) {
        List<String> grown = new ArrayList<>();
        ourInstances.forEach((name, n) -> {
            long was = before.ourInstances.getOrDefault(name, 0L);
            if (n > was + slack) {
                grown.add(name + ": " + was + " -> " + n);
            }
        });
        return grown;
    }

    /** The {@code n} classes whose live objects grew most in bytes, as "class +KiB". */
    List<String> biggestGrowthSince(GrowthProbe before, int n) {
        return bytesByClass.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytesByClass.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(n)
                .map(e -> e.getKey() + " +" + e.getValue() / 1024 + " KiB")
                .toList();
    }

    String summary() {
        return threadCount + " threads, " + openFiles + " open files, " + usedHeap / 1024 + " KiB heap in use, "
                + ourInstances.values().stream().mapToLong(Long::longValue).sum() + " instances of our classes";
    }
}
