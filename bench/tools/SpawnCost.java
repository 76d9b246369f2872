import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;

import io.gophermesh.process.ProcessTree;
import io.gophermesh.process.Spawner;

/**
 * CPU the mesh's own JVM spends per child it starts, for the work a stdio stream connection does
 * with its child: start {@code /bin/cat} through {@link Spawner}, take the descendants snapshot,
 * write a line, close stdin, read stdout and stderr to their end, wait for the exit. The children's
 * own CPU is not in the figure (it is theirs, counted when they are reaped). Several virtual
 * threads do this at once, as connections would.
 *
 * <pre>java [the launcher's options] -cp mesh.jar:DIR SpawnCost WARMUP COUNT ROUNDS THREADS</pre>
 *
 * Prints one line per measured round: {@code cpu_us=… user_us=… sys_us=… per_s=…}.
 */
public final class SpawnCost {
    private static final byte[] LINE = "hello\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        run(warmup, threads);
        for (int r = 0; r < rounds; r++) {
            long[] ticks0 = ticks();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            run(count, threads);
            long wall = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            long[] ticks1 = ticks();
            // /proc counts in clock ticks of 10 ms: the user/system split is coarse, the sum is not
            System.out.printf("cpu_us=%.0f user_us=%.0f sys_us=%.0f per_s=%.0f%n", cpu / 1e3 / count,
                    (ticks1[0] - ticks0[0]) * 1e4 / count, (ticks1[1] - ticks0[1]) * 1e4 / count,
                    count / (wall / 1e9));
        }
    }

    private static void run(int count, int threads) throws Exception {
        AtomicInteger left = new AtomicInteger(count);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        once();
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        }
    }

    private static void once() throws Exception {
        Process p = Spawner.start(new ProcessBuilder("/bin/cat"));
        ProcessTree.descendants(p.toHandle());
        try (OutputStream in = p.getOutputStream()) {
            in.write(LINE);
        }
        try (InputStream out = p.getInputStream(); InputStream err = p.getErrorStream()) {
            if (out.readAllBytes().length != LINE.length) {
                throw new IllegalStateException("cat did not echo the line");
            }
            err.readAllBytes();
        }
        p.waitFor();
    }

    /** {@return this process's user and system time so far, in clock ticks} */
    private static long[] ticks() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }
}
