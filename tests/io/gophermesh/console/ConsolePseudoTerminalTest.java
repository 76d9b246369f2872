package io.gophermesh.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;

/** The console on a real pseudo-terminal: {@link ConsoleDemo} inside a detached tmux session. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConsolePseudoTerminalTest {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path tmp;
    // A socket of its own (tmux -S, like -L but inside the temporary folder, which is removed after)
    private String socket;

    @Test
    void statusAndQuitThroughTmux() throws Exception {
        Path conf = Files.writeString(tmp.resolve("tmux.conf"),
                "set -g remain-on-exit on\nset -g status off\nset -g history-limit 2000\n");
        Path history = tmp.resolve("history");
        socket = tmp.resolve("tmux.sock").toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            tmux("-f", conf.toString(), "new-session", "-d", "-s", "demo", "-x", "120", "-y", "40",
                    java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), ConsoleDemo.class.getName(), history.toString());
            awaitScreen("the prompt", s -> s.contains(Console.PROMPT));
            assertTrue(screen().contains("demo: engine log line above the prompt"), screen());

            tmux("send-keys", "-t", "demo", "status", "Enter");
            awaitScreen("the status table", s -> s.contains("IN-FLIGHT") && s.contains("18081:1  api-b"));

            tmux("send-keys", "-t", "demo", "rou", "Tab");
            awaitScreen("completion of 'rou'", s -> s.contains(Console.PROMPT + "routes"));
            tmux("send-keys", "-t", "demo", "Enter");
            awaitScreen("the routes table", s -> s.contains("PROTOCOL") && s.contains("stdio/stream"));

            tmux("send-keys", "-t", "demo", "logs 18081:0 -f", "Enter");
            awaitScreen("the follow", s -> s.contains("-- following 18081:0"));
            tmux("send-keys", "-t", "demo", "C-c");
            awaitScreen("Ctrl-C back to the prompt",
                    s -> s.contains("-- stopped following 18081:0 --") && s.stripTrailing().endsWith(Console.PROMPT.strip()));

            tmux("send-keys", "-t", "demo", "quit", "Enter");
            Await.until(WAIT, "the demo to exit; screen:\n" + screen(), () -> "1".equals(paneFormat("#{pane_dead}")));
            String screen = screen();
            assertTrue(screen.contains("stopping the mesh"), screen);
            assertTrue(screen.contains("demo: graceful shutdown"), screen);
            assertTrue(screen.contains("demo: console exited"), screen);
            assertTrue(Files.readString(history).contains("status"), "history written");
        } finally {
            run(List.of("tmux", "-S", socket, "kill-server"));
        }
        Await.until(WAIT, "no child process left", () -> ProcessLeaks.descendants().isEmpty());
    }

    private void awaitScreen(String what, java.util.function.Predicate<String> condition) {
        Await.until(WAIT, what + "; screen:\n" + screenQuietly(), () -> condition.test(screenQuietly()));
    }

    private String screenQuietly() {
        try {
            return screen();
        } catch (IOException | InterruptedException e) {
            return "(no screen: " + e.getMessage() + ")";
        }
    }

    private String screen() throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-J", "-t", "demo");
    }

    private String paneFormat(String format) {
        try {
            return tmux("display-message", "-p", "-t", "demo", format).trim();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket));
        command.addAll(List.of(args));
        return run(command);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command.subList(0, 4)) + " did not finish");
        }
        if (process.exitValue() != 0 && !command.contains("kill-server")) {
            throw new IOException(String.join(" ", command.subList(0, Math.min(6, command.size())))
                    + " exited with " + process.exitValue() + ": " + output);
        }
        return output;
    }
}
