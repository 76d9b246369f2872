package io.gophermesh.process;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for a mesh that gets SIGKILLed: starts {@code COUNT} copies of its other arguments
 * through {@link Spawner}, all at once from as many threads, prints each child's pid on a line, and
 * waits for ever.
 */
final class PdeathsigHelper {
    private PdeathsigHelper() {
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
                    Process child = Spawner.start(new ProcessBuilder(command)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD));
                    synchronized (System.out) {
                        System.out.println(child.pid());
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
        new CountDownLatch(1).await();
    }
}
