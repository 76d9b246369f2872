package io.gophermesh.console;

import java.io.IOError;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import io.gophermesh.config.Config;
import io.gophermesh.engine.MeshControl;

/**
 * The interactive prompt beside a running mesh: {@code status}, {@code routes}, {@code logs REF [-f]},
 * {@code kill REF}, {@code reload [FILE]}, {@code config}, {@code open}, {@code help}, {@code quit}.
 * Tab completes commands and backend refs; history persists in a file; log lines printed through
 * {@link #logSink()} or {@link #logHandler()} appear above the prompt without disturbing the line
 * being typed. A bad command or argument prints one line and the prompt stays.
 *
 * <p>Open it only when {@link #interactive()} holds: without a terminal nothing should read stdin.
 * {@link #run()} blocks the calling thread until {@code quit}, {@code exit} or Ctrl-D (then the quit
 * callback runs, on that thread) or until {@link #close()} (then it does not).
 */
public final class Console implements AutoCloseable {
    /** The prompt. */
    public static final String PROMPT = "mesh> ";

    private static final System.Logger LOG = System.getLogger("io.gophermesh.console");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Terminal terminal;
    private final Runnable onQuit;
    private final Commands commands;
    private final LineReader reader;
    private final Terminal.SignalHandler previousInterrupt;
    private volatile boolean closed;
    private volatile Thread runner;
    private volatile boolean reading;

    /**
     * A console with its history in {@link #defaultHistoryFile()}.
     *
     * @param mesh          what the commands show and steer
     * @param terminal      the terminal to prompt on (the CLI passes {@link #systemTerminal()})
     * @param onQuit        graceful shutdown of the mesh, run by {@code quit}, {@code exit} and Ctrl-D
     * @param openDashboard opens the dashboard in a browser, run by {@code open}
     */
    public Console(MeshControl mesh, Terminal terminal, Runnable onQuit, Runnable openDashboard) {
        this(mesh, terminal, onQuit, openDashboard, defaultHistoryFile());
    }

    /**
     * Creates a console that keeps its history in {@code historyFile}.
     *
     * @param mesh          what the commands show and steer
     * @param terminal      the terminal to prompt on
     * @param onQuit        graceful shutdown of the mesh
     * @param openDashboard opens the dashboard in a browser
     * @param historyFile   where the history is kept (created owner-only if missing); {@code null}: no file
     */
    public Console(MeshControl mesh, Terminal terminal, Runnable onQuit, Runnable openDashboard, Path historyFile) {
        this(mesh, terminal, onQuit, openDashboard, historyFile, Config::parse);
    }

    Console(MeshControl mesh, Terminal terminal, Runnable onQuit, Runnable openDashboard, Path historyFile,
            Commands.ConfigParser parser) {
        Objects.requireNonNull(mesh, "mesh");
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        this.onQuit = Objects.requireNonNull(onQuit, "onQuit");
        this.commands = new Commands(mesh, Objects.requireNonNull(openDashboard, "openDashboard"), parser);
        LineReaderBuilder builder = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("gophermesh")
                .parser(Commands.lineParser())
                .completer(new ConsoleCompleter(mesh))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true);
        if (historyFile != null) {
            prepareHistory(historyFile);
            builder.variable(LineReader.HISTORY_FILE, historyFile);
        }
        this.reader = builder.build();
        // Outside readLine the terminal is in its normal mode and Ctrl-C arrives as a signal: it ends
        // a "logs -f" and is otherwise ignored, so it never kills the mesh without a graceful stop.
        this.previousInterrupt = terminal.handle(Terminal.Signal.INT, signal -> commands.interrupt());
    }

    /** {@return {@code ~/.gophermesh_history}} */
    public static Path defaultHistoryFile() {
        return Path.of(System.getProperty("user.home"), ".gophermesh_history");
    }

    /**
     * Returns whether the command line should open a console.
     *
     * @return whether stdin and stdout are a terminal and {@code TERM} is not {@code dumb}: only then
     *         should the command line open a console
     */
    public static boolean interactive() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() && !"dumb".equalsIgnoreCase(System.getenv("TERM"));
    }

    /**
     * Returns the terminal of this process.
     *
     * @return the terminal of this process, for {@link #Console(MeshControl, Terminal, Runnable, Runnable)}
     * @throws IOException when it cannot be opened
     */
    public static Terminal systemTerminal() throws IOException {
        return TerminalBuilder.builder().system(true).name("gophermesh").build();
    }

    /**
     * Prompts and runs commands until {@code quit}, {@code exit} or Ctrl-D (then runs the quit
     * callback and returns) or until {@link #close()} (then returns without it).
     */
    public void run() {
        runner = Thread.currentThread();
        PrintWriter out = terminal.writer();
        out.println("mesh console: type help for the commands, quit to stop the mesh");
        out.flush();
        try {
            while (!closed) {
                Optional<String> line = prompt(out);
                if (closed) {
                    return;
                }
                if (line.isEmpty() || commands.execute(line.get(), out) == Commands.Next.QUIT) {
                    break;
                }
            }
            if (closed) {
                return;
            }
            out.println("stopping the mesh");
            out.flush();
            onQuit.run();
        } finally {
            saveHistory();
        }
    }

    /** {@return the line typed ("" after Ctrl-C), empty on Ctrl-D or when the terminal is gone} */
    private Optional<String> prompt(PrintWriter out) {
        reading = true;
        try {
            if (closed) {
                return Optional.empty();
            }
            return Optional.of(reader.readLine(PROMPT));
        } catch (UserInterruptException e) {
            if (!closed && (e.getPartialLine() == null || e.getPartialLine().isBlank())) {
                out.println("(quit or Ctrl-D stops the mesh)");
                out.flush();
            }
            return Optional.of("");
        } catch (EndOfFileException e) {
            return Optional.empty();
        } catch (IOError | UncheckedIOException e) {
            if (!closed) {
                // without a terminal there is no prompt any more; the mesh goes on until stopped otherwise
                LOG.log(Level.WARNING, "console stopped: terminal failed: " + e.getMessage());
                closed = true;
            }
            return Optional.empty();
        } finally {
            reading = false;
        }
    }

    /**
     * Returns a sink that prints log lines above the prompt.
     *
     * @return a sink that prints one log line above the prompt (or plainly while a command runs);
     *         safe from any thread
     */
    public Consumer<String> logSink() {
        return line -> {
            if (!closed) {
                reader.printAbove(line);
            }
        };
    }

    /**
     * Returns a logging handler that prints above the prompt.
     *
     * @return a {@code java.util.logging} handler printing each record as one line
     *         ({@code HH:mm:ss LEVEL message}) through {@link #logSink()}; the command line installs
     *         it in place of the stderr handler while the console is open
     */
    public Handler logHandler() {
        Consumer<String> sink = logSink();
        return new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                if (!isLoggable(record)) {
                    return;
                }
                String message = formatter.formatMessage(record);
                if (record.getThrown() != null) {
                    message += ": " + record.getThrown();
                }
                sink.accept(TIME.format(Instant.ofEpochMilli(record.getMillis())) + " " + record.getLevel() + " " + message);
            }

            @Override
            public void flush() {
                terminal.flush();
            }

            @Override
            public void close() {
                // the terminal belongs to the console
            }
        };
    }

    /**
     * Ends {@link #run()} without the quit callback (the mesh is already stopping), saves the
     * history and closes the terminal, which restores its normal mode.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        commands.interrupt();
        // readLine ends with UserInterruptException when its thread is interrupted; a thread busy
        // with a command (the quit callback above all) is left alone
        Thread thread = runner;
        if (thread != null && reading) {
            thread.interrupt();
        }
        saveHistory();
        terminal.handle(Terminal.Signal.INT, previousInterrupt);
        try {
            terminal.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the console terminal: " + e.getMessage());
        }
    }

    private void saveHistory() {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "console history not saved: " + e.getMessage());
        }
    }

    /** The history holds what was typed, reload paths included: keep it private to the user. */
    private static void prepareHistory(Path file) {
        try {
            if (Files.notExists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.createFile(file);
                if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "console history file " + file + " cannot be created: " + e.getMessage());
        }
    }
}
