package io.gophermesh.process;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for a mesh that gets SIGKILLed: starts {@code COUNT} copies of its other arguments
 * through {@link Spawner}, all at once from as many threads, and prints each child's pid on a line.
 * Then, for each line read from stdin, it starts one more copy and prints its pid, and its watchdog's
 * pid on the next line.
 */
final class KilledMeshHelper {
    private KilledMeshHelper() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        String[] command = Arrays.copyOfRange(args, 1, args.length);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> starters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            starters.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    long pid = start(command);
                    synchronized (System.out) {
                        System.out.println(pid);
                        System.out.flush();
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }));
        }
        go.countDown();
        for (Thread t : starters) {
            t.join();
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        while (in.readLine() != null) {
            System.out.println(start(command));
            System.out.println(Spawner.watchdogPid());
            System.out.flush();
        }
        new CountDownLatch(1).await();
    }

    private static long start(String[] command) throws Exception {
        return Spawner.start(new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)).pid();
    }
}
