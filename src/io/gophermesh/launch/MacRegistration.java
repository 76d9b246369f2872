package io.gophermesh.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * macOS: a wrapper script {@code ~/Library/Application Support/NAME/name-open-url.command} and,
 * unless one exists, a LaunchServices handler entry {@code {LSHandlerURLScheme=SCHEME;
 * LSHandlerRoleAll=BUNDLE_ID;}}. LaunchServices hands URLs only to an application bundle, by its
 * bundle id and its {@code CFBundleURLTypes}; a jar or a script never receives them. Links work once
 * an app bundle with that id (for instance one made by jpackage) runs the wrapper with the URL.
 */
final class MacRegistration {
    static final String DOMAIN = "com.apple.LaunchServices/com.apple.launchservices.secure";

    private MacRegistration() {
    }

    static Path wrapperPath(Host host, LaunchProtocolOptions options) {
        return host.home().resolve("Library").resolve("Application Support").resolve(options.displayName())
                .resolve(options.displayName().toLowerCase(Locale.ROOT) + "-open-url.command");
    }

    static String defaults(Host host) {
        return host.which("defaults").map(Path::toString).orElse("/usr/bin/defaults");
    }

    static List<String> readCommand(Host host) {
        return List.of(defaults(host), "read", DOMAIN, "LSHandlers");
    }

    static List<String> writeCommand(Host host, LaunchProtocolOptions options) {
        String handler = "{LSHandlerURLScheme=" + options.scheme().toLowerCase(Locale.ROOT)
                + ";LSHandlerRoleAll=" + options.macOSBundleId() + ";}";
        return List.of(defaults(host), "write", DOMAIN, "LSHandlers", "-array-add", handler);
    }

    /** The property-list text of {@code defaults read}, compared without blanks, quotes and case. */
    static boolean handlerExists(String defaultsOutput, String scheme) {
        String compact = defaultsOutput.toLowerCase(Locale.ROOT).replaceAll("[\\s\"]", "");
        return Pattern.compile("lshandlerurlscheme=" + Pattern.quote(scheme.toLowerCase(Locale.ROOT)) + "(?=[;},)]|$)")
                .matcher(compact).find();
    }

    /** {@return what was done, for the log line} */
    static String register(Host host, Path jar, LaunchProtocolOptions options) throws IOException {
        Path wrapper = wrapperPath(host, options);
        Registrar.write(wrapper, Registrar.wrapperScript(host.javaCommand(), jar, false).getBytes(StandardCharsets.UTF_8), "rwxr-xr-x");
        CommandRunner.Result read = host.runner().run(readCommand(host), Registrar.COMMAND_TIMEOUT);
        // "defaults read" fails when the list does not exist yet: then there is no handler either.
        boolean exists = read.exitCode() == 0 && handlerExists(read.output(), options.scheme());
        if (!exists) {
            Registrar.run(host, writeCommand(host, options));
        }
        return "wrapper " + wrapper + ", LaunchServices handler " + options.macOSBundleId()
                + (exists ? " (already present)" : "")
                + "; links open only through an app bundle with that id that runs the wrapper";
    }
}
