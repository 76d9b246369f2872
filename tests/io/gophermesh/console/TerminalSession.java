package io.gophermesh.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;

import io.gophermesh.testing.Await;

/** A console on a JLine dumb terminal fed by the test, run on its own thread. */
final class TerminalSession implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    /** Keys typed by the test; blocks like a keyboard; -1 once closed. */
    static final class Keyboard extends InputStream {
        private final BlockingQueue<Integer> keys = new LinkedBlockingQueue<>();

        void type(String text) {
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                keys.add(b & 0xff);
            }
        }

        void end() {
            keys.add(-1);
        }

        @Override
        public int read() throws IOException {
            try {
                int key = keys.take();
                if (key < 0) {
                    keys.add(-1);
                }
                return key;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }
    }

    final FakeMesh mesh;
    final Keyboard keyboard = new Keyboard();
    final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    final Terminal terminal;
    final Console console;
    final Thread thread;
    volatile int quits;
    volatile Runnable duringQuit = () -> { };
    volatile int opens;

    TerminalSession(FakeMesh mesh, Path history, Commands.ConfigParser parser) throws IOException {
        this.mesh = mesh;
        terminal = new DumbTerminal("test", "dumb", keyboard, screen, StandardCharsets.UTF_8);
        console = new Console(mesh, terminal, () -> {
            duringQuit.run();
            quits++;
        }, () -> opens++, history, parser);
        thread = Thread.ofPlatform().name("console").start(console::run);
        awaitPrompts(1);
    }

    String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    int prompts() {
        String text = screen();
        int count = 0;
        for (int i = text.indexOf(Console.PROMPT); i >= 0; i = text.indexOf(Console.PROMPT, i + 1)) {
            count++;
        }
        return count;
    }

    void awaitPrompts(int n) {
        Await.until(WAIT, n + " prompts on:\n" + screen(), () -> prompts() >= n);
    }

    void awaitText(String text) {
        Await.until(WAIT, "'" + text + "' on:\n" + screen(), () -> screen().contains(text));
    }

    /** Types a line and returns what it printed before the next prompt. */
    String run(String line) {
        int before = prompts();
        int start = screen().length();
        keyboard.type(line + "\n");
        awaitPrompts(before + 1);
        String text = screen().substring(start);
        // a dumb terminal does not echo what is typed: the output starts right after the prompt
        return text.substring(0, text.lastIndexOf(Console.PROMPT));
    }

    void awaitExit() throws InterruptedException {
        thread.join(WAIT);
        if (thread.isAlive()) {
            throw new AssertionError("console still running; screen:\n" + screen());
        }
    }

    @Override
    public void close() throws Exception {
        console.close();
        keyboard.end();
        thread.join(WAIT);
    }
}
