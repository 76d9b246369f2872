package io.gophermesh.console;

import java.nio.file.Path;

import org.jline.terminal.Terminal;

/** A console on a fake mesh, for the pseudo-terminal test: {@code ConsoleDemo HISTORY_FILE}. */
public final class ConsoleDemo {
    private ConsoleDemo() {
    }

    /**
     * @param args the history file
     * @throws Exception when the terminal cannot be opened
     */
    public static void main(String[] args) throws Exception {
        FakeMesh mesh = new FakeMesh(null);
        try (Terminal terminal = Console.systemTerminal()) {
            Console console = new Console(mesh, terminal, () -> System.out.println("demo: graceful shutdown"),
                    () -> System.out.println("demo: open dashboard"), Path.of(args[0]));
            console.logSink().accept("demo: engine log line above the prompt");
            console.run();
        }
        System.out.println("demo: console exited");
    }
}
