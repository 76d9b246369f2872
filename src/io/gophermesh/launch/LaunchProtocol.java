package io.gophermesh.launch;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.gophermesh.config.Config;

/**
 * The desktop bootstrap {@code gophermesh://launch}: a web page that finds nothing on its local port
 * opens {@code gophermesh://launch?port=18081}, the operating system starts mesh.jar with
 * {@code --protocol-url -- URL}, and real traffic then goes over HTTP or TCP. The URL is hostile
 * input: {@link #parse} refuses anything but the documented forms.
 */
public final class LaunchProtocol {
    /** The default URL scheme. */
    public static final String SCHEME = "gophermesh";

    private LaunchProtocol() {
    }

    /**
     * Parses a launch URL with the default scheme.
     *
     * @param url the URL as received from the operating system
     * @return the request
     * @throws LaunchException when the URL is not an accepted launch URL
     * @see #parse(String, LaunchProtocolOptions)
     */
    public static LaunchProtocolRequest parse(String url) throws LaunchException {
        return parse(url, LaunchProtocolOptions.DEFAULT);
    }

    /**
     * Parses {@code SCHEME://launch}, {@code SCHEME:launch} or {@code SCHEME:///launch} (scheme and
     * action in any case, one trailing slash allowed) with the optional parameters {@code port} and
     * {@code conf} (alias {@code config}). Refused: URLs over 2048 characters; quotes, spaces,
     * control and non-ASCII characters, raw or percent-encoded; malformed escapes or UTF-8; fragments;
     * unknown, empty, valueless or repeated parameters; a port that is not 1-65535 without leading zero.
     *
     * @param url     the URL as received from the operating system
     * @param options the scheme to accept
     * @return the request
     * @throws LaunchException saying what was refused
     */
    public static LaunchProtocolRequest parse(String url, LaunchProtocolOptions options) throws LaunchException {
        return UrlParser.parse(url, options == null ? LaunchProtocolOptions.DEFAULT : options);
    }

    /**
     * Decides which config file a launch uses.
     *
     * <p>Without {@code conf}, the default config ({@code config.json} when {@code null}) resolved
     * against {@code baseDir} unless absolute; it need not exist. With {@code conf}, the path must be
     * relative, made of plain names ({@code [letters digits _ - .]}, not starting with a dot), end in
     * {@code .json}, exist as a regular file, and its real path (symbolic links followed) must lie
     * inside the real path of {@code baseDir}.
     *
     * @param baseDir       the mesh directory: the folder of mesh.jar (the working directory when
     *                      not running from a jar)
     * @param defaultConfig the config the command line names, {@code null} for {@code config.json}
     * @param conf          the {@code conf} of the URL, {@code null} for none
     * @return absolute path of the config file (the real path when {@code conf} was given)
     * @throws LaunchException when {@code conf} is refused
     */
    public static Path resolveConfigPath(Path baseDir, Path defaultConfig, String conf) throws LaunchException {
        return ConfigPaths.resolve(baseDir, defaultConfig, conf);
    }

    /**
     * Checks that a requested port is a route of the config.
     *
     * @param config the config to start with
     * @param port   requested public port, {@code null} for none (always accepted)
     * @throws LaunchException naming the port and the routes there are
     */
    public static void validatePort(Config config, Integer port) throws LaunchException {
        if (port == null) {
            return;
        }
        Map<String, ?> routes = config.routes() == null ? Map.of() : config.routes();
        boolean known = routes.keySet().stream().anyMatch(key -> key != null && key.trim().equals(port.toString()));
        if (!known) {
            String where = config.configPath() == null ? "the config" : "config " + config.configPath();
            String declared = routes.isEmpty() ? "none" : routes.keySet().stream().collect(Collectors.joining(", "));
            throw new LaunchException("port " + port + " is not a route of " + where + " (routes: " + declared + ")");
        }
    }

    /**
     * Returns whether a public route accepts connections.
     *
     * @param port public port
     * @return whether something accepts TCP connections on 127.0.0.1:port within half a second
     */
    public static boolean isPublicRouteHealthy(int port) {
        return Probes.accepting(null, port);
    }

    /**
     * Returns whether the dashboard of a config accepts connections.
     *
     * @param config a config; its dashboard host (loopback when blank or a wildcard) and port are probed
     * @return whether the dashboard of that config accepts TCP connections within half a second
     */
    public static boolean isDashboardHealthy(Config config) {
        String port = config.dashboardPort() == null || config.dashboardPort().isBlank()
                ? Config.DEFAULT_DASHBOARD_PORT : config.dashboardPort().trim();
        if (!port.matches("[0-9]{1,5}")) {
            return false;
        }
        return Probes.accepting(Probes.probeHost(config.dashboardHost()), Integer.parseInt(port));
    }

    /**
     * Registers the default scheme for the running mesh.jar.
     *
     * @param jar absolute path of the running mesh.jar, {@code null} when not running from a jar
     * @return whether the scheme is now registered
     * @see #register(Path, LaunchProtocolOptions)
     */
    public static boolean register(Path jar) {
        return register(jar, LaunchProtocolOptions.DEFAULT);
    }

    /**
     * Makes the operating system open launch URLs with {@code JAVA -jar JAR --protocol-url -- URL},
     * for the current user only. Best effort: a failure is logged as one line and reported by the
     * result, never thrown. Linux: a desktop entry and a wrapper script, made the default handler
     * with {@code xdg-mime}. Windows: {@code HKCU\Software\Classes\KEY} imported with {@code reg}.
     * macOS: a wrapper script and a LaunchServices handler entry for the bundle id; a URL reaches
     * only an app bundle with that id, so this alone does not make links work. It may take a few
     * seconds (it runs {@code xdg-mime}, {@code reg} or {@code defaults}).
     *
     * @param jar     absolute path of the running mesh.jar, {@code null} when not running from a jar
     *                (then nothing is registered)
     * @param options names to register under
     * @return whether the scheme is now registered
     */
    public static boolean register(Path jar, LaunchProtocolOptions options) {
        return new Registrar(Host.current()).register(jar, options == null ? LaunchProtocolOptions.DEFAULT : options);
    }

    /** {@return the mesh.jar this class was loaded from, empty when not running from a jar file} */
    public static Optional<Path> currentJar() {
        try {
            CodeSource source = LaunchProtocol.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path path = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            boolean jar = Files.isRegularFile(path) && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar");
            return jar ? Optional.of(path) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }
}
