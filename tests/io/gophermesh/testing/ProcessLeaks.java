package io.gophermesh.testing;

import java.util.List;
import java.util.stream.Collectors;

/** Finds processes a test left behind: descendants of the test JVM. */
public final class ProcessLeaks {
    private ProcessLeaks() {
    }

    /** @return live descendants of this JVM, as {@code pid command} lines */
    public static List<String> descendants() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                // the mesh's watchdog shell lives as long as the JVM that started a child
                .filter(p -> !p.info().commandLine().orElse("").contains("gophermesh-watchdog"))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .collect(Collectors.toList());
    }
}
