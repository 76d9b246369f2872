package io.gophermesh.launch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external command of the registration; tests substitute a recorder. */
@FunctionalInterface
interface CommandRunner {

    /**
     * @param command program (absolute path) and arguments, passed without any shell
     * @param timeout longest run; the program is killed after it
     * @return exit code and combined output
     * @throws IOException when it cannot be started or runs too long
     */
    Result run(List<String> command, Duration timeout) throws IOException;

    /** @param exitCode exit status @param output stdout and stderr together */
    record Result(int exitCode, String output) {
    }

    /** Runs the command as a child process with no input. */
    CommandRunner PROCESS = (command, timeout) -> {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                        System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null")))
                .start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
            } catch (IOException ignored) {
                // the process was killed; what was read is enough for the message
            }
        });
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IOException(command.getFirst() + " did not finish within " + timeout.toSeconds() + "s");
            }
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(command.getFirst() + " interrupted", e);
        }
        return new Result(process.exitValue(), output.toString(Charset.defaultCharset()).trim());
    };
}
