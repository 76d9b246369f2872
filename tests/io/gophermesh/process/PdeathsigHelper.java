package io.gophermesh.process;

import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for a mesh that gets SIGKILLed: starts its arguments through {@link Spawner}, prints
 * the child's pid, and waits for ever.
 */
final class PdeathsigHelper {
    private PdeathsigHelper() {
    }

    public static void main(String[] args) throws Exception {
        Process child = Spawner.start(new ProcessBuilder(args)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD));
        System.out.println(child.pid());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
