package io.gophermesh.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * The command line, parsed.
 *
 * @param config        config file path
 * @param dashboardHost dashboard host override, {@code null} for none
 * @param dashboardPort dashboard port override, {@code null} for none
 * @param noDashboard   do not open a browser at start
 * @param noProtocol    neither register nor handle {@code gophermesh://}
 * @param noConsole     no interactive prompt even on a terminal
 * @param watch         reload when the config file changes
 * @param protocolUrl   {@code gophermesh://launch...} to handle, {@code null} for none
 * @param help          print usage and exit
 * @param version       print the version and exit
 * @param aotTrain      run the training of the ahead-of-time cache and exit
 */
record Options(Path config, String dashboardHost, String dashboardPort, boolean noDashboard,
               boolean noProtocol, boolean noConsole, boolean watch, String protocolUrl,
               boolean configGiven, boolean help, boolean version, boolean aotTrain) {

    static final String USAGE = """
            Usage: mesh [options]      (the launcher beside mesh.jar; or: java -jar mesh.jar [options])
              --conf PATH            config file (alias --config; default config.json)
              --dashboard-host HOST  override dashboard_host
              --dashboard-port PORT  override dashboard_port
              --no-dashboard         do not open the dashboard in a browser at start
              --no-protocol          neither register nor handle gophermesh:// URLs
              --no-console           no interactive prompt, even on a terminal
              --watch                reload when the config file changes on disk
              --protocol-url URL     handle a gophermesh://launch URL (what the OS runs)
              --help                 this text
              --version              print the version
              --aot-train            serve a built-in config once and exit (the build's
                                     training run for the JVM's AOT cache, mesh.aot)
            """;

    /** A command line that cannot be used; the message is the one line the user sees. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(List<String> args) throws UsageException {
        Path config = Path.of("config.json");
        String host = null;
        String port = null;
        String url = null;
        boolean noDashboard = false;
        boolean noProtocol = false;
        boolean noConsole = false;
        boolean watch = false;
        boolean help = false;
        boolean version = false;
        boolean aotTrain = false;
        boolean configGiven = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            switch (name) {
                case "--conf", "--config", "-conf", "-config" -> {
                    config = Path.of(value(args, i, name, inline));
                    configGiven = true;
                    i += inline == null ? 1 : 0;
                }
                case "--dashboard-host", "-dashboard-host" -> {
                    host = value(args, i, name, inline);
                    i += inline == null ? 1 : 0;
                }
                case "--dashboard-port", "-dashboard-port" -> {
                    port = value(args, i, name, inline);
                    i += inline == null ? 1 : 0;
                }
                case "--protocol-url", "-protocol-url" -> {
                    // "--protocol-url -- URL": the URL is the single last argument, so that a
                    // crafted URL can never be read as an option
                    if (inline == null && i + 1 < args.size() && args.get(i + 1).equals("--")) {
                        if (i + 3 != args.size()) {
                            throw new UsageException("--protocol-url -- takes exactly one URL as the last argument");
                        }
                        url = args.get(i + 2);
                        i += 2;
                    } else {
                        url = value(args, i, name, inline);
                        i += inline == null ? 1 : 0;
                    }
                }
                case "--no-dashboard", "-no-dashboard" -> noDashboard = flag(name, inline);
                case "--no-protocol", "-noprotocol", "--noprotocol" -> noProtocol = flag(name, inline);
                case "--no-console" -> noConsole = flag(name, inline);
                case "--watch" -> watch = flag(name, inline);
                case "--help", "-h", "-help" -> help = flag(name, inline);
                case "--version", "-version" -> version = flag(name, inline);
                case "--aot-train" -> aotTrain = flag(name, inline);
                default -> throw new UsageException("unknown option '" + arg + "' (see --help)");
            }
        }
        if (noProtocol && url != null) {
            throw new UsageException("--protocol-url cannot be used with --no-protocol");
        }
        return new Options(config, host, port, noDashboard, noProtocol, noConsole, watch, url,
                configGiven, help, version, aotTrain);
    }

    private static String value(List<String> args, int i, String name, String inline) throws UsageException {
        if (inline != null) {
            if (inline.isEmpty()) {
                throw new UsageException(name + " needs a value");
            }
            return inline;
        }
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new UsageException(name + " needs a value");
        }
        return args.get(i + 1);
    }

    private static boolean flag(String name, String inline) throws UsageException {
        if (inline != null) {
            throw new UsageException(name + " takes no value");
        }
        return true;
    }
}
