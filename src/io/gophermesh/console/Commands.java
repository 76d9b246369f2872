package io.gophermesh.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.impl.DefaultParser;

import io.gophermesh.config.Config;
import io.gophermesh.config.ConfigException;
import io.gophermesh.engine.BackendStatus;
import io.gophermesh.engine.MeshControl;
import io.gophermesh.engine.RouteStatus;
import io.gophermesh.engine.UnknownRefException;

/** The console's commands: each turns one line into output on the terminal; errors are one line. */
final class Commands {

    /** Reads a whole config document, as {@link Config#parse} does. */
    @FunctionalInterface
    interface ConfigParser {
        Config parse(String json) throws ConfigException;
    }

    enum Command {
        STATUS("status", "", "backends with state, PID, uptime and counters"),
        ROUTES("routes", "", "routes with protocol, balancing and backends"),
        LOGS("logs", " REF [-f]", "log lines of a backend; -f follows new lines until Ctrl-C"),
        KILL("kill", " REF", "stop a backend's process tree (it restarts on demand)"),
        RELOAD("reload", " [FILE]", "apply FILE, or the config file in force, as a diff"),
        CONFIG("config", "", "routes of the config in force, as JSON"),
        OPEN("open", "", "open the dashboard in the browser"),
        HELP("help", "", "this list"),
        QUIT("quit", "", "stop the mesh gracefully and leave (also exit, Ctrl-D)"),
        EXIT("exit", "", "same as quit");

        final String word;
        final String usage;
        final String help;

        Command(String word, String usage, String help) {
            this.word = word;
            this.usage = word + usage;
            this.help = help;
        }
    }

    /** Whether the console goes on after a line. */
    enum Next { PROMPT, QUIT }

    private final MeshControl mesh;
    private final Runnable openDashboard;
    private final ConfigParser parser;
    private final LogFollower follower;
    private final Parser words = lineParser();

    Commands(MeshControl mesh, Runnable openDashboard, ConfigParser parser) {
        this.mesh = mesh;
        this.openDashboard = openDashboard;
        this.parser = parser;
        this.follower = new LogFollower(mesh);
    }

    /** Words split as the shell-like line reader splits them, without backslash escapes (Windows paths). */
    static DefaultParser lineParser() {
        DefaultParser parser = new DefaultParser();
        parser.setEscapeChars(new char[0]);
        return parser;
    }

    /** Stops a running {@code logs -f}; called from the terminal's interrupt handler. */
    boolean interrupt() {
        return follower.stop();
    }

    Next execute(String line, PrintWriter out) {
        List<String> args;
        try {
            args = words.parse(line, line.length(), Parser.ParseContext.ACCEPT_LINE).words().stream()
                    .filter(w -> !w.isEmpty()).toList();
        } catch (SyntaxError e) {
            out.println("cannot read the line: " + e.getMessage());
            return Next.PROMPT;
        }
        if (args.isEmpty()) {
            return Next.PROMPT;
        }
        String word = args.getFirst().toLowerCase(Locale.ROOT);
        List<String> rest = args.subList(1, args.size());
        try {
            switch (word) {
                case "status" -> noArgs(Command.STATUS, rest, () -> status(out), out);
                case "routes" -> noArgs(Command.ROUTES, rest, () -> routes(out), out);
                case "logs" -> logs(rest, out);
                case "kill" -> kill(rest, out);
                case "reload" -> reload(rest, out);
                case "config" -> noArgs(Command.CONFIG, rest, () -> out.println(mesh.configJson()), out);
                case "open" -> noArgs(Command.OPEN, rest, () -> open(out), out);
                case "help", "?" -> help(out);
                case "quit", "exit" -> {
                    return Next.QUIT;
                }
                default -> out.println("unknown command '" + printable(args.getFirst()) + "'; type help for the list");
            }
        } catch (RuntimeException e) {
            out.println(word + " failed: " + e.getMessage());
        }
        out.flush();
        return Next.PROMPT;
    }

    private static void noArgs(Command command, List<String> rest, Runnable action, PrintWriter out) {
        if (!rest.isEmpty()) {
            out.println("usage: " + command.usage + " (takes no argument)");
            return;
        }
        action.run();
    }

    private void status(PrintWriter out) {
        Table table = new Table("PORT", "ROUTE", "REF", "NAME", "STATUS", "PID", "UPTIME", "IN-FLIGHT", "SERVED");
        for (Map.Entry<String, RouteStatus> route : mesh.status().entrySet()) {
            for (BackendStatus b : route.getValue().backends()) {
                String state = b.nextAttempt() == null || b.nextAttempt().isEmpty()
                        ? b.status() : b.status() + " until " + b.nextAttempt();
                table.add(route.getKey(), route.getValue().name(), b.ref(), b.name(), state,
                        b.pid() > 0 ? b.pid() : "", b.uptime(), b.inFlight(), b.served());
            }
        }
        print(table, "no routes", out);
    }

    private void routes(PrintWriter out) {
        Table table = new Table("PORT", "ROUTE", "PROTOCOL", "BALANCE", "BACKENDS");
        for (Map.Entry<String, RouteStatus> entry : mesh.status().entrySet()) {
            RouteStatus route = entry.getValue();
            String protocol = route.stdioMode() == null || route.stdioMode().isEmpty()
                    ? route.protocol() : route.protocol() + "/" + route.stdioMode();
            String backends = route.backends().stream()
                    .map(b -> b.internalPort() == null || b.internalPort().isEmpty()
                            ? b.name() : b.name() + " " + b.internalHost() + ":" + b.internalPort())
                    .collect(Collectors.joining(", "));
            table.add(entry.getKey(), route.name(), protocol, route.loadBalance(), backends);
        }
        print(table, "no routes", out);
    }

    private void logs(List<String> rest, PrintWriter out) {
        boolean follow = rest.size() == 2 && rest.get(1).equals("-f");
        if (rest.isEmpty() || rest.size() > 2 || (rest.size() == 2 && !follow)) {
            out.println("usage: " + Command.LOGS.usage);
            return;
        }
        try {
            if (follow) {
                follower.follow(rest.getFirst(), out);
            } else {
                mesh.logs(rest.getFirst()).forEach(out::println);
            }
        } catch (UnknownRefException e) {
            out.println(e.getMessage());
        }
    }

    private void kill(List<String> rest, PrintWriter out) {
        if (rest.size() != 1) {
            out.println("usage: " + Command.KILL.usage);
            return;
        }
        try {
            out.println(mesh.kill(rest.getFirst()));
        } catch (UnknownRefException e) {
            out.println(e.getMessage());
        } catch (IllegalStateException e) {
            out.println("kill " + rest.getFirst() + ": " + e.getMessage());
        }
    }

    /**
     * Reads the file itself instead of {@link Config#load}, which would create a missing file: a
     * mistyped name must be an error, not a fresh default config.
     */
    private void reload(List<String> rest, PrintWriter out) {
        if (rest.size() > 1) {
            out.println("usage: " + Command.RELOAD.usage);
            return;
        }
        Path file;
        if (rest.isEmpty()) {
            file = mesh.config().configPath();
            if (file == null) {
                out.println("reload failed: the config in force was not loaded from a file; give FILE");
                return;
            }
        } else {
            try {
                file = Path.of(rest.getFirst()).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                out.println("reload failed: " + e.getMessage());
                return;
            }
        }
        if (!Files.isRegularFile(file)) {
            out.println("reload failed: no such file " + file);
            return;
        }
        try {
            Config config = parser.parse(Files.readString(file, StandardCharsets.UTF_8)).withConfigPath(file);
            mesh.reload(config);
            out.println("reloaded " + file + " (config version " + mesh.configVersion() + ")");
        } catch (IOException e) {
            out.println("reload failed: cannot read " + file + ": " + e.getMessage());
        } catch (ConfigException e) {
            out.println("reload failed: " + e.getMessage());
        }
    }

    private void open(PrintWriter out) {
        out.println("opening the dashboard");
        openDashboard.run();
    }

    private static void help(PrintWriter out) {
        Table table = new Table("COMMAND", "WHAT IT DOES");
        for (Command command : Command.values()) {
            table.add(command.usage, command.help);
        }
        table.lines().forEach(out::println);
        out.println("Tab completes commands and refs (PORT:INDEX); Ctrl-C clears the line; Ctrl-D quits.");
    }

    private static void print(Table table, String empty, PrintWriter out) {
        if (table.isEmpty()) {
            out.println(empty);
        } else {
            table.lines().forEach(out::println);
        }
    }

    private static String printable(String text) {
        String shown = text.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
    }
}
