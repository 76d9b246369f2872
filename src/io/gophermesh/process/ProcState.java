package io.gophermesh.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process has really gone. {@link ProcessHandle#isAlive()} counts zombies as alive, and
 * where the init process does not reap orphans (many containers) a killed grandchild stays a zombie
 * for ever: waiting for it to "exit" would only ever time out.
 */
final class ProcState {
    private static final Path PROC = Path.of("/proc");

    private ProcState() {
    }

    /** {@return true while {@code p} runs; false once it exited, even if nobody reaped it yet} */
    static boolean running(ProcessHandle p) {
        return p.isAlive() && !zombie(p.pid());
    }

    /** {@return true when {@code /proc} shows {@code pid} as a zombie (Linux only, else false)} */
    static boolean zombie(long pid) {
        Path stat = PROC.resolve(Long.toString(pid)).resolve("stat");
        try {
            String s = Files.readString(stat);
            // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'
            int close = s.lastIndexOf(')');
            return close >= 0 && close + 2 < s.length() && s.charAt(close + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
