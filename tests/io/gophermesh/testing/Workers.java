package io.gophermesh.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The small worker programs under {@code tests/workers/}. */
public final class Workers {
    private Workers() {
    }

    /** @return the absolute path of {@code tests/workers} */
    public static Path dir() {
        Path p = Path.of("tests", "workers").toAbsolutePath();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("tests/workers not found from " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** @return the python3 interpreter to run workers with */
    public static String python() {
        return "python3";
    }

    /**
     * @param script file name under tests/workers, e.g. {@code http_echo.py}
     * @param args   its arguments
     * @return {@code [python3, -u, /abs/tests/workers/script, args...]}
     */
    public static List<String> command(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(python(), "-u", dir().resolve(script).toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
